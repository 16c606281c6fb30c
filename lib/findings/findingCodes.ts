/**
 * The public finding-code vocabulary of the trust-policy audit. Like the cause
 * codes, users write suppressions (`trustwatch:ignore` tags, configuration)
 * and CI gates on these: never rename one.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower is more severe. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[s] <= SEVERITY_RANK[threshold];
}

/** Each code with its default severity. */
export const FINDING_CODES = {
  ANY_PRINCIPAL_UNRESTRICTED: 'critical',
  FOREIGN_ACCOUNT_NO_EXTERNAL_ID: 'high',
  FOREIGN_ACCOUNT_WHOLE_ACCOUNT: 'medium',
  OIDC_NO_SUB_CONDITION: 'critical',
  OIDC_SUB_WILDCARD_TOO_BROAD: 'high',
  OIDC_SUB_ADMITS_UNREVIEWED_CODE: 'high',
  OIDC_AUD_UNCHECKED: 'low',
  SAML_NO_AUD_CONDITION: 'low',
  SERVICE_PRINCIPAL_NO_SOURCE: 'medium',
  STALE_PRINCIPAL_ID: 'low',
  NOT_PRINCIPAL_WITH_ALLOW: 'high',
  STRING_EQUALS_WITH_WILDCARD: 'medium',
  MFA_REQUIRED_ON_AUTOMATION_ROLE: 'medium',
  UNUSED_CROSS_ACCOUNT_ROLE: 'low',
  PATHLESS_ROLE_PRINCIPAL: 'low',
  TRUST_POLICY_INVALID: 'high',
} as const satisfies Readonly<Record<string, Severity>>;

export type FindingCode = keyof typeof FINDING_CODES;
export const FINDING_CODE_LIST = Object.keys(FINDING_CODES) as FindingCode[];

export function isFindingCode(s: string): s is FindingCode {
  return Object.hasOwn(FINDING_CODES, s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}
