import type { DenialSummary } from '../audit/DenialSummary.js';
import { TrustwatchError } from '../errors/TrustwatchError.js';

/**
 * Persistence behind noise control and idempotency (DynamoDB in production,
 * see {@link DynamoNoiseStore}). Times are epoch seconds. Every method is a
 * single conditional write (or a read), so concurrent Lambda invocations
 * working on the same fingerprint never double-alert.
 */

/** What a previous attempt at the same SQS record already did. */
export interface EventClaim {
  readonly status: 'new' | 'duplicate';
  /** `<alertKind>:<sink>` keys already delivered by an earlier attempt. */
  readonly delivered: ReadonlySet<string>;
  /** Decision recorded by an earlier attempt (`counted`, `suppressed`, `alerted`). */
  readonly decision?: string;
}

export interface WindowItem {
  readonly fingerprint: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly firstEventId: string;
  readonly repeats: number;
  /** The first diagnosis of the window, as JSON. */
  readonly sample: string;
  readonly summaryState?: 'sending' | 'sent';
  readonly summaryDelivered: ReadonlySet<string>;
}

export type OccurrenceResult =
  | { readonly kind: 'first'; readonly window: WindowItem }
  | { readonly kind: 'repeat'; readonly window: WindowItem }
  /** The previous window ended with repeats that were not summarised yet: summarise it first. */
  | { readonly kind: 'summary-pending'; readonly window: WindowItem };

export interface EnumerationState {
  readonly caller: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly roles: readonly string[];
  readonly alertedBy?: string;
}

/**
 * One diagnosed denial, as evidence for the trust-policy audit: recorded per
 * role and caller principal (counts add up, causes are unioned), read back by
 * the audit of the role's account as {@link DenialSummary} items.
 */
export interface DenialRecord {
  /** The role's account: what the audit of that account queries by. */
  readonly roleAccountId: string;
  readonly roleArn: string;
  /** Stable caller key (`callerPrincipal`: role ARN for sessions, never the session name). */
  readonly callerPrincipal: string;
  /** The caller's IAM principal ARN, when the event had one. */
  readonly callerArn?: string;
  /** `userIdentity.type` of the denied call. */
  readonly callerType: string;
  /** Cause codes of the diagnosis. */
  readonly causes: readonly string[];
}

export interface NoiseStore {
  /**
   * Claims an SQS record for processing. `duplicate` when an earlier attempt
   * completed it. Throws {@link BusyError} while another invocation holds a
   * live lease on it.
   */
  beginEvent(eventId: string, now: number, leaseSeconds: number): Promise<EventClaim>;
  recordDecision(eventId: string, decision: string): Promise<void>;
  markDelivered(eventId: string, key: string): Promise<void>;
  completeEvent(eventId: string): Promise<void>;
  /** Lets the next attempt take over at once (keeps the delivered set). */
  releaseEvent(eventId: string): Promise<void>;

  /** Counts one occurrence of a fingerprint, opening a new window when none is open. */
  occurrence(
    fingerprint: string,
    eventId: string,
    now: number,
    windowSeconds: number,
    sample: string,
  ): Promise<OccurrenceResult>;
  /** Windows that ended (at or before `now`) with repeats and no summary sent yet. */
  dueSummaries(now: number, limit: number): Promise<readonly WindowItem[]>;
  /** Takes the right to send a window's summary (a lease, so a crashed sender is taken over). */
  claimSummary(
    fingerprint: string,
    windowEnd: number,
    now: number,
    leaseSeconds: number,
  ): Promise<boolean>;
  markSummaryDelivered(fingerprint: string, windowEnd: number, sink: string): Promise<void>;
  completeSummary(fingerprint: string, windowEnd: number): Promise<void>;
  releaseSummary(fingerprint: string, windowEnd: number): Promise<void>;

  /** Adds a non-existent role tried by a caller to the caller's current enumeration window. */
  recordMissingRole(
    caller: string,
    role: string,
    now: number,
    windowSeconds: number,
  ): Promise<EnumerationState>;
  /** True when this event may send the enumeration alert of the window (first claimer, or a retry of it). */
  claimEnumerationAlert(
    caller: string,
    windowEnd: number,
    eventId: string,
    now: number,
  ): Promise<boolean>;

  /**
   * Counts one diagnosed denial of `roleArn` by a caller principal (one write,
   * no read): the count grows by one, the causes are unioned, the last-seen
   * time becomes `now` and the item expires `retentionSeconds` after it.
   */
  recordDenial(denial: DenialRecord, now: number, retentionSeconds: number): Promise<void>;
  /** Denial summaries of the roles of one account last seen at or after `sinceEpochSeconds`. */
  recentDenials(roleAccountId: string, sinceEpochSeconds: number): Promise<DenialSummary[]>;
}

/** Another invocation is processing the same record (or summary) right now; retry later. */
export class BusyError extends TrustwatchError {
  override readonly name: string = 'BusyError';
}
