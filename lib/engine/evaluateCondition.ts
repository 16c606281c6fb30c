import type { ConditionClause } from '../policy/PolicyDocument.js';
import { type PolicyValue, parseOperator } from './conditionOperators.js';
import { lookupKey } from './contextKeys.js';
import type { ConditionTrace } from './PolicyEvaluation.js';
import { substituteVariables } from './policyVariables.js';
import type { RequestContext, Tri } from './RequestContext.js';
import { triAnd, triNot, triOf, triOr } from './tri.js';
import { globFromRaw } from './wildcard.js';

export interface ConditionResult {
  readonly trace: ConditionTrace;
  /** Lower-cased keys (the condition key, or a policy variable's key) that made the result `unknown`. */
  readonly unknownKeys: readonly string[];
}

export interface ConditionOptions {
  /** Policy variables are recognised only in `Version: 2012-10-17` documents. */
  readonly variables: boolean;
}

/**
 * Evaluates one `"<operator>": { "<key>": [values] }` clause, three-valued
 * (IAM UG, "IAM JSON policy elements: Condition operators" and
 * "Single-valued vs multivalued context keys"):
 *
 * - key absent: positive operators → no; negated operators → yes ("If the
 *   policy condition requires that the key is not matched, such as
 *   StringNotLike or ArnNotLike, and the right key is not present, the
 *   condition is true"); `…IfExists` → yes; `ForAllValues:` → yes;
 *   `ForAnyValue:` → no; `Null: true` → yes.
 * - several policy values: OR for positive operators, "none of" for negated.
 * - several request values without a set qualifier: the positive operator
 *   matches when any request value matches; its negation when none does.
 * - `ForAnyValue:` → some request value satisfies the operator (negation
 *   applied per request value); `ForAllValues:` → every request value does,
 *   and an empty set satisfies it.
 * - key not logged (`ctx.unknownKeys`) → `unknown` (`key-not-logged`); a
 *   policy variable whose key was not logged → `unknown`
 *   (`variable-not-logged`) unless other values already decide.
 * - a policy variable with no value and no default → the clause is false
 *   (IAM UG, "Policy variables with no value").
 * - an operator name IAM does not know → no, with `invalidOperator`.
 */
export function evaluateCondition(
  clause: ConditionClause,
  ctx: RequestContext,
  options: ConditionOptions,
): ConditionResult {
  const base = { operator: clause.operator, key: clause.key };
  const parsed = parseOperator(clause.operator);
  const found = lookupKey(ctx, clause.key);
  const actual = found.state === 'present' ? found.values : undefined;
  const lowerKey = clause.key.toLowerCase();

  if (parsed === undefined) {
    return {
      trace: { ...base, expected: clause.values, actual, result: 'no', invalidOperator: true },
      unknownKeys: [],
    };
  }
  const { spec, ifExists, set } = parsed;

  // Resolve policy variables in the values.
  const resolved: (PolicyValue | 'unknown')[] = [];
  const expected: string[] = [];
  const variableKeys: string[] = [];
  let missingVariable = false;
  for (const raw of clause.values) {
    if (!spec.variables) {
      resolved.push({ pattern: globFromRaw(raw), text: raw });
      expected.push(raw);
      continue;
    }
    const sub = substituteVariables(raw, ctx, options.variables);
    if (sub.kind === 'ok') {
      resolved.push({ pattern: sub.pattern, text: sub.text });
      expected.push(sub.text);
    } else {
      expected.push(raw);
      if (sub.kind === 'missing') missingVariable = true;
      else {
        resolved.push('unknown');
        variableKeys.push(sub.key);
      }
    }
  }

  const done = (
    result: Tri,
    reason?: 'key-not-logged' | 'variable-not-logged',
  ): ConditionResult => {
    const trace: ConditionTrace = {
      ...base,
      expected,
      actual,
      result,
      ...(result === 'unknown' && reason !== undefined ? { unknownReason: reason } : {}),
    };
    const unknownKeys =
      result !== 'unknown'
        ? []
        : reason === 'key-not-logged'
          ? [lowerKey]
          : [...new Set(variableKeys)];
    return { trace, unknownKeys };
  };

  if (found.state === 'unknown') return done('unknown', 'key-not-logged');

  const values = actual ?? [];
  const present = values.length > 0;

  if (spec.family === 'null') {
    const presence = present ? 'present' : 'absent';
    return done(triOf(resolved.some((e) => e !== 'unknown' && spec.compare(presence, e))));
  }

  if (!present) {
    if (ifExists) return done('yes');
    if (set === 'ForAllValues') return done('yes');
    if (set === 'ForAnyValue') return done('no');
    // A key that is present with an empty set of values counts as absent here.
    return done(triOf(spec.negated));
  }

  if (missingVariable) return done('no');

  /** Positive sense for one request value: does it match any policy value? */
  const positive = (a: string): Tri =>
    triOr(...resolved.map((e): Tri => (e === 'unknown' ? 'unknown' : triOf(spec.compare(a, e)))));
  const perValue = (a: string): Tri => (spec.negated ? triNot(positive(a)) : positive(a));

  let result: Tri;
  if (set === 'ForAnyValue') result = triOr(...values.map(perValue));
  else if (set === 'ForAllValues') result = triAnd(...values.map(perValue));
  else {
    const any = triOr(...values.map(positive));
    result = spec.negated ? triNot(any) : any;
  }
  return done(result, 'variable-not-logged');
}
