import type { AuditRule, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  awsEntries,
  entryAccount,
  isAccountEntry,
  isForeignAccount,
  isolateEntry,
  partitionOf,
  restrictingClauses,
  roleSessionRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';
import { suggestedExternalId } from './suggestedExternalId.js';

/**
 * A role that an account outside the organization can assume without
 * `sts:ExternalId` is open to the confused-deputy problem: the third party
 * can be tricked by another of its customers into using its access to this
 * account (IAM UG, "The confused deputy problem"; "Access to AWS accounts
 * owned by third parties").
 */
export const foreignAccountNoExternalId: AuditRule = {
  code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
  title: 'an account outside the organization can assume the role without sts:ExternalId',
  reference: 'IAM User Guide, "The confused deputy problem" and "How to use an external ID"',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const st of allowStatements(role.trustPolicy)) {
      if (restrictingClauses(st, ['sts:ExternalId']).length > 0) continue;
      for (const entry of awsEntries(st.principal)) {
        const account = entryAccount(entry);
        if (account === undefined || !isForeignAccount(account, role.accountId, ctx)) continue;
        const externalId = suggestedExternalId(role.arn, account);
        const caller = isAccountEntry(entry)
          ? `arn:${partitionOf(role.arn)}:iam::${account}:role/trustwatch-check`
          : entry;
        const outside =
          ctx.organization === null
            ? 'another account'
            : `account ${account}, outside the organization,`;
        hits.push({
          evidence: statementEvidence(st, {
            principal: entry,
            principalType: 'AWS',
            conditionKey: 'sts:ExternalId',
            detail: { foreignAccount: account },
          }),
          summary: `${statementName(st)} lets ${outside} assume \`${role.name}\` without an \`sts:ExternalId\` condition (confused deputy).`,
          remedy: {
            kind: 'patch',
            title: `require sts:ExternalId from ${account}`,
            patch: (doc) =>
              isolateEntry(doc, st.index, 'AWS', entry, {
                operator: 'StringEquals',
                key: 'sts:ExternalId',
                values: [externalId],
              }),
            placeholders: [
              `\`${externalId}\` is a fresh ExternalId: give it to the owner of ${account}, or use the one it issued you`,
            ],
            legitimate: [
              {
                label: `the principal of ${account} passing the ExternalId`,
                context: roleSessionRequest(role.arn, caller, { 'sts:externalid': [externalId] }),
              },
            ],
          },
        });
      }
    }
    return hits;
  },
};
