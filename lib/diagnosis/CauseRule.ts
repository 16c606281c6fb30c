import type {
  AssumeRoleEvaluation,
  AssumeRoleInputs,
  Blocker,
  BlockerKind,
} from '../engine/AssumeRoleEvaluation.js';
import type { FixTexts } from '../fixes/Fix.js';
import type { BlockTarget } from '../fixes/verifyRemedy.js';
import type { RoleSummary } from '../iam/IamState.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { CauseDraft } from './CauseDraft.js';
import type { CauseCode } from './causeCodes.js';
import type { FixPlace, FixTitle } from './fixProse.js';
import type { BlockerContext, Evaluated, Situation, SituationKind } from './Situation.js';

/** What a rule's remedies may use besides the cause itself. */
export interface RemedyContext {
  readonly event: DenialEvent;
  /** The evaluation the cause was found in (absent when no role could be evaluated). */
  readonly evaluated?: Evaluated;
  readonly role?: { readonly arn: string; readonly name: string; readonly path: string };
  /** The caller's IAM ARN (role ARN for sessions, user ARN). */
  readonly callerArn?: string;
  /** An existing role of the state, by ARN (corrected-ARN fixes). */
  existingRole(arn: string): RoleSummary | undefined;
  /** The existing role a `ROLE_NOT_FOUND` cause of the same diagnosis suggests. */
  readonly suggestedRoleArn?: string;
}

/**
 * How the engine checks a remedy (lib/fixes/verifyRemedy.ts):
 * - `patch`: the patched inputs must no longer show `target`, and nothing may
 *   block that did not before. `inputs` builds them (the patched policy
 *   document and the inputs around it) when the remedy is checked; it
 *   builds them once (the document is shared with the fix's texts);
 * - `role-exists`: a corrected role ARN names a role the state holds (the
 *   role-not-found blocker is gone; whether that role trusts the caller is
 *   the next diagnosis's subject);
 * - `before-policies`: AWS rejects the request before evaluating any policy
 *   (an MFA code, an OIDC provider's audiences), so no policy patch is
 *   involved; `rule` cites the AWS rule that makes the remedy sufficient.
 */
export type RemedyCheck =
  | {
      readonly kind: 'patch';
      readonly inputs: () => AssumeRoleInputs;
      readonly target: BlockTarget;
    }
  | { readonly kind: 'role-exists'; readonly role: RoleSummary }
  | { readonly kind: 'before-policies'; readonly rule: string };

/**
 * A candidate fix: what changes, how the engine checks it, and its texts.
 * Cheap to propose: its title is typed facts worded by lib/diagnosis/fixProse.ts
 * when the fix is rendered, its patch and texts are built on demand.
 */
export interface Remedy {
  readonly title: FixTitle;
  /** What the fix changes (worded by lib/diagnosis/fixProse.ts). */
  readonly appliesTo: FixPlace;
  readonly check: RemedyCheck;
  readonly texts: () => FixTexts;
  /**
   * What the engine's evaluation of the patched request (for the request's
   * main action) says still limits a verified `patch` remedy, appended to its
   * title (e.g. the caller's permissions boundary beside a trust grant:
   * lib/fixes/boundaryCaveat.ts).
   */
  readonly caveat?: (after: AssumeRoleEvaluation, mainAction: string) => string;
}

/**
 * Takes a rule's candidate fixes for one cause, best first, and checks each
 * with the engine as it comes (lib/diagnosis/proposeFixes.ts). `offer`
 * answers true once a candidate is verified: the rule then stops, so the
 * candidates after the first one the engine verifies are never built.
 * `undefined` (a candidate that does not apply) is passed over.
 */
export interface RemedySink {
  offer(remedy: Remedy | undefined): boolean;
}

/**
 * One family of causes. `detect*` find causes (a rule may find codes whose
 * remedies another family owns; a detector that finds nothing returns the
 * shared `NO_CAUSES`); `remedies` offers candidate fixes to `sink`, best
 * first, until one is verified, for the codes listed in `codes` (each code
 * has exactly one owner). Registered in lib/diagnosis/causeRules.ts.
 */
export interface CauseRule {
  readonly family: string;
  /** Codes whose remedies this rule owns. */
  readonly codes: readonly CauseCode[];
  /** Causes read off the situation (AWS's message, the target, what could not be read). */
  readonly detectInSituation?: (s: Situation) => readonly CauseDraft[];
  /** The situation kinds `detectInSituation` reads causes off; it is called for no other (absent: every kind). */
  readonly situationKinds?: readonly SituationKind[];
  /** Causes one engine blocker stands for. */
  readonly detectInBlocker?: (b: Blocker, ctx: BlockerContext) => readonly CauseDraft[];
  /** The blocker kinds `detectInBlocker` stands causes for; it is called for no other (absent: every kind). */
  readonly blockerKinds?: readonly BlockerKind[];
  /**
   * Offers the remedies for `d` to `sink` (see `RemedySink`). Typed as
   * returning `undefined`, not `void`: a function that returns a list of
   * remedies instead of offering them would be assignable to a `void` one
   * and silently offer nothing; to this one it does not compile.
   */
  readonly remedies?: (d: CauseDraft, ctx: RemedyContext, sink: RemedySink) => undefined;
}
