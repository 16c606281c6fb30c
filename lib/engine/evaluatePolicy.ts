import { isParsed } from '../policy/isParsed.js';
import type { PolicyDocument, PolicyStatement } from '../policy/PolicyDocument.js';

import { KeyScope } from './contextKeys.js';
import {
  type CompiledCondition,
  compileConditions,
  evaluateCompiledCondition,
} from './evaluateCondition.js';
import { compileResourcePattern, ResourceMatcher } from './matchArn.js';
import {
  type CompiledPrincipal,
  compilePrincipalElement,
  matchCompiledPrincipal,
} from './matchPrincipal.js';
import type { ConditionTrace, PolicyEvaluation, StatementTrace } from './PolicyEvaluation.js';
import {
  compileTemplate,
  hasPolicyVariable,
  substituteTemplate,
  type VariableTemplate,
} from './policyVariables.js';
import type { RequestContext, Tri } from './RequestContext.js';
import { sameStrings } from './sameStrings.js';
import { triAnd, triNot, triOr } from './tri.js';
import { compileGlob, type GlobMatcher, globFromRaw } from './wildcard.js';

export interface EvaluatePolicyOptions {
  /** Check `Principal` / `NotPrincipal` (resource-based policies such as trust policies). */
  readonly principal: boolean;
  /** Check `Resource` / `NotResource` (identity policies, boundaries, SCPs, RCPs). */
  readonly resource: boolean;
}

/**
 * Evaluates one policy against one request and records, in the same pass, a
 * trace of every statement (IAM UG, "Policy evaluation logic"): a statement
 * applies when its principal, action, resource and every condition match;
 * `NotPrincipal` / `NotAction` / `NotResource` match everything except what
 * they list. `allow` / `deny` say whether some Allow / Deny statement applies,
 * three-valued. Every statement is evaluated in full (no short-circuit) so the
 * diagnosis can show why each one did or did not apply.
 *
 * Each statement is compiled once (action patterns lower-cased and compiled,
 * resource patterns prepared, condition operators parsed, policy variables
 * located). Documents from `parsePolicyDocument` are immutable and
 * long-lived: the compiled form of their statements is kept (in a `WeakMap`).
 * Any other document (a proposed fix built from a parsed one) is compiled for
 * the evaluation, reusing the compiled statements it shares with a parsed
 * document, and only the few last compiled are kept (see `recent`).
 */
export function evaluatePolicy(
  doc: PolicyDocument,
  ctx: RequestContext,
  opts: EvaluatePolicyOptions,
): PolicyEvaluation {
  return evaluatePolicyIn(doc, new KeyScope(ctx), opts, undefined);
}

/**
 * {@link evaluatePolicy} against a request's key scope, which evaluations of
 * the same request object share (`PolicyEvaluations`). `earlier`, when
 * given, is an evaluation of another document against the same request
 * object with the same options, which recorded no unknown key: a statement
 * object it holds at the same position is not evaluated again, its trace is
 * taken from there, and of a statement that changed, the elements that are
 * the same objects keep their results (a fix patches one element of one
 * statement of a trust policy).
 */
export function evaluatePolicyIn(
  doc: PolicyDocument,
  scope: KeyScope,
  opts: EvaluatePolicyOptions,
  earlier: EarlierEvaluation | undefined,
): PolicyEvaluation {
  const variables = doc.version === '2012-10-17';
  // The statements of a parsed document are parsed: one `isParsed` look-up per document.
  const keep = isParsed(doc);
  const stmts = doc.statements;
  const before = earlier?.doc.statements;
  const unknownKeys: string[] = [];
  // Arrays are made at their size and filled by index: an empty array that is pushed to
  // reserves 17 slots at the first push, most of what a small evaluation would allocate.
  const statements = new Array<StatementTrace>(stmts.length);
  let allow: Tri = 'no';
  let deny: Tri = 'no';
  for (let i = 0; i < stmts.length; i++) {
    const st = stmts[i] as PolicyStatement;
    const was = before?.[i];
    const wasTrace = was === undefined ? undefined : earlier?.evaluation.statements[i];
    const t =
      was === st && wasTrace !== undefined
        ? wasTrace
        : evaluateStatement(
            compiledStatement(st, variables, keep),
            scope,
            opts,
            unknownKeys,
            was,
            wasTrace,
          );
    statements[i] = t;
    if (t.effect === 'Allow') allow = triOr(allow, t.applies);
    else deny = triOr(deny, t.applies);
  }
  return {
    statements,
    allow,
    deny,
    unknownKeys: unknownKeys.length === 0 ? [] : [...new Set(unknownKeys)].sort(),
  };
}

