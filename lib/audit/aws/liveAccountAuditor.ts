import { formatErrorLine } from '../../errors/TrustwatchError.js';
import { type AccountResult, toStoredFinding } from '../../findings/AuditRun.js';
import type { RoleIndexStore } from '../../roleindex/RoleIndexStore.js';
import type { IamStateSource } from '../../state/IamStateSource.js';
import type { AuditOrganization } from '../AuditRule.js';
import { auditAccount } from '../auditAccount.js';
import { readAuditOrganization } from '../auditOrganization.js';
import type { AuditSuppression } from '../auditSuppressions.js';
import type { BlindSpotReader } from '../blindspots/BlindSpotReader.js';
import { checkBlindSpots } from '../blindspots/checkBlindSpots.js';
import type { DenialReader } from '../DenialReader.js';
import type { DenialSummary } from '../DenialSummary.js';

const ORGANIZATION_TTL_MS = 15 * 60_000;

export interface AccountAuditorDeps {
  readonly source: IamStateSource;
  readonly blindSpots: BlindSpotReader;
  readonly suppressions: readonly AuditSuppression[];
  readonly unusedDays: number;
  readonly regions: readonly string[];
  readonly forwardRuleName: string;
  readonly now: () => Date;
  /**
   * Recent denials of the account's roles (the explain pipeline's summaries),
   * evidence for rules such as MFA_REQUIRED_ON_AUTOMATION_ROLE. Unset: the
   * audit runs without denials.
   */
  readonly denials?: DenialReader;
  /** Days of denials to read (default 30). */
  readonly denialLookbackDays?: number;
  /** Told when the denials could not be read (the handler logs and counts it). */
  readonly onDenialsUnreadable?: (accountId: string, reason: string) => void;
  /**
   * Where the account's role names and ids go for the explainer's
   * organization-wide role index (lib/roleindex); unset: not written.
   */
  readonly roleIndex?: RoleIndexStore;
}

const DAY_SECONDS = 86_400;

/**
 * Writes the account's role names and ids to the role index (the roles the
 * audit just read: the source's cache answers, no AWS call). A failure is a
 * warning: the explainer then keeps the previous entry until it expires.
 */
async function indexRoles(
  deps: AccountAuditorDeps,
  accountId: string,
  now: Date,
): Promise<string[]> {
  if (deps.roleIndex === undefined) return [];
  const roles = await deps.source.roles(accountId);
  if (!roles.ok) return [`role index not updated: ${roles.reason}`];
  try {
    await deps.roleIndex.putAccount({
      accountId,
      indexedAt: now.toISOString(),
      roles: roles.value.map((r) => ({ name: r.name, path: r.path, roleId: r.roleId })),
    });
    return [];
  } catch (err) {
    return [`role index not updated: ${formatErrorLine(err)}`];
  }
}

/**
 * Audits one account for the fan-out worker: its roles (with details read
 * where ListRoles lacks them) and its blind spots. The organization is read
 * once per auditor (cold start) and reused; an unreadable organization makes
 * every other account count as foreign, which the result's warnings say.
 * The account's recent denials are read alongside; a failed read is a
 * warning too, and the account is audited without them.
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
  const recentDenials = async (
    accountId: string,
    now: Date,
  ): Promise<{ denials: readonly DenialSummary[]; warnings: string[] }> => {
    if (deps.denials === undefined) return { denials: [], warnings: [] };
    const days = deps.denialLookbackDays ?? 30;
    const since = Math.floor(now.getTime() / 1000) - days * DAY_SECONDS;
    try {
      return { denials: await deps.denials.recentDenials(accountId, since), warnings: [] };
    } catch (err) {
      const reason = (err as Error).message?.split('\n')[0] || String(err);
      deps.onDenialsUnreadable?.(accountId, reason);
      return {
        denials: [],
        warnings: [
          `recent denials of ${accountId} unreadable (${reason}): audited without them, so findings that need denial evidence may be missing`,
        ],
      };
    }
  };
  return async (runId, accountId) => {
    const now = deps.now();
    const [o, d] = await Promise.all([organization(), recentDenials(accountId, now)]);
    const audit = await auditAccount(deps.source, accountId, {
      now,
      organization: o.organization,
      denials: d.denials,
      suppressions: deps.suppressions,
      unusedDays: deps.unusedDays,
      fetchDetails: true,
      fixes: true,
    });
    const blindSpots =
      audit.error === undefined
        ? await checkBlindSpots(deps.blindSpots, accountId, deps.regions, deps.forwardRuleName)
        : [];
    const indexed = audit.error === undefined ? await indexRoles(deps, accountId, now) : [];
    return {
      runId,
      accountId,
      auditedAt: now.toISOString(),
      rolesAudited: audit.rolesAudited,
      findings: audit.findings.map(toStoredFinding),
      suppressedCount: audit.suppressed.length,
      ...(audit.error === undefined ? {} : { error: audit.error }),
      blindSpots,
      warnings: [...o.warnings, ...d.warnings, ...audit.warnings, ...indexed],
    };
  };
}
