import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DenialReader } from '../audit/DenialReader.js';
import { DynamoDenialEvidence } from './DynamoDenialEvidence.js';

/**
 * Reads the denial summaries the explain pipeline records in its noise table
 * (`den#…` items, GSI `denials`). Only a Query on that index: the audit role
 * may not read or write anything else of the table.
 */
export function dynamoDenialReader(doc: DynamoDBDocumentClient, tableName: string): DenialReader {
  const store = new DynamoDenialEvidence(doc, tableName);
  return { recentDenials: (accountId, since) => store.recentDenials(accountId, since) };
}
