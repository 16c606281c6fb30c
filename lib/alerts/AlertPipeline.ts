import type { PipelineConfig } from '../config/pipelineConfig.js';
import type { WindowItem } from '../dedup/DedupWindows.js';
import type { EventClaim } from '../dedup/EventLedger.js';
import { callerPrincipal, fingerprint, firstCause } from '../dedup/fingerprint.js';
import type { NoiseStores } from '../dedup/NoiseStores.js';
import { findSuppression } from '../dedup/suppressions.js';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import {
  BusyError,
  DeadlineError,
  DeliveryError,
  SinkDisabledError,
} from '../errors/TrustwatchError.js';
import type { Alert, AlertSink, RepeatNotice } from './Alert.js';
import { alertMessage } from './alertMessage.js';

export interface PipelineLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counters the pipeline emits (CloudWatch metrics through Powertools in the handler). */
export interface PipelineMetrics {
  count(name: PipelineMetricName, value?: number): void;
}

export type PipelineMetricName =
  | 'DuplicateDelivery'
  | 'Suppressed'
  | 'RepeatCounted'
  | 'EnumerationHeldBack'
  | 'AlertSent'
  | 'SummarySent'
  | 'SecurityAlertSent'
  | 'SinkFailure'
  | 'SinkDisabled'
  | 'DeadlineReached'
  | 'LedgerCompleteFailed'
  | 'DenialRecordFailed';

export type PipelineOutcome = 'duplicate' | 'suppressed' | 'counted' | 'alerted';

export type NoiseSettings = Pick<
  PipelineConfig,
  | 'dedupWindowSeconds'
  | 'enumerationThreshold'
  | 'enumerationWindowSeconds'
  | 'suppressions'
  | 'denialRetentionDays'
>;

export interface AlertPipelineDeps {
  readonly stores: NoiseStores;
  readonly sinks: readonly AlertSink[];
  readonly settings: NoiseSettings;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  readonly log: PipelineLogger;
  readonly metrics: PipelineMetrics;
}

/** Lease on an event or a summary while it is being delivered; shorter than the SQS visibility timeout. */
const LEASE_SECONDS = 120;
/**
 * Time an event needs from its claim to its completion (IAM reads, three
 * sinks, ledger writes): an event is not started with less left.
 */
export const START_RESERVE_MS = 15_000;
/**
 * Time one sink needs to deliver and the ledger to record it (Slack's
 * per-request timeout is 5 s): no delivery is started with less left, so the
 * Lambda timeout cannot fall between a sink accepting an alert and the
 * ledger recording it.
 */
export const DELIVERY_RESERVE_MS = 8_000;

/** Milliseconds left in the invocation (`context.getRemainingTimeInMillis`). */
export type RemainingTime = () => number;
/** Largest diagnosis kept on a dedup window item (DynamoDB items are at most 400 KB). */
const SAMPLE_LIMIT_BYTES = 200 * 1024;

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/**
 * Noise control and delivery, between the explainer and the sinks.
 *
 * Design (why a burst of 500 identical denials gives exactly one alert and one
 * summary): a *window* opens at the first occurrence of a fingerprint (caller
 * principal + role + first cause) and lasts `dedupWindowSeconds`. The first
 * occurrence alerts at once. Later ones inside the window only increment a
 * counter (one conditional `UpdateItem ADD`) and mark the window as having a
 * summary due (sparse index). When the window has ended, its summary is sent
 * exactly once by whichever comes first: the scheduled flush
 * ({@link flushSummaries}, every few minutes) or the next occurrence of the
 * same fingerprint (which must summarise the old window before opening a new
 * one). Both take a lease on the window with a conditional write, so they
 * cannot both send it; a sender that crashes loses its lease and the next one
 * takes over. The flush is what makes a burst followed by silence still get
 * its summary; relying on "the next occurrence" alone could hold it forever.
 *
 * Idempotency: SQS delivers at least once. Each CloudTrail event id is
 * claimed with a lease before any IAM read; a completed id is skipped; the
 * sinks an attempt already delivered to are recorded, so a retry after a
 * Slack failure does not publish to SNS twice; the decision (`counted`,
 * `suppressed`) is recorded so a retry does not count twice.
 *
 * Audit evidence: every diagnosed denial is counted once in a summary per
 * role and caller principal (`recordDenial`), which the scheduled audit of the
 * role's account reads (a role requiring MFA that machines keep failing to
 * assume). It is counted at the event's decision, suppressed and repeated
 * events included, and only when no earlier attempt recorded a decision, so
 * neither a redelivery nor a retry after a failed sink counts it twice. It
 * is evidence, not the alert: a failure to record it is logged and counted,
 * never allowed to fail the event.
 *
 * Role enumeration: a `ROLE_NOT_FOUND` adds the role to a per-caller string
 * set; once one caller has tried `enumerationThreshold` distinct missing roles
 * within `enumerationWindowSeconds`, one `security` alert replaces the
 * individual alerts, and the caller's further `ROLE_NOT_FOUND`s in that
 * window are held back.
 */
