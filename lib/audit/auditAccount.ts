import type { AccountAudit, AuditFinding, SuppressedFinding } from '../findings/AuditFinding.js';
import type { IamStateSource, RoleState } from '../state/IamStateSource.js';
import type { AuditContext, AuditOrganization } from './AuditRule.js';
import { auditRole, type RoleAuditOptions } from './auditRole.js';
import type { DenialSummary } from './DenialSummary.js';
import { awsEntries, entryAccount, isAnyPrincipal } from './trustFacts.js';

export const DEFAULT_UNUSED_DAYS = 90;

export interface AccountAuditOptions extends RoleAuditOptions {
  readonly now: Date;
  readonly organization: AuditOrganization | null;
  readonly denials?: readonly DenialSummary[];
  readonly unusedDays?: number;
  /**
   * Read each role again (`IamStateSource.role`) when its listing may lack
   * what a rule or a suppression needs: `ListRoles` returns neither tags nor
   * RoleLastUsed. Only roles with findings, cross-account trust or an MFA
   * condition are read again. Default false (snapshots hold everything).
   */
  readonly fetchDetails?: boolean;
  readonly rolePath?: (accountId: string, roleName: string) => string | undefined;
  /** Concurrent detail reads (default 8). */
  readonly concurrency?: number;
}

function mayNeedDetails(role: RoleState, hadFindings: boolean): boolean {
  if (hadFindings) return true;
  return role.trustPolicy.statements.some(
    (s) =>
      isAnyPrincipal(s.principal) ||
      awsEntries(s.principal).some((e) => {
        const a = entryAccount(e);
        return a !== undefined && a !== role.accountId;
      }) ||
      s.conditions.some((c) => c.key.toLowerCase().startsWith('aws:multifactorauth')),
  );
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Audits every role of one account. An account whose roles cannot be read is
 * reported with `error`, never thrown; unreadable providers or role details
 * become warnings (findings that depend on them may be missing).
 */
export async function auditAccount(
  source: IamStateSource,
  accountId: string,
  opts: AccountAuditOptions,
): Promise<AccountAudit> {
  const warnings: string[] = [];
  const roles = await source.roles(accountId);
  if (!roles.ok) {
    return {
      accountId,
      rolesAudited: 0,
      rolesSkipped: 0,
      findings: [],
      suppressed: [],
      error: roles.reason,
      warnings,
    };
  }
  const [oidc, saml] = await Promise.all([
    source.oidcProviders(accountId),
    source.samlProviders(accountId),
  ]);
  if (!oidc.ok) warnings.push(`oidc providers of ${accountId} unreadable: ${oidc.reason}`);
  if (!saml.ok) warnings.push(`saml providers of ${accountId} unreadable: ${saml.reason}`);
  const ctx: AuditContext = {
    now: opts.now,
    organization: opts.organization,
    oidcProviders: oidc.ok ? oidc.value : [],
    samlProviders: saml.ok ? saml.value : [],
    denials: opts.denials ?? [],
    unusedDays: opts.unusedDays ?? DEFAULT_UNUSED_DAYS,
    ...(opts.rolePath === undefined ? {} : { rolePath: opts.rolePath }),
  };
  const results = await mapLimited(roles.value, opts.concurrency ?? 8, async (role) => {
    let r = auditRole(role, ctx, opts);
    if (opts.fetchDetails === true && !r.skipped && mayNeedDetails(role, r.findings.length > 0)) {
      const detailed = await source.role(accountId, role.name);
      if (detailed.ok && detailed.value !== null) r = auditRole(detailed.value, ctx, opts);
      else if (!detailed.ok)
        r = {
          ...r,
          warnings: [
            ...r.warnings,
            `details of \`${role.arn}\` unreadable (tags, last use): ${detailed.reason}`,
          ],
        };
    }
    return r;
  });
  const findings: AuditFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  let skipped = 0;
  for (const r of results) {
    if (r.skipped) skipped++;
    findings.push(...r.findings);
    suppressed.push(...r.suppressed);
    warnings.push(...r.warnings);
  }
  return {
    accountId,
    rolesAudited: roles.value.length - skipped,
    rolesSkipped: skipped,
    findings,
    suppressed,
    warnings,
  };
}
