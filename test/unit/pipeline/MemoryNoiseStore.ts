import type { DenialSummary } from '../../../lib/audit/DenialSummary.js';
import type {
  DedupWindows,
  OccurrenceResult,
  WindowItem,
} from '../../../lib/dedup/DedupWindows.js';
import type { DenialEvidence, DenialRecord } from '../../../lib/dedup/DenialEvidence.js';
import type {
  EnumerationState,
  EnumerationWindows,
} from '../../../lib/dedup/EnumerationWindows.js';
import type { EventClaim, EventDecision, EventLedger } from '../../../lib/dedup/EventLedger.js';
import type { NoiseStores } from '../../../lib/dedup/NoiseStores.js';
import { BusyError } from '../../../lib/errors/TrustwatchError.js';

interface EventItem {
  status: 'in_progress' | 'completed';
  leaseUntil: number;
  delivered: Set<string>;
  decision?: EventDecision;
}

interface Win {
  windowStart: number;
  windowEnd: number;
  firstEventId: string;
  repeats: number;
  sample: string;
  summaryState?: 'sending' | 'sent';
  summaryLease?: number;
  summaryDelivered: Set<string>;
}

/**
 * In-memory noise stores (ledger, windows, enumeration, evidence) with the same conditional semantics as
 * DynamoNoiseStore (single-threaded, so every write is atomic), for unit tests
 * of the pipeline's decisions. The DynamoDB store itself runs against moto in
 * test/integration/pipeline.
 */
