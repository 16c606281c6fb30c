import type { ConditionClause } from '../policy/PolicyDocument.js';

import {
  type OperatorSpec,
  type ParsedOperator,
  type PolicyValue,
  parseOperator,
  type SetQualifier,
} from './conditionOperators.js';
import { KeyScope } from './contextKeys.js';
import { type ArnMatcher, compileArnPattern } from './matchArn.js';
import type { ConditionTrace } from './PolicyEvaluation.js';
import { compileTemplate, substituteTemplate, type VariableTemplate } from './policyVariables.js';
import type { RequestContext, Tri } from './RequestContext.js';
import { sameStrings } from './sameStrings.js';
import { compileGlob, type GlobMatcher, globFromRaw } from './wildcard.js';

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
  const unknownKeys: string[] = [];
  const trace = evaluateCompiledCondition(
    buildCondition(clause, options.variables),
    new KeyScope(ctx),
    unknownKeys,
  );
  return { trace, unknownKeys: unknownKeys.length > 1 ? [...new Set(unknownKeys)] : unknownKeys };
}

/** How one request value is compared with one policy value, chosen once per clause. */
type CompareMode = 'equals' | 'glob' | 'arn' | 'spec';

/** A policy value after substitution, with its matcher compiled for the clause's operator. */
class CompiledValue implements PolicyValue {
  constructor(
    readonly pattern: string,
    readonly text: string,
    readonly glob: GlobMatcher | undefined,
    readonly arn: ArnMatcher | undefined,
  ) {}
}

function compileValue(mode: CompareMode, pattern: string, text: string): CompiledValue {
  return new CompiledValue(
    pattern,
    text,
    mode === 'glob' ? compileGlob(pattern) : undefined,
    mode === 'arn' ? compileArnPattern(pattern) : undefined,
  );
}

/** A value that needs policy-variable substitution for each request. */
interface DynamicValue {
  readonly raw: string;
  readonly template: VariableTemplate;
}

/** A condition clause prepared once: operator parsed, key lower-cased, values compiled. */
export interface CompiledCondition {
  readonly clause: ConditionClause;
  readonly lowerKey: string;
  /** `undefined` for an operator name IAM does not know. */
  readonly parsed: ParsedOperator | undefined;
  readonly mode: CompareMode;
  /** In the order written; a `DynamicValue` when the value holds a policy variable. */
  readonly values: readonly (CompiledValue | DynamicValue)[];
  /** True when some value is a `DynamicValue`. */
  readonly dynamic: boolean;
  /** The trace's `expected` when nothing is dynamic: each value's text. */
  readonly expected: readonly string[];
}

function compareMode(parsed: ParsedOperator | undefined): CompareMode {
  switch (parsed?.name) {
    case 'StringEquals':
    case 'StringNotEquals':
      return 'equals';
    case 'StringLike':
    case 'StringNotLike':
      return 'glob';
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return 'arn';
    default:
      return 'spec';
  }
}

/** Compiles a clause: operator parsed, key lower-cased, values prepared for matching. */
export function buildCondition(clause: ConditionClause, variables: boolean): CompiledCondition {
  const parsed = parseOperator(clause.operator);
  const mode = compareMode(parsed);
  const raws = clause.values;
  let dynamic = false;
  const values = new Array<CompiledValue | DynamicValue>(raws.length);
  const texts = new Array<string>(raws.length);
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i] as string;
    const v = compileClauseValue(parsed, mode, raw, variables);
    values[i] = v;
    if (v instanceof CompiledValue) texts[i] = v.text;
    else {
      dynamic = true;
      texts[i] = raw;
    }
  }
  // Shared by every trace of this clause: frozen so that no consumer can change it for the next one.
  const expected = Object.freeze(texts);
  return { clause, lowerKey: clause.key.toLowerCase(), parsed, mode, values, dynamic, expected };
}

/** Upper bound on the clauses {@link internCondition} keeps; the cache is emptied when full. */
export const CONDITION_CACHE_LIMIT = 4096;

/** A compiled clause, with the one-clause list a statement holding only it shares. */
interface InternedCondition {
  readonly compiled: CompiledCondition;
  readonly alone: readonly CompiledCondition[];
}

/**
 * Compiled clauses by content (with or without policy variables → operator →
 * key → values), bounded by {@link CONDITION_CACHE_LIMIT}: an organization
 * stamps the same clauses (`aws:PrincipalOrgID`, `sts:ExternalId`, an OIDC
 * audience and subjects) on many policies, and a fix keeps the clauses of
 * the statement it patches. A compiled clause is a pure function of its
 * content and is never changed, so equal clauses share one.
 */
const internedConditions: readonly [ClauseCache, ClauseCache] = [new Map(), new Map()];
/** How many clauses `internedConditions` holds (part of the bounded cache). */
let internedCount = 0;

type ClauseCache = Map<string, Map<string, Map<string, InternedCondition>>>;

/**
 * The compiled clauses of a statement's `Condition` block, from the cache of
 * equal clauses (see `internedConditions`).
 */
