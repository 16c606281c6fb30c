import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DenialSummary } from '../audit/DenialSummary.js';
import { denialWeekAttribute } from './denialWeek.js';
import {
  BusyError,
  type DenialRecord,
  type EnumerationState,
  type EventClaim,
  type NoiseStore,
  type OccurrenceResult,
  type WindowItem,
} from './NoiseStore.js';

/** Name of the sparse index listing windows whose summary is due. */
export const DUE_INDEX = 'due';
const DUE_SHARD = 'due';
/** Name of the sparse index of denial summaries by role account (`denialAccount`) and `lastSeenAt`. */
export const DENIALS_INDEX = 'denials';
/** Idempotency records outlive the SQS retention (14 days max) so a DLQ redrive is still recognised. */
const EVENT_TTL_SECONDS = 15 * 86_400;
/** Window items are kept a day past their end so a late summary can still be sent. */
const WINDOW_GRACE_SECONDS = 86_400;
/**
 * Distinct roles remembered per caller and window: enough to prove
 * enumeration, small enough (≈100 KB) that a caller trying thousands of names
 * cannot push the item past DynamoDB's 400 KB limit.
 */
export const MAX_ROLES_PER_CALLER = 1000;

function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

function toSet(v: unknown): Set<string> {
  return v instanceof Set
    ? new Set([...v].map(String))
    : Array.isArray(v)
      ? new Set(v.map(String))
      : new Set();
}

function enumerationState(caller: string, item: Record<string, unknown>): EnumerationState {
  return {
    caller,
    windowStart: Number(item.windowStart),
    windowEnd: Number(item.windowEnd),
    roles: [...toSet(item.roles)].sort(),
    ...(typeof item.alertedBy === 'string' ? { alertedBy: item.alertedBy } : {}),
  };
}

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

function toDenialSummary(item: Record<string, unknown>): DenialSummary {
  return {
    roleArn: String(item.roleArn),
    ...(typeof item.callerArn === 'string' ? { callerArn: item.callerArn } : {}),
    callerType: String(item.callerType ?? 'Unknown'),
    causes: [...toSet(item.causes)].sort(),
    count: Number(item.count ?? 0),
    ...(typeof item.lastSeen === 'string' ? { lastSeen: item.lastSeen } : {}),
  };
}

export interface DynamoNoiseStoreOptions {
  /** Items per page of the `denials` index query (default: DynamoDB's 1 MB pages). */
  readonly denialPageSize?: number;
}

/**
 * {@link NoiseStore} on one DynamoDB table (`pk` string key, TTL attribute
 * `expiresAt`, sparse GSI `due` on `dueShard`/`dueAt`, sparse GSI `denials`
 * on `denialAccount`/`lastSeenAt`). Item kinds: `evt#<eventId>` idempotency
 * records, `fp#<fingerprint>` dedup windows, `enum#<caller>` role-enumeration
 * windows, `den#<roleArn>#<caller principal>` denial summaries for the audit.
 */
export class DynamoNoiseStore implements NoiseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: DynamoNoiseStoreOptions = {},
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
        ...(typeof item.decision === 'string' ? { decision: item.decision } : {}),
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

  async recordDecision(eventId: string, decision: string): Promise<void> {
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

  async recordDenial(denial: DenialRecord, now: number, retentionSeconds: number): Promise<void> {
    const set = [
      'denialAccount = :acct',
      'lastSeenAt = :now',
      'lastSeen = :iso',
      'roleArn = :role',
      'callerPrincipal = :caller',
      'callerType = :type',
      'expiresAt = :exp',
    ];
    const values: Record<string, unknown> = {
      ':acct': denial.roleAccountId,
      ':now': now,
      ':iso': new Date(now * 1000).toISOString(),
      ':role': denial.roleArn,
      ':caller': denial.callerPrincipal,
      ':type': denial.callerType,
      ':exp': now + retentionSeconds,
      ':one': 1,
    };
    if (denial.callerArn !== undefined) {
      set.push('callerArn = :arn');
      values[':arn'] = denial.callerArn;
    }
    // DynamoDB rejects an empty set: a diagnosis without causes adds none.
    // The week's own count feeds the weekly denial digest (lib/dedup/denialWeek.ts).
    const add = ['#count :one', '#week :one'];
    if (denial.causes.length > 0) {
      add.push('causes :causes');
      values[':causes'] = new Set(denial.causes);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `den#${denial.roleArn}#${denial.callerPrincipal}` },
        UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}`,
        ExpressionAttributeNames: { '#count': 'count', '#week': denialWeekAttribute(now) },
        ExpressionAttributeValues: values,
      }),
    );
  }

  async recentDenials(roleAccountId: string, sinceEpochSeconds: number): Promise<DenialSummary[]> {
    const out: DenialSummary[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: DENIALS_INDEX,
          KeyConditionExpression: 'denialAccount = :acct AND lastSeenAt >= :since',
          ExpressionAttributeValues: { ':acct': roleAccountId, ':since': sinceEpochSeconds },
          // Newest first: rules take the first matching summary as their evidence.
          ScanIndexForward: false,
          ...(this.options.denialPageSize === undefined
            ? {}
            : { Limit: this.options.denialPageSize }),
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) out.push(toDenialSummary(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return out;
  }
}
