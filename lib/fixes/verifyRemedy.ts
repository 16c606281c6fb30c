import type {
  AssumeRoleEvaluation,
  AssumeRoleInputs,
  Blocker,
  BlockerKind,
} from '../engine/AssumeRoleEvaluation.js';
import { evaluateAssumeRole } from '../engine/evaluateAssumeRole.js';
import type { StatementTrace } from '../engine/PolicyEvaluation.js';
import type { PolicyEvaluations } from '../engine/PolicyEvaluations.js';

/**
 * What one cause blocked, in the engine's own terms: the blocker kind and
 * action, and where it is needed, the statement, condition key or org level.
 * A fix is verified when, after its patch, the engine no longer reports it.
 */
export interface BlockTarget {
  readonly kind: BlockerKind;
  readonly action: string;
  /** Label of the policy whose statement denies (explicit denies). */
  readonly policyLabel?: string;
  /** Index of the denying statement, or of the trust statement whose condition fails. */
  readonly statementIndex?: number;
  /** Lower-cased condition key whose clause fails (trust conditions). */
  readonly conditionKey?: string;
  /** Org level id (`r-…`, `ou-…`, account) of a missing SCP allow. */
  readonly level?: string;
  /** The principal is the problem: gone once some allow statement names the caller for the action. */
  readonly principal?: true;
}

export type Verification =
  | { readonly verified: true; readonly evaluation: AssumeRoleEvaluation }
  | { readonly verified: false; readonly reason: string };

function denyStatementOf(b: Blocker): StatementTrace | undefined {
  const e = b.evaluations[0]?.evaluation;
  return (
    e?.statements.find((s) => s.effect === 'Deny' && s.applies === 'yes') ??
    e?.statements.find((s) => s.effect === 'Deny' && s.applies === 'unknown')
  );
}

/** Does the blocker `b` of the patched evaluation still stand for `target`? */
function stillBlocks(b: Blocker, target: BlockTarget): boolean {
  if (b.kind !== target.kind || b.action !== target.action) return false;
  if (target.level !== undefined && b.level?.targetId !== target.level) return false;
  if (target.statementIndex !== undefined && target.kind.endsWith('-deny')) {
    const s = denyStatementOf(b);
    const label = b.policy?.label ?? b.evaluations[0]?.policy.label;
    return s?.index === target.statementIndex && label === target.policyLabel;
  }
  const trust = b.evaluations[0]?.evaluation;
  if (target.principal && trust !== undefined) {
    // The caller is named now: what is left is a condition, another cause.
    return !trust.statements.some(
      (s) => s.effect === 'Allow' && s.principal === 'yes' && s.action !== 'no',
    );
  }
  if (target.conditionKey !== undefined && trust !== undefined) {
    const s = trust.statements.find((x) => x.index === target.statementIndex);
    if (s === undefined || s.principal === 'no' || s.action === 'no') return true;
    return s.conditions.some(
      (c) => c.result !== 'yes' && c.key.toLowerCase() === target.conditionKey,
    );
  }
  return true;
}

/** The blocker of `after` that still stands for `target`. */
function blockerFor(after: AssumeRoleEvaluation, target: BlockTarget): Blocker | undefined {
  const blockers = after.blockers;
  for (let i = 0; i < blockers.length; i++)
    if (stillBlocks(blockers[i]!, target)) return blockers[i];
  return undefined;
}

function blockerKey(b: Blocker): string {
  const label = b.policy?.label ?? b.evaluations[0]?.policy.label ?? '';
  const deny = b.kind.endsWith('-deny') ? `#${denyStatementOf(b)?.index ?? ''}` : '';
  return `${b.kind}|${b.action.toLowerCase()}|${label}${deny}|${b.level?.targetId ?? ''}`;
}

/**
 * A blocker of `after` that `before` did not have (one that may exist only
 * because of an unlogged session action, not the main one, is not new).
 */
function newBlocker(
  before: AssumeRoleEvaluation,
  after: AssumeRoleEvaluation,
  main: string,
): Blocker | undefined {
  let known: Set<string> | undefined;
  const blockers = after.blockers;
  for (let i = 0; i < blockers.length; i++) {
    const b = blockers[i]!;
    if (b.certainty === 'unknown' && b.action !== main) continue;
    known ??= new Set(before.blockers.map(blockerKey));
    if (!known.has(blockerKey(b))) return b;
  }
  return undefined;
}

/**
 * Verifies a fix with the engine alone: evaluate the patched inputs, check
 * that the cause's blocker is gone and that nothing blocks which did not
 * block before (a blocker that may exist only because of an unlogged session
 * action is not counted as new: it was undecided before as well).
 */
export function verifyRemedy(
  before: AssumeRoleEvaluation,
  patched: AssumeRoleInputs,
  target: BlockTarget,
  evaluations?: PolicyEvaluations,
): Verification {
  const after = evaluateAssumeRole(patched, evaluations, before);
  const main = patched.context.action;
  const left = blockerFor(after, target);
  if (left !== undefined) {
    return {
      verified: false,
      reason: `the engine still reports ${left.kind} for \`${left.action}\` with the fix applied`,
    };
  }
  const added = newBlocker(before, after, main);
  if (added !== undefined) {
    return {
      verified: false,
      reason: `the fix makes ${added.kind} block \`${added.action}\`${added.policy === undefined ? '' : ` (${added.policy.label})`}`,
    };
  }
  return { verified: true, evaluation: after };
}
