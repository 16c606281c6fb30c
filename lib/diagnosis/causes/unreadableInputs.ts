import type { Readable } from '../../iam/IamState.js';
import { type CauseDraft, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule } from '../CauseRule.js';
import { callerIamArn } from '../callerIamArn.js';
import * as prose from '../causeProse.js';
import type { DiagnosisBundle } from '../DiagnosisBundle.js';
import { callerLabel } from '../describe.js';
import { hasCallerSide } from '../evaluateRequest.js';
import type { Situation, SituationKind } from '../Situation.js';

/** The situations with an evaluation of the named role (or of the caller's side against an open trust policy). */
const EVALUATED_ROLE: readonly SituationKind[] = [
  'role',
  'role-missing',
  'outside-org',
  'role-unreadable',
];

/** INSUFFICIENT_DATA for every engine input that could not be read. */
function detectInSituation(s: Situation): readonly CauseDraft[] {
  const inputs = s.evaluated?.inputs;
  if (!EVALUATED_ROLE.includes(s.kind) || inputs === undefined) return NO_CAUSES;
  const { event, bundle } = s;
  const federated = !hasCallerSide(event);
  const identityUnread = !federated && inputs.identity === undefined;
  const scpsUnread = !federated && inputs.scp === undefined;
  // A role that could not be evaluated has no RCPs to read for it.
  const rcpsUnread = s.kind === 'role' && inputs.rcp === undefined && !inputs.role.isServiceLinked;
  if (!identityUnread && !scpsUnread && !rcpsUnread) return NO_CAUSES;
  const out: CauseDraft[] = [];
  if (identityUnread) {
    out.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: prose.identityPoliciesUnreadable(
        callerLabel(event),
        reasonOf(bundle.callerPolicies),
      ),
      evidence: {
        unreadable: 'identity policies',
        principal: callerIamArn(event) ?? 'unknown',
        reason: reasonOf(bundle.callerPolicies),
        ...(event.caller.accountId === undefined ? {} : { accountId: event.caller.accountId }),
      },
    });
  }
  if (scpsUnread) {
    out.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: prose.scpsUnreadable(
        event.caller.accountId ?? '?',
        reasonOf(bundle.callerOrgPath ?? bundle.organization),
      ),
      evidence: {
        unreadable: 'service control policies',
        ...(event.caller.accountId === undefined ? {} : { accountId: event.caller.accountId }),
        reason: reasonOf(bundle.callerOrgPath ?? bundle.organization),
      },
    });
  }
  if (rcpsUnread) {
    out.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: prose.rcpsUnreadable(
        inputs.role.accountId,
        reasonOf(bundle.roleOrgPath ?? bundle.organization),
      ),
      evidence: {
        unreadable: 'resource control policies',
        accountId: inputs.role.accountId,
        reason: reasonOf(bundle.roleOrgPath ?? bundle.organization),
      },
    });
  }
  return out;
}

function reasonOf(r: Readable<unknown> | undefined): string {
  return r !== undefined && !r.ok ? r.reason : 'not available';
}

/**
 * INSUFFICIENT_DATA for what the bundle could not read beyond its fields (a
 * live source's call budget spent, no role index): a gap that blocks the
 * diagnosis is certain, missing suggestions only a possibility.
 */
export function bundleGapDrafts(bundle: DiagnosisBundle): CauseDraft[] {
  return (bundle.gaps ?? []).map((g) => ({
    code: 'INSUFFICIENT_DATA',
    certainty: g.blocksDiagnosis ? 'yes' : 'inferred',
    summary: g.summary,
    evidence: {
      unreadable: g.unreadable,
      reason: g.reason,
      ...(g.accountId === undefined ? {} : { accountId: g.accountId }),
    },
  }));
}

/** Inputs of the evaluation that could not be read (identity policies, SCPs, RCPs). */
export const unreadableInputsRule: CauseRule = {
  family: 'unreadable inputs',
  codes: [],
  situationKinds: EVALUATED_ROLE,
  detectInSituation,
};
