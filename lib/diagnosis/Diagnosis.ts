import type { Fix } from '../fixes/Fix.js';
import type { StateLabel } from '../iam/StateLabel.js';
import type { AssumeRoleEventName, CallerType, DenialInput } from '../intake/DenialEvent.js';
import type { CAUSE_CODES, CauseCode, Confidence } from './causeCodes.js';

/**
 * Evidence fields any cause may carry: where it is (policy, statement,
 * condition) and where the cause came from. Each code's evidence below adds
 * its own fields; there is no free-form key.
 */
export interface EvidenceCommon {
  /** Policy ARN, or "trust policy of <role-arn>", "inline policy `x` of role `y`", … */
  readonly policy?: string;
  /** `Sid`, or `#<index>` when the statement has none. */
  readonly statement?: string;
  readonly conditionKey?: string;
  readonly operator?: string;
  readonly expected?: readonly string[];
  /** What the request carried, or the string `not logged`, or `absent`. */
  readonly actual?: readonly string[] | 'not logged' | 'absent';
  /** The action the cause is about (`sts:TagSession`, …). */
  readonly action?: string;
  /** Named by AWS's own error message. */
  readonly source?: 'errorMessage';
  readonly awsMessage?: string;
  /** The role the cause is about, when the event did not name it or it is not the evaluated one. */
  readonly roleArn?: string;
  readonly accountId?: string;
  /** The web identity token's `sub` / SAML subject (roles found by provider). */
  readonly observedSub?: string;
  readonly observedSubject?: string;
  /** Other roles trusting the same provider (the event names no role). */
  readonly otherTrustingRoles?: readonly string[];
  /** Set when an alert had to shorten the evidence to fit its size limit. */
  readonly note?: string;
}

export interface RoleSuggestion {
  readonly arn: string;
  readonly reason: string;
  readonly distance: number;
}

/** Typed evidence of each cause code (`shared/spec/diagnosis.md`). */
export interface EvidenceByCode {
  ROLE_NOT_FOUND: EvidenceCommon & { readonly suggestions?: readonly RoleSuggestion[] };
  TARGET_ACCOUNT_OUTSIDE_ORG: EvidenceCommon & {
    readonly nearAccountIds?: readonly string[];
    readonly suggestions?: readonly string[];
  };
  TRUST_PRINCIPAL_NOT_TRUSTED: PrincipalEvidence;
  TRUST_PRINCIPAL_STALE_ID: EvidenceCommon & {
    readonly staleId: string;
    readonly currentId?: string;
  };
  TRUST_EXPLICIT_DENY: DenyEvidence;
  TRUST_CONDITION_EXTERNAL_ID: EvidenceCommon;
  TRUST_CONDITION_MFA: EvidenceCommon;
  TRUST_CONDITION_ORG: EvidenceCommon;
  TRUST_CONDITION_OTHER: EvidenceCommon;
  TRUST_MISSING_SESSION_ACTION: EvidenceCommon;
  RCP_EXPLICIT_DENY: DenyEvidence;
  IDENTITY_NO_ALLOW: EvidenceCommon & { readonly resource?: string; readonly principal?: string };
  IDENTITY_EXPLICIT_DENY: DenyEvidence;
  BOUNDARY_NO_ALLOW: EvidenceCommon;
  BOUNDARY_EXPLICIT_DENY: DenyEvidence;
  SESSION_POLICY_NO_ALLOW: EvidenceCommon;
  SESSION_POLICY_EXPLICIT_DENY: DenyEvidence;
  SCP_NO_ALLOW: EvidenceCommon & {
    readonly level?: string;
    readonly levelType?: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
  };
  SCP_EXPLICIT_DENY: DenyEvidence;
  MFA_CODE_INVALID: EvidenceCommon & {
    readonly failure: 'invalid-code' | 'invalid-serial' | 'other';
    readonly serialNumber: string;
  };
  OIDC_CLAIM_MISMATCH: EvidenceCommon & { readonly provider?: string };
  OIDC_PROVIDER_NOT_TRUSTED: PrincipalEvidence & { readonly providerExists?: boolean };
  SAML_CLAIM_MISMATCH: EvidenceCommon;
  INSUFFICIENT_DATA: EvidenceCommon & {
    readonly unreadable: string;
    readonly principal?: string;
    readonly reason?: string;
  };
  NO_CAUSE_FOUND: EvidenceCommon;
}

/** Which principals a trust policy names, against the caller. */
export interface PrincipalEvidence extends EvidenceCommon {
  readonly caller?: string;
  readonly provider?: string;
  readonly trustedPrincipals?: readonly string[];
  readonly trustedServices?: readonly string[];
  readonly allowedActions?: readonly string[];
}

/** An explicit deny: the statement, its matching condition, the org level. */
export interface DenyEvidence extends EvidenceCommon {
  readonly level?: string;
}

/** Evidence of any cause. */
export type CauseEvidence = EvidenceByCode[CauseCode];

/**
 * The diagnosis object of `shared/spec/diagnosis.md`. Alerts, the CLI and the
 * tests all render this; its JSON form is the public contract. A cause is a
 * union on `code`: its side and evidence follow from the code.
 */
export type Cause = {
  readonly [C in CauseCode]: {
    readonly code: C;
    readonly confidence: Confidence;
    readonly side: (typeof CAUSE_CODES)[C];
    /** One sentence a person can act on. */
    readonly summary: string;
    readonly evidence: EvidenceByCode[C];
  };
}[CauseCode];

export type { Fix };

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
  readonly fixes: readonly Fix<CauseCode>[];
}

export interface ExplainOutput {
  /** The IAM state the diagnoses were computed against (the CLI always names it). */
  readonly state?: StateLabel;
  readonly diagnoses: readonly Diagnosis[];
  readonly skipped: readonly { readonly eventId?: string; readonly reason: string }[];
}
