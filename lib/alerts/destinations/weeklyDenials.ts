import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { denialWeekAttribute } from '../../dedup/denialWeek.js';

/** One role and caller principal's denials in one week (a denial summary's week count). */
export interface WeeklyDenial {
  readonly roleArn: string;
  readonly roleAccount: string;
  readonly callerPrincipal: string;
  readonly causes: readonly string[];
  readonly count: number;
}

const strings = (v: unknown): string[] =>
  v instanceof Set ? [...v].map(String) : Array.isArray(v) ? v.map(String) : [];

/**
 * The denials of the ISO week that starts at `weekStart` (epoch seconds): a
 * scan of the noise table's sparse `denials` index (denial summaries only)
 * for summaries last seen since then that counted denials that week.
 */
export async function readWeeklyDenials(
  doc: DynamoDBDocumentClient,
  table: string,
  weekStart: number,
): Promise<WeeklyDenial[]> {
  const week = denialWeekAttribute(weekStart);
  const out: WeeklyDenial[] = [];
  const pages = paginateScan(
    { client: doc },
    {
      TableName: table,
      IndexName: 'denials',
      FilterExpression: 'lastSeenAt >= :since AND attribute_exists(#week)',
      ExpressionAttributeNames: { '#week': week },
      ExpressionAttributeValues: { ':since': weekStart },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const count = Number(item[week] ?? 0);
      if (!(count > 0)) continue;
      out.push({
        roleArn: String(item.roleArn),
        roleAccount: String(item.denialAccount),
        callerPrincipal: String(item.callerPrincipal),
        causes: strings(item.causes).sort(),
        count,
      });
    }
  }
  return out;
}
