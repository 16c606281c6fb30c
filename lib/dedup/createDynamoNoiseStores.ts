import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDedupWindows } from './DynamoDedupWindows.js';
import { DynamoDenialEvidence } from './DynamoDenialEvidence.js';
import { DynamoEnumerationWindows } from './DynamoEnumerationWindows.js';
import { DynamoEventLedger } from './DynamoEventLedger.js';
import type { NoiseStores } from './NoiseStores.js';

/**
 * The noise stores on one DynamoDB table (`pk` string key, TTL attribute
 * `expiresAt`, sparse GSI `due` on `dueShard`/`dueAt`, sparse GSI `denials`
 * on `denialAccount`/`lastSeenAt`). Item kinds: `evt#<eventId>` (ledger),
 * `fp#<fingerprint>` (dedup windows), `enum#<caller>` (enumeration windows),
 * `den#<roleArn>#<caller principal>` (denial evidence).
 */
export function createDynamoNoiseStores(doc: DynamoDBDocumentClient, table: string): NoiseStores {
  return {
    ledger: new DynamoEventLedger(doc, table),
    windows: new DynamoDedupWindows(doc, table),
    enumeration: new DynamoEnumerationWindows(doc, table),
    evidence: new DynamoDenialEvidence(doc, table),
  };
}