/**
 * An evaluation of `doc` whose statement traces (and element results) another
 * evaluation may take over for the statement (element) objects the two
 * documents share at the same position: same request object, same options,
 * same `Version`, and no unknown key (so that each reused trace is all its
 * statement contributed).
 */
export interface EarlierEvaluation {
  readonly doc: PolicyDocument;
  readonly evaluation: PolicyEvaluation;
}

/** A `Resource` / `NotResource` pattern: compiled, or a template when it holds a policy variable. */
type CompiledResource = ResourceMatcher | VariableTemplate;

interface CompiledStatement {
  readonly st: PolicyStatement;
  readonly principal: CompiledPrincipal | undefined;
  readonly notPrincipal: CompiledPrincipal | undefined;
  /** `undefined`: the statement has `NotAction`. `null`: `"*"` is among the patterns. */
  readonly actions: readonly GlobMatcher[] | null | undefined;
  /** `NotAction` patterns (empty when the statement has `Action`). */
  readonly notActions: readonly GlobMatcher[] | null;
  readonly resources: readonly CompiledResource[] | undefined;
  readonly notResources: readonly CompiledResource[] | undefined;
  /** Some pattern of `resources` (or, without them, `notResources`) holds a policy variable. */
  readonly resourceTemplates: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** A `NotPrincipal` entry holds a `${…}` policy variable (2012-10-17 policies). */
  readonly notPrincipalHasVariable: boolean;
}

/**
 * Compiled statements of parsed documents (see `isParsed`), per `Version`
 * ([without policy variables, with them]). `WeakMap`s keyed on immutable
 * statements: an entry lives as long as its statement and is the same
 * whenever it is computed.
 */
const compiledStatements = [
  new WeakMap<PolicyStatement, CompiledStatement>(),
  new WeakMap<PolicyStatement, CompiledStatement>(),
] as const;

/**
 * The last {@link RECENT_LIMIT} statements compiled that are not parsed (the
 * statements a fix patched), with their compiled forms. Bounded (a fixed
 * ring, the oldest overwritten first) and keyed on immutable statements: a fix
 * is evaluated for each action of the request and then asked for its grant
 * (`compiledPrincipalOf`), which finds it here instead of compiling it again.
 */
const RECENT_LIMIT = 8;
const recent = {
  statements: new Array<PolicyStatement | undefined>(RECENT_LIMIT),
  compiled: new Array<CompiledStatement | undefined>(RECENT_LIMIT),
  variables: new Array<boolean>(RECENT_LIMIT),
  next: 0,
};

/** The statement's compiled form in `recent` (for either `Version` when `variables` is `undefined`). */
function recentCompiled(
  st: PolicyStatement,
  variables: boolean | undefined,
): CompiledStatement | undefined {
  for (let i = 0; i < RECENT_LIMIT; i++) {
    if (recent.statements[i] !== st) continue;
    if (variables === undefined || recent.variables[i] === variables) return recent.compiled[i];
  }
  return undefined;
}

function compiledStatement(
  st: PolicyStatement,
  variables: boolean,
  keep: boolean,
): CompiledStatement {
  const cache = compiledStatements[variables ? 1 : 0];
  let cs = cache.get(st);
  if (cs !== undefined) return cs;
  if (keep) {
    cs = buildStatement(st, variables);
    cache.set(st, cs);
    return cs;
  }
  cs = recentCompiled(st, variables);
  if (cs !== undefined) return cs;
  cs = buildStatement(st, variables);
  const at = recent.next;
  recent.statements[at] = st;
  recent.compiled[at] = cs;
  recent.variables[at] = variables;
  recent.next = (at + 1) % RECENT_LIMIT;
  return cs;
}

function buildStatement(st: PolicyStatement, variables: boolean): CompiledStatement {
  const resources =
    st.resource === undefined ? undefined : compileResources(st.resource, variables);
  const notResources =
    st.notResource === undefined ? undefined : compileResources(st.notResource, variables);
  return {
    st,
    principal: st.principal === undefined ? undefined : compilePrincipalElement(st.principal),
    notPrincipal:
      st.notPrincipal === undefined ? undefined : compilePrincipalElement(st.notPrincipal),
    actions: st.action === undefined ? undefined : compileActions(st.action),
    notActions: st.action === undefined ? compileActions(st.notAction ?? []) : NO_ACTIONS,
    resources,
    notResources,
    // `Resource` is matched when present, else `NotResource`.
    resourceTemplates: hasTemplate(resources ?? notResources),
    conditions:
      st.conditions.length === 0 ? NO_CONDITIONS : compileConditions(st.conditions, variables),
    notPrincipalHasVariable:
      variables && st.notPrincipal !== undefined && namesVariable(st.notPrincipal),
  };
}

