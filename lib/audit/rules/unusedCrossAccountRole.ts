import type { AuditRule, Remedy } from '../AuditRule.js';
import {
  allowStatements,
  awsEntries,
  entryAccount,
  isAnyPrincipal,
  isForeignAccount,
  renumber,
  requestForStatement,
  restrictingClauses,
  statementEvidence,
} from '../trustFacts.js';

const DAY_MS = 86_400_000;

/**
 * A role other accounts can assume that nobody has used for `unusedDays`
 * (default 90) is standing access with no owner watching it (IAM UG,
 * "Refine permissions in AWS using last accessed information": RoleLastUsed
 * is tracked for 400 days). A role never used counts once it is older than
 * the same period. `now` comes from the caller. Trust from outside the
 * organization (or `*`) is `low`; between the organization's accounts `info`.
 */
export const unusedCrossAccountRole: AuditRule = {
  code: 'UNUSED_CROSS_ACCOUNT_ROLE',
  title: 'a role other accounts can assume has not been used for a long time',
  reference: 'IAM User Guide, "Refine permissions using last accessed information" (RoleLastUsed)',
  check(role, ctx) {
    const limitMs = ctx.unusedDays * DAY_MS;
    const now = ctx.now.getTime();
    let idleSince: string;
    if (role.lastUsedDate !== undefined) {
      const t = Date.parse(role.lastUsedDate);
      if (!Number.isFinite(t) || now - t <= limitMs) return [];
      idleSince = `last used ${role.lastUsedDate.slice(0, 10)}`;
    } else {
      if (role.createDate === undefined) return [];
      const t = Date.parse(role.createDate);
      if (!Number.isFinite(t) || now - t <= limitMs) return [];
      idleSince = `never used since it was created ${role.createDate.slice(0, 10)}`;
    }
    const statements = allowStatements(role.trustPolicy);
    const crossAccount = (e: string): boolean => {
      const a = entryAccount(e);
      return e === '*' || (a !== undefined && a !== role.accountId);
    };
    const cross = statements.filter(
      (s) => isAnyPrincipal(s.principal) || awsEntries(s.principal).some(crossAccount),
    );
    const first = cross[0];
    if (first === undefined) return [];
    const others = [
      ...new Set(
        cross.flatMap((s) =>
          isAnyPrincipal(s.principal) ? ['*'] : awsEntries(s.principal).filter(crossAccount),
        ),
      ),
    ];
    // What stays when the cross-account entries go: same-account, service and federated trust.
    const keep = statements.filter((s) => {
      if (isAnyPrincipal(s.principal) || s.principal?.kind !== 'map') return false;
      const p = s.principal;
      return p.AWS.some((e) => !crossAccount(e)) || p.Service.length + p.Federated.length > 0;
    });
    const remedy: Remedy =
      keep.length === 0
        ? {
            kind: 'delete-role',
            title: `delete \`${role.name}\`: nobody has assumed it for over ${ctx.unusedDays} days`,
          }
        : {
            kind: 'patch',
            title: 'remove the cross-account entries; the same-account and service trust stays',
            patch: (doc) =>
              renumber({
                ...doc,
                statements: doc.statements.flatMap((s) => {
                  if (s.effect !== 'Allow') return [s];
                  if (isAnyPrincipal(s.principal)) return [];
                  if (s.principal?.kind !== 'map') return [s];
                  const p = s.principal;
                  const AWS = p.AWS.filter((e) => !crossAccount(e));
                  if (
                    AWS.length + p.Service.length + p.Federated.length + p.CanonicalUser.length ===
                    0
                  )
                    return [];
                  return [{ ...s, principal: { ...p, AWS } }];
                }),
              }),
            legitimate: keep.flatMap((s) => {
              const ctxReq = requestForStatement(
                {
                  ...s,
                  principal:
                    s.principal?.kind === 'map'
                      ? { ...s.principal, AWS: s.principal.AWS.filter((e) => !crossAccount(e)) }
                      : s.principal,
                },
                role.arn,
              );
              return ctxReq === undefined
                ? []
                : [{ label: 'the same-account or service caller', context: ctxReq }];
            }),
          };
    const foreign = cross.some(
      (st) =>
        (isAnyPrincipal(st.principal) &&
          restrictingClauses(st, ['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths']).length === 0) ||
        awsEntries(st.principal).some((e) => {
          const a = entryAccount(e);
          return a !== undefined && isForeignAccount(a, role.accountId, ctx);
        }),
    );
    return [
      {
        // Standing access from outside the organization matters more than between its accounts.
        severity: foreign ? 'low' : 'info',
        evidence: statementEvidence(first, {
          principal: others.join(', '),
          principalType: 'AWS',
          detail: {
            ...(role.lastUsedDate === undefined ? {} : { lastUsed: role.lastUsedDate }),
            ...(role.createDate === undefined ? {} : { created: role.createDate }),
            unusedDays: ctx.unusedDays,
          },
        }),
        summary: `\`${role.name}\` can be assumed from ${others.map((o) => `\`${o}\``).join(', ')} but was ${idleSince}, over ${ctx.unusedDays} days ago.`,
        remedy,
      },
    ];
  },
};
