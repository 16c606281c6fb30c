import type { ConditionTrace } from '../engine/PolicyEvaluation.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { CauseDraft } from './CauseDraft.js';

/**
 * How sure a failing (or undecided) trust condition makes its cause, from
 * what the record carries (issue 12.4):
 *
 * - A claim the record carries in full (the OIDC `sub` and `aud` in
 *   `principalId`) decides: a clause on it that fails is certain.
 * - A role session's principal tags are its role's IAM tags only until a
 *   session tag with the same key overrides them (IAM UG, "Passing session
 *   tags in AWS STS": session tags override role tags with the same key), and
 *   CloudTrail does not log the caller's session tags: a clause on
 *   `aws:PrincipalTag/…` of a role session is never certain from the role's
 *   tags alone.
 * - `ForAllValues:` on a key that was not logged is true when the key is
 *   absent (IAM UG, "Single-valued vs multivalued context keys": it "also
 *   returns true if there are no context keys in the request"), so such a
 *   clause blocks only if the token did carry the claim with another value:
 *   a possibility (`inferred`), not a likely cause.
 */
export function clauseCertainty(
  event: DenialEvent,
  clause: ConditionTrace,
  principalMatched: boolean,
): CauseDraft['certainty'] {
  if (clause.result === 'unknown') return forAllValuesOverUnlogged(clause) ? 'inferred' : 'unknown';
  if (clause.result !== 'no' || !principalMatched) return 'unknown';
  return sessionTagDependent(event, clause.key) ? 'unknown' : 'yes';
}

/** A condition on a role session's principal tags: its value may be a session tag. */
export function sessionTagDependent(event: DenialEvent, key: string): boolean {
  return event.caller.type === 'AssumedRole' && key.toLowerCase().startsWith('aws:principaltag/');
}

function forAllValuesOverUnlogged(clause: ConditionTrace): boolean {
  return clause.unknownReason === 'key-not-logged' && /^ForAllValues:/i.test(clause.operator);
}

/** What the summary of a clause adds about what is (not) known of its value. */
export function clauseCertaintyNote(event: DenialEvent, clause: ConditionTrace): string {
  if (clause.result === 'unknown' && forAllValuesOverUnlogged(clause)) {
    return ` \`ForAllValues:\` is true when the request has no \`${clause.key}\` at all, and CloudTrail does not log it: this blocks only if the request carried it with a value outside the list.`;
  }
  return clause.result === 'no' ? sessionTagNote(event, clause.key) : '';
}

/** Says that a role session's principal tag may be a session tag nobody logged. */
export function sessionTagNote(event: DenialEvent, key: string): string {
  return sessionTagDependent(event, key)
    ? ` The value is the caller role's IAM tag; a session tag with the same key would override it, and CloudTrail does not log the session tags the caller's session was created with.`
    : '';
}

/** Claims the record carries in full for web identity (in `principalId`) and SAML (`userName`). */
const LOGGED_CLAIM = /:(sub|aud)$/i;

/**
 * When the event names no role, the cause is read from the nearest of the
 * roles trusting the provider, and is only as sure as the guess of the role.
 * But when every one of them certainly refuses the token on a claim the
 * record carries in full (the OIDC `sub` / `aud`), that cause holds whichever
 * role was meant: it stays certain.
 */
export function refusedByEveryRole(
  draft: CauseDraft,
  roles: readonly { readonly drafts: readonly CauseDraft[] }[],
): boolean {
  const certainOnLoggedClaim = (d: CauseDraft): boolean =>
    d.code === draft.code &&
    d.certainty === 'yes' &&
    d.clause !== undefined &&
    LOGGED_CLAIM.test(d.clause.key);
  return certainOnLoggedClaim(draft) && roles.every((r) => r.drafts.some(certainOnLoggedClaim));
}
