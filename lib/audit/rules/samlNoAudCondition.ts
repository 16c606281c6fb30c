import type { AuditRule, RuleHit } from '../AuditRule.js';
import { isSamlEntry } from '../oidcFacts.js';
import {
  federatedRequest,
  isolateEntry,
  isRestrictingClause,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

export const SAML_SIGNIN_AUDIENCE = 'https://signin.aws.amazon.com/saml';

/**
 * A SAML trust without `SAML:aud` accepts assertions meant for any AWS
 * service provider endpoint, not just the console sign-in (IAM UG,
 * "Configuring SAML assertions for the authentication response" and the
 * trust policy AWS generates, which always has `StringEquals SAML:aud`).
 */
export const samlNoAudCondition: AuditRule = {
  code: 'SAML_NO_AUD_CONDITION',
  title: 'a SAML trust does not check SAML:aud',
  reference: 'IAM User Guide, "Creating a role for SAML 2.0 federation"',
  check(role) {
    const hits: RuleHit[] = [];
    for (const st of role.trustPolicy.statements) {
      if (st.effect !== 'Allow' || st.principal?.kind !== 'map') continue;
      for (const entry of st.principal.Federated) {
        if (!isSamlEntry(entry)) continue;
        const checked = st.conditions.some(
          (c) => c.key.toLowerCase() === 'saml:aud' && isRestrictingClause(c),
        );
        if (checked) continue;
        hits.push({
          evidence: statementEvidence(st, {
            principal: entry,
            principalType: 'Federated',
            conditionKey: 'SAML:aud',
          }),
          summary: `${statementName(st)} trusts SAML provider \`${entry.slice(entry.indexOf('saml-provider/') + 14)}\` without a \`SAML:aud\` condition.`,
          remedy: {
            kind: 'patch',
            title: `require SAML:aud ${SAML_SIGNIN_AUDIENCE}`,
            patch: (doc) =>
              isolateEntry(doc, st.index, 'Federated', entry, {
                operator: 'StringEquals',
                key: 'SAML:aud',
                values: [SAML_SIGNIN_AUDIENCE],
              }),
            legitimate: [
              {
                label: 'a console sign-in assertion',
                context: federatedRequest(role.arn, 'SAML', entry, {
                  'saml:aud': [SAML_SIGNIN_AUDIENCE],
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
