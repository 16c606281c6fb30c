import type { DenialEvent, PolicyTypeInMessage } from '../intake/DenialEvent.js';
import type { CauseDraft } from './CauseDraft.js';
import { CAUSE_CODES, type CauseCode } from './causeCodes.js';
import * as prose from './causeProse.js';
import type { Situation } from './Situation.js';

const MESSAGE_CAUSE: Record<PolicyTypeInMessage, { implicit: CauseCode; explicit: CauseCode }> = {
  identity: { implicit: 'IDENTITY_NO_ALLOW', explicit: 'IDENTITY_EXPLICIT_DENY' },
  scp: { implicit: 'SCP_NO_ALLOW', explicit: 'SCP_EXPLICIT_DENY' },
  rcp: { implicit: 'RCP_EXPLICIT_DENY', explicit: 'RCP_EXPLICIT_DENY' },
  boundary: { implicit: 'BOUNDARY_NO_ALLOW', explicit: 'BOUNDARY_EXPLICIT_DENY' },
  session: { implicit: 'SESSION_POLICY_NO_ALLOW', explicit: 'SESSION_POLICY_EXPLICIT_DENY' },
  resource: { implicit: 'TRUST_PRINCIPAL_NOT_TRUSTED', explicit: 'TRUST_EXPLICIT_DENY' },
  vpce: { implicit: 'INSUFFICIENT_DATA', explicit: 'INSUFFICIENT_DATA' },
};

const TRUST_NO_ALLOW_CODES: readonly CauseCode[] = [
  'TRUST_PRINCIPAL_NOT_TRUSTED',
  'TRUST_PRINCIPAL_STALE_ID',
  'TRUST_CONDITION_EXTERNAL_ID',
  'TRUST_CONDITION_MFA',
  'TRUST_CONDITION_ORG',
  'TRUST_CONDITION_OTHER',
  'TRUST_MISSING_SESSION_ACTION',
  'OIDC_CLAIM_MISMATCH',
  'OIDC_PROVIDER_NOT_TRUSTED',
  'SAML_CLAIM_MISMATCH',
];

/** A boundary listed beside an untrusted same-account caller, as what still limits the trust fix. */
function limitsTrustFix(d: CauseDraft): boolean {
  return d.code === 'BOUNDARY_NO_ALLOW' && d.facts?.limitsTrustFix === true;
}

/** A caller-side cause found in today's state that AWS's plain message demotes. */
function demotedByPlainMessage(d: CauseDraft): boolean {
  return CAUSE_CODES[d.code] === 'caller' && d.certainty === 'yes' && !limitsTrustFix(d);
}

/** Cause codes that AWS's message can name, for a given policy type. */
export function messageCause(type: PolicyTypeInMessage, explicitDeny: boolean): CauseCode {
  const m = MESSAGE_CAUSE[type];
  return explicitDeny ? m.explicit : m.implicit;
}

/**
 * Folds AWS's own evidence (the `because no …` / `with an explicit deny in …`
 * suffix of `errorMessage`) into the causes found from the snapshot. AWS wins:
 * the named policy type is confirmed even when the snapshot lacks it or says
 * otherwise. A plain message (no suffix) means the caller's side passed, so
 * caller-side causes found in today's snapshot are demoted, except a boundary
 * listed beside an untrusted same-account caller (`facts.limitsTrustFix`): it
 * is not offered as AWS's reason but as what still limits the trust fix.
 *
 * `read` tells whether the snapshot held each side's policies at all.
 * `drafts` is returned as it is when the message changes nothing, else a
 * new list.
 */
export function reconcileMessage(
  event: DenialEvent,
  drafts: readonly CauseDraft[],
  read: Pick<Situation, 'bundle' | 'roleSideReadable'>,
): readonly CauseDraft[] {
  const msg = event.errorMessage;
  const reason = msg.reason;
  if (msg.kind !== 'not-authorized') return drafts;
  if (reason === undefined) {
    const complete = msg.resourceArn !== undefined && msg.raw.length < 1000;
    if (!complete || !drafts.some(demotedByPlainMessage)) return drafts;
    return drafts.map(demoteCallerSide);
  }
  return creditNamedPolicy(event, drafts, read, reason);
}

