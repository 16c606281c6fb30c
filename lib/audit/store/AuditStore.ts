import type { AccountResult, AuditRun } from '../../findings/AuditRun.js';

/** Where the fan-out keeps its runs and results. */
export interface AuditStore {
  /** Creates the run record before any message is sent. */
  startRun(runId: string, startedAt: string, accountIds: readonly string[]): Promise<void>;
  /**
   * Records an account once (a redelivered message does not count twice) and
   * returns the accounts still to go after it.
   */
  recordAccount(
    result: AccountResult,
  ): Promise<{ readonly recorded: boolean; readonly remaining: number }>;
  getRun(runId: string): Promise<AuditRun | null>;
  accountResults(runId: string): Promise<AccountResult[]>;
  /** The latest complete run started before `runId`. */
  previousCompleteRun(runId: string): Promise<AuditRun | null>;
  /** The latest run started before `runId`, complete or not. */
  latestRunBefore(runId: string): Promise<AuditRun | null>;
  /** Takes the digest of a run (one sender at a time; a claim older than `leaseMs` can be taken over). */
  claimDigest(runId: string, nowIso: string, leaseMs: number): Promise<boolean>;
  releaseDigest(runId: string): Promise<void>;
  markDigestSent(runId: string, nowIso: string): Promise<void>;
  /** Records one delivered part of the run's digest (idempotent); see {@link AuditRun.digestDelivered}. */
  markDigestDelivered(runId: string, key: string): Promise<void>;
}