/**
 * The statement's `Principal` (`undefined` without one), classified: the one
 * kept with its compiled statement when the statement was evaluated (a parsed
 * statement's is kept as long as the statement, a patched one's while it is
 * among the `recent` ones), so that asking again, as `evaluateAssumeRole`
 * does for the grant, repeats no work; else classified now.
 */
export function compiledPrincipalOf(st: PolicyStatement): CompiledPrincipal | undefined {
  if (st.principal === undefined) return undefined;
  const cs =
    compiledStatements[1].get(st) ?? compiledStatements[0].get(st) ?? recentCompiled(st, undefined);
  return cs?.principal ?? compilePrincipalElement(st.principal);
}

/**
 * Does some pattern hold a policy variable? (`instanceof`, not `'parts' in p`:
 * an `in` test that misses walks the prototype chain, which cost more than
 * the rest of the statement's compile in cold profiles.)
 */
function hasTemplate(patterns: readonly CompiledResource[] | undefined): boolean {
  if (patterns === undefined) return false;
  for (let i = 0; i < patterns.length; i++) {
    if (!(patterns[i] instanceof ResourceMatcher)) return true;
  }
  return false;
}

/** Does some entry of the element hold a `${…}` policy variable? */
function namesVariable(p: NonNullable<PolicyStatement['notPrincipal']>): boolean {
  return (
    p.kind === 'map' &&
    (p.AWS.some(hasPolicyVariable) ||
      p.Service.some(hasPolicyVariable) ||
      p.Federated.some(hasPolicyVariable) ||
      p.CanonicalUser.some(hasPolicyVariable))
  );
}

/**
 * Action patterns as case-insensitive matchers (IAM UG, "IAM JSON policy
 * elements: Action"); `null` when one of them is `"*"` (matches every action).
 */
function compileActions(patterns: readonly string[]): readonly GlobMatcher[] | null {
  if (patterns.includes('*')) return null;
  return actionLists.get(patterns, compileActionList);
}

function compileActionList(patterns: readonly string[]): readonly GlobMatcher[] {
  const matchers = new Array<GlobMatcher>(patterns.length);
  for (let i = 0; i < patterns.length; i++) {
    matchers[i] = compileGlob(globFromRaw(patterns[i] as string), true);
  }
  return matchers;
}

/** Upper bound on the lists each {@link PatternLists} keeps; it is emptied when full. */
export const PATTERN_LISTS_LIMIT = 4096;

/**
 * Compiled `Action` / `Resource` lists (`"sts:AssumeRole"`,
 * `["s3:GetObject", "s3:PutObject"]`, `"arn:aws:iam::*:role/deploy-*"`) by
 * their patterns, bounded by {@link PATTERN_LISTS_LIMIT}: organizations
 * stamp the same elements on many policies, and statements listing the same
 * patterns then share one list. A list is a pure function of its patterns
 * and is never changed (a `ResourceMatcher` only fills in its own compiled
 * form), so sharing it changes no answer.
 */
class PatternLists<T> {
  private readonly lists = new Map<string, { patterns: readonly string[]; list: readonly T[] }>();

  get(patterns: readonly string[], build: (patterns: readonly string[]) => readonly T[]) {
    // Joined for the key, compared in full on a hit (a pattern may hold the separator).
    const key = patterns.length === 1 ? (patterns[0] as string) : patterns.join('\n');
    const known = this.lists.get(key);
    const same =
      known !== undefined &&
      (patterns.length === 1
        ? known.patterns.length === 1 // the key is the pattern
        : sameStrings(known.patterns, patterns));
    if (same) return known.list;
    const list = build(patterns);
    if (this.lists.size >= PATTERN_LISTS_LIMIT) this.lists.clear();
    this.lists.set(key, { patterns, list });
    return list;
  }
}

const actionLists = new PatternLists<GlobMatcher>();
/** Without policy variables (`${` in a 2012-10-17 document): those depend on `Version`. */
const resourceLists = new PatternLists<CompiledResource>();

