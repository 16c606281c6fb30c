import type {
  FederatedQuery,
  OidcProviderState,
  OrgAccount,
  OrgPathInfo,
  OrgState,
  OrgTargetType,
  PolicyLevel,
  PrincipalPolicies,
  PrincipalRef,
  Readable,
  RoleNameQuery,
  RoleState,
  RoleSummary,
  SamlProviderState,
  Tag,
  UserState,
} from '../iam/IamState.js';

export type {
  FederatedQuery,
  OidcProviderState,
  OrgAccount,
  OrgPathInfo,
  OrgState,
  OrgTargetType,
  PolicyLevel,
  PrincipalPolicies,
  PrincipalRef,
  Readable,
  RoleNameQuery,
  RoleState,
  RoleSummary,
  SamlProviderState,
  Tag,
  UserState,
};

/**
 * Where the diagnosis gets IAM and Organizations state from. Two
 * implementations: the snapshot file (lib/state/SnapshotStateSource.ts) and
 * live AWS (lib/aws/LiveStateSource.ts). Every method is async and never
 * throws for "cannot read": it returns `{ ok: false, reason }`, which the
 * diagnosis turns into `INSUFFICIENT_DATA`. "Does not exist" is a successful
 * read of `null`.
 */
export interface IamStateSource {
  /**
   * Names the state this source reads: equal versions mean equal answers to
   * every read below. A snapshot's version is its content hash; a live
   * source's changes whenever its cache is refreshed. Memos of diagnoses are
   * keyed on it (lib/explain/DiagnosisMemo.ts).
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
   * Tags of an organization account (Organizations `ListTagsForResource`), e.g.
   * `team`, `owner`, `trustwatch:route`: what alert routing matches on. `[]`
   * when the account has none or is not in an organization.
   */
  accountTags(accountId: string): Promise<Readable<readonly Tag[]>>;
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