export class AlertPipeline {
  constructor(private readonly deps: AlertPipelineDeps) {}

  private now(): number {
    return Math.floor(this.deps.clock() / 1000);
  }

  /**
   * Processes one denial: claim → explain → decide → deliver → complete. On
   * any failure the claim is released and the error propagates (the SQS
   * record then fails and is retried, ending in the DLQ if it keeps failing).
   * With `remaining`, an event is not started without {@link START_RESERVE_MS}
   * left and no sink is called without {@link DELIVERY_RESERVE_MS} left
   * ({@link DeadlineError}: SQS hands it back, the ledger knows what was
   * delivered). A failure to mark the event complete after everything was
   * delivered and decided is logged, not thrown: the alert is out, and the
   * ledger's decision and delivered set already make a redelivery send
   * nothing twice.
   */
  async process(
    eventId: string,
    explain: () => Promise<Diagnosis>,
    remaining?: RemainingTime,
  ): Promise<PipelineOutcome> {
    const { stores } = this.deps;
    if (remaining !== undefined && remaining() < START_RESERVE_MS) {
      this.deps.metrics.count('DeadlineReached');
      throw new DeadlineError(
        `event \`${eventId}\` not started: ${remaining()} ms left in the invocation`,
        { context: { eventId } },
      );
    }
    const claim = await stores.ledger.beginEvent(eventId, this.now(), LEASE_SECONDS);
    if (claim.status === 'duplicate') {
      this.deps.metrics.count('DuplicateDelivery');
      this.deps.log.info('event already processed, skipped', { eventId });
      return 'duplicate';
    }
    let outcome: PipelineOutcome;
    try {
      outcome = await this.decideAndDeliver(eventId, claim, await explain(), remaining);
    } catch (err) {
      await stores.ledger.releaseEvent(eventId).catch((releaseErr: unknown) => {
        this.deps.log.warn('could not release event lease', { eventId, error: String(releaseErr) });
      });
      throw err;
    }
    try {
      await stores.ledger.completeEvent(eventId);
    } catch (err) {
      this.deps.metrics.count('LedgerCompleteFailed');
      this.deps.log.warn('event delivered and decided, but not marked complete', {
        eventId,
        error: (err as Error).message,
      });
    }
    return outcome;
  }