const NO_CONDITIONS: readonly CompiledCondition[] = [];
/** The `notActions` of every statement with `Action`. */
const NO_ACTIONS: readonly GlobMatcher[] = [];
/** The `conditions` trace of every statement without conditions (frozen: shared by all). */
const NO_CONDITION_TRACES: readonly ConditionTrace[] = Object.freeze([]);

function compileResources(
  patterns: readonly string[],
  variables: boolean,
): readonly CompiledResource[] {
  if (!holdVariables(patterns)) return resourceLists.get(patterns, compilePlainResources);
  const compiled = new Array<CompiledResource>(patterns.length);
  for (let i = 0; i < patterns.length; i++) {
    compiled[i] = compileResource(patterns[i] as string, variables);
  }
  return compiled;
}

/** Might some pattern hold a policy variable (`${`)? */
function holdVariables(patterns: readonly string[]): boolean {
  for (let i = 0; i < patterns.length; i++) if ((patterns[i] as string).includes('${')) return true;
  return false;
}

/** Patterns without `${`: the same under either `Version`. */
function compilePlainResources(patterns: readonly string[]): readonly CompiledResource[] {
  const compiled = new Array<CompiledResource>(patterns.length);
  for (let i = 0; i < patterns.length; i++) {
    compiled[i] = compileResourcePattern(globFromRaw(patterns[i] as string));
  }
  return compiled;
}

function compileResource(raw: string, variables: boolean): CompiledResource {
  // Without `${` there is nothing to substitute: the pattern is the text.
  if (!variables || !raw.includes('${')) return compileResourcePattern(globFromRaw(raw));
  const template = compileTemplate(raw, variables);
  if (template.hasVariables) return template;
  const sub = substituteTemplate(template, NO_KEYS);
  return compileResourcePattern(sub.kind === 'ok' ? sub.pattern : globFromRaw(raw));
}

/** A key source with no keys, for templates without variable references. */
const NO_KEYS = { values: () => undefined, isUnknown: () => false };

function matchActions(matchers: readonly GlobMatcher[] | null, scope: KeyScope): boolean {
  if (matchers === null) return true;
  if (matchers.length === 0) return false;
  const action = scope.lowerAction;
  for (let i = 0; i < matchers.length; i++) {
    if ((matchers[i] as GlobMatcher).matchesLowered(action)) return true;
  }
  return false;
}

/**
 * Evaluates one statement. `was`, when given, is the statement at the same
 * position of an earlier evaluation for the same request (see
 * `EarlierEvaluation`), with its trace: an element that is the same object in
 * both (a fix that adds a principal keeps the `Action` and `Condition` it
 * found) has the same result, taken from there.
 */
function evaluateStatement(
  cs: CompiledStatement,
  scope: KeyScope,
  opts: EvaluatePolicyOptions,
  unknownKeys: string[],
  was: PolicyStatement | undefined,
  wasTrace: StatementTrace | undefined,
): StatementTrace {
  const st = cs.st;
  const earlier = was !== undefined && wasTrace !== undefined;
  let principal: Tri | null = null;
  if (opts.principal) {
    if (earlier && was.principal === st.principal && was.notPrincipal === st.notPrincipal) {
      principal = wasTrace.principal;
    } else principal = principalResult(cs, scope);
  }

  const action: Tri =
    earlier && was.action === st.action && was.notAction === st.notAction
      ? wasTrace.action
      : actionResult(cs, scope);

  let resource: Tri | null = null;
  if (opts.resource) {
    if (earlier && was.resource === st.resource && was.notResource === st.notResource) {
      resource = wasTrace.resource;
    } else resource = resourceResult(cs, scope, unknownKeys);
  }

  let conditions = NO_CONDITION_TRACES;
  let conditionsResult: Tri = 'yes';
  if (earlier && was.conditions === st.conditions) {
    conditions = wasTrace.conditions;
    conditionsResult = wasTrace.conditionsResult;
  } else if (cs.conditions.length > 0) {
    const traces = new Array<ConditionTrace>(cs.conditions.length);
    for (let i = 0; i < cs.conditions.length; i++) {
      const t = evaluateCompiledCondition(
        cs.conditions[i] as CompiledCondition,
        scope,
        unknownKeys,
      );
      traces[i] = t;
      conditionsResult = triAnd(conditionsResult, t.result);
    }
    conditions = traces;
  }
  const applies = triAnd(principal ?? 'yes', action, resource ?? 'yes', conditionsResult);

  if (st.sid === undefined) {
    return {
      index: st.index,
      effect: st.effect,
      principal,
      action,
      resource,
      conditions,
      conditionsResult,
      applies,
    };
  }
  return {
    index: st.index,
    sid: st.sid,
    effect: st.effect,
    principal,
    action,
    resource,
    conditions,
    conditionsResult,
    applies,
  };
}

