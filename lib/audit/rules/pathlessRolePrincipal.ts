import type { AuditRule, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  awsEntries,
  editAwsEntries,
  roleSessionRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

/** IAM Identity Center creates its roles under this path (optionally with a region level). */
export const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

/**
 * A role ARN written without the role's path never matches its sessions: a
 * role principal must be the exact ARN, path included (IAM UG, "IAM
 * identifiers": role ARNs include the path; "Referencing IAM Identity Center
 * roles in resource policies"). IAM Identity Center roles always live under
 * `/aws-reserved/sso.amazonaws.com/`; other roles are checked against the
 * path read from their account when the auditor has it.
 */
export const pathlessRolePrincipal: AuditRule = {
  code: 'PATHLESS_ROLE_PRINCIPAL',
  title: "a role principal is written without the role's path, so it never matches",
  reference:
    'IAM User Guide, "IAM identifiers" (ARNs with paths) and "IAM Identity Center roles in policies"',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const st of allowStatements(role.trustPolicy)) {
      for (const entry of awsEntries(st.principal)) {
        const m = /^arn:(aws[\w-]*):iam::(\d{12}):role\/([^/]+)$/.exec(entry);
        if (m === null) continue;
        const [, partition, account, name] = m as unknown as [string, string, string, string];
        const known = ctx.rolePath?.(account, name);
        let path: string | undefined;
        if (known !== undefined && known !== '/') path = known;
        else if (known === undefined && name.startsWith('AWSReservedSSO_')) path = SSO_ROLE_PATH;
        if (path === undefined) continue;
        const fixed = `arn:${partition}:iam::${account}:role${path}${name}`;
        hits.push({
          evidence: statementEvidence(st, {
            principal: entry,
            principalType: 'AWS',
            detail: { rolePath: path },
          }),
          summary: `${statementName(st)} names \`${entry}\` without its path \`${path}\`: sessions of that role do not match it.`,
          remedy: {
            kind: 'patch',
            title: `name the role with its path: ${fixed}`,
            patch: (doc) =>
              editAwsEntries(doc, st.index, (es) => es.map((e) => (e === entry ? fixed : e))),
            legitimate: [
              { label: `a session of ${fixed}`, context: roleSessionRequest(role.arn, fixed) },
            ],
          },
        });
      }
    }
    return hits;
  },
};
