import type { AccountResult, AuditRun, StoredFinding } from './AuditRun.js';
import type { BlindSpot } from './BlindSpot.js';
import { SEVERITIES, SEVERITY_RANK, type Severity } from './findingCodes.js';

/** What one run changed compared with the previous complete run. */
export interface AuditDigest {
  readonly runId: string;
  readonly previousRunId?: string;
  readonly startedAt: string;
  readonly accountsAudited: number;
  readonly accountsFailed: readonly { readonly accountId: string; readonly error: string }[];
  readonly rolesAudited: number;
  /** Findings not open in the previous run (everything, on a first run). */
  readonly new: readonly StoredFinding[];
  /** Open before, gone now (only for accounts audited in both runs). */
  readonly resolved: readonly StoredFinding[];
  /** Open in both runs. */
  readonly stillOpen: readonly StoredFinding[];
  readonly openBySeverity: Readonly<Record<Severity, number>>;
  readonly blindSpots: readonly BlindSpot[];
  readonly suppressed: number;
}

function sorted(list: StoredFinding[]): StoredFinding[] {
  return list.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.roleArn.localeCompare(b.roleArn) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}

/**
 * Compares a run's results with the previous complete run's, by finding
 * fingerprint (pure). An account that failed in either run yields neither
 * "resolved" nor "new" for what it had: nothing is claimed about it.
 */
export function buildDigest(
  run: AuditRun,
  current: readonly AccountResult[],
  previous: { readonly run: AuditRun; readonly results: readonly AccountResult[] } | null,
): AuditDigest {
  const prevByAccount = new Map((previous?.results ?? []).map((r) => [r.accountId, r]));
  const added: StoredFinding[] = [];
  const resolved: StoredFinding[] = [];
  const stillOpen: StoredFinding[] = [];
  const openBySeverity: Record<Severity, number> = Object.fromEntries(
    SEVERITIES.map((s) => [s, 0]),
  ) as Record<Severity, number>;
  const failed: { accountId: string; error: string }[] = [];
  let roles = 0;
  let suppressed = 0;
  for (const r of [...current].sort((a, b) => a.accountId.localeCompare(b.accountId))) {
    if (r.error !== undefined) {
      failed.push({ accountId: r.accountId, error: r.error });
      continue;
    }
    roles += r.rolesAudited;
    suppressed += r.suppressedCount;
    for (const f of r.findings) openBySeverity[f.severity]++;
    const prev = prevByAccount.get(r.accountId);
    if (previous !== null && prev !== undefined && prev.error !== undefined) {
      // Not audited last time: what is open now is still reported as open, not as new.
      stillOpen.push(...r.findings);
      continue;
    }
    const before = new Map((prev?.findings ?? []).map((f) => [f.fingerprint, f]));
    const now = new Set(r.findings.map((f) => f.fingerprint));
    for (const f of r.findings) (before.has(f.fingerprint) ? stillOpen : added).push(f);
    for (const [fp, f] of before) if (!now.has(fp)) resolved.push(f);
  }
  return {
    runId: run.runId,
    ...(previous === null ? {} : { previousRunId: previous.run.runId }),
    startedAt: run.startedAt,
    accountsAudited: current.length - failed.length,
    accountsFailed: failed,
    rolesAudited: roles,
    new: sorted(added),
    resolved: sorted(resolved),
    stillOpen: sorted(stillOpen),
    openBySeverity,
    blindSpots: current
      .flatMap((r) => r.blindSpots)
      .sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region)),
    suppressed,
  };
}
