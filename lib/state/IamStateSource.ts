import type { LabeledPolicy, PolicyDocument } from '../policy/PolicyDocument.js';

/**
 * Where the diagnosis gets IAM and Organizations state from. Two
 * implementations: the snapshot file (lib/state/SnapshotStateSource.ts) and
 * live AWS (lib/aws/LiveStateSource.ts). Every method is async and never
 * throws for "cannot read": it returns `{ ok: false, reason }`, which the
 * diagnosis turns into `INSUFFICIENT_DATA`. "Does not exist" is a successful
 * read of `null`.
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

export interface IamStateSource {
  /**
   * Identifies the state this source reads: equal versions mean equal state,
   * so per-state indexes and memo entries are keyed by it.
   */
  readonly version: string;
  /** The organization; `null` when the account set is not in an organization. */
  organization(): Promise<Readable<OrgState | null>>;
  /** OU path and SCP/RCP levels of an account of the organization; `null` when not in it. */
  orgPath(accountId: string): Promise<Readable<OrgPathInfo | null>>;
  /** `null` when no such role exists in a readable account. */
  role(accountId: string, roleName: string): Promise<Readable<RoleState | null>>;
  /** `null` when no such user exists in a readable account. */
  user(accountId: string, userName: string): Promise<Readable<UserState | null>>;
  /** Identity policies and boundary of a role or user, by IAM ARN (role ARN, not session ARN). */
  principalPolicies(principalArn: string): Promise<Readable<PrincipalPolicies>>;
  /** Every role of an account with its trust policy (for name suggestions, OIDC matching, audit). */
  roles(accountId: string): Promise<Readable<readonly RoleState[]>>;
  oidcProviders(accountId: string): Promise<Readable<readonly OidcProviderState[]>>;
  samlProviders(accountId: string): Promise<Readable<readonly SamlProviderState[]>>;
  /** Accounts whose IAM state this source can read at all. */
  readableAccounts(): Promise<readonly string[]>;
  /**
   * The principals (anywhere this source can see) that have these unique ids
   * today; an id absent from the map belongs to no principal. Looked up in an
   * index built once per state version, never by scanning every role.
   * `near`: accounts worth reading afresh first (the caller's and the
   * role's), for a source whose organization-wide index may lag behind.
   * Unreadable when the source cannot answer.
   */
  principalsByUniqueId(
    ids: readonly string[],
    near?: readonly string[],
  ): Promise<Readable<ReadonlyMap<string, PrincipalRef>>>;
  /**
   * Roles the caller may have meant: in the wanted account the same name
   * under another path or in other letter case, or a name within the
   * suggestion edit distance; in other accounts the same name in any case.
   * From a name index, never by scanning every role.
   */
  similarRoles(wanted: RoleNameQuery): Promise<Readable<readonly RoleSummary[]>>;
  /**
   * Roles of an account with an Allow statement whose `Federated` principal
   * is one of `query.principals` (or, with `anySaml`, any SAML provider):
   * from a provider → trusting roles index.
   */
  rolesTrustingFederated(
    accountId: string,
    query: FederatedQuery,
  ): Promise<Readable<readonly RoleState[]>>;
}
