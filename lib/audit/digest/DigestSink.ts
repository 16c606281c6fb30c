import type { AuditDigest } from './buildDigest.js';

/** Where a digest goes (Slack, SNS). `deliver` throws `DeliveryError` when it could not. */
export interface DigestSink {
  readonly name: string;
  deliver(digest: AuditDigest): Promise<void>;
}
