import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BusyError } from '../errors/TrustwatchError.js';
import { isConditionFailure, toSet } from './dynamoItems.js';
import {
  EVENT_DECISIONS,
  type EventClaim,
  type EventDecision,
  type EventLedger,
} from './EventLedger.js';

/** Idempotency records outlive the SQS retention (14 days max) so a DLQ redrive is still recognised. */
const EVENT_TTL_SECONDS = 15 * 86_400;

function decisionOf(v: unknown): EventDecision | undefined {
  return (EVENT_DECISIONS as readonly unknown[]).includes(v) ? (v as EventDecision) : undefined;
}

/** {@link EventLedger} on the noise table: one `evt#<eventId>` item per CloudTrail event. */
export class DynamoEventLedger implements EventLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async beginEvent(eventId: string, now: number, leaseSeconds: number): Promise<EventClaim> {
    const pk = `evt#${eventId}`;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk },
          UpdateExpression: 'SET #s = :inprog, leaseUntil = :lease, expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :inprog AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':inprog': 'in_progress',
            ':lease': now + leaseSeconds,
            ':exp': now + EVENT_TTL_SECONDS,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = out.Attributes ?? {};
      return {
        status: 'new',
        delivered: toSet(item.delivered),
        ...(decisionOf(item.decision) === undefined
          ? {}
          : { decision: decisionOf(item.decision) as EventDecision }),
      };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const got = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }),
    );
    if (got.Item?.status === 'completed')
      return { status: 'duplicate', delivered: toSet(got.Item.delivered) };
    throw new BusyError(`event \`${eventId}\` is being processed by another invocation`, {
      context: { eventId },
    });
  }

  async recordDecision(eventId: string, decision: EventDecision): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `evt#${eventId}` },
        UpdateExpression: 'SET decision = :d',
        ExpressionAttributeValues: { ':d': decision },
      }),
    );
  }

  async markDelivered(eventId: string, key: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `evt#${eventId}` },
        UpdateExpression: 'ADD delivered :k',
        ExpressionAttributeValues: { ':k': new Set([key]) },
      }),
    );
  }

  async completeEvent(eventId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `evt#${eventId}` },
        UpdateExpression: 'SET #s = :done REMOVE leaseUntil',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':done': 'completed' },
      }),
    );
  }

  async releaseEvent(eventId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `evt#${eventId}` },
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      )
      .catch((err) => {
        if (!isConditionFailure(err)) throw err;
      });
  }
}
