import {
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  AccountNotFoundException,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLiveStateSource } from '../../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import type { RoleIndexContents } from '../../../lib/roleindex/OrgRoleIndex.js';
import type { RoleIndexStore } from '../../../lib/roleindex/RoleIndexStore.js';
import { SharedRoleIndex } from '../../../lib/roleindex/SharedRoleIndex.js';

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const org = mockClient(OrganizationsClient);

const CALLER = '111111111111';
const TARGET = '222222222222';
const OTHER = '333333333333';
const MGMT = '999999999999';
const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CALLER}:role/ci-deployer` },
        Action: 'sts:AssumeRole',
      },
    ],
  }),
);

function listed(account: string, names: string[]) {
  return {
    Roles: names.map((n) => ({
      RoleName: n,
      RoleId: `AROA${account}${n.toUpperCase()}`,
      Arn: `arn:aws:iam::${account}:role/${n}`,
      Path: '/',
      CreateDate: new Date('2026-01-01T00:00:00Z'),
      AssumeRolePolicyDocument: TRUST,
    })),
  };
}

/** A role-index store in memory that counts its reads. */
function memoryStore(
  contents: RoleIndexContents,
): RoleIndexStore & { reads: number; fail: boolean } {
  const store = {
    reads: 0,
    fail: false,
    async read() {
      store.reads += 1;
      if (store.fail) throw new Error('table unreachable');
      return contents;
    },
    async putAccount() {},
    async putOrganization() {},
  };
  return store;
}

const INDEX: RoleIndexContents = {
  organization: {
    id: 'o-abc',
    managementAccountId: MGMT,
    rootId: 'r-root',
    enabledPolicyTypes: ['SERVICE_CONTROL_POLICY'],
    organizationalUnits: [{ id: 'ou-root-1', parentId: 'r-root', name: 'Workloads' }],
    accounts: [
      { id: MGMT, parentId: 'r-root' },
      { id: CALLER, parentId: 'ou-root-1' },
      { id: TARGET, parentId: 'ou-root-1' },
      { id: OTHER, parentId: 'ou-root-1' },
    ],
    indexedAt: new Date(Date.now() - 3_600_000).toISOString(),
  },
  accounts: [
    {
      accountId: OTHER,
      indexedAt: new Date().toISOString(),
      roles: [{ name: 'DeployRole', path: '/', roleId: 'AROAOTHERDEPLOY' }],
    },
    {
      accountId: TARGET,
      indexedAt: new Date().toISOString(),
      roles: [{ name: 'DeployRole', path: '/', roleId: 'AROATARGETDEPLOY' }],
    },
  ],
};

let cache: ReadCache;

function source(roleIndex?: SharedRoleIndex) {
  return createLiveStateSource({
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' },
    cache,
    ...(roleIndex === undefined ? {} : { roleIndex }),
  });
}

beforeEach(() => {
  sts.reset();
  iam.reset();
  org.reset();
  cache = new ReadCache();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIA1',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
});

describe('name and unique-id lookups of the live source', () => {
  it('without a role index, suggests from the wanted account only: one ListRoles, no other account read', async () => {
    iam.on(ListRolesCommand).resolves(listed(TARGET, ['DeployRole', 'ReadOnly']));
    const src = await source();
    const r = await src.similarRoles({
      accountId: TARGET,
      name: 'DeplyRole',
      path: '/',
      maxDistance: 3,
    });
    expect(r.ok && r.value.map((x) => x.arn)).toEqual([`arn:aws:iam::${TARGET}:role/DeployRole`]);
    expect(iam).toHaveReceivedCommandTimes(ListRolesCommand, 1);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('with the role index, finds the same name in other accounts without reading them', async () => {
    iam.on(ListRolesCommand).resolves(listed(TARGET, ['ReadOnly']));
    const store = memoryStore(INDEX);
    const src = await source(new SharedRoleIndex(store, { ttlMs: 60_000, partition: 'aws' }));
    const r = await src.similarRoles({
      accountId: TARGET,
      name: 'deployrole',
      path: '/',
      maxDistance: 3,
    });
    // The target account's own list is fresher than the index: DeployRole there is gone.
    expect(r.ok && r.value.map((x) => x.arn)).toEqual([`arn:aws:iam::${OTHER}:role/DeployRole`]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(store.reads).toBe(1);
  });

  it('for an account outside the organization, suggests same-name roles from the index without trying it', async () => {
    org
      .on(DescribeAccountCommand)
      .rejects(new AccountNotFoundException({ message: 'not found', $metadata: {} }));
    const src = await source(
      new SharedRoleIndex(memoryStore(INDEX), { ttlMs: 60_000, partition: 'aws' }),
    );
    const r = await src.similarRoles({
      accountId: '444444444444',
      name: 'DeployRole',
      path: '/',
      maxDistance: 3,
    });
    expect(r.ok && r.value.map((x) => x.accountId).sort()).toEqual([TARGET, OTHER].sort());
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });

  it('answers unique ids from the index, reads only the near accounts for the rest', async () => {
    iam.on(ListRolesCommand).resolves(listed(CALLER, ['ci-deployer']));
    const src = await source(
      new SharedRoleIndex(memoryStore(INDEX), { ttlMs: 60_000, partition: 'aws' }),
    );
    const r = await src.principalsByUniqueId(
      ['AROAOTHERDEPLOY', `AROA${CALLER}CI-DEPLOYER`, 'AROADELETED0000001'],
      [CALLER],
    );
    expect(r.ok && [...r.value.keys()].sort()).toEqual([
      `AROA${CALLER}CI-DEPLOYER`,
      'AROAOTHERDEPLOY',
    ]);
    expect(iam).toHaveReceivedCommandTimes(ListRolesCommand, 1);
  });

  it("takes the organization's accounts and OU paths from the index: no ListAccounts, no ListParents", async () => {
    org.on(ListPoliciesForTargetCommand).resolves({ Policies: [] });
    const src = await source(
      new SharedRoleIndex(memoryStore(INDEX), { ttlMs: 60_000, partition: 'aws' }),
    );
    const o = await src.organization();
    expect(o.ok && o.value?.accounts.map((a) => a.id)).toEqual([MGMT, CALLER, TARGET, OTHER]);
    const p = await src.orgPath(TARGET);
    expect(p.ok && p.value?.path).toEqual(['r-root', 'ou-root-1']);
    expect(p.ok && p.value?.scpLevels.map((l) => l.name)).toEqual(['Root', 'Workloads', undefined]);
    expect(org).toHaveReceivedCommandTimes(ListAccountsCommand, 0);
    expect(org).toHaveReceivedCommandTimes(ListParentsCommand, 0);
    expect(org).toHaveReceivedCommandTimes(ListRootsCommand, 0);
    expect(org).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 0);
    expect(iam).toHaveReceivedCommandTimes(ListRolePoliciesCommand, 0);
    expect(iam).toHaveReceivedCommandTimes(ListAttachedRolePoliciesCommand, 0);
  });
});

describe('SharedRoleIndex', () => {
  it('serves the loaded index to every caller and refreshes it in the background after the TTL', async () => {
    let now = 0;
    const store = memoryStore(INDEX);
    const index = new SharedRoleIndex(store, { ttlMs: 1000, partition: 'aws', now: () => now });
    const first = await index.current();
    await index.current();
    expect(store.reads).toBe(1);
    now = 1500;
    const stale = await index.current();
    // Served at once (the same index), while one read refreshes it.
    expect(stale).toBe(first);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.reads).toBe(2);
    expect(await index.current()).not.toBe(first);
  });

  it('keeps the last good index over a failed refresh, and reports an unreadable first load', async () => {
    let now = 0;
    const store = memoryStore(INDEX);
    const index = new SharedRoleIndex(store, { ttlMs: 1000, partition: 'aws', now: () => now });
    const good = await index.current();
    store.fail = true;
    now = 2000;
    await index.current();
    await new Promise((r) => setTimeout(r, 0));
    expect(await index.current()).toBe(good);
    const broken = new SharedRoleIndex(store, { ttlMs: 1000, partition: 'aws' });
    const r = await broken.current();
    expect(r).toEqual({
      ok: false,
      reason: 'the organization-wide role index could not be read: table unreachable',
    });
  });
});
