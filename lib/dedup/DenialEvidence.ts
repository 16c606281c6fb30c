import type { DenialSummary } from '../audit/DenialSummary.js';

/**
 * One diagnosed denial, as evidence for the trust-policy audit: recorded per
 * role and caller principal (counts add up, causes are unioned), read back by
 * the audit of the role's account as {@link DenialSummary} items.
 */
export interface DenialRecord {
  /** The role's account: what the audit of that account queries by. */
  readonly roleAccountId: string;
  readonly roleArn: string;
  /** Stable caller key (`callerPrincipal`: role ARN for sessions, never the session name). */
  readonly callerPrincipal: string;
  /** The caller's IAM principal ARN, when the event had one. */
  readonly callerArn?: string;
  /** `userIdentity.type` of the denied call. */
  readonly callerType: string;
  /** Cause codes of the diagnosis. */
  readonly causes: readonly string[];
}

/** Denials as evidence for the trust-policy audit: written by the explainer, read by the audit. */
export interface DenialEvidence {
  /**
   * Counts one diagnosed denial of `roleArn` by a caller principal (one write,
   * no read): the count grows by one, the causes are unioned, the last-seen
   * time becomes `now` and the item expires `retentionSeconds` after it.
   */
  recordDenial(denial: DenialRecord, now: number, retentionSeconds: number): Promise<void>;
  /** Denial summaries of the roles of one account last seen at or after `sinceEpochSeconds`. */
  recentDenials(roleAccountId: string, sinceEpochSeconds: number): Promise<DenialSummary[]>;
}
