import type { PrincipalRef, RoleNameQuery, RoleSummary } from '../state/IamStateSource.js';
import { RoleNameIndex } from '../state/RoleNameIndex.js';

/** One role as the organization-wide index keeps it: enough for names and unique ids. */
export interface IndexedRole {
  readonly name: string;
  readonly path: string;
  readonly roleId: string;
}

/** The roles of one account, as its last audit read them. */
export interface IndexedAccount {
  readonly accountId: string;
  /** ISO time the account's roles were read. */
  readonly indexedAt: string;
  readonly roles: readonly IndexedRole[];
}

/** The organization's structure as the last audit run read it: accounts and OUs with parents. */
export interface IndexedOrganization {
  readonly id: string;
  readonly managementAccountId: string;
  readonly rootId: string;
  readonly rootName?: string;
  /** Policy types enabled on the root (`SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`). */
  readonly enabledPolicyTypes: readonly string[];
  readonly organizationalUnits: readonly {
    readonly id: string;
    readonly parentId: string;
    readonly name?: string;
  }[];
  readonly accounts: readonly {
    readonly id: string;
    readonly name?: string;
    readonly parentId: string;
  }[];
  /** ISO time it was read. */
  readonly indexedAt: string;
}

/** Everything the role-index store holds. */
export interface RoleIndexContents {
  readonly accounts: readonly IndexedAccount[];
  readonly organization?: IndexedOrganization;
}

/**
 * The organization-wide role index, loaded: role names per account (for
 * "did you mean" across accounts) and role unique ids (stale-id checks),
 * indexed once when loaded, so a query never touches every role.
 */
export class OrgRoleIndex {
  readonly contents: RoleIndexContents;
  /** Changes whenever the contents do (the newest `indexedAt` and the sizes). */
  readonly version: string;
  readonly #roles = new Map<string, readonly RoleSummary[]>();
  readonly #byId = new Map<string, PrincipalRef>();
  readonly #names: RoleNameIndex;

  constructor(contents: RoleIndexContents, partition: string) {
    this.contents = contents;
    let newest = contents.organization?.indexedAt ?? '';
    let count = 0;
    for (const a of contents.accounts) {
      if (a.indexedAt > newest) newest = a.indexedAt;
      const roles = a.roles.map(
        (r): RoleSummary => ({
          arn: `arn:${partition}:iam::${a.accountId}:role${r.path}${r.name}`,
          name: r.name,
          path: r.path,
          roleId: r.roleId,
          accountId: a.accountId,
        }),
      );
      count += roles.length;
      this.#roles.set(a.accountId, roles);
      for (const r of roles)
        this.#byId.set(r.roleId, {
          arn: r.arn,
          kind: 'role',
          accountId: r.accountId,
          uniqueId: r.roleId,
        });
    }
    this.version = `${newest}/${contents.accounts.length}/${count}`;
    this.#names = new RoleNameIndex(
      (a) => this.#roles.get(a),
      () => this.#roles.keys(),
    );
  }

  /** Accounts the index holds roles for. */
  get accountCount(): number {
    return this.#roles.size;
  }

  hasAccount(accountId: string): boolean {
    return this.#roles.has(accountId);
  }

  principal(uniqueId: string): PrincipalRef | undefined {
    return this.#byId.get(uniqueId);
  }

  /** Same-name roles in every account, similar names in the wanted account (see `RoleNameIndex`). */
  similar(wanted: RoleNameQuery): RoleSummary[] {
    return this.#names.similar(wanted, wanted.maxDistance);
  }
}
