import type {
  OidcProviderState,
  OrgAccount,
  RoleState,
  SamlProviderState,
  Tag,
} from '../iam/IamState.js';
import type { PolicyDocument } from '../policy/PolicyDocument.js';

/**
 * A loaded, validated and indexed IAM snapshot (`shared/spec/snapshot.md`).
 * Every policy document is already parsed; `jsonPath` fields say where each
 * entity sits in the file, for messages.
 */

export interface SnapshotInlinePolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface SnapshotAttachedPolicy {
  readonly name?: string;
  readonly arn: string;
}

interface SnapshotPrincipalBase {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly accountId: string;
  readonly inlinePolicies: readonly SnapshotInlinePolicy[];
  readonly attachedPolicies: readonly SnapshotAttachedPolicy[];
  readonly tags: readonly Tag[];
  readonly createDate?: string;
  readonly jsonPath: string;
}

/**
 * A role as the snapshot holds it: its `RoleState` (what a state source
 * answers, the same object every time: nothing is converted per read) plus
 * its policies and place in the file.
 */
export interface SnapshotRole extends SnapshotPrincipalBase, RoleState {
  readonly kind: 'role';
  readonly roleId: string;
  readonly trustPolicy: PolicyDocument;
  /** Why the trust policy could not be read (only with `invalidTrustPolicies: 'keep'`). */
  readonly trustPolicyError?: string;
  readonly boundaryArn?: string;
  readonly lastUsedDate?: string;
  readonly lastUsedRegion?: string;
  readonly maxSessionDuration?: number;
}

export interface SnapshotUser extends SnapshotPrincipalBase {
  readonly kind: 'user';
  readonly userId: string;
  /** Group names, as `GroupList` gives them. */
  readonly groups: readonly string[];
  readonly boundaryArn?: string;
}

export interface SnapshotGroup extends SnapshotPrincipalBase {
  readonly kind: 'group';
  readonly groupId?: string;
}

export type SnapshotPrincipal = SnapshotRole | SnapshotUser;

export interface SnapshotManagedPolicy {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly policyId?: string;
  readonly defaultVersionId?: string;
  /** The default version's document; `undefined` when the snapshot does not hold it. */
  readonly document?: PolicyDocument;
  readonly awsManaged: boolean;
  readonly jsonPath: string;
}

export interface SnapshotAccount {
  readonly accountId: string;
  readonly roles: readonly SnapshotRole[];
  readonly users: readonly SnapshotUser[];
  readonly groups: readonly SnapshotGroup[];
  readonly policies: readonly SnapshotManagedPolicy[];
  readonly oidcProviders: readonly OidcProviderState[];
  readonly samlProviders: readonly SamlProviderState[];
}

export type OrgPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export interface SnapshotOrgPolicy {
  readonly id: string;
  /** `arn:aws:organizations::<mgmt>:policy/<org-id>/service_control_policy/<id>` (AWS-managed: `…::aws:policy/…`). */
  readonly arn: string;
  readonly type: OrgPolicyType;
  readonly name: string;
  readonly awsManaged: boolean;
  readonly document: PolicyDocument;
  /** Root, OU or account ids it is attached to. */
  readonly targets: readonly string[];
}

export interface SnapshotRoot {
  readonly id: string;
  readonly name?: string;
}

export interface SnapshotOrganizationalUnit {
  readonly id: string;
  readonly parentId: string;
  readonly name?: string;
}

export interface SnapshotOrganization {
  readonly id: string;
  readonly managementAccountId: string;
  readonly roots: readonly SnapshotRoot[];
  readonly organizationalUnits: readonly SnapshotOrganizationalUnit[];
  readonly accounts: readonly OrgAccount[];
  /** Account tags by account id (`organization.accounts[].tags`, as `ListTagsForResource` returns them). */
  readonly accountTags: ReadonlyMap<string, readonly Tag[]>;
  readonly policies: readonly SnapshotOrgPolicy[];
}

export interface SnapshotIndex {
  /** Roles and users by IAM ARN (with path). */
  readonly principalsByArn: ReadonlyMap<string, SnapshotPrincipal>;
  /** Roles and users by unique id (`AROA…`, `AIDA…`). */
  readonly principalsByUniqueId: ReadonlyMap<string, SnapshotPrincipal>;
  /** Roles by `<account>/<RoleName>`. */
  readonly rolesByName: ReadonlyMap<string, SnapshotRole>;
  /** Roles by `<account>/<rolename lower-cased>` (IAM names are unique regardless of case). */
  readonly rolesByLowerName: ReadonlyMap<string, SnapshotRole>;
  /** Users by `<account>/<UserName>`. */
  readonly usersByName: ReadonlyMap<string, SnapshotUser>;
  /** Groups by `<account>/<GroupName>`. */
  readonly groupsByName: ReadonlyMap<string, SnapshotGroup>;
  /** Managed policies by `<account>/<policy ARN>`. */
  readonly policiesByAccountArn: ReadonlyMap<string, SnapshotManagedPolicy>;
  /** Managed policies by ARN, any account (AWS-managed policies are the same everywhere). */
  readonly policiesByArn: ReadonlyMap<string, SnapshotManagedPolicy>;
}

export interface Snapshot {
  readonly snapshotVersion: 1;
  readonly capturedAt?: string;
  /** The file it was read from, when known. */
  readonly file?: string;
  readonly organization: SnapshotOrganization | null;
  /** Accounts whose IAM state the snapshot holds, by account id. */
  readonly accounts: ReadonlyMap<string, SnapshotAccount>;
  readonly index: SnapshotIndex;
}