  private async decideAndDeliver(
    eventId: string,
    claim: EventClaim,
    d: Diagnosis,
    remaining: RemainingTime | undefined,
  ): Promise<PipelineOutcome> {
    const { stores, settings, log, metrics } = this.deps;
    if (claim.decision === 'counted' || claim.decision === 'suppressed') return claim.decision;

    const rule = findSuppression(settings.suppressions, d);
    if (rule !== undefined) {
      await this.recordEvidence(eventId, claim, d);
      await stores.ledger.recordDecision(eventId, 'suppressed');
      metrics.count('Suppressed');
      log.info('denial suppressed by configuration', {
        eventId,
        reason: rule.reason,
        cause: firstCause(d),
      });
      return 'suppressed';
    }

    const alerts: Alert[] = [];
    if (firstCause(d) === 'ROLE_NOT_FOUND') {
      const caller = callerPrincipal(d);
      const role = d.target.roleArn ?? d.target.accountId ?? 'unknown';
      const state = await stores.enumeration.recordMissingRole(
        caller,
        role,
        this.now(),
        settings.enumerationWindowSeconds,
      );
      if (state.roles.length >= settings.enumerationThreshold) {
        if (
          await stores.enumeration.claimEnumerationAlert(
            caller,
            state.windowEnd,
            eventId,
            this.now(),
          )
        ) {
          alerts.push({
            kind: 'security',
            finding: 'ROLE_ENUMERATION',
            callerPrincipal: caller,
            ...(d.caller.accountId !== undefined ? { callerAccount: d.caller.accountId } : {}),
            rolesTried: state.roles,
            windowStart: iso(state.windowStart),
            windowEnd: iso(state.windowEnd),
            diagnosis: d,
          });
        } else {
          await stores.ledger.recordDecision(eventId, 'counted');
          metrics.count('EnumerationHeldBack');
          return 'counted';
        }
      }
    }

    if (alerts.length === 0) {
      const fp = fingerprint(d);
      // The sample becomes the summary's content; bounded so the item stays under 400 KB.
      const sample = alertMessage({ kind: 'diagnosis', diagnosis: d }, SAMPLE_LIMIT_BYTES).body;
      let occurrence = await stores.windows.occurrence(
        fp,
        eventId,
        this.now(),
        settings.dedupWindowSeconds,
        sample,
      );
      for (let i = 0; occurrence.kind === 'summary-pending'; i++) {
        if (i >= 3) {
          throw new BusyError(`summary of window \`${fp}\` is being sent by another invocation`, {
            context: { fingerprint: fp },
          });
        }
        await this.sendSummary(occurrence.window, remaining);
        occurrence = await stores.windows.occurrence(
          fp,
          eventId,
          this.now(),
          settings.dedupWindowSeconds,
          sample,
        );
      }
      if (occurrence.kind === 'repeat') {
        await this.notifyRepeat(
          {
            diagnosis: d,
            fingerprint: fp,
            windowEnd: iso(occurrence.window.windowEnd),
          },
          remaining,
        );
        await this.recordEvidence(eventId, claim, d);
        await stores.ledger.recordDecision(eventId, 'counted');
        metrics.count('RepeatCounted');
        return 'counted';
      }
      alerts.push({ kind: 'diagnosis', diagnosis: d });
    }

    await this.deliverAll(alerts, claim.delivered, remaining, (key) =>
      stores.ledger.markDelivered(eventId, key),
    );
    await this.recordEvidence(eventId, claim, d);
    await stores.ledger.recordDecision(eventId, 'alerted');
    for (const a of alerts)
      metrics.count(a.kind === 'security' ? 'SecurityAlertSent' : 'AlertSent');
    return 'alerted';
  }

  /**
   * Records the denial as audit evidence, once per event: called right before
   * the event's decision is recorded, and skipped when an earlier attempt
   * recorded one. A `ROLE_NOT_FOUND` is not recorded: there is no role to
   * audit, and a caller guessing names would add one item per guess. Never
   * throws: the alert matters more than the evidence.
   */
  private async recordEvidence(eventId: string, claim: EventClaim, d: Diagnosis): Promise<void> {
    if (claim.decision !== undefined) return;
    const roleAccountId = d.target.accountId;
    const roleArn = d.target.roleArn;
    if (roleAccountId === undefined || roleArn === undefined) return;
    if (firstCause(d) === 'ROLE_NOT_FOUND') return;
    const caller = callerPrincipal(d);
    try {
      await this.deps.stores.evidence.recordDenial(
        {
          roleAccountId,
          roleArn,
          callerPrincipal: caller,
          ...(caller.startsWith('arn:') ? { callerArn: caller } : {}),
          callerType: d.caller.type,
          causes: [...new Set(d.causes.map((c) => c.code))],
        },
        this.now(),
        this.deps.settings.denialRetentionDays * 86_400,
      );
    } catch (err) {
      this.deps.metrics.count('DenialRecordFailed');
      this.deps.log.warn('could not record the denial for the audit; the alert goes on', {
        eventId,
        roleArn,
        error: (err as Error).message,
      });
    }
  }

