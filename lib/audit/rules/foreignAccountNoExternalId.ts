import type { PolicyStatement } from '../../policy/PolicyDocument.js';
import type { AuditContext, AuditRule, RuleHit } from '../AuditRule.js';
import {
  addCondition,
  allowStatements,
  awsEntries,
  entryAccount,
  isAnyPrincipal,
  isForeignAccount,
  isolateEntry,
  partitionOf,
  requestForEntry,
  restrictingClauses,
  statementEvidence,
  statementName,
} from '../trustFacts.js';
import { suggestedExternalId } from './suggestedExternalId.js';

/**
 * The callers an open principal (`*`) is pinned to by its conditions, when
 * they name accounts: `aws:PrincipalAccount` values and the account field of
 * `aws:PrincipalArn` values (the ARN itself, to build the caller from). Empty
 * when a restricting organization condition is there too (the organization's
 * accounts are not foreign) or nothing pins an account.
 */
function pinnedCallers(st: PolicyStatement): { account: string; entry: string }[] {
  if (restrictingClauses(st, ['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths']).length > 0) return [];
  const out: { account: string; entry: string }[] = [];
  for (const c of restrictingClauses(st, ['aws:PrincipalAccount', 'aws:PrincipalArn'])) {
    for (const v of c.values) {
      const account = /^\d{12}$/.test(v) ? v : entryAccount(v);
      if (account !== undefined) out.push({ account, entry: v });
    }
  }
  return out;
}

/**
 * A role that an account outside the organization can assume without
 * `sts:ExternalId` is open to the confused-deputy problem: the third party
 * can be tricked by another of its customers into using its access to this
 * account (IAM UG, "The confused deputy problem"; "Access to AWS accounts
 * owned by third parties"). The foreign account is named in `Principal`, or
 * `Principal` is `*` and a condition pins it (`aws:PrincipalAccount`,
 * `aws:PrincipalArn`).
 */
export const foreignAccountNoExternalId: AuditRule = {
  code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
  title: 'an account outside the organization can assume the role without sts:ExternalId',
  reference: 'IAM User Guide, "The confused deputy problem" and "How to use an external ID"',
  check(role, ctx: AuditContext) {
    const hits: RuleHit[] = [];
    for (const st of allowStatements(role.trustPolicy)) {
      if (restrictingClauses(st, ['sts:ExternalId']).length > 0) continue;
      const open = isAnyPrincipal(st.principal);
      const entries = open
        ? pinnedCallers(st)
        : awsEntries(st.principal).flatMap((entry) => {
            const account = entryAccount(entry);
            return account === undefined ? [] : [{ account, entry }];
          });
      const seen = new Set<string>();
      for (const { account, entry } of entries) {
        if (!isForeignAccount(account, role.accountId, ctx)) continue;
        if (open && seen.has(account)) continue;
        seen.add(account);
        const externalId = suggestedExternalId(role.arn, account);
        const caller =
          requestForEntry(entry, role.arn, { 'sts:externalid': [externalId] }) ??
          requestForEntry(
            `arn:${partitionOf(role.arn)}:iam::${account}:role/trustwatch-check`,
            role.arn,
            { 'sts:externalid': [externalId] },
          );
        const outside =
          ctx.organization === null
            ? 'another account'
            : `account ${account}, outside the organization,`;
        const clause = { operator: 'StringEquals', key: 'sts:ExternalId', values: [externalId] };
        hits.push({
          evidence: statementEvidence(st, {
            principal: open ? '*' : entry,
            principalType: open ? '*' : 'AWS',
            conditionKey: 'sts:ExternalId',
            detail: { foreignAccount: account },
          }),
          summary: open
            ? `${statementName(st)} lets any principal its conditions allow, including ${outside} assume \`${role.name}\` without an \`sts:ExternalId\` condition (confused deputy).`
            : `${statementName(st)} lets ${outside} assume \`${role.name}\` without an \`sts:ExternalId\` condition (confused deputy).`,
          remedy: {
            kind: 'patch',
            title: `require sts:ExternalId from ${account}`,
            patch: (doc) =>
              open
                ? addCondition(doc, st.index, clause)
                : isolateEntry(doc, st.index, 'AWS', entry, clause),
            placeholders: [
              `\`${externalId}\` is a fresh ExternalId: give it to the owner of ${account}, or use the one it issued you`,
            ],
            legitimate:
              caller === undefined
                ? []
                : [
                    {
                      label: `the principal of ${account} passing the ExternalId`,
                      context: caller,
                    },
                  ],
          },
        });
      }
    }
    return hits;
  },
};
