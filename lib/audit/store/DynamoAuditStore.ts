import { gunzipSync, gzipSync } from 'node:zlib';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccountResult, AuditRun } from '../../findings/AuditRun.js';
import type { AuditStore } from './AuditStore.js';

const RUNS_PK = 'RUNS';
/** DynamoDB items are at most 400 KB; results are gzipped JSON cut into chunks below that. */
const CHUNK_BYTES = 350_000;

function accountSk(accountId: string, chunk: number): string {
  return `ACCOUNT#${accountId}#${String(chunk).padStart(3, '0')}`;
}

function toRun(item: Record<string, unknown> | undefined): AuditRun | null {
  if (item === undefined) return null;
  return {
    runId: String(item.sk),
    startedAt: String(item.startedAt),
    total: Number(item.total),
    remaining: Number(item.remaining),
    ...(typeof item.digestSentAt === 'string' ? { digestSentAt: item.digestSentAt } : {}),
    ...(item.digestDelivered instanceof Set && item.digestDelivered.size > 0
      ? { digestDelivered: [...(item.digestDelivered as Set<string>)].sort() }
      : {}),
  };
}

function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name === 'TransactionCanceledException' || name === 'ConditionalCheckFailedException';
}

/**
 * The audit results table: one run item (`pk=RUNS`, `sk=<runId>`) holding the
 * count of accounts still to go, and per (run, account) the gzipped result
 * (`pk=RUN#<runId>`, `sk=ACCOUNT#<account>#<chunk>`). Every item expires
 * (`expiresAt`, DynamoDB TTL) after the retention period.
 */
export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays = 90,
  ) {}

  #expiresAt(iso: string): number {
    return Math.floor(Date.parse(iso) / 1000) + this.retentionDays * 86_400;
  }

  async startRun(runId: string, startedAt: string, accountIds: readonly string[]): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                pk: RUNS_PK,
                sk: runId,
                startedAt,
                total: accountIds.length,
                remaining: accountIds.length,
                expiresAt: this.#expiresAt(startedAt),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  async recordAccount(result: AccountResult): Promise<{ recorded: boolean; remaining: number }> {
    const data = gzipSync(JSON.stringify(result));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += CHUNK_BYTES)
      chunks.push(data.subarray(i, i + CHUNK_BYTES));
    const expiresAt = this.#expiresAt(result.auditedAt);
    let recorded = true;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...chunks.map((chunk, i) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: `RUN#${result.runId}`,
                  sk: accountSk(result.accountId, i),
                  accountId: result.accountId,
                  chunks: chunks.length,
                  data: chunk,
                  expiresAt,
                },
                ...(i === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
              },
            })),
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: RUNS_PK, sk: result.runId },
                UpdateExpression: 'SET remaining = remaining - :one',
                ConditionExpression: 'attribute_exists(pk) AND remaining > :zero',
                ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const existing = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: `RUN#${result.runId}`, sk: accountSk(result.accountId, 0) },
          ConsistentRead: true,
        }),
      );
      // Already recorded (a redelivered message): not counted again.
      if (existing.Item === undefined) throw err;
      recorded = false;
    }
    const run = await this.getRun(result.runId);
    return { recorded, remaining: run?.remaining ?? 0 };
  }

  async getRun(runId: string): Promise<AuditRun | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: RUNS_PK, sk: runId },
        ConsistentRead: true,
      }),
    );
    return toRun(out.Item);
  }

  async accountResults(runId: string): Promise<AccountResult[]> {
    const parts = new Map<string, { chunks: number; data: Map<number, Uint8Array> }>();
    for await (const page of paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `RUN#${runId}`, ':prefix': 'ACCOUNT#' },
        ConsistentRead: true,
      },
    )) {
      for (const item of page.Items ?? []) {
        const account = String(item.accountId);
        const index = Number(String(item.sk).split('#')[2]);
        const entry = parts.get(account) ?? { chunks: Number(item.chunks), data: new Map() };
        entry.data.set(index, item.data as Uint8Array);
        parts.set(account, entry);
      }
    }
    const out: AccountResult[] = [];
    for (const [, p] of parts) {
      if (p.data.size !== p.chunks) continue; // written in one transaction: never partial
      const buf = Buffer.concat(
        [...p.data.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => Buffer.from(d)),
      );
      out.push(JSON.parse(gunzipSync(buf).toString('utf8')) as AccountResult);
    }
    return out.sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  async previousCompleteRun(runId: string): Promise<AuditRun | null> {
    for await (const page of paginateQuery(
      { client: this.doc, pageSize: 25 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :run',
        ExpressionAttributeValues: { ':pk': RUNS_PK, ':run': runId },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
    )) {
      for (const item of page.Items ?? []) {
        const run = toRun(item);
        if (run !== null && run.remaining === 0) return run;
      }
    }
    return null;
  }

  async latestRunBefore(runId: string): Promise<AuditRun | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :run',
        ExpressionAttributeValues: { ':pk': RUNS_PK, ':run': runId },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return toRun(out.Items?.[0]);
  }

  async claimDigest(runId: string, nowIso: string, leaseMs: number): Promise<boolean> {
    const stale = new Date(Date.parse(nowIso) - leaseMs).toISOString();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: RUNS_PK, sk: runId },
          UpdateExpression: 'SET digestClaimedAt = :now',
          ConditionExpression:
            'remaining = :zero AND attribute_not_exists(digestSentAt) AND (attribute_not_exists(digestClaimedAt) OR digestClaimedAt < :stale)',
          ExpressionAttributeValues: { ':now': nowIso, ':zero': 0, ':stale': stale },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async releaseDigest(runId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: RUNS_PK, sk: runId },
        UpdateExpression: 'REMOVE digestClaimedAt',
      }),
    );
  }

  /** A string set on the run item: `ADD` is idempotent, so a re-recorded part stays one. */
  async markDigestDelivered(runId: string, key: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: RUNS_PK, sk: runId },
        UpdateExpression: 'ADD digestDelivered :key',
        ExpressionAttributeValues: { ':key': new Set([key]) },
      }),
    );
  }

  async markDigestSent(runId: string, nowIso: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: RUNS_PK, sk: runId },
        UpdateExpression: 'SET digestSentAt = :now REMOVE digestClaimedAt',
        ExpressionAttributeValues: { ':now': nowIso },
      }),
    );
  }
}
