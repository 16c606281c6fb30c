import type { AuditFinding } from './AuditFinding.js';
import type { BlindSpot } from './BlindSpot.js';

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
