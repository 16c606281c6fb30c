import { gunzipSync, gzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { AwsReadError } from '../errors/TrustwatchError.js';
import * as z from '../validation/z.js';
import type { IndexedAccount, IndexedOrganization, RoleIndexContents } from './OrgRoleIndex.js';
import type { RoleIndexStore } from './RoleIndexStore.js';

/** Partition key of every item: one Query reads the whole index. */
const PK = 'role-index';
const ORGANIZATION_SK = '#organization';
const DAY_SECONDS = 86_400;

/**
 * The role index in a DynamoDB table (`pk`, `sk` strings; TTL on
 * `expiresAt`): one item per account (`sk` = account id) and one for the
 * organization's structure, each a gzipped JSON document in `data` (an
 * account of 5,000 roles stays far below the 400 KB item limit). Items expire
 * after `retentionDays` without being rewritten, so an account that left the
 * organization drops out of the index.
 */
export class DynamoRoleIndexStore implements RoleIndexStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = 7,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(): Promise<RoleIndexContents> {
    const accounts: IndexedAccount[] = [];
    let organization: IndexedOrganization | undefined;
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    for await (const page of paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
      },
    )) {
      for (const item of page.Items ?? []) {
        // DynamoDB deletes expired items lazily: skip them here.
        if (typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds) continue;
        const sk = String(item.sk);
        const data = decode(item.data, sk);
        if (sk === ORGANIZATION_SK) organization = checked(organizationSchema, data, sk);
        else accounts.push(checked(accountSchema, data, sk));
      }
    }
    return organization === undefined ? { accounts } : { accounts, organization };
  }

  putAccount(account: IndexedAccount): Promise<void> {
    return this.#put(account.accountId, account);
  }

  putOrganization(organization: IndexedOrganization): Promise<void> {
    return this.#put(ORGANIZATION_SK, organization);
  }

  async #put(sk: string, data: unknown): Promise<void> {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + this.retentionDays * DAY_SECONDS;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: PK, sk, expiresAt, data: gzipSync(JSON.stringify(data)) },
      }),
    );
  }
}

const accountSchema = z.object({
  accountId: z.string().check(z.regex(/^\d{12}$/)),
  indexedAt: z.string(),
  roles: z.array(z.object({ name: z.string(), path: z.string(), roleId: z.string() })),
});

const organizationSchema = z.object({
  id: z.string(),
  managementAccountId: z.string(),
  rootId: z.string(),
  rootName: z.optional(z.string()),
  enabledPolicyTypes: z.array(z.string()),
  organizationalUnits: z.array(
    z.object({ id: z.string(), parentId: z.string(), name: z.optional(z.string()) }),
  ),
  accounts: z.array(
    z.object({ id: z.string(), name: z.optional(z.string()), parentId: z.string() }),
  ),
  indexedAt: z.string(),
});

/** An item's document checked against its shape: a bad one is named, never half-used. */
function checked<T>(schema: z.ZodMiniType<T>, data: unknown, sk: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AwsReadError(
    `role index item \`${sk}\` is not what the audit writes: \`${(issue?.path ?? []).join('.')}\` ${issue?.message ?? 'is invalid'}`,
    { context: { sk } },
  );
}

function decode(value: unknown, sk: string): unknown {
  if (!(value instanceof Uint8Array)) {
    throw new AwsReadError(`role index item \`${sk}\` has no binary \`data\``, {
      context: { sk },
    });
  }
  try {
    return JSON.parse(gunzipSync(value).toString('utf8'));
  } catch (err) {
    throw new AwsReadError(`role index item \`${sk}\` is not gzipped json`, {
      cause: err,
      context: { sk },
    });
  }
}
