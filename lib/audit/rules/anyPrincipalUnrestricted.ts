import type { AuditRule, LegitimateCaller, RuleHit } from '../AuditRule.js';
import {
  addCondition,
  allowStatements,
  entryAccount,
  hasFencingDeny,
  isAnyPrincipal,
  partitionOf,
  restrictingClauses,
  roleSessionRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

/** Condition keys that pin an open principal to an organization, account, principal or source. */
export const RESTRICTING_KEYS = [
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:userid',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
] as const;

/**
 * `"Principal": "*"` or `{"AWS": "*"}` lets every principal of every AWS
 * account (and anonymous callers) assume the role unless a condition pins it
 * down (IAM UG, "AWS JSON policy elements: Principal": "we strongly recommend
 * that you do not use a wildcard ... unless you restrict access with a
 * condition such as aws:PrincipalOrgID").
 */
export const anyPrincipalUnrestricted: AuditRule = {
  code: 'ANY_PRINCIPAL_UNRESTRICTED',
  title: 'the trust policy lets any AWS principal assume the role',
  reference:
    'IAM User Guide, "AWS JSON policy elements: Principal" (anonymous/everyone principal) and "aws:PrincipalOrgID"',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    if (hasFencingDeny(role.trustPolicy, RESTRICTING_KEYS)) return hits;
    for (const st of allowStatements(role.trustPolicy)) {
      if (!isAnyPrincipal(st.principal)) continue;
      if (restrictingClauses(st, RESTRICTING_KEYS).length > 0) continue;
      const org = ctx.organization;
      const account = entryAccount(role.arn) ?? role.accountId;
      const caller = `arn:${partitionOf(role.arn)}:iam::${account}:role/trustwatch-check`;
      const legitimate: LegitimateCaller[] = [
        {
          label: org === null ? 'a role of the same account' : 'a role of an organization account',
          context: roleSessionRequest(role.arn, caller, {
            ...(org === null ? {} : { 'aws:principalorgid': [org.id] }),
          }),
        },
      ];
      const open =
        st.conditions.length === 0
          ? 'without any condition'
          : 'without a condition on who the caller is';
      hits.push({
        evidence: statementEvidence(st, { principal: '*', principalType: '*' }),
        summary: `${statementName(st)} of the trust policy lets any principal of any AWS account assume \`${role.name}\` ${open}.`,
        remedy: {
          kind: 'patch',
          title:
            org === null
              ? `allow only principals of account ${account} (aws:PrincipalAccount)`
              : `allow only principals of organization ${org.id} (aws:PrincipalOrgID)`,
          patch: (doc) =>
            addCondition(doc, st.index, {
              operator: 'StringEquals',
              key: org === null ? 'aws:PrincipalAccount' : 'aws:PrincipalOrgID',
              values: [org === null ? account : org.id],
            }),
          legitimate,
        },
      });
    }
    return hits;
  },
};
