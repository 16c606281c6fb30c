import type { PolicyDocument, PolicyStatement } from '../policy/PolicyDocument.js';
import { evaluateCondition } from './evaluateCondition.js';
import { matchAction } from './matchAction.js';
import { matchResource } from './matchArn.js';
import { matchPrincipalElement } from './matchPrincipal.js';
import type { PolicyEvaluation, StatementTrace } from './PolicyEvaluation.js';
import { substituteVariables } from './policyVariables.js';
import type { RequestContext, Tri } from './RequestContext.js';
import { triAnd, triNot, triOf, triOr } from './tri.js';

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
 */
export function evaluatePolicy(
  doc: PolicyDocument,
  ctx: RequestContext,
  opts: EvaluatePolicyOptions,
): PolicyEvaluation {
  const variables = doc.version === '2012-10-17';
  const unknownKeys = new Set<string>();
  const statements = doc.statements.map((st) =>
    evaluateStatement(st, ctx, opts, variables, unknownKeys),
  );
  return {
    statements,
    allow: triOr(...statements.filter((s) => s.effect === 'Allow').map((s) => s.applies)),
    deny: triOr(...statements.filter((s) => s.effect === 'Deny').map((s) => s.applies)),
    unknownKeys: [...unknownKeys].sort(),
  };
}

function evaluateStatement(
  st: PolicyStatement,
  ctx: RequestContext,
  opts: EvaluatePolicyOptions,
  variables: boolean,
  unknownKeys: Set<string>,
): StatementTrace {
  let principal: Tri | null = null;
  if (opts.principal) {
    if (st.principal !== undefined)
      principal = matchPrincipalElement(st.principal, ctx.principal).result;
    else if (st.notPrincipal !== undefined) {
      principal = triNot(matchPrincipalElement(st.notPrincipal, ctx.principal).result);
    } else principal = 'no'; // a resource-based statement without a principal names nobody
  }

  const action =
    st.action !== undefined
      ? triOf(matchAction(st.action, ctx.action))
      : triOf(!matchAction(st.notAction ?? [], ctx.action));

  let resource: Tri | null = null;
  if (opts.resource) {
    if (st.resource !== undefined) {
      resource = matchResources(st.resource, ctx, variables, unknownKeys);
    } else if (st.notResource !== undefined) {
      resource = triNot(matchResources(st.notResource, ctx, variables, unknownKeys));
    }
  }

  const conditions = st.conditions.map((clause) => {
    const r = evaluateCondition(clause, ctx, { variables });
    for (const k of r.unknownKeys) unknownKeys.add(k);
    return r.trace;
  });
  const conditionsResult = triAnd(...conditions.map((c) => c.result));
  const applies = triAnd(principal ?? 'yes', action, resource ?? 'yes', conditionsResult);

  return {
    index: st.index,
    ...(st.sid === undefined ? {} : { sid: st.sid }),
    effect: st.effect,
    principal,
    action,
    resource,
    conditions,
    conditionsResult,
    applies,
  };
}

/** OR over resource patterns, with policy variables substituted (IAM UG, "Policy variables"). */
function matchResources(
  patterns: readonly string[],
  ctx: RequestContext,
  variables: boolean,
  unknownKeys: Set<string>,
): Tri {
  const results: Tri[] = [];
  const pending: string[] = [];
  for (const raw of patterns) {
    const sub = substituteVariables(raw, ctx, variables);
    if (sub.kind === 'ok') results.push(triOf(matchResource(sub.pattern, ctx.resource)));
    else if (sub.kind === 'unknown') {
      results.push('unknown');
      pending.push(sub.key);
    } else results.push('no'); // no value: matches no resource
  }
  const result = triOr(...results);
  if (result === 'unknown') for (const k of pending) unknownKeys.add(k);
  return result;
}
