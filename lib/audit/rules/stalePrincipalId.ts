import type { AuditRule, Remedy, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  awsEntries,
  editAwsEntries,
  isStaleIdEntry,
  renumber,
  roleSessionRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

/**
 * A unique id (`AROA…`, `AIDA…`) in a trust policy is what IAM shows once the
 * principal it named was deleted; the entry matches nobody, and recreating a
 * principal with the same name does not restore the trust (IAM UG, "AWS JSON
 * policy elements: Principal", IAM role principals).
 */
export const stalePrincipalId: AuditRule = {
  code: 'STALE_PRINCIPAL_ID',
  title: 'the trust policy names a deleted principal (unique id)',
  reference:
    'IAM User Guide, "AWS JSON policy elements: Principal" (unique ids of deleted principals)',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    const allowCount = allowStatements(role.trustPolicy).length;
    for (const st of allowStatements(role.trustPolicy)) {
      const entries = awsEntries(st.principal);
      for (const entry of entries) {
        if (!isStaleIdEntry(entry)) continue;
        // A denial diagnosed as TRUST_PRINCIPAL_STALE_ID names the recreated principal.
        const recreated = ctx.denials.find(
          (d) =>
            d.roleArn === role.arn &&
            d.causes.includes('TRUST_PRINCIPAL_STALE_ID') &&
            d.callerArn !== undefined &&
            /^arn:aws[\w-]*:iam::\d{12}:(role|user)\//.test(d.callerArn),
        )?.callerArn;
        const p = st.principal;
        const others =
          p?.kind === 'map'
            ? p.AWS.length - 1 + p.Service.length + p.Federated.length + p.CanonicalUser.length
            : 0;
        let remedy: Remedy;
        if (recreated !== undefined) {
          remedy = {
            kind: 'patch',
            title: `name the recreated principal ${recreated} instead of the deleted one`,
            patch: (doc) =>
              editAwsEntries(doc, st.index, (es) => es.map((e) => (e === entry ? recreated : e))),
            legitimate: recreated.includes(':role/')
              ? [
                  {
                    label: `the recreated ${recreated}`,
                    context: roleSessionRequest(role.arn, recreated),
                  },
                ]
              : [],
          };
        } else if (others > 0 || allowCount > 1) {
          remedy = {
            kind: 'patch',
            title: `remove the dead entry ${entry}`,
            patch: (doc) =>
              renumber(editAwsEntries(doc, st.index, (es) => es.filter((e) => e !== entry))),
            legitimate: [],
          };
        } else {
          remedy = {
            kind: 'patch',
            title: 'name the principal that should assume the role by its ARN',
            patch: (doc) =>
              editAwsEntries(doc, st.index, (es) =>
                es.map((e) => (e === entry ? `arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME` : e)),
              ),
            placeholders: [
              'ACCOUNT_ID and ROLE_NAME: the principal that should assume this role (the deleted one cannot be restored)',
            ],
            legitimate: [],
          };
        }
        hits.push({
          evidence: statementEvidence(st, { principal: entry, principalType: 'AWS' }),
          summary: `${statementName(st)} names \`${entry}\`, the unique id of a deleted ${entry.startsWith('AIDA') ? 'user' : 'role'}: it matches nobody, and recreating it by name does not restore the trust.`,
          remedy,
        });
      }
    }
    return hits;
  },
};
