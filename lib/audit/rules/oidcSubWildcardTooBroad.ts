import { mapStatement } from '../../fixes/patchPolicy.js';
import type { ConditionClause, PolicyDocument } from '../../policy/PolicyDocument.js';
import type { AuditRule, RuleHit } from '../AuditRule.js';
import {
  claimOf,
  narrowSubByGrammar,
  type OidcIssuer,
  sharedAudienceTrusts,
  subSpansTenants,
} from '../oidcFacts.js';
import {
  exampleOf,
  federatedRequest,
  isRestrictingClause,
  operatorOf,
  statementEvidence,
  statementName,
} from '../trustFacts.js';
import { audienceValues, subjectPlaceholder } from './oidcValues.js';

/** A narrower `sub` pattern for a too-broad one, keeping what it already pins down. */
export function narrowSub(
  value: string,
  issuer: OidcIssuer,
): { value: string; placeholders: string[] } {
  const known = narrowSubByGrammar(value, issuer);
  if (known !== undefined) return known;
  const segs = value.split(':');
  const wild = (s: string) => s.includes('*') || s.includes('?');
  if (issuer.isGitHub) {
    const ownerSeg = segs.find((s) => s.includes('/'));
    const owner = ownerSeg?.split('/')[0];
    const p = subjectPlaceholder(
      issuer,
      owner !== undefined && !wild(owner) && owner !== '' ? owner : undefined,
    );
    return { value: p.value, placeholders: p.placeholders };
  }
  if (segs.length === 1) {
    const p = subjectPlaceholder(issuer);
    return { value: p.value, placeholders: p.placeholders };
  }
  const out = segs.map((s, i) => (i < segs.length - 1 && wild(s) ? 'NAME' : s));
  if (segs.length === 2 && wild(out[1] as string)) out[1] = 'NAME';
  return {
    value: out.join(':'),
    placeholders: [
      `NAME: the exact segment of the \`sub\` claim of ${issuer.keyPrefix} meant to assume this role`,
    ],
  };
}

/**
 * A `sub` pattern whose wildcard spans repositories or organizations
 * (`repo:org/*`, `repo:*`, `*`) lets workflows of repositories the role was
 * not meant for in. GitHub: "we recommend ... a subject claim that names the
 * repository" (GitHub Docs, "Configuring OpenID Connect in Amazon Web
 * Services"); the subject grammar itself is not assumed (immutable-id
 * subjects are rolling out), see `subSpansTenants`.
 */
export const oidcSubWildcardTooBroad: AuditRule = {
  code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
  title: 'an OIDC sub pattern spans repositories, organizations or namespaces',
  reference:
    'GitHub Docs, "Configuring OpenID Connect in Amazon Web Services"; IAM User Guide, "Condition keys for web identity federation"',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const { st, issuer } of sharedAudienceTrusts(role.trustPolicy)) {
      st.conditions.forEach((clause, clauseIndex) => {
        if (claimOf(clause.key, issuer) !== 'sub') return;
        const op = operatorOf(clause);
        if (op === undefined || op.spec.negated || !op.spec.wildcards) return;
        // A clause that restricts nothing (`*`, or `*` among its values) is
        // OIDC_NO_SUB_CONDITION's finding, not a too-broad pattern.
        if (!isRestrictingClause(clause)) return;
        const broad = clause.values.filter((v) => subSpansTenants(v, issuer));
        if (broad.length === 0) return;
        const replacement = new Map(broad.map((v) => [v, narrowSub(v, issuer)]));
        const aud = audienceValues(issuer, ctx.oidcProviders);
        const firstNew = replacement.get(broad[0] as string)?.value ?? 'SUBJECT';
        hits.push({
          evidence: statementEvidence(st, {
            principal: issuer.entry,
            principalType: 'Federated',
            conditionKey: clause.key,
            operator: clause.operator,
            values: broad,
          }),
          summary: `${statementName(st)} accepts \`sub\` ${broad.map((v) => `\`${v}\``).join(', ')}, which spans ${issuer.isGitHub ? 'repositories or organizations' : 'more identities than one workload'}: any of them can assume \`${role.name}\`.`,
          remedy: {
            kind: 'patch',
            title: 'narrow the sub pattern to the repository (or workload) that needs the role',
            patch: (doc: PolicyDocument) =>
              mapStatement(doc, st.index, (s) => ({
                ...s,
                conditions: s.conditions.map(
                  (c, i): ConditionClause =>
                    i === clauseIndex
                      ? {
                          ...c,
                          values: [...new Set(c.values.map((v) => replacement.get(v)?.value ?? v))],
                        }
                      : c,
                ),
              })),
            placeholders: [...new Set([...replacement.values()].flatMap((r) => r.placeholders))],
            legitimate: [
              {
                label: 'a token whose sub matches the narrowed pattern',
                context: federatedRequest(role.arn, 'WebIdentity', issuer.entry, {
                  [`${issuer.keyPrefix}:sub`.toLowerCase()]: [exampleOf(firstNew)],
                  ...(aud.length > 0
                    ? { [`${issuer.keyPrefix}:aud`.toLowerCase()]: [aud[0] as string] }
                    : {}),
                }),
              },
            ],
          },
        });
      });
    }
    return hits;
  },
};
