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

export interface IamStateSource {
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
