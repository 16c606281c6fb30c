import type { DenialEvent } from '../intake/DenialEvent.js';
import { assessEvent } from './assessEvent.js';
import { type CauseDraft, NO_CAUSES } from './CauseDraft.js';
import type { CauseRule } from './CauseRule.js';
import { callerHeader } from './callerHeader.js';
import { CAUSE_CODES } from './causeCodes.js';
import { CAUSE_RULES, mapBlockers, situationDetectors } from './causeRules.js';
import type { Cause, Diagnosis } from './Diagnosis.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';
import { closeCauses, type Settled, settle } from './orderCauses.js';
import { proposeFixes } from './proposeFixes.js';
import type { Situation } from './Situation.js';

/**
 * The pure diagnosis: from one denial event and the IAM state read for it,
 * every applicable cause (most probable first, with confidence and evidence)
 * and a fix verified by the engine for each confirmed or likely cause.
 *
 * 1. assess: what kind of denial this is, and the engine's evaluation of it;
 * 2. detect: every rule reads its causes off the situation and the blockers;
 * 3. close and order: AWS's message, speculative causes, confidence, order;
 * 4. fix: each cause's remedies, the first one the engine verifies.
 */
export function diagnose(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  rules: readonly CauseRule[] = CAUSE_RULES,
): Diagnosis {
  const situation = assessEvent(
    event,
    bundle,
    rules === CAUSE_RULES ? mapBlockers : (e) => mapBlockers(e, rules),
  );
  const settled = settle(event, closeCauses(situation, detectInSituation(situation, rules)));
  const causes = settled.map(causeOf);
  // Fixes only for causes that are confirmed or likely: a fix for a mere
  // possibility (e.g. allowing a mistyped role ARN) would widen access for nothing.
  const { fixes } = proposeFixes(situation, settled.filter(isFixable).map(draftOf), rules);
  const { targetArn, targetAccount } = situation;
  const target: { roleArn?: string; accountId?: string } = {};
  if (targetArn !== undefined) target.roleArn = targetArn;
  if (targetAccount !== undefined && targetAccount !== '') target.accountId = targetAccount;
  const input = event.input ?? 'record';
  const caller = callerHeader(event);
  // Keys in output order; `eventTime` only when the input has one.
  return event.eventTime === ''
    ? { eventId: event.eventId, input, eventName: event.eventName, caller, target, causes, fixes }
    : {
        eventId: event.eventId,
        input,
        eventName: event.eventName,
        eventTime: event.eventTime,
        caller,
        target,
        causes,
        fixes,
      };
}

/** Every rule's causes read off the situation, in rule order. */
function detectInSituation(s: Situation, rules: readonly CauseRule[]): readonly CauseDraft[] {
  const detectors = situationDetectors(rules, s.kind);
  let found: readonly CauseDraft[] = NO_CAUSES;
  // Indexed: each for-of step allocates in cold (interpreted) code. Usually
  // one rule finds something (the engine's blockers): its list is taken as is.
  for (let i = 0; i < detectors.length; i++) {
    const drafts = detectors[i]!(s);
    if (drafts.length > 0) found = found.length === 0 ? drafts : found.concat(drafts);
  }
  return found;
}

function isFixable(s: Settled): boolean {
  return s.confidence !== 'possible';
}

function draftOf(s: Settled): CauseDraft {
  return s.draft;
}

function causeOf({ draft, confidence }: Settled): Cause {
  return {
    code: draft.code,
    confidence,
    side: CAUSE_CODES[draft.code],
    summary: draft.summary,
    evidence: draft.evidence,
  } as Cause;
}
