import { mapStatement } from '../../fixes/patchPolicy.js';
import type { AuditRule, RuleHit } from '../AuditRule.js';
import { grantsAssume, renumber, statementEvidence, statementName } from '../trustFacts.js';

/**
 * `Allow` with `NotPrincipal` trusts every principal except those listed, in
 * every account, anonymous ones included (IAM UG, "AWS JSON policy
 * elements: NotPrincipal": "we strongly recommend that you do not use
 * NotPrincipal in the same policy statement as Effect: Allow").
 */
export const notPrincipalWithAllow: AuditRule = {
  code: 'NOT_PRINCIPAL_WITH_ALLOW',
  title: 'an Allow statement uses NotPrincipal (trusts everyone except the listed principals)',
  reference: 'IAM User Guide, "AWS JSON policy elements: NotPrincipal"',
  check(role) {
    const hits: RuleHit[] = [];
    const allows = role.trustPolicy.statements.filter(grantsAssume);
    for (const st of allows) {
      if (st.notPrincipal === undefined) continue;
      const listed =
        st.notPrincipal.kind === 'any'
          ? ['*']
          : [...st.notPrincipal.AWS, ...st.notPrincipal.Service, ...st.notPrincipal.Federated];
      const otherAllows = allows.filter((s) => s !== st && s.principal !== undefined).length;
      hits.push({
        evidence: statementEvidence(st, {
          principal: listed.join(', '),
          principalType: 'AWS',
        }),
        summary: `${statementName(st)} allows every principal of every account except ${listed.map((p) => `\`${p}\``).join(', ')} to assume \`${role.name}\`.`,
        remedy:
          otherAllows > 0
            ? {
                kind: 'patch',
                title:
                  'remove the Allow + NotPrincipal statement; the other statements keep their callers',
                patch: (doc) => renumber(mapStatement(doc, st.index, () => null)),
                legitimate: [],
              }
            : {
                kind: 'none',
                reason:
                  'the statement is the only one that lets anyone in: rewrite it with `Principal` naming who should assume the role (NotPrincipal cannot be inverted safely)',
              },
      });
    }
    return hits;
  },
};
