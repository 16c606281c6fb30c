import type { RequestContext } from '../engine/RequestContext.js';
import type { FindingEvidence } from '../findings/AuditFinding.js';
import type { FindingCode, Severity } from '../findings/findingCodes.js';
import type { PolicyDocument } from '../policy/PolicyDocument.js';
import type { OidcProviderState, RoleState, SamlProviderState } from '../state/IamStateSource.js';
import type { DenialSummary } from './DenialSummary.js';

/** The organization as the audit needs it: which accounts are "ours". */
export interface AuditOrganization {
  readonly id: string;
  readonly managementAccountId?: string;
  readonly accountIds: ReadonlySet<string>;
}

/**
 * Everything a rule may look at besides the role. Pure data: `now` is an
 * input (never the clock), denials are summaries supplied by the caller.
 */
export interface AuditContext {
  readonly now: Date;
  /** `null`: no organization known; every other account then counts as foreign. */
  readonly organization: AuditOrganization | null;
  /** OIDC providers of the role's account. */
  readonly oidcProviders: readonly OidcProviderState[];
  readonly samlProviders: readonly SamlProviderState[];
  /** Recent denials of assuming roles of this account (any role; rules filter by ARN). */
  readonly denials: readonly DenialSummary[];
  /** A cross-account role unused this many days is reported (default 90). */
  readonly unusedDays: number;
  /** The path of a role of another account, when the auditor has read that account. */
  readonly rolePath?: (accountId: string, roleName: string) => string | undefined;
}

/** A request a fix must keep allowing: the legitimate caller the rule is not about. */
export interface LegitimateCaller {
  /** e.g. "a role session of an organization account". */
  readonly label: string;
  readonly context: RequestContext;
}

/** How a hit is fixed. The patch is verified before it is shown (lib/audit/buildAuditFix.ts). */
export type Remedy =
  | {
      readonly kind: 'patch';
      readonly title: string;
      readonly patch: (doc: PolicyDocument) => PolicyDocument;
      /** Values in the patch a person must replace (they are spelled in capitals in the patch). */
      readonly placeholders?: readonly string[];
      readonly legitimate: readonly LegitimateCaller[];
    }
  | { readonly kind: 'delete-role'; readonly title: string }
  | { readonly kind: 'none'; readonly reason: string };

/** One rule firing on one statement/principal/condition. */
export interface RuleHit {
  readonly evidence: FindingEvidence;
  readonly summary: string;
  /** Overrides the code's default severity (e.g. Cognito without `aud` is high). */
  readonly severity?: Severity;
  readonly remedy: Remedy;
}

/** A pure audit rule: a role and its context in, hits out. */
export interface AuditRule {
  readonly code: FindingCode;
  /** What it detects, one line (README, `--help`). */
  readonly title: string;
  /** The AWS fact it rests on, with where AWS says it. */
  readonly reference: string;
  check(role: RoleState, ctx: AuditContext): readonly RuleHit[];
}
