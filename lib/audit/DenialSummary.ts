/**
 * A summary of recent denials of assuming one role, supplied by the caller of
 * the audit (the pipeline's noise store, or a `--denials` file). The audit
 * never reads CloudTrail itself.
 */
export interface DenialSummary {
  readonly roleArn: string;
  /** The caller's IAM principal: role ARN for sessions, user ARN, provider for federation. */
  readonly callerArn?: string;
  /** `userIdentity.type` of the denied calls: `AssumedRole`, `IAMUser`, `AWSService`, `WebIdentityUser`, … */
  readonly callerType: string;
  /** Cause codes of their diagnoses (e.g. `TRUST_CONDITION_MFA`). */
  readonly causes: readonly string[];
  readonly count: number;
  /** ISO time of the last one. */
  readonly lastSeen?: string;
}
