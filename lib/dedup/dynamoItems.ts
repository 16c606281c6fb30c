import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Helpers shared by the DynamoDB stores of the noise table (one table, four
 * item kinds, one store per job: {@link DynamoEventLedger},
 * {@link DynamoDedupWindows}, {@link DynamoEnumerationWindows},
 * {@link DynamoDenialEvidence}).
 */

/** Window items are kept a day past their end so a late summary can still be sent. */
export const WINDOW_GRACE_SECONDS = 86_400;

export function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

export function toSet(v: unknown): Set<string> {
  return v instanceof Set
    ? new Set([...v].map(String))
    : Array.isArray(v)
      ? new Set(v.map(String))
      : new Set();
}
