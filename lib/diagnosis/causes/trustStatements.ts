import type {
  ConditionTrace,
  PolicyEvaluation,
  StatementTrace,
} from '../../engine/PolicyEvaluation.js';
import type { LabeledPolicy, PolicyStatement } from '../../policy/PolicyDocument.js';

/**
 * The trust statements nearest to letting the caller in: among the `Allow`
 * statements whose principal and action are not a definite no, those with
 * the fewest failing conditions (a definite failure weighs more than an
 * undecided one). At most three. Empty when no statement names the caller
 * for the action.
 */
export function nearestTrustStatements(evaln: PolicyEvaluation): readonly NearStatement[] {
  // One pass, and no allocation for the common trust policy that does not
  // name the caller at all (no candidate): the nearest are the first three
  // candidates, in statement order, with the lowest score.
  let nearest: NearStatement[] | undefined;
  let best = 0;
  const statements = evaln.statements;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.effect !== 'Allow' || s.principal === 'no' || s.action === 'no') continue;
    const failing = s.conditions.filter((c) => c.result !== 'yes');
    let hard = 0;
    for (let j = 0; j < failing.length; j++) if (failing[j]!.result === 'no') hard++;
    const score = hard * 100 + failing.length;
    if (nearest === undefined || score < best) {
      nearest = [{ s, failing }];
      best = score;
    } else if (score === best && nearest.length < 3) nearest.push({ s, failing });
  }
  return nearest ?? NONE_NEAR;
}

/** A trust statement near to letting the caller in, and its conditions that do not hold. */
export interface NearStatement {
  readonly s: StatementTrace;
  readonly failing: readonly ConditionTrace[];
}

const NONE_NEAR: readonly NearStatement[] = [];

/**
 * A session action (`sts:TagSession`, …) that a trust statement allows only
 * under a condition that fails: that condition is the cause, and allowing
 * the action outright would drop the restriction.
 */
export function conditionedSessionAction(evaln: PolicyEvaluation | undefined): boolean {
  return (
    evaln !== undefined &&
    evaln.deny === 'no' &&
    evaln.statements.some(
      (st) =>
        st.effect === 'Allow' &&
        st.principal !== 'no' &&
        st.action !== 'no' &&
        st.conditions.some((c) => c.result !== 'yes'),
    )
  );
}

export function docStatement(trust: LabeledPolicy, index: number): PolicyStatement | undefined {
  return numbered(trust.document.statements, index);
}

/**
 * The statement (or statement trace) numbered `index`. Statements are
 * numbered in document order (a patch appends the next free index) and
 * traces follow them, so the one at `index` is nearly always the one
 * numbered so.
 */
export function numbered<T extends { readonly index: number }>(
  list: readonly T[],
  index: number,
): T | undefined {
  const at = list[index];
  return at?.index === index ? at : list.find((s) => s.index === index);
}

export function awsPrincipals(s: PolicyStatement | undefined): readonly string[] {
  return s?.principal?.kind === 'map' ? s.principal.AWS : [];
}
