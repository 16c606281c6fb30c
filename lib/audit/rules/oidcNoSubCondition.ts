import { matchAction } from '../../engine/matchAction.js';
import type { PolicyDocument } from '../../policy/PolicyDocument.js';
import type { AuditRule, RuleHit } from '../AuditRule.js';
import type { OidcIssuer } from '../oidcFacts.js';
import { claimOf, isAudienceClaim, sharedAudienceTrusts } from '../oidcFacts.js';
import {
  federatedRequest,
  isAnyPrincipal,
  isolateEntry,
  isRestrictingClause,
  operatorOf,
  restrictsValue,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

/**
 * A Deny of web-identity assumption for this issuer (or everyone) whose one
 * condition is a negated check of an identity claim, e.g.
 * `Deny … StringNotLike <issuer>:sub repo:o/r:*`: every token whose sub does
 * not match is refused, which checks the sub as well as an Allow condition.
 */
function subEnforcedByDeny(doc: PolicyDocument, issuer: OidcIssuer): boolean {
  const action = 'sts:AssumeRoleWithWebIdentity';
  return doc.statements.some((s) => {
    if (s.effect !== 'Deny' || s.conditions.length !== 1) return false;
    const names =
      isAnyPrincipal(s.principal) ||
      (s.principal?.kind === 'map' && s.principal.Federated.includes(issuer.entry));
    if (!names) return false;
    const covers =
      s.action !== undefined
        ? matchAction(s.action, action)
        : !matchAction(s.notAction ?? [], action);
    if (!covers) return false;
    const c = s.conditions[0] as NonNullable<(typeof s.conditions)[0]>;
    const claim = claimOf(c.key, issuer);
    const op = operatorOf(c);
    return (
      claim !== undefined &&
      !isAudienceClaim(claim) &&
      (!issuer.isGitHub || GITHUB_PINS.has(claim)) &&
      op?.spec.negated === true &&
      !op.ifExists &&
      op.set !== 'ForAnyValue' &&
      c.values.length > 0 &&
      c.values.every((v) => restrictsValue(c.key, v, op.spec.wildcards === true))
    );
  });
}

import { audienceValues, subjectPlaceholder } from './oidcValues.js';

/**
 * The GitHub claims that pin a trust to a repository's workflows: IAM's own
 * check when a role trusting GitHub's provider is created accepts only a
 * condition on `sub` or `job_workflow_ref` (IAM User Guide, "Create a role
 * for OpenID Connect federation", GitHub). A condition on `environment`,
 * `actor` or another claim alone names something any repository can have.
 */
const GITHUB_PINS: ReadonlySet<string> = new Set(['sub', 'job_workflow_ref']);

/**
 * An OIDC trust that checks only `aud` lets every identity of the issuer in
 * (Datadog Security Labs, 2023, GitHub Actions: every workflow of every
 * repository on github.com gets `aud` `sts.amazonaws.com`). Providers whose
 * `aud` is the customer's own app or identity pool (Cognito, Google, …) are
 * judged by OIDC_AUD_UNCHECKED instead.
 */
export const oidcNoSubCondition: AuditRule = {
  code: 'OIDC_NO_SUB_CONDITION',
  title: 'an OIDC trust does not check who the token is about (no sub or other identity claim)',
  reference:
    'IAM User Guide, "Configuring a role for GitHub OIDC identity provider" (IAM now rejects new GitHub trusts without sub); Datadog Security Labs 2023',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const { st, issuer } of sharedAudienceTrusts(role.trustPolicy)) {
      const identityChecked = st.conditions.some((c) => {
        const claim = claimOf(c.key, issuer);
        return (
          claim !== undefined &&
          !isAudienceClaim(claim) &&
          (!issuer.isGitHub || GITHUB_PINS.has(claim)) &&
          isRestrictingClause(c)
        );
      });
      if (identityChecked || subEnforcedByDeny(role.trustPolicy, issuer)) continue;
      const sub = subjectPlaceholder(issuer);
      const aud = audienceValues(issuer, ctx.oidcProviders);
      hits.push({
        severity: issuer.isGitHub ? 'critical' : 'high',
        evidence: statementEvidence(st, {
          principal: issuer.entry,
          principalType: 'Federated',
          conditionKey: `${issuer.keyPrefix}:sub`,
        }),
        summary: issuer.isGitHub
          ? `${statementName(st)} lets any GitHub Actions workflow of any repository assume \`${role.name}\`: it never checks the token's \`sub\`.`
          : `${statementName(st)} lets any identity of \`${issuer.keyPrefix}\` assume \`${role.name}\`: it never checks the token's \`sub\`.`,
        remedy: {
          kind: 'patch',
          title: `check the token's sub (${sub.value})`,
          patch: (doc) =>
            isolateEntry(doc, st.index, 'Federated', issuer.entry, {
              operator: 'StringLike',
              key: `${issuer.keyPrefix}:sub`,
              values: [sub.value],
            }),
          placeholders: sub.placeholders,
          legitimate: [
            {
              label: 'a token whose sub matches the new pattern',
              context: federatedRequest(role.arn, 'WebIdentity', issuer.entry, {
                [`${issuer.keyPrefix}:sub`.toLowerCase()]: [sub.example],
                ...(aud.length > 0
                  ? { [`${issuer.keyPrefix}:aud`.toLowerCase()]: [aud[0] as string] }
                  : {}),
              }),
            },
          ],
        },
      });
    }
    return hits;
  },
};
