import type { BlockerKind } from '../engine/AssumeRoleEvaluation.js';
import type { CauseDraft } from './CauseDraft.js';
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
import type { Evaluated, Situation, SituationKind } from './Situation.js';

/**
 * The causes the engine's blockers stand for, in the situation's evaluation:
 * all of them for an evaluated role, only the caller's side for a role that
 * could not be evaluated (its trust policy was assumed open).
 */
const engineBlockersRule: CauseRule = {
  family: 'engine blockers',
  codes: [],
  situationKinds: ['role', 'federated-search', 'role-missing', 'outside-org', 'role-unreadable'],
  detectInSituation: (s: Situation) =>
    s.kind === 'role' || s.kind === 'federated-search'
      ? s.blockerDrafts
      : s.blockerDrafts.filter((d) => CAUSE_CODES[d.code] === 'caller'),
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
  const byKind = rules === CAUSE_RULES ? BLOCKER_DETECTORS : blockerDetectors(rules);
  const blockers = e.evaluation.blockers;
  let out: CauseDraft[] | undefined;
  // Runs for every blocker of every evaluation: indexed loops, as in cold
  // (interpreted) code each for-of step allocates; lists of the size found
  // (an empty array grows to 17 slots on its first push).
  for (let i = 0; i < blockers.length; i++) {
    const b = blockers[i]!;
    const detectors = byKind[b.kind];
    for (let j = 0; j < detectors.length; j++) {
      const found = detectors[j]!(b, e.subject);
      if (found.length > 0) out = out === undefined ? found.slice() : out.concat(found);
    }
  }
  return out ?? [];
}

/** Every blocker kind, to index detectors by (complete: checked by the type). */
const BLOCKER_KINDS = Object.keys({
  'trust-no-allow': true,
  'trust-deny': true,
  'trust-session-action': true,
  'identity-no-allow': true,
  'identity-deny': true,
  'boundary-no-allow': true,
  'boundary-deny': true,
  'session-no-allow': true,
  'session-deny': true,
  'scp-no-allow': true,
  'scp-deny': true,
  'rcp-deny': true,
} satisfies Record<BlockerKind, true>) as BlockerKind[];

/** Every situation kind, to index detectors by (complete: checked by the type). */
const SITUATION_KINDS = Object.keys({
  'mfa-failed': true,
  'token-rejected': true,
  'forbidden-caller': true,
  'federated-search': true,
  'no-target': true,
  role: true,
  'role-missing': true,
  'outside-org': true,
  'role-unreadable': true,
} satisfies Record<SituationKind, true>) as SituationKind[];

/**
 * For each kind, the detectors of `rules` that apply to it, in rule order: a
 * detector is called only for the kinds its rule lists (every kind when it
 * lists none), so a blocker or situation costs only the rules about it.
 */
function detectorsByKind<K extends string, D>(
  kinds: readonly K[],
  rules: readonly CauseRule[],
  detectorOf: (r: CauseRule) => { detect?: D; kinds?: readonly K[] },
): Readonly<Record<K, readonly D[]>> {
  const byKind = {} as Record<K, D[]>;
  for (const k of kinds) byKind[k] = [];
  for (const r of rules) {
    const { detect, kinds: only } = detectorOf(r);
    if (detect === undefined) continue;
    for (const k of only ?? kinds) byKind[k].push(detect);
  }
  return byKind;
}

type BlockerDetector = NonNullable<CauseRule['detectInBlocker']>;
type SituationDetector = NonNullable<CauseRule['detectInSituation']>;

function blockerDetectors(
  rules: readonly CauseRule[],
): Readonly<Record<BlockerKind, readonly BlockerDetector[]>> {
  return detectorsByKind(BLOCKER_KINDS, rules, (r) => ({
    detect: r.detectInBlocker,
    kinds: r.blockerKinds,
  }));
}

function situationDetectorsOf(
  rules: readonly CauseRule[],
): Readonly<Record<SituationKind, readonly SituationDetector[]>> {
  return detectorsByKind(SITUATION_KINDS, rules, (r) => ({
    detect: r.detectInSituation,
    kinds: r.situationKinds,
  }));
}

/** The situation detectors of `rules` that apply to situations of `kind`, in rule order. */
export function situationDetectors(
  rules: readonly CauseRule[],
  kind: SituationKind,
): readonly SituationDetector[] {
  return (rules === CAUSE_RULES ? SITUATION_DETECTORS : situationDetectorsOf(rules))[kind];
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
