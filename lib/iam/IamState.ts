import type { LabeledPolicy, PolicyDocument } from '../policy/PolicyDocument.js';

/**
 * IAM and Organizations state as the explanation reads it: roles, users,
 * policies, org paths, identity providers. Plain data, read through a
 * state source (lib/state/IamStateSource.ts).
 *
 * A read that could not be made is `{ ok: false, reason }`, which the
 * diagnosis turns into `INSUFFICIENT_DATA`; "does not exist" is a
 * successful read of `null`.
 */
export type Readable<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly accountId?: string };

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface RoleSummary {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly roleId: string;
  readonly accountId: string;
}

export interface RoleState extends RoleSummary {
  readonly trustPolicy: PolicyDocument;
  /**
   * Set when the trust policy could not be read as an IAM policy (one line:
   * what and where). `trustPolicy` is then empty: the audit reports the role
   * as `TRUST_POLICY_INVALID` instead of stopping.
   */
  readonly trustPolicyError?: string;
  readonly tags: readonly Tag[];
  /** ARN of the permissions boundary policy, when one is set. */
  readonly boundaryArn?: string;
  /** `/aws-service-role/` roles: RCPs and SCPs do not apply to them. */
  readonly isServiceLinked: boolean;
  readonly createDate?: string;
  readonly lastUsedDate?: string;
  readonly lastUsedRegion?: string;
  readonly maxSessionDuration?: number;
}

export interface UserState {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly userId: string;
  readonly accountId: string;
  readonly tags: readonly Tag[];
  readonly groups: readonly string[];
  readonly boundaryArn?: string;
}

/** Identity-based policies of a principal, resolved to documents. */
export interface PrincipalPolicies {
  /** Inline, attached managed (default version) and, for users, group policies. */
  readonly identity: readonly LabeledPolicy[];
  /** `null` when the principal has no permissions boundary. */
  readonly boundary: LabeledPolicy | null;
}

export type OrgTargetType = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';

/** One level of an account's path (root, each OU, the account) with the policies attached there. */
export interface PolicyLevel {
  readonly targetId: string;
  readonly targetType: OrgTargetType;
  readonly name?: string;
  readonly policies: readonly LabeledPolicy[];
}

export interface OrgAccount {
  readonly id: string;
  readonly name?: string;
  readonly parentId?: string;
}

export interface OrgState {
  readonly id: string;
  readonly managementAccountId: string;
  readonly rootId?: string;
  readonly accounts: readonly OrgAccount[];
}

export interface OrgPathInfo {
  /** Ids from the root down to the account's parent OU: `[r-…, ou-…, ou-…]`. */
  readonly path: readonly string[];
  /** `aws:PrincipalOrgPaths` value: `o-…/r-…/ou-…/` (ending at the account's parent OU). */
  readonly orgPath: string;
  readonly scpLevels: readonly PolicyLevel[];
  readonly rcpLevels: readonly PolicyLevel[];
}

export interface OidcProviderState {
  readonly arn: string;
  /** Issuer host and path, without scheme, e.g. `token.actions.githubusercontent.com`. */
  readonly url: string;
  readonly clientIds: readonly string[];
}

export interface SamlProviderState {
  readonly arn: string;
  readonly name: string;
}

/** A role or user found by its unique id (`AROA…`, `AIDA…`). */
export interface PrincipalRef {
  readonly arn: string;
  readonly kind: 'role' | 'user';
  readonly accountId: string;
  readonly uniqueId: string;
}

/** The role an event asked for, by account, path and name (for "did you mean"). */
export interface RoleNameQuery {
  readonly accountId: string;
  readonly name: string;
  readonly path: string;
  /** Largest edit distance of a similar name worth suggesting. */
  readonly maxDistance: number;
}

/** What to look for in trust policies' `Federated` principals. */
export interface FederatedQuery {
  /** Provider ARNs (`…:oidc-provider/…`, `…:saml-provider/…`) or built-in provider hosts. */
  readonly principals: readonly string[];
  /** Also every role trusting any SAML provider (the event names none). */
  readonly anySaml?: boolean;
}
