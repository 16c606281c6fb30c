import type {
  OidcProviderState,
  OrgAccount,
  OrgPathInfo,
  OrgState,
  OrgTargetType,
  PolicyLevel,
  PrincipalPolicies,
  Readable,
  RoleState,
  RoleSummary,
  SamlProviderState,
  Tag,
  UserState,
} from '../iam/IamState.js';

export type {
  OidcProviderState,
  OrgAccount,
  OrgPathInfo,
  OrgState,
  OrgTargetType,
  PolicyLevel,
  PrincipalPolicies,
  Readable,
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
}
