import type { DedupWindows } from './DedupWindows.js';
import type { DenialEvidence } from './DenialEvidence.js';
import type { EnumerationWindows } from './EnumerationWindows.js';
import type { EventLedger } from './EventLedger.js';

/**
 * The stores behind noise control, one per job (DynamoDB in production, all
 * on the one noise table: lib/dedup/createDynamoNoiseStores.ts). Each is a
 * small port with conditional writes, so concurrent invocations working on
 * the same event or fingerprint never double-alert.
 */
export interface NoiseStores {
  /** Per-event idempotency: claim, decision, delivered sinks, completion. */
  readonly ledger: EventLedger;
  /** Dedup windows and their summaries. */
  readonly windows: DedupWindows;
  /** Role-enumeration windows per caller. */
  readonly enumeration: EnumerationWindows;
  /** Denial summaries, the audit's evidence. */
  readonly evidence: DenialEvidence;
}
