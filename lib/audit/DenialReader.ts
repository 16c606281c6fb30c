import type { DenialSummary } from './DenialSummary.js';

/**
 * Where the scheduled audit reads the recent denials of the account it
 * audits: the explain pipeline's noise table in production
 * (lib/dedup/dynamoDenialReader.ts), fakes in tests. May throw; the
 * auditor reports a failed read as a warning and audits without denials.
 */
export interface DenialReader {
  /** Summaries of denied assumptions of the account's roles last seen at or after `sinceEpochSeconds`. */
  recentDenials(accountId: string, sinceEpochSeconds: number): Promise<readonly DenialSummary[]>;
}
