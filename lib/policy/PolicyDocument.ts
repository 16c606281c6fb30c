/**
 * The normalized IAM policy model every module works on. `parsePolicyDocument`
 * (lib/policy/parsePolicyDocument.ts) turns raw JSON (object, JSON string or
 * URL-encoded JSON string) into this shape; nothing else reads raw policy JSON.
 *
 * Normalization rules: single values become arrays; `Statement` object becomes a
 * one-element array; condition values become strings (`true` → `"true"`,
 * `3600` → `"3600"`); element names keep AWS's spelling; nothing is lower-cased
 * here (case rules belong to the engine).
 */
export type PolicyEffect = 'Allow' | 'Deny';

/** `Principal` / `NotPrincipal`: either the literal `"*"` or a map of principal types. */
export type PrincipalElement =
  | { readonly kind: 'any' }
  | {
      readonly kind: 'map';
      readonly AWS: readonly string[];
      readonly Service: readonly string[];
      readonly Federated: readonly string[];
      readonly CanonicalUser: readonly string[];
    };

/** One `"<operator>": { "<key>": <values> }` pair of a `Condition` block. */
export interface ConditionClause {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** As written, e.g. `aws:PrincipalTag/Team`. */
  readonly key: string;
  /** Always strings, in the order written. */
  readonly values: readonly string[];
}

export interface PolicyStatement {
  /** Position in the `Statement` array (0-based). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: PolicyEffect;
  readonly principal?: PrincipalElement;
  readonly notPrincipal?: PrincipalElement;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

/** A policy together with how a person should see it named. */
export interface LabeledPolicy {
  /** Policy ARN, or e.g. "inline policy `deploy` of role `ci-deployer`", or "trust policy of `arn:…`". */
  readonly label: string;
  /** Managed policy / SCP / RCP ARN or id when there is one. */
  readonly arn?: string;
  readonly document: PolicyDocument;
}
