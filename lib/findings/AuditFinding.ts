import type { Fix } from '../fixes/Fix.js';
import type { FindingCode, Severity } from './findingCodes.js';

/**
 * What one finding shows as proof: the statement, the principal entry and
 * the condition clause it is about. Values are as written in the policy.
 */
export interface FindingEvidence {
  /** 0-based position in the `Statement` array. */
  readonly statementIndex: number;
  readonly sid?: string;
  /** The principal entry the finding is about, as written (`*`, an ARN, a service, a provider). */
  readonly principal?: string;
  /** `Principal` or `NotPrincipal` type: `AWS`, `Service`, `Federated`, `*`. */
  readonly principalType?: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | '*';
  readonly conditionKey?: string;
  readonly operator?: string;
  readonly values?: readonly string[];
  /** Other facts that make the finding concrete (last use date, foreign account, observed callers…). */
  readonly detail?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/**
 * A fix for one finding: the one `Fix` type of lib/fixes/Fix.ts (its cause is
 * the finding's code, its `iamPolicy` the complete patched trust policy),
 * verified by re-running the rule and the engine on the patched policy.
 */
export interface AuditFix extends Fix<FindingCode> {
  /** `update-trust-policy`: the patched trust policy in `iamPolicy`; `delete-role`: the role should go. */
  readonly kind: 'update-trust-policy' | 'delete-role';
  readonly awsCli: string;
  readonly terraform: string;
  /**
   * Values the fix cannot know and a person must supply before applying it
   * (e.g. the repository a GitHub role is for). Empty when the fix is complete.
   */
  readonly placeholders: readonly string[];
  /**
   * Fingerprints of the findings of the same role whose fixes this one is
   * built on (shown before it): its `iamPolicy` already contains them, so
   * pasting the fixes of a role in order ends with all of them applied.
   */
  readonly includes?: readonly string[];
  /** True when the rule no longer fires on the patched policy and legitimate callers still get in. */
  readonly verified: boolean;
  /** What the verification checked, one line each. */
  readonly checks: readonly string[];
}

export interface AuditFinding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly roleArn: string;
  readonly roleName: string;
  readonly accountId: string;
  readonly evidence: FindingEvidence;
  /** One sentence a person can act on. */
  readonly summary: string;
  /** Stable identity across runs: code, role and evidence (not the statement index). */
  readonly fingerprint: string;
  readonly fix?: AuditFix;
  /** Why no fix is offered, when none is. */
  readonly noFixReason?: string;
}

export interface SuppressedFinding {
  readonly finding: AuditFinding;
  /** `tag trustwatch:ignore=…` or the configuration rule that matched. */
  readonly reason: string;
}

/** One account's audit: findings, suppressed ones, and what could not be read. */
export interface AccountAudit {
  readonly accountId: string;
  /** Roles audited (service-linked roles are skipped: AWS owns their trust policies). */
  readonly rolesAudited: number;
  readonly rolesSkipped: number;
  readonly findings: readonly AuditFinding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Set when the account's roles could not be read at all: reported, not thrown. */
  readonly error?: string;
  /** Partial reads (OIDC/SAML providers, role details) that may hide findings. */
  readonly warnings: readonly string[];
}
