import type { IndexedAccount, IndexedOrganization, RoleIndexContents } from './OrgRoleIndex.js';

/**
 * Where the organization-wide role index is kept between Lambda
 * invocations: the audit, which reads every account anyway, writes it (the
 * scheduler the organization's structure, each worker its account's roles);
 * the explainer reads it. Adapter: `DynamoRoleIndexStore`.
 */
export interface RoleIndexStore {
  /** Everything the index holds (entries past their retention are left out). */
  read(): Promise<RoleIndexContents>;
  putAccount(account: IndexedAccount): Promise<void>;
  putOrganization(organization: IndexedOrganization): Promise<void>;
}
