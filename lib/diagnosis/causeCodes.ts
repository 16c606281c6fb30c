/**
 * The public cause-code vocabulary of `shared/spec/diagnosis.md`. Users filter
 * SNS subscriptions and write suppressions on these: never rename one.
 */
export const CAUSE_CODES = {
  ROLE_NOT_FOUND: 'target',
  TARGET_ACCOUNT_OUTSIDE_ORG: 'target',
  TRUST_PRINCIPAL_NOT_TRUSTED: 'trust',
  TRUST_PRINCIPAL_STALE_ID: 'trust',
  TRUST_EXPLICIT_DENY: 'trust',
  TRUST_CONDITION_EXTERNAL_ID: 'trust',
  TRUST_CONDITION_MFA: 'trust',
  TRUST_CONDITION_ORG: 'trust',
  TRUST_CONDITION_OTHER: 'trust',
  TRUST_MISSING_SESSION_ACTION: 'trust',
  RCP_EXPLICIT_DENY: 'target',
  IDENTITY_NO_ALLOW: 'caller',
  IDENTITY_EXPLICIT_DENY: 'caller',
  BOUNDARY_NO_ALLOW: 'caller',
  BOUNDARY_EXPLICIT_DENY: 'caller',
  SESSION_POLICY_NO_ALLOW: 'caller',
  SESSION_POLICY_EXPLICIT_DENY: 'caller',
  SCP_NO_ALLOW: 'caller',
  SCP_EXPLICIT_DENY: 'caller',
  MFA_CODE_INVALID: 'caller',
  OIDC_CLAIM_MISMATCH: 'trust',
  OIDC_PROVIDER_NOT_TRUSTED: 'trust',
  SAML_CLAIM_MISMATCH: 'trust',
  INSUFFICIENT_DATA: 'any',
  NO_CAUSE_FOUND: 'any',
} as const;

export type CauseCode = keyof typeof CAUSE_CODES;
export type CauseSide = (typeof CAUSE_CODES)[CauseCode];
export const CAUSE_CODE_LIST = Object.keys(CAUSE_CODES) as CauseCode[];

export const CONFIDENCE_LEVELS = ['confirmed', 'likely', 'possible'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];
