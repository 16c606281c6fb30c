import type { Blocker } from '../../engine/AssumeRoleEvaluation.js';
import type { ConditionTrace } from '../../engine/PolicyEvaluation.js';
import {
  addConditionValues,
  removeConditionValues,
  renameOperator,
} from '../../fixes/patchPolicy.js';
import { type CauseDraft, type DraftOf, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext, RemedySink } from '../CauseRule.js';
import * as prose from '../causeProse.js';
import { classifyConditionKey } from '../classifyConditionKey.js';
import { clauseCertainty } from '../clauseCertainty.js';
import { baseOperator, conditionEvidence, equalsWithWildcard } from '../describe.js';
import { githubSubjectDifference } from '../githubSubject.js';
import type { BlockerContext } from '../Situation.js';
import { externalIdRemedy, mfaRemedy, targetOf, trustRemedy } from './remedyKit.js';
import {
  conditionedSessionAction,
  type NearStatement,
  nearestTrustStatements,
} from './trustStatements.js';

type ConditionCode = prose.TrustConditionCode;

/** The `sub` value a fix should add when the token differs in a documented GitHub way. */
function subjectFacts(
  code: ConditionCode,
  clause: ConditionTrace,
): Pick<DraftOf<'OIDC_CLAIM_MISMATCH'>, 'facts'> {
  if (code !== 'OIDC_CLAIM_MISMATCH') return {};
  const d = githubSubjectDifference(clause);
  return d === undefined
    ? {}
    : { facts: { subject: { suggestedValue: d.suggested, difference: d.kind } } };
}

/** The failing conditions of the trust statements nearest to letting the caller in. */
function detectInBlocker(b: Blocker, ctx: BlockerContext): readonly CauseDraft[] {
  const evaln =
    b.kind === 'trust-no-allow'
      ? (b.evaluations[0]?.evaluation ?? ctx.evaluation.trust)
      : b.kind === 'trust-session-action' && conditionedSessionAction(b.evaluations[0]?.evaluation)
        ? b.evaluations[0]?.evaluation
        : undefined;
  if (evaln === undefined) return NO_CAUSES;
  const nearest = nearestTrustStatements(evaln);
  return nearest.length === 0 ? NO_CAUSES : conditionCauses(b, ctx, nearest);
}

/** The failing conditions of `nearest`, one cause per clause. */
function conditionCauses(
  b: Blocker,
  ctx: BlockerContext,
  nearest: readonly NearStatement[],
): CauseDraft[] {
  const downgrade = b.kind === 'trust-session-action' && b.certainty === 'unknown';
  const out: CauseDraft[] = [];
  const seen = new Set<string>();
  for (const { s, failing } of nearest) {
    for (const clause of failing) {
      const code = classifyConditionKey(clause.key) as ConditionCode;
      const dedupe = `${code}|${s.index}|${clause.key}|${clause.operator}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      const certainty = clauseCertainty(ctx.event, clause, s.principal === 'yes');
      out.push({
        code,
        certainty: downgrade && certainty === 'yes' ? 'unknown' : certainty,
        summary: prose.trustConditionFailed({
          event: ctx.event,
          code,
          roleName: ctx.roleName,
          callerInOrg: ctx.callerInOrg,
          statement: s,
          clause,
          subject: code === 'OIDC_CLAIM_MISMATCH' ? githubSubjectDifference(clause) : undefined,
        }),
        evidence: conditionEvidence(ctx.trust.label, s, clause),
        blocker: b,
        policy: ctx.trust,
        statement: s,
        clause,
        ...subjectFacts(code, clause),
      } as CauseDraft);
    }
  }
  return out;
}

/** `…Equals` with a wildcard value: the `…Like` operator the author meant. */
function likeRemedy(d: CauseDraft, ctx: RemedyContext): Remedy | undefined {
  const clause = d.clause;
  const s = d.statement;
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  if (clause === undefined || s === undefined || trustDoc === undefined) return undefined;
  if (!equalsWithWildcard(clause)) return undefined;
  const newOp = clause.operator.replace(/Equals/, 'Like');
  return trustRemedy(
    ctx,
    { kind: 'like-operator', operator: clause.operator, likeOperator: newOp },
    () => renameOperator(trustDoc, s.index, clause.operator, clause.key, newOp),
    conditionTarget(d),
  );
}

function conditionTarget(d: CauseDraft) {
  return targetOf(d, {
    ...(d.statement === undefined ? {} : { statementIndex: d.statement.index }),
    ...(d.clause === undefined ? {} : { conditionKey: d.clause.key.toLowerCase() }),
  });
}

/**
 * Remedies of a failing trust condition: the operator the author meant, the
 * value the caller must send (ExternalId, MFA), or the trust policy accepting
 * the value the request carried.
 */
export function conditionRemedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  const clause = d.clause;
  const s = d.statement;
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  const target = conditionTarget(d);
  if (d.code === 'TRUST_CONDITION_EXTERNAL_ID') {
    if (clause === undefined || ctx.evaluated === undefined) return;
    if (sink.offer(likeRemedy(d, ctx))) return;
    const op = baseOperator(clause.operator).toLowerCase();
    const value = clause.expected.find((v) => !v.includes('*') && !v.includes('?'));
    if (op.startsWith('string') && !op.includes('not') && value !== undefined)
      sink.offer(externalIdRemedy(ctx, value, target));
    return;
  }
  if (d.code === 'TRUST_CONDITION_MFA') {
    sink.offer(mfaRemedy(ctx, target));
    return;
  }
  if (trustDoc === undefined || clause === undefined || s === undefined) return;
  if (sink.offer(likeRemedy(d, ctx))) return;
  // A documented GitHub `sub` difference (immutable ids, case, `%3A`) names the value to add.
  const suggested = d.code === 'OIDC_CLAIM_MISMATCH' ? d.facts?.subject?.suggestedValue : undefined;
  const actual = suggested === undefined ? clause.actual : [suggested];
  if (actual !== undefined && actual.length > 0) {
    const base = baseOperator(clause.operator).toLowerCase();
    if (base.includes('not')) {
      const lower = actual.map((a) => a.toLowerCase());
      sink.offer(
        trustRemedy(
          ctx,
          { kind: 'stop-excluding', values: actual, conditionKey: clause.key },
          () =>
            removeConditionValues(trustDoc, s.index, clause.operator, clause.key, (v) =>
              lower.includes(v.toLowerCase()),
            ),
          target,
        ),
      );
    } else if (base.startsWith('string') || base.startsWith('arn') || base === 'ipaddress') {
      const add =
        base === 'ipaddress'
          ? actual.map((a) => (a.includes('/') ? a : a.includes(':') ? `${a}/128` : `${a}/32`))
          : actual;
      sink.offer(
        trustRemedy(
          ctx,
          { kind: 'allow-condition-values', values: add, conditionKey: clause.key, statement: s },
          () => addConditionValues(trustDoc, s.index, clause.operator, clause.key, add),
          target,
        ),
      );
    }
  }
}

/** Trust statements that name the caller but whose conditions fail. */
export const trustConditionsRule: CauseRule = {
  family: 'trust conditions',
  codes: [
    'TRUST_CONDITION_EXTERNAL_ID',
    'TRUST_CONDITION_MFA',
    'TRUST_CONDITION_ORG',
    'TRUST_CONDITION_OTHER',
    'SAML_CLAIM_MISMATCH',
  ],
  blockerKinds: ['trust-no-allow', 'trust-session-action'],
  detectInBlocker,
  remedies: conditionRemedies,
};
