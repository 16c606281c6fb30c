/**
 * Dedup windows: the first occurrence of a fingerprint alerts, repeats inside
 * the window are counted, and the window's summary is sent once after it
 * ends (lib/alerts/AlertPipeline.ts explains the protocol). Times are epoch
 * seconds.
 */
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

export interface DedupWindows {
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
}
