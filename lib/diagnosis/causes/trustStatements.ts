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
export function nearestTrustStatements(
  evaln: PolicyEvaluation,
): { readonly s: StatementTrace; readonly failing: readonly ConditionTrace[] }[] {
  const candidates = evaln.statements.filter(
    (s) => s.effect === 'Allow' && s.principal !== 'no' && s.action !== 'no',
  );
  if (candidates.length === 0) return [];
  const scored = candidates.map((s) => {
    const failing = s.conditions.filter((c) => c.result !== 'yes');
    const hard = failing.filter((c) => c.result === 'no').length;
    return { s, failing, score: hard * 100 + failing.length };
  });
  const best = Math.min(...scored.map((x) => x.score));
  return scored.filter((x) => x.score === best).slice(0, 3);
}

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
  return trust.document.statements.find((s) => s.index === index);
}

export function awsPrincipals(s: PolicyStatement | undefined): readonly string[] {
  return s?.principal?.kind === 'map' ? s.principal.AWS : [];
}
