/**
 * The event ledger: what happened to each CloudTrail event (SQS delivers at
 * least once), so a redelivery is skipped and a retry re-does only what
 * failed. Times are epoch seconds; every method is one conditional write (or
 * a read).
 */

/** What noise control decided for an event (recorded so a retry does not decide twice). */
export const EVENT_DECISIONS = ['counted', 'suppressed', 'alerted'] as const;
export type EventDecision = (typeof EVENT_DECISIONS)[number];

/** What a previous attempt at the same SQS record already did. */
export interface EventClaim {
  readonly status: 'new' | 'duplicate';
  /** `<alertKind>:<sink>` keys already delivered by an earlier attempt. */
  readonly delivered: ReadonlySet<string>;
  /** Decision recorded by an earlier attempt. */
  readonly decision?: EventDecision;
}

export interface EventLedger {
  /**
   * Claims an event for processing. `duplicate` when an earlier attempt
   * completed it. Throws `BusyError` while another invocation holds a live
   * lease on it.
   */
  beginEvent(eventId: string, now: number, leaseSeconds: number): Promise<EventClaim>;
  recordDecision(eventId: string, decision: EventDecision): Promise<void>;
  /** Records that `<alertKind>:<sink>` was delivered, right after the sink accepted it. */
  markDelivered(eventId: string, key: string): Promise<void>;
  completeEvent(eventId: string): Promise<void>;
  /** Lets the next attempt take over at once (keeps the delivered set and the decision). */
  releaseEvent(eventId: string): Promise<void>;
}
