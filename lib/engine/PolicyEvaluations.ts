import type { PolicyDocument } from '../policy/PolicyDocument.js';
import { type EvaluatePolicyOptions, evaluatePolicy } from './evaluatePolicy.js';
import type { PolicyEvaluation } from './PolicyEvaluation.js';
import type { RequestContext } from './RequestContext.js';

/**
 * Policy evaluations shared by the `evaluateAssumeRole` calls of one request:
 * a diagnosis evaluates the request, then verifies each fix by evaluating
 * patched inputs that share the request object and every policy the fix does
 * not touch. Pass one instance to all of them (create it per request, keep it
 * no longer than the diagnosis): each document is evaluated once per request
 * object and options. `evaluatePolicy` is a pure function of immutable
 * inputs, so the answers are the same as without it.
 */
export class PolicyEvaluations {
  private readonly last = new Map<PolicyDocument, LastEvaluation>();

  evaluate(
    doc: PolicyDocument,
    ctx: RequestContext,
    opts: EvaluatePolicyOptions,
  ): PolicyEvaluation {
    const l = this.last.get(doc);
    if (l?.ctx === ctx && l.principal === opts.principal && l.resource === opts.resource) {
      return l.evaluation;
    }
    const evaluation = evaluatePolicy(doc, ctx, opts);
    this.last.set(doc, { ctx, principal: opts.principal, resource: opts.resource, evaluation });
    return evaluation;
  }
}

/** A document's last evaluation, with the request and options it answered. */
interface LastEvaluation {
  readonly ctx: RequestContext;
  readonly principal: boolean;
  readonly resource: boolean;
  readonly evaluation: PolicyEvaluation;
}
