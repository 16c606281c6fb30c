import { gzipSync } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoRoleIndexStore } from '../../../lib/roleindex/DynamoRoleIndexStore.js';
import { OrgRoleIndex } from '../../../lib/roleindex/OrgRoleIndex.js';

/** The role-index store against moto's DynamoDB (its own table). */
const table = 'role-index-store-test';
const saved = { ...process.env };
let doc: DynamoDBDocumentClient;
let now = new Date('2026-12-01T00:00:00Z');
let store: DynamoRoleIndexStore;

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  const ddb = new DynamoDBClient({});
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  doc = DynamoDBDocumentClient.from(ddb);
  store = new DynamoRoleIndexStore(doc, table, 7, () => now);
});

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('DynamoRoleIndexStore', () => {
  it('reads back every account and the organization with one paginated Query, for the index', async () => {
    // 600 accounts of 40 roles, one gzipped item each.
    for (let a = 0; a < 600; a++) {
      await store.putAccount({
        accountId: String(100000000000 + a),
        indexedAt: now.toISOString(),
        roles: Array.from({ length: 40 }, (_, r) => ({
          name: `role-${a}-${r}-${'x'.repeat(r % 7)}`,
          path: '/',
          roleId: `AROA${String(a).padStart(6, '0')}${String(r).padStart(6, '0')}`,
        })),
      });
    }
    await store.putOrganization({
      id: 'o-test',
      managementAccountId: '100000000000',
      rootId: 'r-abcd',
      enabledPolicyTypes: ['SERVICE_CONTROL_POLICY'],
      organizationalUnits: [],
      accounts: [{ id: '100000000000', parentId: 'r-abcd' }],
      indexedAt: now.toISOString(),
    });
    const contents = await store.read();
    expect(contents.accounts).toHaveLength(600);
    expect(contents.organization?.id).toBe('o-test');
    const index = new OrgRoleIndex(contents, 'aws');
    expect(index.principal('AROA000599000039')?.arn).toBe(
      'arn:aws:iam::100000000599:role/role-599-39-xxxx',
    );
    expect(
      index
        .similar({ accountId: '100000000007', name: 'role-7-3-xx', path: '/', maxDistance: 3 })
        .map((r) => r.name),
    ).toContain('role-7-3-xxx');
  });

  it('leaves out items past their expiry that DynamoDB has not deleted yet', async () => {
    now = new Date(now.getTime() + 8 * 86_400_000);
    await store.putAccount({ accountId: '999999999999', indexedAt: now.toISOString(), roles: [] });
    const contents = await store.read();
    expect(contents.accounts.map((a) => a.accountId)).toEqual(['999999999999']);
    expect(contents.organization).toBeUndefined();
  });

  it('names an item it cannot decode instead of returning half an index', async () => {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { pk: 'role-index', sk: '123456789012', data: 'not gzip', expiresAt: 4_102_444_800 },
      }),
    );
    await expect(store.read()).rejects.toThrow(
      'role index item `123456789012` has no binary `data`',
    );
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'role-index',
          sk: '123456789012',
          data: gzipSync(
            JSON.stringify({ accountId: '123456789012', indexedAt: 'x', roles: [{}] }),
          ),
          expiresAt: 4_102_444_800,
        },
      }),
    );
    await expect(store.read()).rejects.toThrow(
      'role index item `123456789012` is not what the audit writes: `roles.0.name`',
    );
  });
});
