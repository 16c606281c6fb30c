import type { AuditRule, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  awsEntries,
  entryAccount,
  isAccountEntry,
  isForeignAccount,
  isolateEntry,
  isRestrictingClause,
  partitionOf,
  restrictingClauses,
  roleSessionRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

/**
 * Naming a foreign account (`:root` or the bare id) delegates the decision to
 * every administrator of that account: any of its users or roles with an
 * identity policy allowing `sts:AssumeRole` gets in (IAM UG, "AWS account
 * principals": "the account ... can then delegate permissions to any IAM
 * user or role in that account").
 */
export const foreignAccountWholeAccount: AuditRule = {
  code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
  title: 'a whole foreign account is trusted instead of one of its principals',
  reference: 'IAM User Guide, "AWS JSON policy elements: Principal", AWS account principals',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const st of allowStatements(role.trustPolicy)) {
      const narrowed =
        restrictingClauses(st, ['aws:PrincipalArn', 'aws:userid']).length > 0 ||
        st.conditions.some(
          (c) => c.key.toLowerCase().startsWith('aws:principaltag/') && isRestrictingClause(c),
        );
      if (narrowed) continue;
      for (const entry of awsEntries(st.principal)) {
        if (!isAccountEntry(entry)) continue;
        const account = entryAccount(entry) as string;
        if (!isForeignAccount(account, role.accountId, ctx)) continue;
        const pattern = `arn:${partitionOf(role.arn)}:iam::${account}:role/PARTNER_ROLE_NAME`;
        hits.push({
          evidence: statementEvidence(st, {
            principal: entry,
            principalType: 'AWS',
            detail: { foreignAccount: account },
          }),
          summary: `${statementName(st)} trusts every principal of foreign account ${account} that its administrators allow, not one named role.`,
          remedy: {
            kind: 'patch',
            title: `allow only the role of ${account} that needs access (aws:PrincipalArn)`,
            patch: (doc) =>
              isolateEntry(doc, st.index, 'AWS', entry, {
                operator: 'ArnEquals',
                key: 'aws:PrincipalArn',
                values: [pattern],
              }),
            placeholders: [
              `PARTNER_ROLE_NAME: the name of the role in ${account} that assumes this one`,
            ],
            legitimate: [
              {
                label: `the named role of ${account}`,
                context: roleSessionRequest(role.arn, pattern),
              },
            ],
          },
        });
      }
    }
    return hits;
  },
};
