import type { PolicyEffect } from '../policy/PolicyDocument.js';
import type { Tri } from './RequestContext.js';

/**
 * The trace of one policy evaluated against one request, produced in the same
 * pass as the decision (lib/engine/evaluatePolicy.ts). No prose: renderers and
 * the diagnosis turn it into words.
 */
export interface ConditionTrace {
  /** As written in the policy, e.g. `StringLikeIfExists`. */
  readonly operator: string;
  /** As written in the policy. */
  readonly key: string;
  /** As written, after policy-variable substitution when it could be done. */
  readonly expected: readonly string[];
  /** What the request carried; `undefined` when the key was absent or unknown. */
  readonly actual: readonly string[] | undefined;
  /** `unknown` when the key (or a policy variable in the values) was not logged. */
  readonly result: Tri;
  /** Why the result is unknown, when it is. */
  readonly unknownReason?: 'key-not-logged' | 'variable-not-logged';
  /**
   * A policy variable in the values that has no value for this request (no
   * default either), e.g. `aws:username` for a role session: the clause then
   * matches no present value (IAM UG, "Policy variables").
   */
  readonly missingVariable?: string;
  /** Set when the operator name itself is not one IAM knows (the clause then never matches). */
  readonly invalidOperator?: true;
}

export interface StatementTrace {
  readonly index: number;
  readonly sid?: string;
  readonly effect: PolicyEffect;
  /** `null` when the policy type has no principal element to check (identity policies, SCPs). */
  readonly principal: Tri | null;
  readonly action: Tri;
  /** `null` when the statement has no resource element (trust policies). */
  readonly resource: Tri | null;
  readonly conditions: readonly ConditionTrace[];
  /** AND of all conditions (`yes` when there are none). */
  readonly conditionsResult: Tri;
  /** AND of principal, action, resource and conditions: does this statement apply? */
  readonly applies: Tri;
}

export interface PolicyEvaluation {
  readonly statements: readonly StatementTrace[];
  /** Does some `Allow` statement apply? */
  readonly allow: Tri;
  /** Does some `Deny` statement apply? */
  readonly deny: Tri;
  /** Lower-cased keys that made some result `unknown`. */
  readonly unknownKeys: readonly string[];
}
