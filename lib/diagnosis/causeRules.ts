import { type CauseDraft, NO_CAUSES } from './CauseDraft.js';
import type { CauseRule } from './CauseRule.js';
import { CAUSE_CODES, type CauseCode } from './causeCodes.js';
import { callerAllowsRule } from './causes/callerAllows.js';
import { explicitDenyRule } from './causes/explicitDeny.js';
import { forbiddenCallerRule } from './causes/forbiddenCaller.js';
import { mfaCodeRule } from './causes/mfaCode.js';
import { targetRoleRule } from './causes/targetRole.js';
import { trustConditionsRule } from './causes/trustConditions.js';
import { trustPrincipalRule } from './causes/trustPrincipal.js';
import { unreadableInputsRule } from './causes/unreadableInputs.js';
import { webIdentityRule } from './causes/webIdentity.js';
import type { Evaluated, Situation } from './Situation.js';

/**
 * The causes the engine's blockers stand for, in the situation's evaluation:
 * all of them for an evaluated role, only the caller's side for a role that
 * could not be evaluated (its trust policy was assumed open).
 */
const engineBlockersRule: CauseRule = {
  family: 'engine blockers',
  codes: [],
  detectInSituation: (s: Situation) =>
    s.kind === 'role' || s.kind === 'federated-search'
      ? s.blockerDrafts
      : s.kind === 'role-missing' || s.kind === 'outside-org' || s.kind === 'role-unreadable'
        ? s.blockerDrafts.filter((d) => CAUSE_CODES[d.code] === 'caller')
        : NO_CAUSES,
};

/**
 * Every cause family, in the order their causes are listed before ordering.
 * A new cause code: one module in lib/diagnosis/causes/ registered here, and
 * one scenario folder in test/scenarios/.
 */
export const CAUSE_RULES: readonly CauseRule[] = [
  mfaCodeRule,
  webIdentityRule,
  forbiddenCallerRule,
  targetRoleRule,
  engineBlockersRule,
  unreadableInputsRule,
  trustPrincipalRule,
  trustConditionsRule,
  explicitDenyRule,
  callerAllowsRule,
];

/** Turns every engine blocker of an evaluation into the causes it stands for. */
export function mapBlockers(e: Evaluated, rules: readonly CauseRule[] = CAUSE_RULES): CauseDraft[] {
  const detectors = rules === CAUSE_RULES ? BLOCKER_DETECTORS : blockerDetectors(rules);
  const blockers = e.evaluation.blockers;
  const out: CauseDraft[] = [];
  // Runs for every blocker of every evaluation: indexed loops, as in cold
  // (interpreted) code each for-of step allocates; most detectors find
  // nothing for a blocker (they return the shared NO_CAUSES).
  for (let i = 0; i < blockers.length; i++) {
    for (let j = 0; j < detectors.length; j++) {
      const found = detectors[j]!(blockers[i]!, e.subject);
      for (let k = 0; k < found.length; k++) out.push(found[k]!);
    }
  }
  return out;
}

type BlockerDetector = NonNullable<CauseRule['detectInBlocker']>;

/** The blocker detectors of `rules`, in rule order. */
function blockerDetectors(rules: readonly CauseRule[]): readonly BlockerDetector[] {
  const detectors: BlockerDetector[] = [];
  for (const r of rules) if (r.detectInBlocker !== undefined) detectors.push(r.detectInBlocker);
  return detectors;
}

type SituationDetector = NonNullable<CauseRule['detectInSituation']>;

/** The situation detectors of `rules`, in rule order. */
export function situationDetectors(rules: readonly CauseRule[]): readonly SituationDetector[] {
  return rules === CAUSE_RULES ? SITUATION_DETECTORS : situationDetectorsOf(rules);
}

function situationDetectorsOf(rules: readonly CauseRule[]): readonly SituationDetector[] {
  const detectors: SituationDetector[] = [];
  for (const r of rules) if (r.detectInSituation !== undefined) detectors.push(r.detectInSituation);
  return detectors;
}

const BLOCKER_DETECTORS = blockerDetectors(CAUSE_RULES);
const SITUATION_DETECTORS = situationDetectorsOf(CAUSE_RULES);

function ownersOf(rules: readonly CauseRule[]): ReadonlyMap<CauseCode, CauseRule> {
  const owners = new Map<CauseCode, CauseRule>();
  for (const r of rules) {
    for (const code of r.codes) {
      const other = owners.get(code);
      if (other !== undefined)
        throw new Error(`cause code ${code} has two remedy owners: ${other.family}, ${r.family}`);
      owners.set(code, r);
    }
  }
  return owners;
}

const OWNERS = ownersOf(CAUSE_RULES);

/** The rule that proposes remedies for each code. */
export function remedyOwners(rules: readonly CauseRule[]): ReadonlyMap<CauseCode, CauseRule> {
  return rules === CAUSE_RULES ? OWNERS : ownersOf(rules);
}
