import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRoleIndexStore } from '../roleindex/DynamoRoleIndexStore.js';
import type { IndexedOrganization } from '../roleindex/OrgRoleIndex.js';
import { SharedRoleIndex } from '../roleindex/SharedRoleIndex.js';
import { type CallCounter, countCalls, DEFAULT_REGION, partitionOfRegion } from './clients.js';
import type { OrganizationStructure } from './readOrganizationStructure.js';

/** How long a container uses a loaded role index before refreshing it in the background. */
export const DEFAULT_ROLE_INDEX_TTL_SECONDS = 900;

export interface RoleIndexTableOptions {
  readonly tableName: string;
  /** Counts the store's DynamoDB calls with the source's (benchmark, tests). */
  readonly counter?: CallCounter;
  readonly ttlSeconds?: number;
  readonly partition?: string;
  readonly now?: () => number;
}

/** The role-index store of a DynamoDB table (its client honours `AWS_ENDPOINT_URL`). */
export function dynamoRoleIndexStore(
  tableName: string,
  counter?: CallCounter,
  now?: () => Date,
): DynamoRoleIndexStore {
  const client = new DynamoDBClient({});
  if (counter !== undefined) countCalls(client, counter);
  return new DynamoRoleIndexStore(DynamoDBDocumentClient.from(client), tableName, 7, now);
}

const shared = new Map<string, SharedRoleIndex>();

/**
 * The container's role index over a DynamoDB table: one per table for the
 * process, so every invocation of a warm Lambda shares what was loaded.
 */
export function sharedRoleIndexFromTable(opts: RoleIndexTableOptions): SharedRoleIndex {
  const partition = opts.partition ?? partitionOfRegion(process.env.AWS_REGION ?? DEFAULT_REGION);
  const key = `${opts.tableName}|${partition}`;
  let index = shared.get(key);
  if (index === undefined || opts.counter !== undefined || opts.now !== undefined) {
    index = new SharedRoleIndex(dynamoRoleIndexStore(opts.tableName, opts.counter), {
      ttlMs: (opts.ttlSeconds ?? DEFAULT_ROLE_INDEX_TTL_SECONDS) * 1000,
      partition,
      ...(opts.now === undefined ? {} : { now: opts.now }),
    });
    // Instances with their own counter or clock (tests, bench) are not shared.
    if (opts.counter === undefined && opts.now === undefined) shared.set(key, index);
  }
  return index;
}

/** The organization's structure as the role index keeps it. */
export function indexedOrganization(
  structure: OrganizationStructure,
  at: Date,
): IndexedOrganization {
  const root = structure.roots[0];
  return {
    id: structure.id,
    managementAccountId: structure.managementAccountId,
    rootId: root?.id ?? '',
    ...(root?.name === undefined ? {} : { rootName: root.name }),
    enabledPolicyTypes: root?.enabledPolicyTypes ?? [],
    organizationalUnits: structure.organizationalUnits,
    accounts: structure.accounts,
    indexedAt: at.toISOString(),
  };
}
