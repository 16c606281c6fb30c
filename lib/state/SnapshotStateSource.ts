import { TrustwatchError } from '../errors/TrustwatchError.js';
import { parseIamPrincipalArn, parseSessionArn } from '../iam/parseIamArn.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import type {
  Snapshot,
  SnapshotAccount,
  SnapshotAttachedPolicy,
  SnapshotGroup,
  SnapshotInlinePolicy,
  SnapshotOrganization,
  SnapshotOrgPolicy,
  SnapshotPrincipal,
  SnapshotRole,
  SnapshotUser,
} from '../snapshot/Snapshot.js';
import type { Draft } from '../validation/Draft.js';
import { FederatedTrustIndex } from './FederatedTrustIndex.js';
import type {
  FederatedQuery,
  IamStateSource,
  OidcProviderState,
  OrgPathInfo,
  OrgState,
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
} from './IamStateSource.js';
import { answerInMemory, type InMemoryReads } from './InMemoryReads.js';
import { RoleNameIndex } from './RoleNameIndex.js';

/** Thrown inside this module only, to turn "cannot read" into `{ ok: false }` in one place. */
class Unreadable extends TrustwatchError {
  override readonly name: string = 'Unreadable';
  constructor(
    readonly reason: string,
    readonly accountId?: string,
  ) {
    super(reason, { context: { accountId } });
  }
}

function ok<T>(value: T): Readable<T> {
  return { ok: true, value };
}

/** The answer of a read that could not be made. */
function failed(err: Unreadable): Readable<never> {
  return err.accountId === undefined
    ? { ok: false, reason: err.reason }
    : { ok: false, reason: err.reason, accountId: err.accountId };
}

function attempt<T>(fn: () => T): Readable<T> {
  try {
    return ok(fn());
  } catch (err) {
    if (err instanceof Unreadable) return failed(err);
    throw err;
  }
}

/** The human label of an SCP/RCP: ``SCP `DenyDevelopersProdAdmin` (arn:aws:organizations::…)``. */
export function orgPolicyLabel(policy: SnapshotOrgPolicy): string {
  const kind = policy.type === 'SERVICE_CONTROL_POLICY' ? 'SCP' : 'RCP';
  return `${kind} \`${policy.name}\` (${policy.arn})`;
}

function toUserState(user: SnapshotUser): UserState {
  const state: Draft<UserState> = {
    arn: user.arn,
    name: user.name,
    path: user.path,
    userId: user.userId,
    accountId: user.accountId,
    tags: user.tags,
    groups: user.groups,
  };
  if (user.boundaryArn !== undefined) state.boundaryArn = user.boundaryArn;
  return state;
}

let loaded = 0;
/**
 * One version per loaded snapshot object: a snapshot never changes once
 * loaded, and a reloaded file is a new state.
 */
const versions = new WeakMap<Snapshot, string>();

function versionOf(snapshot: Snapshot): string {
  let v = versions.get(snapshot);
  if (v === undefined) {
    loaded += 1;
    v = `snapshot:${snapshot.file ?? 'inline'}:${snapshot.capturedAt ?? ''}:${loaded}`;
    versions.set(snapshot, v);
  }
  return v;
}

/**
 * The reads of one snapshot, answered at once, with the indexes and answers
 * they build on first use (a snapshot never changes once loaded): one per
 * snapshot, shared by every source over it.
 */
class SnapshotReads implements InMemoryReads {
  readonly #snapshot: Snapshot;
  #names: RoleNameIndex | undefined;
  readonly #federated = new Map<string, FederatedTrustIndex>();
  readonly #orgPaths = new Map<string, Readable<OrgPathInfo | null>>();
  readonly #policies = new Map<string, Readable<PrincipalPolicies>>();
  #organization: Readable<OrgState | null> | undefined;
  #readable: readonly string[] | undefined;

  constructor(snapshot: Snapshot) {
    this.#snapshot = snapshot;
  }

