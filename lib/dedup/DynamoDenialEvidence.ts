import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DenialSummary } from '../audit/DenialSummary.js';
import type { DenialEvidence, DenialRecord } from './DenialEvidence.js';
import { denialWeekAttribute } from './denialWeek.js';
import { toSet } from './dynamoItems.js';

/** Name of the sparse index of denial summaries by role account (`denialAccount`) and `lastSeenAt`. */
export const DENIALS_INDEX = 'denials';

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
export interface DynamoDenialEvidenceOptions {
  /** Items per page of the `denials` index query (default: DynamoDB's 1 MB pages). */
  readonly denialPageSize?: number;
}

/**
/**
 * {@link DenialEvidence} on the noise table: `den#<roleArn>#<caller principal>`
 * items, read by role account through the sparse GSI `denials` (the audit
 * role's only access to this table).
 */
export class DynamoDenialEvidence implements DenialEvidence {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: DynamoDenialEvidenceOptions = {},
  ) {}

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