export function compileConditions(
  clauses: readonly ConditionClause[],
  variables: boolean,
): readonly CompiledCondition[] {
  if (clauses.length === 1) return internCondition(clauses[0] as ConditionClause, variables).alone;
  const compiled = new Array<CompiledCondition>(clauses.length);
  for (let i = 0; i < clauses.length; i++) {
    compiled[i] = internCondition(clauses[i] as ConditionClause, variables).compiled;
  }
  return compiled;
}

function internCondition(clause: ConditionClause, variables: boolean): InternedCondition {
  const values = clause.values;
  // Joined for the key, compared in full on a hit (a value may hold the separator).
  const joined = values.length === 1 ? (values[0] as string) : values.join('\n');
  const byOperator = internedConditions[variables ? 1 : 0];
  let byKey = byOperator.get(clause.operator);
  let byValues = byKey?.get(clause.key);
  const known = byValues?.get(joined);
  const same =
    known !== undefined &&
    (values.length === 1
      ? known.compiled.clause.values.length === 1 // the key is the value
      : sameStrings(known.compiled.clause.values, values));
  if (same) return known;
  const compiled = buildCondition(clause, variables);
  const interned: InternedCondition = { compiled, alone: [compiled] };
  if (internedCount >= CONDITION_CACHE_LIMIT) {
    internedConditions[0].clear();
    internedConditions[1].clear();
    internedCount = 0;
    byKey = undefined;
    byValues = undefined;
  }
  if (byKey === undefined) {
    byKey = new Map();
    byOperator.set(clause.operator, byKey);
  }
  if (byValues === undefined) {
    byValues = new Map();
    byKey.set(clause.key, byValues);
  }
  byValues.set(joined, interned);
  internedCount++;
  return interned;
}

function compileClauseValue(
  parsed: ParsedOperator | undefined,
  mode: CompareMode,
  raw: string,
  variables: boolean,
): CompiledValue | DynamicValue {
  // Without `${` there is nothing to substitute: the pattern is the text.
  if (parsed === undefined || !parsed.spec.variables || !variables || !raw.includes('${')) {
    return compileValue(mode, globFromRaw(raw), raw);
  }
  const template = compileTemplate(raw, variables);
  if (template.hasVariables) return { raw, template };
  // No variable reference (or only `${*}`-style escapes): the same for every request.
  const sub = substituteTemplate(template, NO_KEYS);
  return sub.kind === 'ok'
    ? compileValue(mode, sub.pattern, sub.text)
    : compileValue(mode, globFromRaw(raw), raw);
}

/** A key source with no keys, for templates without variable references. */
const NO_KEYS = { values: () => undefined, isUnknown: () => false };

const UNKNOWN_VALUE = 'unknown';
/** A not-logged key's cases when a policy variable in the clause has no value: absent, or any value. */
const ANY_OR_ABSENT: readonly (readonly string[] | null)[] = [null, ['']];

/** Positive comparison of one request value with one policy value. */
function compare(mode: CompareMode, spec: OperatorSpec, actual: string, e: CompiledValue): boolean {
  switch (mode) {
    case 'equals':
      return actual === e.text;
    case 'glob':
      return e.glob !== undefined ? e.glob.matches(actual) : spec.compare(actual, e);
    case 'arn':
      return e.arn !== undefined ? e.arn.matches(actual) : spec.compare(actual, e);
    default:
      return spec.compare(actual, e);
  }
}

/** Positive sense for one request value: does it match any policy value? */
function positive(
  mode: CompareMode,
  spec: OperatorSpec,
  actual: string,
  resolved: readonly (CompiledValue | typeof UNKNOWN_VALUE)[],
): Tri {
  let result: Tri = 'no';
  for (let i = 0; i < resolved.length; i++) {
    const e = resolved[i] as CompiledValue | typeof UNKNOWN_VALUE;
    if (e === UNKNOWN_VALUE) result = 'unknown';
    else if (compare(mode, spec, actual, e)) return 'yes';
  }
  return result;
}

function not(v: Tri): Tri {
  return v === 'yes' ? 'no' : v === 'no' ? 'yes' : 'unknown';
}

