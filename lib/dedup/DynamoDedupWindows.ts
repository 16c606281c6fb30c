import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { BusyError } from '../errors/TrustwatchError.js';
import type { DedupWindows, OccurrenceResult, WindowItem } from './DedupWindows.js';
import { isConditionFailure, toSet, WINDOW_GRACE_SECONDS } from './dynamoItems.js';

/** Name of the sparse index listing windows whose summary is due. */
export const DUE_INDEX = 'due';
const DUE_SHARD = 'due';

function toWindow(item: Record<string, unknown>): WindowItem {
  const state = item.summaryState;
  return {
    fingerprint: String(item.pk).slice('fp#'.length),
    windowStart: Number(item.windowStart),
    windowEnd: Number(item.windowEnd),
    firstEventId: String(item.firstEventId),
    repeats: Number(item.repeats ?? 0),
    sample: String(item.sample ?? '{}'),
    ...(state === 'sending' || state === 'sent' ? { summaryState: state } : {}),
    summaryDelivered: toSet(item.summaryDelivered),
  };
}

/** {@link DedupWindows} on the noise table: one `fp#<fingerprint>` item per window (sparse GSI `due`). */
export class DynamoDedupWindows implements DedupWindows {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async occurrence(
    fingerprint: string,
    eventId: string,
    now: number,
    windowSeconds: number,
    sample: string,
  ): Promise<OccurrenceResult> {
    const pk = `fp#${fingerprint}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const fresh = {
        pk,
        windowStart: now,
        windowEnd: now + windowSeconds,
        firstEventId: eventId,
        repeats: 0,
        sample,
        expiresAt: now + windowSeconds + WINDOW_GRACE_SECONDS,
      };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: fresh,
            ConditionExpression:
              'attribute_not_exists(pk) OR (windowEnd <= :now AND (repeats = :zero OR summaryState = :sent))',
            ExpressionAttributeValues: { ':now': now, ':zero': 0, ':sent': 'sent' },
          }),
        );
        return { kind: 'first', window: toWindow(fresh) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const got = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }),
      );
      if (got.Item === undefined) continue;
      const old = toWindow(got.Item);
      if (old.windowEnd <= now) return { kind: 'summary-pending', window: old };
      if (old.firstEventId === eventId) return { kind: 'first', window: old };
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk },
            UpdateExpression: 'ADD repeats :one SET dueShard = :due, dueAt = :end',
            ConditionExpression: 'windowEnd = :end',
            ExpressionAttributeValues: { ':one': 1, ':due': DUE_SHARD, ':end': old.windowEnd },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { kind: 'repeat', window: toWindow(out.Attributes ?? got.Item) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    throw new BusyError(`dedup window of \`${fingerprint}\` kept changing under contention`, {
      context: { fingerprint },
    });
  }

  async dueSummaries(now: number, limit: number): Promise<readonly WindowItem[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'dueShard = :due AND dueAt <= :now',
        ExpressionAttributeValues: { ':due': DUE_SHARD, ':now': now },
        Limit: limit,
      }),
    );
    const result: WindowItem[] = [];
    for (const key of out.Items ?? []) {
      // The index projects keys only when created that way; read the item to be safe.
      const got = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk: key.pk } }),
      );
      if (got.Item !== undefined && got.Item.summaryState !== 'sent')
        result.push(toWindow(got.Item));
    }
    return result;
  }

  async claimSummary(
    fingerprint: string,
    windowEnd: number,
    now: number,
    leaseSeconds: number,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `fp#${fingerprint}` },
          UpdateExpression: 'SET summaryState = :sending, summaryLease = :lease',
          ConditionExpression:
            'windowEnd = :end AND repeats > :zero AND (attribute_not_exists(summaryState) OR (summaryState = :sending AND summaryLease < :now))',
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':lease': now + leaseSeconds,
            ':end': windowEnd,
            ':zero': 0,
            ':now': now,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async markSummaryDelivered(fingerprint: string, windowEnd: number, sink: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `fp#${fingerprint}` },
        UpdateExpression: 'ADD summaryDelivered :s',
        ConditionExpression: 'windowEnd = :end',
        ExpressionAttributeValues: { ':s': new Set([sink]), ':end': windowEnd },
      }),
    );
  }

  async completeSummary(fingerprint: string, windowEnd: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `fp#${fingerprint}` },
        UpdateExpression: 'SET summaryState = :sent REMOVE dueShard, dueAt, summaryLease',
        ConditionExpression: 'windowEnd = :end',
        ExpressionAttributeValues: { ':sent': 'sent', ':end': windowEnd },
      }),
    );
  }

  async releaseSummary(fingerprint: string, windowEnd: number): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `fp#${fingerprint}` },
          UpdateExpression: 'REMOVE summaryState, summaryLease',
          ConditionExpression: 'windowEnd = :end AND summaryState = :sending',
          ExpressionAttributeValues: { ':end': windowEnd, ':sending': 'sending' },
        }),
      )
      .catch((err) => {
        if (!isConditionFailure(err)) throw err;
      });
  }
}
