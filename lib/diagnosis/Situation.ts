import type { AssumeRoleEvaluation, AssumeRoleInputs } from '../engine/AssumeRoleEvaluation.js';
import type { PolicyEvaluations } from '../engine/PolicyEvaluations.js';
import type { RoleState } from '../iam/IamState.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import type { CauseDraft } from './CauseDraft.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';

/** Who asked for which role: what rules need to word and locate a blocker's cause. */
export interface Subject {
  readonly event: DenialEvent;
  readonly roleArn: string;
  readonly roleName: string;
  readonly trust: LabeledPolicy;
  /** The caller's IAM ARN (role ARN for sessions, user ARN). */
  readonly callerArn?: string;
  /** The caller's current unique id (`AROA…`/`AIDA…`), when known. */
  readonly callerUniqueId?: string;
  /** Caller and role are in the same organization. */
  readonly callerInOrg: boolean;
  /** Unique ids that still belong to a principal (stale-id detection). */
  readonly knownUniqueIds?: ReadonlySet<string>;
}

/** One evaluated (caller, role) pair: the engine's inputs and verdict. */
export interface Evaluated {
  readonly inputs: AssumeRoleInputs;
  readonly evaluation: AssumeRoleEvaluation;
  /** Who asked for which role, with the evaluation above: what blocker rules see (built once). */
  readonly subject: BlockerContext;
  /** The role as it stands in the state (absent for an assumed-open or a new role). */
  readonly role?: RoleState;
  /** The policy evaluations of `evaluation`, shared with the verification of its fixes. */
  readonly evaluations?: PolicyEvaluations;
}

/** What a blocker rule sees: the subject and the whole evaluation the blocker is part of. */
export interface BlockerContext extends Subject {
  readonly evaluation: AssumeRoleEvaluation;
}

/**
 * What kind of denial this is, decided once from the event and the state
 * (lib/diagnosis/assessEvent.ts); rules read causes off it. The kinds are
 * exclusive: AWS's message, the caller or the target decide which checks
 * can apply at all.
 */
export type SituationKind =
  /** STS rejected the MFA code or device before any policy. */
  | 'mfa-failed'
  /** STS rejected a web identity token because of the account's IAM setup. */
  | 'token-rejected'
  /** The root user or a federated (GetFederationToken) user: never allowed. */
  | 'forbidden-caller'
  /** Web identity / SAML without a named role: the roles trusting the provider. */
  | 'federated-search'
  /** No role named anywhere. */
  | 'no-target'
  /** The named role exists and was evaluated. */
  | 'role'
  /** The named role does not exist. */
  | 'role-missing'
  /** The role's account is outside what the state covers. */
  | 'outside-org'
  /** The role's account could not be read. */
  | 'role-unreadable';

export interface Situation {
  readonly kind: SituationKind;
  readonly event: DenialEvent;
  readonly bundle: DiagnosisBundle;
  /** The role the diagnosis is about (found by provider search when the event names none). */
  readonly targetArn?: string;
  readonly targetAccount?: string;
  /** The evaluation fixes are verified against (for a missing or unreadable role: the caller's side against an open trust policy). */
  readonly evaluated?: Evaluated;
  /** Causes the engine's blockers stand for, for the evaluation above (federated search: already adjusted to the search). */
  readonly blockerDrafts: readonly CauseDraft[];
  /** The role side was read (AWS's message can then be checked against it). */
  readonly roleSideReadable: boolean;
  /** Decided by a rule of AWS's, not by policies: AWS's message cannot add to it. */
  readonly ruledOut: boolean;
  /** Why the target role could not be read (`role-unreadable`). */
  readonly unreadableReason?: string;
}
