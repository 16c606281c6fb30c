import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RepeatTurn, SlackThread, ThreadStore } from './ThreadStore.js';

/** A thread is kept a week: long enough for any dedup window and its summary. */
const THREAD_TTL_SECONDS = 7 * 86_400;

const isConditionFailure = (err: unknown) =>
  err instanceof ConditionalCheckFailedException ||
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

function toThread(item: Record<string, unknown>): SlackThread {
  return {
    destination: String(item.destination),
    fingerprint: String(item.fingerprint),
    channel: String(item.channel),
    ts: String(item.ts),
    text: String(item.text ?? ''),
    blocks: String(item.blocks ?? '[]'),
    firstAt: Number(item.firstAt),
    count: Number(item.count ?? 1),
  };
}

/**
 * {@link ThreadStore} on the noise-control table: items `thr#<destination>#<fingerprint>`
 * (TTL `expiresAt`). A repeat is one `UpdateItem` (count, and a conditional
 * claim of the window's reply and of the counter update, each won by exactly
 * one concurrent invocation).
 */
export class DynamoThreadStore implements ThreadStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key(destination: string, fingerprint: string) {
    return { pk: `thr#${destination}#${fingerprint}` };
  }

  async save(thread: SlackThread, now: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...this.key(thread.destination, thread.fingerprint),
          ...thread,
          replied: false,
          updatedAt: now,
          expiresAt: now + THREAD_TTL_SECONDS,
        },
      }),
    );
  }

  async get(destination: string, fingerprint: string): Promise<SlackThread | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: this.key(destination, fingerprint),
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? null : toThread(out.Item);
  }

  async repeat(
    destination: string,
    fingerprint: string,
    now: number,
    minUpdateSeconds: number,
  ): Promise<RepeatTurn | null> {
    let thread: SlackThread;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(destination, fingerprint),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      thread = toThread(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
    const claim = async (update: string, condition: string, values: Record<string, unknown>) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: this.key(destination, fingerprint),
            UpdateExpression: update,
            ConditionExpression: condition,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    };
    const reply = await claim('SET replied = :t', 'replied = :f', { ':t': true, ':f': false });
    const update = await claim('SET updatedAt = :now', 'updatedAt <= :before', {
      ':now': now,
      ':before': now - minUpdateSeconds,
    });
    return { thread, reply, update };
  }
}
