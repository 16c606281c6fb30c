import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { BusyError } from '../errors/TrustwatchError.js';
import { isConditionFailure, toSet, WINDOW_GRACE_SECONDS } from './dynamoItems.js';
import type { EnumerationState, EnumerationWindows } from './EnumerationWindows.js';

/**
 * Distinct roles remembered per caller and window: enough to prove
 * enumeration, small enough (≈100 KB) that a caller trying thousands of names
 * cannot push the item past DynamoDB's 400 KB limit.
 */
export const MAX_ROLES_PER_CALLER = 1000;

function enumerationState(caller: string, item: Record<string, unknown>): EnumerationState {
  return {
    caller,
    windowStart: Number(item.windowStart),
    windowEnd: Number(item.windowEnd),
    roles: [...toSet(item.roles)].sort(),
    ...(typeof item.alertedBy === 'string' ? { alertedBy: item.alertedBy } : {}),
  };
}

/** {@link EnumerationWindows} on the noise table: one `enum#<caller>` item per caller. */
export class DynamoEnumerationWindows implements EnumerationWindows {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async recordMissingRole(
    caller: string,
    role: string,
    now: number,
    windowSeconds: number,
  ): Promise<EnumerationState> {
    const pk = `enum#${caller}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk },
            UpdateExpression:
              'ADD #roles :r SET windowStart = if_not_exists(windowStart, :now), windowEnd = if_not_exists(windowEnd, :end), expiresAt = if_not_exists(expiresAt, :exp)',
            ConditionExpression:
              '(attribute_not_exists(pk) OR windowEnd > :now) AND (attribute_not_exists(#roles) OR size(#roles) < :cap)',
            ExpressionAttributeNames: { '#roles': 'roles' },
            ExpressionAttributeValues: {
              ':r': new Set([role]),
              ':now': now,
              ':end': now + windowSeconds,
              ':exp': now + windowSeconds + WINDOW_GRACE_SECONDS,
              ':cap': MAX_ROLES_PER_CALLER,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return enumerationState(caller, out.Attributes ?? {});
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const got = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }),
      );
      // Window still open but full: the caller is already known to enumerate; keep the item as is.
      if (got.Item !== undefined && Number(got.Item.windowEnd) > now)
        return enumerationState(caller, got.Item);
      // The caller's window is over: start a new one (only if nobody else did meanwhile).
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk,
              windowStart: now,
              windowEnd: now + windowSeconds,
              roles: new Set([role]),
              expiresAt: now + windowSeconds + WINDOW_GRACE_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR windowEnd <= :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return { caller, windowStart: now, windowEnd: now + windowSeconds, roles: [role] };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    throw new BusyError(`enumeration window of \`${caller}\` kept changing under contention`, {
      context: { caller },
    });
  }

  async claimEnumerationAlert(
    caller: string,
    windowEnd: number,
    eventId: string,
    now: number,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `enum#${caller}` },
          UpdateExpression: 'SET alertedBy = :e, alertedAt = if_not_exists(alertedAt, :now)',
          ConditionExpression:
            'windowEnd = :end AND (attribute_not_exists(alertedBy) OR alertedBy = :e)',
          ExpressionAttributeValues: { ':e': eventId, ':end': windowEnd, ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