export class MemoryNoiseStore
  implements EventLedger, DedupWindows, EnumerationWindows, DenialEvidence
{
  /** This one object as the pipeline's four stores (each job sees only its own port). */
  get stores(): NoiseStores {
    return { ledger: this, windows: this, enumeration: this, evidence: this };
  }

  readonly events = new Map<string, EventItem>();
  readonly windows = new Map<string, Win>();
  readonly enumerations = new Map<
    string,
    { windowStart: number; windowEnd: number; roles: Set<string>; alertedBy?: string }
  >();
  /** Denial summaries by `den#<roleArn>#<caller principal>`, as DynamoDenialEvidence keys them. */
  readonly denials = new Map<
    string,
    DenialRecord & { count: number; causeSet: Set<string>; lastSeenAt: number; expiresAt: number }
  >();
  /** When set, `recordDenial` throws it (a DynamoDB outage). */
  failRecordDenial: Error | undefined;
  /** Ledger faults to inject: each named method throws the error this many times. */
  readonly ledgerFaults = new Map<
    'beginEvent' | 'recordDecision' | 'markDelivered' | 'completeEvent',
    { error: Error; times: number }
  >();

  private fault(method: 'beginEvent' | 'recordDecision' | 'markDelivered' | 'completeEvent'): void {
    const f = this.ledgerFaults.get(method);
    if (f === undefined || f.times <= 0) return;
    f.times--;
    throw f.error;
  }

  async beginEvent(eventId: string, now: number, leaseSeconds: number): Promise<EventClaim> {
    this.fault('beginEvent');
    const e = this.events.get(eventId);
    if (e === undefined || (e.status === 'in_progress' && e.leaseUntil < now)) {
      const item: EventItem = {
        status: 'in_progress',
        leaseUntil: now + leaseSeconds,
        delivered: e?.delivered ?? new Set(),
      };
      if (e?.decision !== undefined) item.decision = e.decision;
      this.events.set(eventId, item);
      return {
        status: 'new',
        delivered: new Set(item.delivered),
        ...(item.decision ? { decision: item.decision } : {}),
      };
    }
    if (e.status === 'completed') return { status: 'duplicate', delivered: new Set(e.delivered) };
    throw new BusyError(`event \`${eventId}\` is being processed by another invocation`);
  }
  async recordDecision(eventId: string, decision: EventDecision): Promise<void> {
    this.fault('recordDecision');
    const e = this.events.get(eventId);
    if (e) e.decision = decision;
  }
  async markDelivered(eventId: string, key: string): Promise<void> {
    this.fault('markDelivered');
    this.events.get(eventId)?.delivered.add(key);
  }
  async completeEvent(eventId: string): Promise<void> {
    this.fault('completeEvent');
    const e = this.events.get(eventId);
    if (e) e.status = 'completed';
  }
  async releaseEvent(eventId: string): Promise<void> {
    const e = this.events.get(eventId);
    if (e) e.leaseUntil = 0;
  }

  private view(fp: string, w: Win): WindowItem {
    return {
      fingerprint: fp,
      windowStart: w.windowStart,
      windowEnd: w.windowEnd,
      firstEventId: w.firstEventId,
      repeats: w.repeats,
      sample: w.sample,
      ...(w.summaryState ? { summaryState: w.summaryState } : {}),
      summaryDelivered: new Set(w.summaryDelivered),
    };
  }

  async occurrence(
    fp: string,
    eventId: string,
    now: number,
    windowSeconds: number,
    sample: string,
  ): Promise<OccurrenceResult> {
    const w = this.windows.get(fp);
    if (w === undefined || (w.windowEnd <= now && (w.repeats === 0 || w.summaryState === 'sent'))) {
      const fresh: Win = {
        windowStart: now,
        windowEnd: now + windowSeconds,
        firstEventId: eventId,
        repeats: 0,
        sample,
        summaryDelivered: new Set(),
      };
      this.windows.set(fp, fresh);
      return { kind: 'first', window: this.view(fp, fresh) };
    }
    if (w.windowEnd <= now) return { kind: 'summary-pending', window: this.view(fp, w) };
    if (w.firstEventId === eventId) return { kind: 'first', window: this.view(fp, w) };
    w.repeats++;
    return { kind: 'repeat', window: this.view(fp, w) };
  }
  async dueSummaries(now: number, limit: number): Promise<readonly WindowItem[]> {
    return [...this.windows]
      .filter(([, w]) => w.repeats > 0 && w.windowEnd <= now && w.summaryState !== 'sent')
      .slice(0, limit)
      .map(([fp, w]) => this.view(fp, w));
  }
  async claimSummary(
    fp: string,
    windowEnd: number,
    now: number,
    leaseSeconds: number,
  ): Promise<boolean> {
    const w = this.windows.get(fp);
    if (!w || w.windowEnd !== windowEnd || w.repeats === 0) return false;
    if (w.summaryState === 'sent') return false;
    if (w.summaryState === 'sending' && (w.summaryLease ?? 0) >= now) return false;
    w.summaryState = 'sending';
    w.summaryLease = now + leaseSeconds;
    return true;
  }
  async markSummaryDelivered(fp: string, _end: number, sink: string): Promise<void> {
    this.windows.get(fp)?.summaryDelivered.add(sink);
  }
  async completeSummary(fp: string): Promise<void> {
    const w = this.windows.get(fp);
    if (w) w.summaryState = 'sent';
  }
  async releaseSummary(fp: string): Promise<void> {
    const w = this.windows.get(fp);
    if (w?.summaryState === 'sending') {
      delete w.summaryState;
      delete w.summaryLease;
    }
  }
  async recordMissingRole(
    caller: string,
    role: string,
    now: number,
    windowSeconds: number,
  ): Promise<EnumerationState> {
    let e = this.enumerations.get(caller);
    if (e === undefined || e.windowEnd <= now) {
      e = { windowStart: now, windowEnd: now + windowSeconds, roles: new Set() };
      this.enumerations.set(caller, e);
    }
    e.roles.add(role);
    return {
      caller,
      windowStart: e.windowStart,
      windowEnd: e.windowEnd,
      roles: [...e.roles].sort(),
      ...(e.alertedBy ? { alertedBy: e.alertedBy } : {}),
    };
  }
  async claimEnumerationAlert(
    caller: string,
    windowEnd: number,
    eventId: string,
  ): Promise<boolean> {
    const e = this.enumerations.get(caller);
    if (!e || e.windowEnd !== windowEnd) return false;
    if (e.alertedBy !== undefined && e.alertedBy !== eventId) return false;
    e.alertedBy = eventId;
    return true;
  }
  async recordDenial(denial: DenialRecord, now: number, retentionSeconds: number): Promise<void> {
    if (this.failRecordDenial !== undefined) throw this.failRecordDenial;
    const key = `den#${denial.roleArn}#${denial.callerPrincipal}`;
    const old = this.denials.get(key);
    this.denials.set(key, {
      ...denial,
      count: (old?.count ?? 0) + 1,
      causeSet: new Set([...(old?.causeSet ?? []), ...denial.causes]),
      lastSeenAt: now,
      expiresAt: now + retentionSeconds,
      ...(denial.callerArn === undefined && old?.callerArn !== undefined
        ? { callerArn: old.callerArn }
        : {}),
    });
  }
  async recentDenials(roleAccountId: string, since: number): Promise<DenialSummary[]> {
    return [...this.denials.values()]
      .filter((d) => d.roleAccountId === roleAccountId && d.lastSeenAt >= since)
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
      .map((d) => ({
        roleArn: d.roleArn,
        ...(d.callerArn === undefined ? {} : { callerArn: d.callerArn }),
        callerType: d.callerType,
        causes: [...d.causeSet].sort(),
        count: d.count,
        lastSeen: new Date(d.lastSeenAt * 1000).toISOString(),
      }));
  }
}
