import type { AssumeRoleEvaluation } from '../engine/AssumeRoleEvaluation.js';
import type { PolicyEvaluations } from '../engine/PolicyEvaluations.js';
import { type Fix, lazyFix } from '../fixes/Fix.js';
import { verifyRemedy } from '../fixes/verifyRemedy.js';
import type { RoleSummary } from '../iam/IamState.js';
import type { CauseDraft } from './CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext } from './CauseRule.js';
import { callerIamArn } from './callerIamArn.js';
import type { CauseCode } from './causeCodes.js';
import { remedyOwners } from './causeRules.js';
import { candidateRoles } from './evaluateRequest.js';
import { type FixTitle, fixPlace, fixTitle } from './fixProse.js';
import type { Situation } from './Situation.js';

/** The engine's verdict on one remedy. */
export type RemedyVerdict =
  /** `caveat`: what the engine's evaluation of the patched request says still limits it. */
  | { readonly verified: true; readonly caveat?: string }
  | { readonly verified: false; readonly reason: string };

/**
 * Checks a remedy with the engine alone (lib/fixes/verifyRemedy.ts): a
 * patch must remove the cause's blocker and add none; a corrected role ARN
 * must not be denied; a remedy AWS checks before any policy cites its rule.
 */
export function checkRemedy(
  remedy: Remedy,
  before: AssumeRoleEvaluation | undefined,
  evaluations?: PolicyEvaluations,
): RemedyVerdict {
  const c = remedy.check;
  if (c.kind === 'before-policies') return { verified: true };
  if (c.kind === 'role-exists') return { verified: true };
  if (before === undefined) return { verified: false, reason: 'no evaluation to compare with' };
  const v = verifyRemedy(before, c.inputs(), c.target, evaluations);
  if (!v.verified) return { verified: false, reason: v.reason };
  const caveat = remedy.caveat?.(v.evaluation) ?? '';
  return caveat === '' ? { verified: true } : { verified: true, caveat };
}

/**
 * A fix's title, worded when the fix is rendered (lib/diagnosis/fixProse.ts).
 * Made out here so that the closure a memoized fix keeps holds the title's
 * facts only, not this diagnosis's remedies, bundle or evaluation.
 */
function wordedLater(title: FixTitle, caveat: string): () => string {
  return () => `${fixTitle(title)}${caveat}`;
}

/** A remedy the engine did not confirm, and why (dropped from the diagnosis). */
export interface RejectedRemedy {
  readonly cause: CauseCode;
  readonly title: string;
  readonly reason: string;
}

/**
 * The fixes of a diagnosis: for each cause (confirmed or likely), the first
 * of its owner rule's remedies that the engine verifies. A remedy that fails
 * verification is dropped and listed in `rejected` with the reason.
 */
export function proposeFixes(
  s: Situation,
  drafts: readonly CauseDraft[],
  rules: readonly CauseRule[],
): { readonly fixes: Fix<CauseCode>[]; readonly rejected: RejectedRemedy[] } {
  const { event, bundle } = s;
  // Built only when a remedy asks (corrected role ARNs): most diagnoses never
  // do. The target and the name index's candidates, never every role.
  let byArn: Map<string, RoleSummary> | undefined;
  const existingRole = (arn: string): RoleSummary | undefined => {
    if (byArn === undefined) {
      byArn = new Map(candidateRoles(bundle).map((r) => [r.arn, r]));
      if (bundle.role?.ok && bundle.role.value !== null)
        byArn.set(bundle.role.value.arn, bundle.role.value);
    }
    return byArn.get(arn);
  };
  const callerArn = callerIamArn(event);
  const suggested = drafts.find((d) => d.code === 'ROLE_NOT_FOUND');
  const suggestedRoleArn =
    suggested?.code === 'ROLE_NOT_FOUND' ? suggested.facts?.suggestedArn : undefined;
  const role = s.evaluated?.role;
  const ctx: RemedyContext = {
    event,
    evaluated: s.evaluated,
    role: role === undefined ? undefined : { arn: role.arn, name: role.name, path: role.path },
    callerArn,
    existingRole,
    suggestedRoleArn,
  };
  const owners = remedyOwners(rules);
  const fixes: Fix<CauseCode>[] = [];
  const rejected: RejectedRemedy[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    if (d.messageOnly) continue;
    const e = d.evidence;
    const key = `${d.code}|${String(e.policy)}|${String(e.statement)}|${String(e.conditionKey)}|${d.blocker?.action ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const remedy of owners.get(d.code)?.remedies?.(d, ctx) ?? []) {
      const verdict = checkRemedy(remedy, s.evaluated?.evaluation, s.evaluated?.evaluations);
      if (!verdict.verified) {
        rejected.push({ cause: d.code, title: fixTitle(remedy.title), reason: verdict.reason });
        continue;
      }
      const title = wordedLater(remedy.title, verdict.caveat ?? '');
      if (!fixes.some((f) => f.cause === d.code && f.title === title())) {
        fixes.push(
          lazyFix(
            { cause: d.code, title, appliesTo: fixPlace(remedy.appliesTo), verified: true },
            remedy.texts,
          ),
        );
      }
      break;
    }
  }
  return { fixes, rejected };
}
