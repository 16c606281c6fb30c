import type { IamStateSource } from '../../state/IamStateSource.js';
import type { AuditOrganization } from '../AuditRule.js';
import { auditAccount } from '../auditAccount.js';
import { readAuditOrganization } from '../auditOrganization.js';
import type { AuditSuppression } from '../auditSuppressions.js';
import type { BlindSpotReader } from '../blindspots/BlindSpotReader.js';
import { checkBlindSpots } from '../blindspots/checkBlindSpots.js';
import { type AccountResult, toStoredFinding } from '../store/AuditStore.js';

export interface AccountAuditorDeps {
  readonly source: IamStateSource;
  readonly blindSpots: BlindSpotReader;
  readonly suppressions: readonly AuditSuppression[];
  readonly unusedDays: number;
  readonly regions: readonly string[];
  readonly forwardRuleName: string;
  readonly now: () => Date;
}

/**
 * Audits one account for the fan-out worker: its roles (with details read
 * where ListRoles lacks them) and its blind spots. The organization is read
 * once per auditor (cold start) and reused; an unreadable organization makes
 * every other account count as foreign, which the result's warnings say.
 */
export function createAccountAuditor(
  deps: AccountAuditorDeps,
): (runId: string, accountId: string) => Promise<AccountResult> {
  let org: Promise<{ organization: AuditOrganization | null; warnings: string[] }> | undefined;
  const organization = () => {
    org ??= (async () => {
      const warnings: string[] = [];
      const organization = await readAuditOrganization(deps.source, warnings);
      if (warnings.length > 0) org = undefined; // retry on the next message
      return { organization, warnings };
    })();
    return org;
  };
  return async (runId, accountId) => {
    const now = deps.now();
    const o = await organization();
    const audit = await auditAccount(deps.source, accountId, {
      now,
      organization: o.organization,
      suppressions: deps.suppressions,
      unusedDays: deps.unusedDays,
      fetchDetails: true,
      fixes: true,
    });
    const blindSpots =
      audit.error === undefined
        ? await checkBlindSpots(deps.blindSpots, accountId, deps.regions, deps.forwardRuleName)
        : [];
    return {
      runId,
      accountId,
      auditedAt: now.toISOString(),
      rolesAudited: audit.rolesAudited,
      findings: audit.findings.map(toStoredFinding),
      suppressedCount: audit.suppressed.length,
      ...(audit.error === undefined ? {} : { error: audit.error }),
      blindSpots,
      warnings: [...o.warnings, ...audit.warnings],
    };
  };
}