/** Does `Principal` (or `NotPrincipal`) name the caller? */
function principalResult(cs: CompiledStatement, scope: KeyScope): Tri {
  // Policy variables are not supported in `Principal` / `NotPrincipal`
  // (IAM Access Analyzer, "Variable unsupported in element"): such an entry
  // can never be resolved, so a statement listing one in `NotPrincipal` is
  // invalid rather than a statement about everyone else.
  let result: Tri;
  if (cs.principal !== undefined) {
    result = matchCompiledPrincipal(cs.principal, scope.ctx.principal).result;
  } else if (cs.notPrincipal !== undefined) {
    result = triNot(matchCompiledPrincipal(cs.notPrincipal, scope.ctx.principal).result);
  } else return 'no'; // a resource-based statement without a principal names nobody
  return cs.notPrincipal !== undefined && cs.notPrincipalHasVariable ? 'no' : result;
}

/** Does `Action` (or `NotAction`) cover the request's action? */
function actionResult(cs: CompiledStatement, scope: KeyScope): Tri {
  if (cs.actions !== undefined) return matchActions(cs.actions, scope) ? 'yes' : 'no';
  return matchActions(cs.notActions, scope) ? 'no' : 'yes';
}

/** Does `Resource` (or `NotResource`) cover the request's resource? `null` without either. */
function resourceResult(cs: CompiledStatement, scope: KeyScope, unknownKeys: string[]): Tri | null {
  // A variable with no value in `Resource` or `NotResource` makes the
  // statement invalid, so it applies to nothing (IAM UG, "Policy
  // variables": "any attempt to match it fails and causes the statement to
  // be invalid"); above all a `NotResource` must not then match everything.
  if (cs.resources !== undefined) {
    return resourceApplies(matchResources(cs.resources, cs.resourceTemplates, scope, unknownKeys));
  }
  if (cs.notResources !== undefined) {
    return notResourceApplies(
      matchResources(cs.notResources, cs.resourceTemplates, scope, unknownKeys),
    );
  }
  return null;
}

/**
 * Resource patterns against the request's resource, with policy variables
 * substituted (IAM UG, "Policy variables"): `matched` is the OR over the
 * patterns; `missing` when a pattern's variable has no value and no default,
 * which invalidates the statement; `mayBeMissing` when a pattern's variable
 * was not logged (it may turn out to have no value).
 */
interface ResourceMatch {
  readonly matched: Tri;
  readonly missing: boolean;
  readonly mayBeMissing: boolean;
}

const MATCHED: ResourceMatch = { matched: 'yes', missing: false, mayBeMissing: false };

function matchResources(
  patterns: readonly CompiledResource[],
  templates: boolean,
  scope: KeyScope,
  unknownKeys: string[],
): ResourceMatch {
  const resource = scope.ctx.resource;
  // Without policy variables (`templates` false) the first match decides (the usual case).
  let matched: Tri = 'no';
  let pending: string[] | undefined;
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i] as CompiledResource;
    if (p instanceof ResourceMatcher) {
      if (p.matches(resource)) {
        if (!templates) return MATCHED;
        matched = 'yes';
      }
      continue;
    }
    const sub = substituteTemplate(p, scope);
    if (sub.kind === 'ok') {
      if (compileResourcePattern(sub.pattern).matches(resource)) matched = 'yes';
    } else if (sub.kind === 'unknown') {
      if (matched === 'no') matched = 'unknown';
      pending ??= [];
      pending.push(sub.key);
    } else return { matched: 'no', missing: true, mayBeMissing: false };
  }
  if (pending !== undefined) for (const k of pending) unknownKeys.push(k);
  return { matched, missing: false, mayBeMissing: pending !== undefined };
}

/** `Resource`: applies when some pattern matches and the statement is valid. */
function resourceApplies(m: ResourceMatch): Tri {
  if (m.missing) return 'no';
  return m.matched === 'yes' && m.mayBeMissing ? 'unknown' : m.matched;
}

/** `NotResource`: applies when no pattern matches and the statement is valid. */
function notResourceApplies(m: ResourceMatch): Tri {
  if (m.missing || m.matched === 'yes') return 'no';
  return triNot(m.matched);
}
