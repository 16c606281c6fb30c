import type { AuditRule, RuleHit } from '../AuditRule.js';
import { claimOf, isAudienceClaim, oidcIssuersOf } from '../oidcFacts.js';
import {
  exampleOf,
  federatedRequest,
  isolateEntry,
  isRestrictingClause,
  statementEvidence,
  statementName,
} from '../trustFacts.js';
import { audienceValues } from './oidcValues.js';

/**
 * A web-identity trust without an `aud` condition. For an IAM OIDC provider
 * STS still checks `aud` against the provider's client-id list, so it is a
 * hygiene finding; for Cognito, Google, Facebook and Login with Amazon the
 * `aud` is the only thing that ties the token to *your* identity pool or app
 * (IAM UG, "Creating a role for web identity or OIDC federation": "the
 * condition ... aud ... is required" for Cognito).
 */
export const oidcAudUnchecked: AuditRule = {
  code: 'OIDC_AUD_UNCHECKED',
  title: 'a web-identity trust does not check the token audience (aud)',
  reference: 'IAM User Guide, "Creating a role for web identity or OpenID Connect federation"',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const st of role.trustPolicy.statements) {
      if (st.effect !== 'Allow') continue;
      for (const issuer of oidcIssuersOf(st)) {
        const audChecked = st.conditions.some((c) => {
          const claim = claimOf(c.key, issuer);
          return claim !== undefined && isAudienceClaim(claim) && isRestrictingClause(c);
        });
        if (audChecked) continue;
        const appAudience = issuer.audience === 'app-audience';
        const known = audienceValues(issuer, ctx.oidcProviders);
        const values = known.length > 0 ? known : ['AUDIENCE'];
        const subClause = st.conditions.find(
          (c) => claimOf(c.key, issuer) === 'sub' && isRestrictingClause(c),
        );
        const key = `${issuer.keyPrefix}:aud`;
        hits.push({
          severity: appAudience ? 'high' : 'low',
          evidence: statementEvidence(st, {
            principal: issuer.entry,
            principalType: 'Federated',
            conditionKey: key,
          }),
          summary: appAudience
            ? `${statementName(st)} trusts \`${issuer.keyPrefix}\` without an \`aud\` condition: tokens for any app or identity pool, in any account, can assume \`${role.name}\`.`
            : `${statementName(st)} trusts \`${issuer.keyPrefix}\` without an \`aud\` condition: any client id registered on the provider is accepted.`,
          remedy: {
            kind: 'patch',
            title: `require aud ${values.join(', ')}`,
            patch: (doc) =>
              isolateEntry(doc, st.index, 'Federated', issuer.entry, {
                operator: 'StringEquals',
                key,
                values,
              }),
            placeholders:
              known.length > 0
                ? []
                : [
                    appAudience
                      ? 'AUDIENCE: your identity pool id (Cognito) or app client id'
                      : 'AUDIENCE: the client id (audience) your tokens carry',
                  ],
            legitimate: [
              {
                label: 'a token for the expected audience',
                context: federatedRequest(role.arn, 'WebIdentity', issuer.entry, {
                  [key.toLowerCase()]: [values[0] as string],
                  ...(subClause === undefined
                    ? {}
                    : { [subClause.key.toLowerCase()]: [exampleOf(subClause.values[0] ?? '')] }),
                }),
              },
            ],
          },
        });
      }
    }
    return hits;
  },
};
