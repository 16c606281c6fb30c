import type { IamStateSource } from '../../state/IamStateSource.js';
import type { AuditOrganization } from '../AuditRule.js';
import { auditAccount } from '../auditAccount.js';
import { readAuditOrganization } from '../auditOrganization.js';
import type { AuditSuppression } from '../auditSuppressions.js';
import type { BlindSpotReader } from '../blindspots/BlindSpotReader.js';
import { checkBlindSpots } from '../blindspots/checkBlindSpots.js';
import { type AccountResult, toStoredFinding } from '../store/AuditStore.js';

const ORGANIZATION_TTL_MS = 15 * 60_000;

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
  // Kept 15 minutes: long enough for one run, short enough that a warm
  // container sees accounts that joined the organization since.
  let org:
    | { at: number; value: Promise<{ organization: AuditOrganization | null; warnings: string[] }> }
    | undefined;
  const organization = () => {
    const at = deps.now().getTime();
    if (org === undefined || at - org.at > ORGANIZATION_TTL_MS) {
      const entry: NonNullable<typeof org> = {
        at,
        value: Promise.resolve({ organization: null, warnings: [] }),
      };
      entry.value = (async () => {
        const warnings: string[] = [];
        const organization = await readAuditOrganization(deps.source, warnings);
        if (warnings.length > 0 && org === entry) org = undefined; // retry on the next message
        return { organization, warnings };
      })();
      org = entry;
    }
    return org.value;
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
