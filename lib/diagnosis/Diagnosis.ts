import type { AssumeRoleEventName, CallerType, DenialInput } from '../intake/DenialEvent.js';
import type { StateLabel } from '../state/StateLabel.js';
import type { CauseCode, CauseSide, Confidence } from './causeCodes.js';

/**
 * The diagnosis object of `shared/spec/diagnosis.md`. Alerts, the CLI and the
 * tests all render this; its JSON form is the public contract.
 */
export interface CauseEvidence {
  /** Policy ARN, or "trust policy of <role-arn>", "inline policy `x` of role `y`", … */
  readonly policy?: string;
  /** `Sid`, or `#<index>` when the statement has none. */
  readonly statement?: string;
  readonly conditionKey?: string;
  readonly operator?: string;
  readonly expected?: readonly string[];
  /** What the request carried, or the string `not logged`, or `absent`. */
  readonly actual?: readonly string[] | 'not logged' | 'absent';
  /** Anything else that makes the cause concrete (suggestions, org path, account, …). */
  readonly [extra: string]: unknown;
}

export interface Cause {
  readonly code: CauseCode;
  readonly confidence: Confidence;
  readonly side: CauseSide;
  /** One sentence a person can act on. */
  readonly summary: string;
  readonly evidence: CauseEvidence;
}

export interface Fix {
  readonly cause: CauseCode;
  readonly title: string;
  /** The complete patched policy document (trust policy or identity policy), valid IAM JSON. */
  readonly iamPolicy?: Record<string, unknown>;
  readonly awsCli?: string;
  readonly terraform?: string;
  /** Which policy the fix changes: "trust policy of <role-arn>", an identity policy, the caller's tool config, … */
  readonly appliesTo?: string;
  /** True when the engine re-evaluated the request with the fix applied and the cause no longer blocks. */
  readonly verified?: boolean;
}

export interface Diagnosis {
  /** CloudTrail event id; for an error message, its AWS request id or a stable hash of it. */
  readonly eventId: string;
  /** What the denial was read from: a CloudTrail record, or the text of an error message. */
  readonly input: DenialInput;
  readonly eventName: AssumeRoleEventName;
  readonly eventTime?: string;
  readonly caller: {
    readonly arn?: string;
    readonly accountId?: string;
    readonly type: CallerType;
    readonly sessionName?: string;
    readonly sourceIp?: string;
    readonly userAgent?: string;
  };
  readonly target: {
    readonly roleArn?: string;
    readonly accountId?: string;
  };
  /** Ordered: the most probable first. */
  readonly causes: readonly Cause[];
  readonly fixes: readonly Fix[];
}

export interface ExplainOutput {
  /** The IAM state the diagnoses were computed against (the CLI always names it). */
  readonly state?: StateLabel;
  readonly diagnoses: readonly Diagnosis[];
  readonly skipped: readonly { readonly eventId?: string; readonly reason: string }[];
}
