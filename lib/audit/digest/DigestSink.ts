import type { AuditDigest } from '../../findings/buildDigest.js';

/**
 * What of one run's digest was already delivered, for a sink that delivers
 * in parts (the routed digest: one part per destination). Keys are the
 * sink's own part names; the run records them so a retry skips them.
 */
export interface DigestProgress {
  delivered(part: string): boolean;
  mark(part: string): Promise<void>;
}

/**
 * Where a digest goes (Slack, SNS). `deliver` throws `DeliveryError` when it
 * could not, `SinkDisabledError` when it cannot until an operator acts (a
 * revoked Slack webhook).
 */
export interface DigestSink {
  readonly name: string;
  /** `progress` is given by the run's sender; without it every part is sent. */
  deliver(digest: AuditDigest, progress?: DigestProgress): Promise<void>;
}
