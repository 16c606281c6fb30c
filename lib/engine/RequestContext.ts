/**
 * The request as the policy engine sees it. Built by the diagnosis from a
 * denial event plus IAM state; the engine never looks at events.
 */

/** Three-valued truth: `unknown` when the answer depends on an input CloudTrail did not log. */
export type Tri = 'yes' | 'no' | 'unknown';

export type PrincipalKind =
  | 'IAMUser'
  | 'AssumedRole'
  | 'Role'
  | 'Root'
  | 'FederatedUser'
  | 'WebIdentity'
  | 'SAML'
  | 'Service'
  | 'Anonymous';

/** Who is making the request, with every identifier a `Principal` element can name. */
export interface RequestPrincipal {
  readonly kind: PrincipalKind;
  /**
   * The caller's ARN as AWS evaluates it: user ARN (with path), session ARN
   * `arn:aws:sts::<acct>:assumed-role/<name>/<session>` (no path), root ARN,
   * federated-user ARN. For web identity / SAML, absent.
   */
  readonly arn?: string;
  readonly accountId?: string;
  /** For `AssumedRole`: the IAM role ARN the session comes from, with its path. */
  readonly roleArn?: string;
  /** `AIDA…` / `AROA…` unique id of the user or role, when known. */
  readonly uniqueId?: string;
  /**
   * For `WebIdentity` / `SAML`: the identity provider as a trust policy names it
   * in `Federated`: an OIDC/SAML provider ARN, or e.g. `cognito-identity.amazonaws.com`.
   */
  readonly federatedProvider?: string;
  /** For `Service`: e.g. `ec2.amazonaws.com`. */
  readonly service?: string;
}

/**
 * One request. The diagnosis builds it as a `LazyRequestContext`
 * (lib/engine/contextKeys.ts), whose keys are built when read: derive a
 * changed request with `copyContext`, not by spreading (a spread copy of it
 * has no `values`, and the engine refuses it).
 */
export interface RequestContext {
  readonly principal: RequestPrincipal;
  /** e.g. `sts:AssumeRole` (as AWS spells it; the engine compares case-insensitively). */
  readonly action: string;
  /** e.g. the role ARN. */
  readonly resource: string;
  /**
   * Condition-key values known for this request, keyed by **lower-cased** key
   * name (`aws:principalarn`, `aws:principaltag/team`,
   * `token.actions.githubusercontent.com:sub`). A key known to be absent is
   * simply missing. Multi-valued keys hold several strings. Booleans and
   * numbers are strings (`"true"`, `"3600"`); dates are ISO-8601 strings.
   */
  readonly values: Readonly<Record<string, readonly string[]>>;
  /**
   * Lower-cased keys whose value was not logged, so a condition on them is
   * `unknown`, not false. An entry ending in `/` or `:` is a prefix
   * (`aws:requesttag/`, `token.actions.githubusercontent.com:` for every
   * claim of that issuer).
   */
  readonly unknownKeys: readonly string[];
  /**
   * For some not-logged keys, every value the key can have (`null`: absent).
   * A condition that comes out the same under each is decided, not
   * `unknown`: an IAM user signing with long-term keys has
   * `aws:MultiFactorAuthPresent` absent or `true` (when it sent an MFA code),
   * never `false`, so `BoolIfExists … true` always holds for it.
   */
  readonly candidates?: Readonly<Record<string, readonly (readonly string[] | null)[]>>;
}

/** Every key of a request at once: what `values` and `unknownKeys` of its context hold. */
export interface KeyTable {
  readonly values: RequestContext['values'];
  readonly unknownKeys: RequestContext['unknownKeys'];
}

/**
 * A request's condition keys answered one at a time, by lower-cased name,
 * exactly as its `KeyTable` would answer them: the keys of a
 * `LazyRequestContext` (lib/engine/contextKeys.ts), built on demand.
 */
export interface KeySource {
  /** The key's values when the request carries it, else `undefined` (absent or not logged). */
  valuesOf(lowerKey: string): readonly string[] | undefined;
  /** Is the key, when it has no values, listed as not logged (exactly or under a prefix entry)? */
  isUnknown(lowerKey: string): boolean;
  /** Every key (built once). */
  table(): KeyTable;
}
