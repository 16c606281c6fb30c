import type { PolicyDocument, PolicyStatement } from '../policy/PolicyDocument.js';
import { KeyScope } from './contextKeys.js';
import {
  type EarlierEvaluation,
  type EvaluatePolicyOptions,
  evaluatePolicyIn,
} from './evaluatePolicy.js';
import type { PolicyEvaluation } from './PolicyEvaluation.js';
import type { RequestContext } from './RequestContext.js';

/**
 * Policy evaluations shared by the `evaluateAssumeRole` calls of one request:
 * a diagnosis evaluates the request, then verifies each fix by evaluating
 * patched inputs that share the request object and every policy the fix does
 * not touch. Pass one instance to all of them (create it per request, keep it
 * no longer than the diagnosis): each document is evaluated once per request
 * object and options, and a patched document's statements that the fix left
 * as they were (the same objects at the same positions) take their traces
 * from the evaluation of the document it patched, as do the elements the fix
 * left as they were in the statement it patched (see `evaluatePolicyIn`).
 * `evaluatePolicy` is a pure function of immutable inputs, so the answers
 * are the same as without it.
 */
export class PolicyEvaluations {
  /** Every evaluation made, oldest first (a request makes a handful). */
  private readonly made: MadeEvaluation[] = [];
  /** The key scope of the last request object evaluated (one per action of the request). */
  private scope: KeyScope | undefined;

  evaluate(
    doc: PolicyDocument,
    ctx: RequestContext,
    opts: EvaluatePolicyOptions,
  ): PolicyEvaluation {
    const made = this.made;
    let earlier: MadeEvaluation | undefined;
    for (let i = made.length - 1; i >= 0; i--) {
      const e = made[i] as MadeEvaluation;
      if (e.ctx !== ctx || e.principal !== opts.principal || e.resource !== opts.resource) continue;
      if (e.doc === doc) return e.evaluation;
      if (earlier === undefined && sharesStatements(e, doc)) earlier = e;
    }
    let scope = this.scope;
    if (scope?.ctx !== ctx) {
      scope = new KeyScope(ctx);
      this.scope = scope;
    }
    const evaluation = evaluatePolicyIn(doc, scope, opts, earlier);
    made.push({ doc, ctx, principal: opts.principal, resource: opts.resource, evaluation });
    return evaluation;
  }
}

/**
 * Can `doc`'s evaluation take statement traces, or the results of single
 * elements, from `e` (see `evaluatePolicyIn`)? Same `Version`, no unknown key,
 * and some statement, `Action` or `Condition` object at the same position.
 */
function sharesStatements(e: MadeEvaluation, doc: PolicyDocument): boolean {
  if (e.doc.version !== doc.version || e.evaluation.unknownKeys.length > 0) return false;
  const a = e.doc.statements;
  const b = doc.statements;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as PolicyStatement;
    const y = b[i] as PolicyStatement;
    if (x === y || x.action === y.action || x.conditions === y.conditions) return true;
  }
  return false;
}

/** One evaluation, with the request and options it answered. */
interface MadeEvaluation extends EarlierEvaluation {
  readonly ctx: RequestContext;
  readonly principal: boolean;
  readonly resource: boolean;
}