  /**
   * Delivers to every sink not yet delivered; one failing sink does not stop
   * the others. Throws a {@link DeliveryError} naming the failed sinks, so the
   * retry re-sends only those. A sink that is disabled until an operator acts
   * ({@link SinkDisabledError}) is counted (`SinkDisabled`, the alarm) and
   * skipped, unless no sink at all has delivered the alert: then it fails
   * too, and the event ends in the DLQ rather than nowhere.
   */
  private async deliverAll(
    alerts: readonly Alert[],
    delivered: ReadonlySet<string>,
    remaining: RemainingTime | undefined,
    mark: (key: string) => Promise<void>,
  ): Promise<void> {
    const failures: string[] = [];
    for (const alert of alerts) {
      const disabled: string[] = [];
      let deliveredOnce = this.deps.sinks.some((s) => delivered.has(`${alert.kind}:${s.name}`));
      for (const sink of this.deps.sinks) {
        const key = `${alert.kind}:${sink.name}`;
        if (delivered.has(key)) continue;
        if (remaining !== undefined && remaining() < DELIVERY_RESERVE_MS) {
          this.deps.metrics.count('DeadlineReached');
          throw new DeadlineError(
            `${remaining()} ms left: ${sink.name} not called; the retry delivers it`,
            { context: { sink: sink.name } },
          );
        }
        try {
          await sink.deliver(alert, key);
        } catch (err) {
          if (err instanceof SinkDisabledError) {
            disabled.push(`${sink.name}: ${err.message}`);
            this.deps.metrics.count('SinkDisabled');
            this.deps.log.error('sink disabled until an operator acts; alert not sent there', {
              sink: sink.name,
              alert: alert.kind,
              error: err.message,
            });
            continue;
          }
          failures.push(`${sink.name}: ${(err as Error).message}`);
          this.deps.metrics.count('SinkFailure');
          this.deps.log.error('sink delivery failed', {
            sink: sink.name,
            alert: alert.kind,
            error: (err as Error).message,
          });
          continue;
        }
        await mark(key);
        deliveredOnce = true;
      }
      if (!deliveredOnce && failures.length === 0 && disabled.length > 0)
        failures.push(...disabled);
    }
    if (failures.length > 0) {
      throw new DeliveryError(
        `alert delivery failed for ${failures.length} sink(s): ${failures.join('; ')}`,
        {
          context: { sinks: failures.length },
        },
      );
    }
  }

  /**
   * Tells the sinks that keep threads of a repeat; never throws (the count is
   * what matters). Best effort within the same limits as deliveries: no sink
   * is called with less than {@link DELIVERY_RESERVE_MS} left (the thread
   * misses one reply rather than the invocation timing out), and a sink whose
   * circuit is open ({@link SinkDisabledError}) is counted as `SinkDisabled`.
   */
  private async notifyRepeat(notice: RepeatNotice, remaining?: RemainingTime): Promise<void> {
    for (const sink of this.deps.sinks) {
      if (sink.repeated === undefined) continue;
      if (remaining !== undefined && remaining() < DELIVERY_RESERVE_MS) {
        this.deps.metrics.count('DeadlineReached');
        this.deps.log.warn('repeat not shown in the slack thread: invocation nearly over', {
          sink: sink.name,
        });
        return;
      }
      await sink.repeated(notice).catch((err: unknown) => {
        const disabled = err instanceof SinkDisabledError;
        this.deps.metrics.count(disabled ? 'SinkDisabled' : 'SinkFailure');
        this.deps.log.warn('repeat not shown in the slack thread', {
          sink: sink.name,
          error: (err as Error).message,
        });
      });
    }
  }

  /** Sends one window's summary if this caller wins the lease; returns whether it sent it. */
  private async sendSummary(window: WindowItem, remaining?: RemainingTime): Promise<boolean> {
    const { stores } = this.deps;
    if (
      !(await stores.windows.claimSummary(
        window.fingerprint,
        window.windowEnd,
        this.now(),
        LEASE_SECONDS,
      ))
    ) {
      return false;
    }
    const alert: Alert = {
      kind: 'summary',
      diagnosis: JSON.parse(window.sample) as Diagnosis,
      repeats: window.repeats,
      windowStart: iso(window.windowStart),
      windowEnd: iso(window.windowEnd),
      fingerprint: window.fingerprint,
    };
    try {
      await this.deliverAll(
        [alert],
        new Set([...window.summaryDelivered].map((s) => `summary:${s}`)),
        remaining,
        (key) =>
          stores.windows.markSummaryDelivered(
            window.fingerprint,
            window.windowEnd,
            key.slice('summary:'.length),
          ),
      );
    } catch (err) {
      await stores.windows.releaseSummary(window.fingerprint, window.windowEnd);
      throw err;
    }
    await stores.windows.completeSummary(window.fingerprint, window.windowEnd);
    this.deps.metrics.count('SummarySent');
    return true;
  }

  /**
   * Sends the summaries of every window that has ended with repeats (the
   * scheduled flush). Returns how many were sent; throws after trying all of
   * them when any failed, so the failure is visible (the next run retries).
   */
  async flushSummaries(limit = 100, remaining?: RemainingTime): Promise<number> {
    const due = await this.deps.stores.windows.dueSummaries(this.now(), limit);
    let sent = 0;
    const errors: string[] = [];
    for (const window of due) {
      try {
        if (await this.sendSummary(window, remaining)) sent++;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length > 0) {
      throw new DeliveryError(
        `${errors.length} summary(ies) could not be delivered: ${errors[0]}`,
        {
          context: { failed: errors.length },
        },
      );
    }
    return sent;
  }
}