/** A caller-side cause demoted by AWS's plain message (the caller's side passed). */
function demoteCallerSide(d: CauseDraft): CauseDraft {
  return demotedByPlainMessage(d)
    ? ({ ...d, demoted: true, summary: prose.demotedByMessage(d.summary) } as CauseDraft)
    : d;
}

/**
 * AWS's message names the policy type (and maybe the policy) that denied:
 * the causes of that type are confirmed by it, or, when the snapshot shows
 * none, a cause of its own says what AWS named.
 */
function creditNamedPolicy(
  event: DenialEvent,
  drafts: readonly CauseDraft[],
  read: Pick<Situation, 'bundle' | 'roleSideReadable'>,
  reason: NonNullable<DenialEvent['errorMessage']['reason']>,
): readonly CauseDraft[] {
  const msg = event.errorMessage;
  const code = messageCause(reason.policyType, reason.explicitDeny);
  // "no resource-based policy allows": the trust policy did not allow, for
  // whatever trust-side reason the snapshot shows (principal, condition, …).
  // "with an explicit deny in a service control policy" is also what AWS says
  // when no SCP allows: "even if the denial is implicit" (IAM UG, troubleshoot
  // access denied error messages).
  const accepted: readonly CauseCode[] =
    reason.policyType === 'resource' && !reason.explicitDeny
      ? TRUST_NO_ALLOW_CODES
      : reason.policyType === 'scp'
        ? ['SCP_EXPLICIT_DENY', 'SCP_NO_ALLOW']
        : [code];
  // The message is about one action (`…not authorized to perform: sts:TagSession`):
  // it confirms causes about that action, not about another the request may have needed.
  const action = msg.action?.toLowerCase();
  const matching = drafts.filter(
    (d) =>
      accepted.includes(d.code) &&
      (action === undefined ||
        d.blocker?.action === undefined ||
        d.blocker.action.toLowerCase() === action),
  );
  const preferred =
    reason.policyArn === undefined
      ? matching
      : matching.filter(
          (d) =>
            d.policy?.arn === reason.policyArn ||
            d.policy?.label.includes(reason.policyArn as string),
        );
  // A policy ARN AWS named that the snapshot does not show is not credited to
  // another policy of the type: it gets its own message cause below.
  const confirmed = new Set(
    preferred.length > 0 ? preferred : reason.policyArn === undefined ? matching : [],
  );
  const out = drafts.map((d) =>
    confirmed.has(d)
      ? ({
          ...d,
          certainty: 'message' as const,
          evidence: { ...d.evidence, source: 'errorMessage' as const },
        } as CauseDraft)
      : d,
  );
  if (confirmed.size > 0) return out;

  // AWS names a policy type the snapshot does not show.
  const noun = prose.policyTypeNoun(reason.policyType);
  const side = CAUSE_CODES[code];
  const snapshotHas =
    reason.policyType === 'session' || reason.policyType === 'vpce'
      ? false
      : reason.policyType === 'scp' || reason.policyType === 'rcp'
        ? read.bundle.callerOrgPath?.ok === true
        : side === 'caller'
          ? read.bundle.callerPolicies?.ok === true
          : read.roleSideReadable;
  out.unshift({
    code,
    certainty: 'message',
    ...(snapshotHas ? { messageOnly: true as const } : {}),
    summary: prose.namedByMessage({
      event,
      policyType: reason.policyType,
      policyArn: reason.policyArn,
      explicitDeny: reason.explicitDeny,
      action: msg.action ?? event.eventName,
      stateHasIt: snapshotHas,
    }),
    evidence: {
      policy: reason.policyArn ?? `${noun} (named in AWS's error message)`,
      source: 'errorMessage',
    },
  } as CauseDraft);
  return out;
}
