import type { AssumeRoleEvaluation } from '../engine/AssumeRoleEvaluation.js';
import type { PolicyEvaluations } from '../engine/PolicyEvaluations.js';
import { type Fix, lazyFix } from '../fixes/Fix.js';
import { verifyRemedy } from '../fixes/verifyRemedy.js';
import type { RoleSummary } from '../iam/IamState.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { CauseDraft } from './CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext, RemedySink } from './CauseRule.js';
import { callerIamArn } from './callerIamArn.js';
import type { CauseCode } from './causeCodes.js';
import { remedyOwners } from './causeRules.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';
import { candidateRoles } from './evaluateRequest.js';
import { type FixTitle, fixPlace, fixTitle } from './fixProse.js';
import type { Evaluated, Situation } from './Situation.js';

/** The engine's verdict on one remedy. */
export type RemedyVerdict =
  /** `caveat`: what the engine's evaluation of the patched request says still limits it. */
  | { readonly verified: true; readonly caveat?: string }
  | { readonly verified: false; readonly reason: string };

const VERIFIED: RemedyVerdict = { verified: true };

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
  if (c.kind === 'before-policies') return VERIFIED;
  if (c.kind === 'role-exists') return VERIFIED;
  if (before === undefined) return { verified: false, reason: 'no evaluation to compare with' };
  const patched = c.inputs();
  const v = verifyRemedy(before, patched, c.target, evaluations);
  if (!v.verified) return { verified: false, reason: v.reason };
  const caveat = remedy.caveat?.(v.evaluation, patched.context.action) ?? '';
  return caveat === '' ? VERIFIED : { verified: true, caveat };
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
 * What the remedies of one diagnosis may use (lib/diagnosis/CauseRule.ts),
 * made once per diagnosis. The role index behind `existingRole` is built
 * only when a remedy asks (corrected role ARNs): most diagnoses never do; it
 * holds the target and the name index's candidates, never every role.
 */
class RemedyScope implements RemedyContext {
  readonly event: DenialEvent;
  readonly evaluated?: Evaluated;
  readonly role?: { readonly arn: string; readonly name: string; readonly path: string };
  readonly callerArn?: string;
  readonly suggestedRoleArn?: string;
  readonly #bundle: DiagnosisBundle;
  #byArn: Map<string, RoleSummary> | undefined;

  constructor(s: Situation, drafts: readonly CauseDraft[]) {
    this.event = s.event;
    this.#bundle = s.bundle;
    const evaluated = s.evaluated;
    this.evaluated = evaluated;
    const role = evaluated?.role;
    this.role =
      role === undefined ? undefined : { arn: role.arn, name: role.name, path: role.path };
    this.callerArn = callerIamArn(s.event);
    this.suggestedRoleArn = suggestedRoleArn(drafts);
  }

  existingRole(arn: string): RoleSummary | undefined {
    if (this.#byArn === undefined) {
      const byArn = new Map<string, RoleSummary>();
      for (const r of candidateRoles(this.#bundle)) byArn.set(r.arn, r);
      const target = this.#bundle.role;
      if (target?.ok && target.value !== null) byArn.set(target.value.arn, target.value);
      this.#byArn = byArn;
    }
    return this.#byArn.get(arn);
  }
}

/** The existing role a `ROLE_NOT_FOUND` cause of the diagnosis suggests. */
function suggestedRoleArn(drafts: readonly CauseDraft[]): string | undefined {
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    if (d.code === 'ROLE_NOT_FOUND') return d.facts?.suggestedArn;
  }
  return undefined;
}

/**
 * Checks each remedy a rule offers for the cause at hand, keeps the first
 * one the engine verifies as the cause's fix (then answers true: the rule
 * builds no more), and lists the ones it rejects.
 */
class FixCollector implements RemedySink {
  /**
   * Replaced by a copy one longer on each fix, so that it is always exactly
   * its size: it stays with the diagnosis, in the memo, and an array grown by
   * `push` reserves 17 slots at its first.
   */
  fixes: Fix<CauseCode>[] = [];
  readonly rejected: RejectedRemedy[] = [];
  readonly #before: AssumeRoleEvaluation | undefined;
  readonly #evaluations: PolicyEvaluations | undefined;
  #cause: CauseCode | undefined;
  #found = false;

  constructor(evaluated: Evaluated | undefined) {
    this.#before = evaluated?.evaluation;
    this.#evaluations = evaluated?.evaluations;
  }

  /** The next remedies offered are for `cause`. */
  startCause(cause: CauseCode): void {
    this.#cause = cause;
    this.#found = false;
  }

  offer(remedy: Remedy | undefined): boolean {
    const cause = this.#cause;
    if (this.#found || cause === undefined) return true;
    if (remedy === undefined) return false;
    const verdict = checkRemedy(remedy, this.#before, this.#evaluations);
    if (!verdict.verified) {
      this.rejected.push({ cause, title: fixTitle(remedy.title), reason: verdict.reason });
      return false;
    }
    this.#found = true;
    const title = wordedLater(remedy.title, verdict.caveat ?? '');
    if (!hasFix(this.fixes, cause, title)) {
      const fix = lazyFix(
        { cause, title, appliesTo: fixPlace(remedy.appliesTo), verified: true },
        remedy.texts,
      );
      this.fixes = this.fixes.length === 0 ? [fix] : [...this.fixes, fix];
    }
    return true;
  }
}

/** A fix of `cause` with that title already (two causes of one code, one fix). */
function hasFix(fixes: readonly Fix<CauseCode>[], cause: CauseCode, title: () => string): boolean {
  for (let i = 0; i < fixes.length; i++) {
    const f = fixes[i]!;
    if (f.cause === cause && f.title === title()) return true;
  }
  return false;
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
  const ctx = new RemedyScope(s, drafts);
  const owners = remedyOwners(rules);
  const collector = new FixCollector(s.evaluated);
  // Two causes of one code in one place share their fix (none to share with one cause).
  const seen = drafts.length > 1 ? new Set<string>() : undefined;
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    if (d.messageOnly) continue;
    if (seen !== undefined) {
      const e = d.evidence;
      const key = `${d.code}|${String(e.policy)}|${String(e.statement)}|${String(e.conditionKey)}|${d.blocker?.action ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const remedies = owners.get(d.code)?.remedies;
    if (remedies === undefined) continue;
    collector.startCause(d.code);
    remedies(d, ctx, collector);
  }
  return { fixes: collector.fixes, rejected: collector.rejected };
}