  #account(accountId: string): SnapshotAccount {
    const account = this.#snapshot.accounts.get(accountId);
    if (account !== undefined) return account;
    throw this.#noAccount(accountId);
  }

  /** Why an account the snapshot holds no IAM state for cannot be read. */
  #noAccount(accountId: string): Unreadable {
    const inOrg = this.#snapshot.organization?.accounts.some((a) => a.id === accountId) ?? false;
    return new Unreadable(
      inOrg
        ? `no IAM state for account \`${accountId}\` in the snapshot (no reader role there)`
        : `account \`${accountId}\` is not in the snapshot`,
      accountId,
    );
  }

  organization(): Readable<OrgState | null> {
    this.#organization ??= this.#readOrganization();
    return this.#organization;
  }

  #readOrganization(): Readable<OrgState | null> {
    const org = this.#snapshot.organization;
    if (org === null) return ok(null);
    return ok({
      id: org.id,
      managementAccountId: org.managementAccountId,
      ...(org.roots[0] === undefined ? {} : { rootId: org.roots[0].id }),
      accounts: org.accounts,
    });
  }

  orgPath(accountId: string): Readable<OrgPathInfo | null> {
    let answer = this.#orgPaths.get(accountId);
    if (answer === undefined) {
      const org = this.#snapshot.organization;
      answer = org === null ? ok(null) : attempt(() => this.#orgPathIn(org, accountId));
      this.#orgPaths.set(accountId, answer);
    }
    return answer;
  }

  /** An account's place in the organization, with the SCPs and RCPs of each level. */
  #orgPathIn(org: SnapshotOrganization, accountId: string): OrgPathInfo | null {
    const account = org.accounts.find((a) => a.id === accountId);
    if (account === undefined) return null;
    const ous = new Map(org.organizationalUnits.map((o) => [o.id, o]));
    const roots = new Map(org.roots.map((r) => [r.id, r]));
    // Without a parentId the account sits under the root only when there is
    // nowhere else it could be; with OUs around, its SCPs are unknown: say so
    // (the diagnosis reports INSUFFICIENT_DATA) rather than guess the root.
    if (account.parentId === undefined && (ous.size > 0 || roots.size !== 1)) {
      const i = org.accounts.indexOf(account);
      throw new Unreadable(
        `the snapshot does not say where account \`${accountId}\` sits in the organization (\`organization.accounts[${i}].parentId\` is missing)`,
        accountId,
      );
    }
    // Walk up from the account's parent to the root (the loader rejected cycles).
    const chain: string[] = [];
    let cur = account.parentId ?? org.roots[0]?.id;
    while (cur !== undefined) {
      chain.unshift(cur);
      if (roots.has(cur)) break;
      cur = ous.get(cur)?.parentId;
    }
    const levelOf = (
      targetId: string,
      targetType: PolicyLevel['targetType'],
      name: string | undefined,
      type: SnapshotOrgPolicy['type'],
    ): PolicyLevel => ({
      targetId,
      targetType,
      ...(name === undefined ? {} : { name }),
      policies: org.policies
        .filter((p) => p.type === type && p.targets.includes(targetId))
        .map((p) => ({ label: orgPolicyLabel(p), arn: p.arn, document: p.document })),
    });
    const levels = (type: SnapshotOrgPolicy['type']): PolicyLevel[] => [
      ...chain.map((id) =>
        roots.has(id)
          ? levelOf(id, 'ROOT', roots.get(id)?.name ?? 'Root', type)
          : levelOf(id, 'ORGANIZATIONAL_UNIT', ous.get(id)?.name, type),
      ),
      levelOf(accountId, 'ACCOUNT', account.name, type),
    ];
    return {
      path: chain,
      orgPath: `${[org.id, ...chain].join('/')}/`,
      scpLevels: levels('SERVICE_CONTROL_POLICY'),
      rcpLevels: levels('RESOURCE_CONTROL_POLICY'),
    };
  }

  /**
   * The snapshot's own role object (a `RoleState`): nothing is converted or
   * kept per read. A role found is in a readable account; only a miss asks
   * whether the account is there at all.
   */
  role(accountId: string, roleName: string): Readable<RoleState | null> {
    const role = this.#snapshot.index.rolesByName.get(`${accountId}/${roleName}`);
    if (role !== undefined) return ok(role);
    return this.#missing(accountId);
  }

  user(accountId: string, userName: string): Readable<UserState | null> {
    const user = this.#snapshot.index.usersByName.get(`${accountId}/${userName}`);
    if (user !== undefined) return ok(toUserState(user));
    return this.#missing(accountId);
  }

  /** A role or user not found: none by that name, or its account is not in the snapshot. */
  #missing(accountId: string): Readable<null> {
    return this.#snapshot.accounts.has(accountId) ? ok(null) : failed(this.#noAccount(accountId));
  }

  principalPolicies(principalArn: string): Readable<PrincipalPolicies> {
    let answer = this.#policies.get(principalArn);
    if (answer === undefined) {
      answer = attempt(() => this.#principalPoliciesSync(principalArn));
      this.#policies.set(principalArn, answer);
    }
    return answer;
  }

  #principalPoliciesSync(principalArn: string): PrincipalPolicies {
    // A role or user ARN as the snapshot holds it (the usual ask) names its
    // principal at once: the loader checked that ARN, its kind and account.
    const principal =
      this.#snapshot.index.principalsByArn.get(principalArn) ?? this.#principalNamed(principalArn);
    const accountId = principal.accountId;
    const account = this.#account(accountId);
    const identity: LabeledPolicy[] = [];
    const seenManaged: string[] = [];
    this.#addPolicies(identity, seenManaged, account, principal, false);
    if (principal.kind === 'user') {
      const groups = principal.groups;
      for (let i = 0; i < groups.length; i++) {
        const groupName = groups[i] as string;
        const group = this.#snapshot.index.groupsByName.get(`${accountId}/${groupName}`);
        if (group === undefined) {
          throw new Unreadable(
            `group \`${groupName}\` of user \`${principal.name}\` is not in the snapshot`,
            accountId,
          );
        }
        this.#addPolicies(identity, seenManaged, account, group, true);
      }
    }
    const boundary =
      principal.boundaryArn === undefined
        ? null
        : this.#managedLabeled(account, principal, { arn: principal.boundaryArn }, false, true);
    return { identity, boundary };
  }

  /** The role or user an ARN the snapshot does not hold as such names (a session ARN, another path). */
  #principalNamed(principalArn: string): SnapshotPrincipal {
    const iam = parseIamPrincipalArn(principalArn);
    const session = iam === undefined ? parseSessionArn(principalArn) : undefined;
    let accountId: string;
    let kind: 'role' | 'user';
    let name: string;
    if (iam !== undefined && (iam.resourceType === 'role' || iam.resourceType === 'user')) {
      accountId = iam.accountId;
      kind = iam.resourceType;
      name = iam.name;
    } else if (session?.kind === 'assumed-role') {
      accountId = session.accountId;
      kind = 'role';
      name = session.name;
    } else {
      throw new Unreadable(`\`${principalArn}\` is not an iam role or user arn`);
    }
    this.#account(accountId);
    const index = this.#snapshot.index;
    const principal =
      kind === 'role'
        ? index.rolesByName.get(`${accountId}/${name}`)
        : index.usersByName.get(`${accountId}/${name}`);
    if (principal === undefined || principal.kind !== kind) {
      throw new Unreadable(
        `no ${kind} \`${name}\` in account \`${accountId}\` in the snapshot`,
        accountId,
      );
    }
    return principal;
  }

  /** An owner's inline policies, then its managed policies not listed yet. */
  #addPolicies(
    identity: LabeledPolicy[],
    seenManaged: string[],
    account: SnapshotAccount,
    owner: SnapshotRole | SnapshotUser | SnapshotGroup,
    viaGroup: boolean,
  ): void {
    const inline = owner.inlinePolicies;
    for (let i = 0; i < inline.length; i++) {
      identity.push(this.#inlineLabeled(owner, inline[i] as SnapshotInlinePolicy));
    }
    const attached = owner.attachedPolicies;
    for (let i = 0; i < attached.length; i++) {
      const policy = attached[i] as SnapshotAttachedPolicy;
      if (seenManaged.includes(policy.arn)) continue;
      seenManaged.push(policy.arn);
      identity.push(this.#managedLabeled(account, owner, policy, viaGroup));
    }
  }

  #inlineLabeled(
    owner: SnapshotRole | SnapshotUser | SnapshotGroup,
    inline: SnapshotInlinePolicy,
  ): LabeledPolicy {
    return {
      label: `inline policy \`${inline.name}\` of ${owner.kind} \`${owner.name}\``,
      document: inline.document,
    };
  }

  #managedLabeled(
    account: SnapshotAccount,
    owner: SnapshotRole | SnapshotUser | SnapshotGroup,
    attached: SnapshotAttachedPolicy,
    viaGroup: boolean,
    asBoundary = false,
  ): LabeledPolicy {
    const index = this.#snapshot.index;
    const policy =
      index.policiesByAccountArn.get(`${account.accountId}/${attached.arn}`) ??
      index.policiesByArn.get(attached.arn);
    const role = asBoundary ? 'permissions boundary' : 'managed policy';
    if (policy === undefined) {
      throw new Unreadable(
        `${role} \`${attached.arn}\` of ${owner.kind} \`${owner.name}\` is not in the snapshot`,
        account.accountId,
      );
    }
    if (policy.document === undefined) {
      throw new Unreadable(
        `${role} \`${attached.arn}\` of ${owner.kind} \`${owner.name}\` has no default version document in the snapshot`,
        account.accountId,
      );
    }
    return {
      label: viaGroup ? `${policy.arn} (via group \`${owner.name}\`)` : policy.arn,
      arn: policy.arn,
      document: policy.document,
    };
  }

  roles(accountId: string): Readable<readonly RoleState[]> {
    return attempt(() => this.#account(accountId).roles);
  }

  principalsByUniqueId(ids: readonly string[]): Readable<ReadonlyMap<string, PrincipalRef>> {
    const found = new Map<string, PrincipalRef>();
    for (const id of ids) {
      const p = this.#snapshot.index.principalsByUniqueId.get(id);
      if (p === undefined) continue;
      found.set(id, {
        arn: p.arn,
        kind: p.kind,
        accountId: p.accountId,
        uniqueId: p.kind === 'role' ? p.roleId : p.userId,
      });
    }
    return ok(found);
  }

  similarRoles(wanted: RoleNameQuery): Readable<readonly RoleSummary[]> {
    const accounts = this.#snapshot.accounts;
    this.#names ??= new RoleNameIndex(
      (a) => accounts.get(a)?.roles,
      () => accounts.keys(),
    );
    return ok(this.#names.similar(wanted, wanted.maxDistance));
  }

  rolesTrustingFederated(accountId: string, query: FederatedQuery): Readable<readonly RoleState[]> {
    return attempt(() => {
      let index = this.#federated.get(accountId);
      if (index === undefined) {
        index = new FederatedTrustIndex(this.#account(accountId).roles);
        this.#federated.set(accountId, index);
      }
      return index.trusting(query);
    });
  }

  oidcProviders(accountId: string): Readable<readonly OidcProviderState[]> {
    return attempt(() => this.#account(accountId).oidcProviders);
  }

  samlProviders(accountId: string): Readable<readonly SamlProviderState[]> {
    return attempt(() => this.#account(accountId).samlProviders);
  }

  readableAccounts(): readonly string[] {
    this.#readable ??= [...this.#snapshot.accounts.keys()];
    return this.#readable;
  }

  accountTags(accountId: string): Readable<readonly Tag[]> {
    return ok(this.#snapshot.organization?.accountTags.get(accountId) ?? []);
  }
}

/** The reads of each loaded snapshot (immutable once loaded): see `SnapshotReads`. */
const readsBySnapshot = new WeakMap<Snapshot, SnapshotReads>();

/**
 * `IamStateSource` over a loaded snapshot file: no AWS access at all. An
 * account listed in the organization but absent from `accounts` is
 * unreadable (`{ ok: false }`), never guessed. It holds the state in memory,
 * so it also answers synchronously (`inMemoryReads`); its answers are kept
 * for the snapshot's lifetime.
 */
export class SnapshotStateSource implements IamStateSource {
  readonly #snapshot: Snapshot;
  readonly version: string;
  readonly #reads: SnapshotReads;

  constructor(snapshot: Snapshot) {
    this.#snapshot = snapshot;
    this.version = versionOf(snapshot);
    let reads = readsBySnapshot.get(snapshot);
    if (reads === undefined) {
      reads = new SnapshotReads(snapshot);
      readsBySnapshot.set(snapshot, reads);
    }
    this.#reads = reads;
    answerInMemory(this, reads);
  }

  /** The snapshot this source reads. */
  get snapshot(): Snapshot {
    return this.#snapshot;
  }

  async organization(): Promise<Readable<OrgState | null>> {
    return this.#reads.organization();
  }

  async orgPath(accountId: string): Promise<Readable<OrgPathInfo | null>> {
    return this.#reads.orgPath(accountId);
  }

  async role(accountId: string, roleName: string): Promise<Readable<RoleState | null>> {
    return this.#reads.role(accountId, roleName);
  }

  async user(accountId: string, userName: string): Promise<Readable<UserState | null>> {
    return this.#reads.user(accountId, userName);
  }

  async principalPolicies(principalArn: string): Promise<Readable<PrincipalPolicies>> {
    return this.#reads.principalPolicies(principalArn);
  }

  async roles(accountId: string): Promise<Readable<readonly RoleState[]>> {
    return this.#reads.roles(accountId);
  }

  async principalsByUniqueId(
    ids: readonly string[],
  ): Promise<Readable<ReadonlyMap<string, PrincipalRef>>> {
    return this.#reads.principalsByUniqueId(ids);
  }

  async similarRoles(wanted: RoleNameQuery): Promise<Readable<readonly RoleSummary[]>> {
    return this.#reads.similarRoles(wanted);
  }

  async rolesTrustingFederated(
    accountId: string,
    query: FederatedQuery,
  ): Promise<Readable<readonly RoleState[]>> {
    return this.#reads.rolesTrustingFederated(accountId, query);
  }

  async oidcProviders(accountId: string): Promise<Readable<readonly OidcProviderState[]>> {
    return this.#reads.oidcProviders(accountId);
  }

  async samlProviders(accountId: string): Promise<Readable<readonly SamlProviderState[]>> {
    return this.#reads.samlProviders(accountId);
  }

  async readableAccounts(): Promise<readonly string[]> {
    return this.#reads.readableAccounts();
  }

  async accountTags(accountId: string): Promise<Readable<readonly Tag[]>> {
    return this.#reads.accountTags(accountId);
  }
}
