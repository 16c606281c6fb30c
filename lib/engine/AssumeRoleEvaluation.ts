import type { PolicyLevel } from '../iam/IamState.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import type { PolicyEvaluation } from './PolicyEvaluation.js';
import type { RequestContext, Tri } from './RequestContext.js';

/**
 * Inputs and result of `evaluateAssumeRole` (lib/engine/evaluateAssumeRole.ts):
 * AWS's role-assumption logic over both sides (caller and role), three-valued.
 */

/** SCPs of the caller's account or RCPs of the role's account. */
export interface OrgPolicies {
  /** True when these policies do not apply (management account, service-linked role, no organization). */
  readonly exempt: boolean;
  readonly exemptReason?: 'management-account' | 'service-linked-role' | 'not-in-organization';
  /** Root first, then each OU, then the account. */
  readonly levels: readonly PolicyLevel[];
}

export type SessionAction = 'sts:TagSession' | 'sts:SetSourceIdentity';

export interface AssumeRoleInputs {
  /** principal, action (`sts:AssumeRole…`), resource (role ARN), condition keys. */
  readonly context: RequestContext;
  readonly role: {
    readonly arn: string;
    readonly accountId: string;
    readonly isServiceLinked: boolean;
  };
  readonly trust: LabeledPolicy;
  /**
   * Caller's identity-based policies. `undefined` when they could not be read.
   * Ignored for web identity and SAML callers (they have none).
   */
  readonly identity: readonly LabeledPolicy[] | undefined;
  /** `null`: no boundary. `undefined`: could not be read. */
  readonly boundary: LabeledPolicy | null | undefined;
  /**
   * Session policies of an assumed-role or federated caller. `undefined`:
   * unknown (CloudTrail does not log them for the caller's session).
   * `[]`: known to have none.
   */
  readonly sessionPolicies: readonly LabeledPolicy[] | undefined;
  /** SCPs of the caller's account; `undefined` when they could not be read. */
  readonly scp: OrgPolicies | undefined;
  /** RCPs of the role's account; `undefined` when they could not be read. */
  readonly rcp: OrgPolicies | undefined;
  /**
   * Extra actions the request implies, each with whether it is needed:
   * `sts:TagSession` when session tags were passed, `sts:SetSourceIdentity`
   * when a source identity was set. `unknown` when requestParameters were not logged.
   */
  readonly sessionActions: readonly { readonly action: SessionAction; readonly needed: Tri }[];
}

export type BlockerKind =
  | 'trust-no-allow'
  | 'trust-deny'
  /** The trust policy has no Allow for a session action the request needs (a Deny is `trust-deny`). */
  | 'trust-session-action'
  | 'identity-no-allow'
  | 'identity-deny'
  | 'boundary-no-allow'
  | 'boundary-deny'
  | 'session-no-allow'
  | 'session-deny'
  | 'scp-no-allow'
  | 'scp-deny'
  | 'rcp-deny';

/** One reason the request is (or may be) denied, with the evaluation that shows it. */
export interface Blocker {
  readonly kind: BlockerKind;
  /** `yes`: blocks with the inputs known; `unknown`: blocks unless an unlogged input was right. */
  readonly certainty: Tri;
  /** The action that was evaluated (`sts:AssumeRole`, `sts:TagSession`, …). */
  readonly action: string;
  /** The policy that denies, or for `*-no-allow`, the policy set considered (first policy). */
  readonly policy?: LabeledPolicy;
  /** For SCP/RCP blockers: the org level (root, OU, account). */
  readonly level?: PolicyLevel;
  /** Per-policy evaluations behind this blocker (one for a deny; all considered for a missing allow). */
  readonly evaluations: readonly {
    readonly policy: LabeledPolicy;
    readonly evaluation: PolicyEvaluation;
  }[];
}

/** How the trust policy matched the caller, which decides whether an identity allow is needed. */
export type TrustGrant =
  /** Names the caller's user ARN, session ARN or unique id, or `*`: no identity allow needed same-account. */
  | 'principal'
  /** Names the caller's role ARN (sessions of the role): boundary and session policies still limit. */
  | 'role'
  /** Names only the caller's account: an identity allow is needed. */
  | 'account'
  /** Federated provider (web identity / SAML). */
  | 'federated'
  | 'none';

export interface AssumeRoleEvaluation {
  /** Would AWS allow the request? `unknown` when it depends on unlogged inputs. */
  readonly allowed: Tri;
  readonly sameAccount: boolean;
  readonly trustGrant: TrustGrant;
  /** Whether the caller needs an identity-based allow for this request. */
  readonly identityAllowRequired: Tri;
  readonly trust: PolicyEvaluation;
  /** Every blocker found, in no particular order (the diagnosis orders them). */
  readonly blockers: readonly Blocker[];
  /** Lower-cased condition keys whose absence from the log left something unknown. */
  readonly unknownKeys: readonly string[];
}
