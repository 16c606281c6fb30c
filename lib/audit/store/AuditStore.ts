import type { AuditFinding } from '../AuditFinding.js';
import type { BlindSpot } from '../blindspots/evaluateBlindSpots.js';

/** A finding as kept between runs: everything but the fix (re-derived on demand). */
export type StoredFinding = Omit<AuditFinding, 'fix' | 'noFixReason'> & {
  /** Title of the fix, for the digest. */
  readonly fixTitle?: string;
};

export function toStoredFinding(f: AuditFinding): StoredFinding {
  const { fix, noFixReason: _n, ...rest } = f;
  return fix === undefined ? rest : { ...rest, fixTitle: fix.title };
}

/** One account's result in one run. */
export interface AccountResult {
  readonly runId: string;
  readonly accountId: string;
  readonly auditedAt: string;
  readonly rolesAudited: number;
  readonly findings: readonly StoredFinding[];
  readonly suppressedCount: number;
  /** The account could not be audited at all. */
  readonly error?: string;
  readonly blindSpots: readonly BlindSpot[];
  readonly warnings: readonly string[];
}

export interface AuditRun {
  /** Sortable: starts with the ISO start time. */
  readonly runId: string;
  readonly startedAt: string;
  readonly total: number;
  /** Accounts not recorded yet; 0 means complete. */
  readonly remaining: number;
  readonly digestSentAt?: string;
  /**
   * What of the digest has been delivered in an attempt that failed
   * elsewhere: sink names (`sns`, `slack`) and routed parts (`routes:<destination>`).
   * A retry skips them, so it re-sends only what failed.
   */
  readonly digestDelivered?: readonly string[];
}

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