function setResult(
  mode: CompareMode,
  spec: OperatorSpec,
  set: SetQualifier,
  values: readonly string[],
  resolved: readonly (CompiledValue | typeof UNKNOWN_VALUE)[],
): Tri {
  if (set === 'none') {
    let any: Tri = 'no';
    for (let i = 0; i < values.length; i++) {
      const r = positive(mode, spec, values[i] as string, resolved);
      if (r === 'yes') {
        any = 'yes';
        break;
      }
      if (r === 'unknown') any = 'unknown';
    }
    return spec.negated ? not(any) : any;
  }
  // ForAnyValue: OR over request values; ForAllValues: AND. Negation applies per request value.
  const decisive: Tri = set === 'ForAnyValue' ? 'yes' : 'no';
  let result: Tri = set === 'ForAnyValue' ? 'no' : 'yes';
  for (let i = 0; i < values.length; i++) {
    const p = positive(mode, spec, values[i] as string, resolved);
    const r = spec.negated ? not(p) : p;
    if (r === decisive) return decisive;
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}

function trace(
  c: CompiledCondition,
  expected: readonly string[],
  actual: readonly string[] | undefined,
  result: Tri,
  reason: 'key-not-logged' | 'variable-not-logged' | undefined,
  missingVariable?: string,
): ConditionTrace {
  const { operator, key } = c.clause;
  const t: ConditionTrace =
    result === 'unknown' && reason !== undefined
      ? { operator, key, expected, actual, result, unknownReason: reason }
      : { operator, key, expected, actual, result };
  return missingVariable === undefined || result !== 'no' ? t : { ...t, missingVariable };
}

/**
 * Evaluates a compiled clause against one request (semantics of
 * {@link evaluateCondition}). Keys that made the result `unknown` are pushed
 * to `unknownKeys` (a policy variable's key may be pushed more than once).
 */
export function evaluateCompiledCondition(
  c: CompiledCondition,
  scope: KeyScope,
  unknownKeys: string[],
): ConditionTrace {
  const present = scope.values(c.lowerKey);
  const notLogged = present === undefined && scope.isUnknown(c.lowerKey);
  const actual = present;
  const parsed = c.parsed;

  if (parsed === undefined) {
    const { operator, key, values } = c.clause;
    return { operator, key, expected: values, actual, result: 'no', invalidOperator: true };
  }

  // Resolve policy variables in the values.
  let resolved: readonly (CompiledValue | typeof UNKNOWN_VALUE)[];
  let expected: readonly string[];
  let variableKeys: string[] | undefined;
  let missingVariable: string | undefined;
  if (!c.dynamic) {
    resolved = c.values as readonly CompiledValue[];
    expected = c.expected;
  } else {
    const r: (CompiledValue | typeof UNKNOWN_VALUE)[] = [];
    const x: string[] = [];
    for (const v of c.values) {
      if (v instanceof CompiledValue) {
        r.push(v);
        x.push(v.text);
        continue;
      }
      const sub = substituteTemplate(v.template, scope);
      if (sub.kind === 'ok') {
        r.push(compileValue(c.mode, sub.pattern, sub.text));
        x.push(sub.text);
      } else {
        x.push(v.raw);
        if (sub.kind === 'missing') missingVariable ??= sub.key;
        else {
          r.push(UNKNOWN_VALUE);
          variableKeys ??= [];
          variableKeys.push(sub.key);
        }
      }
    }
    resolved = r;
    expected = x;
  }

  if (notLogged) {
    // A value that cannot be known may still not matter: a variable with no
    // value makes every present value fail (IAM UG, "Policy variables"), and
    // some keys can only take a few values. Decided when every case agrees.
    const cases = missingVariable !== undefined ? ANY_OR_ABSENT : scope.candidates(c.lowerKey);
    let decided: Tri | undefined;
    for (const v of cases ?? []) {
      const r = decide(c, parsed, resolved, missingVariable, v ?? undefined);
      decided = decided === undefined || decided === r ? r : 'unknown';
    }
    if (decided !== undefined && decided !== 'unknown') {
      return trace(c, expected, actual, decided, undefined, missingVariable);
    }
    unknownKeys.push(c.lowerKey);
    return trace(c, expected, actual, 'unknown', 'key-not-logged');
  }
  const result = decide(c, parsed, resolved, missingVariable, actual);
  if (result === 'unknown' && variableKeys !== undefined) {
    for (const k of variableKeys) unknownKeys.push(k);
  }
  return trace(c, expected, actual, result, 'variable-not-logged', missingVariable);
}

/**
 * The clause's result when the key has `actual` (`undefined`: absent), its
 * policy values resolved for the request. A module function, not a closure,
 * so that evaluating a clause allocates no function object.
 */
function decide(
  c: CompiledCondition,
  parsed: ParsedOperator,
  resolved: readonly (CompiledValue | typeof UNKNOWN_VALUE)[],
  missingVariable: string | undefined,
  actual: readonly string[] | undefined,
): Tri {
  const { spec, ifExists, set } = parsed;
  const isPresent = actual !== undefined && actual.length > 0;

  if (spec.family === 'null') {
    const presence = isPresent ? 'present' : 'absent';
    let yes = false;
    for (const e of resolved) {
      if (e !== UNKNOWN_VALUE && spec.compare(presence, e)) {
        yes = true;
        break;
      }
    }
    return yes ? 'yes' : 'no';
  }

  if (!isPresent) {
    if (ifExists) return 'yes';
    if (set === 'ForAllValues') return 'yes';
    if (set === 'ForAnyValue') return 'no';
    // A key that is present with an empty set of values counts as absent here.
    return spec.negated ? 'yes' : 'no';
  }

  if (missingVariable !== undefined) return 'no';

  return setResult(c.mode, spec, set, actual, resolved);
}
