import type { AuditRule, LegitimateCaller, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  awsEntries,
  entryAccount,
  exampleOf,
  grantedAssumeActions,
  hasFencingDeny,
  isAnyPrincipal,
  isolateEntry,
  partitionOf,
  requestForEntry,
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
    for (const st of allowStatements(role.trustPolicy)) {
      if (!isAnyPrincipal(st.principal)) continue;
      if (restrictingClauses(st, RESTRICTING_KEYS).length > 0) continue;
      // A fence must cover every assume action this Allow grants.
      const fenced = grantedAssumeActions(st).every((a) =>
        hasFencingDeny(role.trustPolicy, RESTRICTING_KEYS, a),
      );
      if (fenced) continue;
      const org = ctx.organization;
      const account = entryAccount(role.arn) ?? role.accountId;
      // A role of this account that the statement's other conditions already
      // name, when one does (`ArnLike aws:PrincipalArn arn:aws:iam::*:role/deployer`
      // keeps only `deployer` roles: the fix adds the organization to that).
      const named = st.conditions
        .filter((c) => c.key.toLowerCase() === 'aws:principalarn')
        .flatMap((c) => c.values)
        .map((v) => v.split(':'))
        .find((f) => f.length >= 6 && /^role\//.test(f.slice(5).join(':')));
      const caller =
        named === undefined
          ? `arn:${partitionOf(role.arn)}:iam::${account}:role/trustwatch-check`
          : exampleOf([...named.slice(0, 4), account, ...named.slice(5)].join(':'));
      const legitimate: LegitimateCaller[] = [
        {
          label: org === null ? 'a role of the same account' : 'a role of an organization account',
          context: roleSessionRequest(role.arn, caller, {
            ...(org === null ? {} : { 'aws:principalorgid': [org.id] }),
          }),
        },
      ];
      // `["*", "arn:…:role/Partner"]`: `*` moves to a statement of its own with
      // the new condition, so the named principals keep the access (and the
      // conditions) they had.
      for (const entry of awsEntries(st.principal).filter((e) => e !== '*')) {
        const context = requestForEntry(entry, role.arn);
        if (context !== undefined)
          legitimate.push({ label: `the named principal ${entry}`, context });
      }
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
            isolateEntry(doc, st.index, 'AWS', '*', {
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
