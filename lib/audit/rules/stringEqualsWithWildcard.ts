import type { RequestContext } from '../../engine/RequestContext.js';
import { mapStatement } from '../../fixes/patchPolicy.js';
import type { ConditionClause } from '../../policy/PolicyDocument.js';
import type { AuditRule, LegitimateCaller, RuleHit } from '../AuditRule.js';
import {
  exampleOf,
  operatorOf,
  requestForStatement,
  roleSessionRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);

/** The operator that does what the author meant: `StringLike` / `ArnLike` and their negations. */
export function wildcardOperator(clause: ConditionClause): string | undefined {
  const op = operatorOf(clause);
  if (op === undefined || op.spec.wildcards) return undefined;
  const arn = ARN_KEYS.has(clause.key.toLowerCase());
  let base: string;
  switch (op.name) {
    case 'StringEquals':
    case 'StringEqualsIgnoreCase':
      base = arn ? 'ArnLike' : 'StringLike';
      break;
    case 'StringNotEquals':
    case 'StringNotEqualsIgnoreCase':
      base = arn ? 'ArnNotLike' : 'StringNotLike';
      break;
    default:
      return undefined;
  }
  const set = op.set === 'none' ? '' : `${op.set}:`;
  return `${set}${base}${op.ifExists ? 'IfExists' : ''}`;
}

/**
 * `StringEquals` (and `StringNotEquals`, the `IgnoreCase` variants) compare
 * literally: a `*` or `?` in their values is an ordinary character (IAM UG,
 * "Condition operators": only `StringLike` / `ArnLike` expand wildcards). An
 * Allow condition like that matches nobody; a Deny with `StringNotEquals`
 * denies everybody. Both are bugs (aws-notes: a common one on
 * `aws:PrincipalArn`).
 */
export const stringEqualsWithWildcard: AuditRule = {
  code: 'STRING_EQUALS_WITH_WILDCARD',
  title: 'a StringEquals-type condition has a wildcard, which it compares literally',
  reference:
    'IAM User Guide, "IAM JSON policy elements: Condition operators", string condition operators',
  check(role) {
    const hits: RuleHit[] = [];
    for (const st of role.trustPolicy.statements) {
      st.conditions.forEach((clause, clauseIndex) => {
        const replacement = wildcardOperator(clause);
        if (replacement === undefined) return;
        const wild = clause.values.filter((v) => v.includes('*') || v.includes('?'));
        if (wild.length === 0) return;
        const key = clause.key.toLowerCase();
        const example = exampleOf(wild[0] as string);
        const legitimate: LegitimateCaller[] = [];
        if (st.effect === 'Allow' && !(operatorOf(clause)?.spec.negated ?? true)) {
          let ctx: RequestContext | undefined;
          if (key === 'aws:principalarn' && /^arn:aws[\w-]*:iam::\d{12}:role\//.test(example)) {
            ctx = roleSessionRequest(role.arn, example);
          } else {
            ctx = requestForStatement(st, role.arn, { [key]: [example] });
          }
          if (ctx !== undefined)
            legitimate.push({
              label: `a caller whose \`${clause.key}\` is \`${example}\``,
              context: ctx,
            });
        }
        hits.push({
          evidence: statementEvidence(st, {
            conditionKey: clause.key,
            operator: clause.operator,
            values: wild,
          }),
          summary:
            st.effect === 'Allow'
              ? `${statementName(st)} compares \`${clause.key}\` with ${wild.map((v) => `\`${v}\``).join(', ')} using \`${clause.operator}\`, which does not expand wildcards, so the intended callers do not match.`
              : `${statementName(st)} (Deny) compares \`${clause.key}\` with ${wild.map((v) => `\`${v}\``).join(', ')} using \`${clause.operator}\`, which does not expand wildcards.`,
          remedy: {
            kind: 'patch',
            title: `use ${replacement} instead of ${clause.operator}`,
            patch: (doc) =>
              mapStatement(doc, st.index, (s) => ({
                ...s,
                conditions: s.conditions.map((c, i) =>
                  i === clauseIndex ? { ...c, operator: replacement } : c,
                ),
              })),
            legitimate,
          },
        });
      });
    }
    return hits;
  },
};
