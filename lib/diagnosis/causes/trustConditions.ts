import type { Blocker } from '../../engine/AssumeRoleEvaluation.js';
import type { ConditionTrace, StatementTrace } from '../../engine/PolicyEvaluation.js';
import {
  addConditionValues,
  removeConditionValues,
  renameOperator,
} from '../../fixes/patchPolicy.js';
import type { CauseDraft, DraftOf } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext } from '../CauseRule.js';
import type { CauseCode } from '../causeCodes.js';
import { classifyConditionKey } from '../classifyConditionKey.js';
import { clauseCertainty, clauseCertaintyNote } from '../clauseCertainty.js';
import {
  actualText,
  baseOperator,
  conditionEvidence,
  equalsWithWildcard,
  quoteList,
  statementRef,
} from '../describe.js';
import { githubSubjectDifference, subjectDifferenceNote } from '../githubSubject.js';
import type { BlockerContext } from '../Situation.js';
import { externalIdRemedy, mfaRemedy, present, targetOf, trustRemedy } from './remedyKit.js';
import { conditionedSessionAction, nearestTrustStatements } from './trustStatements.js';

type ConditionCode =
  | 'TRUST_CONDITION_EXTERNAL_ID'
  | 'TRUST_CONDITION_MFA'
  | 'TRUST_CONDITION_ORG'
  | 'TRUST_CONDITION_OTHER'
  | 'OIDC_CLAIM_MISMATCH'
  | 'SAML_CLAIM_MISMATCH';

function conditionSummary(
  ctx: BlockerContext,
  code: CauseCode,
  s: StatementTrace,
  clause: ConditionTrace,
): string {
  const { roleName, event } = ctx;
  const where = `Statement \`${statementRef(s)}\` of the trust policy of \`${roleName}\``;
  const req = `\`${clause.key}\` ${clause.operator} ${quoteList(clause.expected)}`;
  const got = actualText(clause);
  const wildcard = equalsWithWildcard(clause)
    ? ` Note: \`${clause.operator}\` does not expand wildcards, so \`*\` there is a literal character; use \`${clause.operator.replace(/Equals/, 'Like')}\`.`
    : '';
  switch (code) {
    case 'TRUST_CONDITION_EXTERNAL_ID': {
      const inOrg = ctx.callerInOrg
        ? ' ExternalId is meant for third parties; for a caller inside your organization, `aws:PrincipalOrgID` is the better condition.'
        : '';
      const sent =
        clause.actual === undefined && clause.result === 'unknown'
          ? 'CloudTrail did not log which ExternalId the request sent (if any)'
          : `the request carried ${got}`;
      return `${where} requires ${req} but ${sent}: call AssumeRole with the expected \`--external-id\`.${inOrg}${wildcard}`;
    }
    case 'TRUST_CONDITION_MFA': {
      const how =
        event.caller.type === 'IAMUser'
          ? 'call AssumeRole with `--serial-number` and `--token-code`'
          : 'start a session authenticated with MFA and retry';
      const had =
        clause.actual === undefined && clause.result === 'unknown'
          ? event.caller.type === 'IAMUser'
            ? 'CloudTrail did not log whether the request sent an MFA code (SerialNumber and TokenCode), and the caller uses long-term keys'
            : "CloudTrail does not tell whether the caller's session was MFA-authenticated"
          : clause.actual === undefined
            ? 'the request had no MFA at all'
            : `the caller's session carried ${got}`;
      return `${where} requires ${req} but ${had}: ${how}.`;
    }
    case 'TRUST_CONDITION_ORG':
      return `${where} requires ${req} but the caller has ${got}: the caller is outside the organization or OU path the role expects.${wildcard}`;
    case 'OIDC_CLAIM_MISMATCH': {
      const env =
        clause.key.toLowerCase().endsWith(':sub') &&
        (clause.actual ?? []).some((v) => v.includes(':environment:')) &&
        !clause.expected.some((v) => v.includes(':environment:'))
          ? ' The job declares an environment, so GitHub sends `repo:…:environment:…` instead of a branch `sub`.'
          : '';
      const difference = githubSubjectDifference(clause);
      const subject = difference === undefined ? '' : subjectDifferenceNote(difference);
      return `${where} requires ${req} but the token's claim was ${got}.${subject}${env}${wildcard}`;
    }
    case 'SAML_CLAIM_MISMATCH':
      return `${where} requires ${req} but the SAML assertion carried ${got}.${wildcard}`;
    default:
      return `${where} requires ${req} but the request carried ${got}.${wildcard}`;
  }
}

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
function detectInBlocker(b: Blocker, ctx: BlockerContext): CauseDraft[] {
  const evaln =
    b.kind === 'trust-no-allow'
      ? (b.evaluations[0]?.evaluation ?? ctx.evaluation.trust)
      : b.kind === 'trust-session-action' && conditionedSessionAction(b.evaluations[0]?.evaluation)
        ? b.evaluations[0]?.evaluation
        : undefined;
  if (evaln === undefined) return [];
  const downgrade = b.kind === 'trust-session-action' && b.certainty === 'unknown';
  const out: CauseDraft[] = [];
  const seen = new Set<string>();
  for (const { s, failing } of nearestTrustStatements(evaln)) {
    for (const clause of failing) {
      const code = classifyConditionKey(clause.key) as ConditionCode;
      const dedupe = `${code}|${s.index}|${clause.key}|${clause.operator}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      const certainty = clauseCertainty(ctx.event, clause, s.principal === 'yes');
      out.push({
        code,
        certainty: downgrade && certainty === 'yes' ? 'unknown' : certainty,
        summary: `${conditionSummary(ctx, code, s, clause)}${clauseCertaintyNote(ctx.event, clause)}`,
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
    `Use \`${newOp}\` instead of \`${clause.operator}\`: \`${clause.operator}\` treats \`*\` literally`,
    renameOperator(trustDoc, s.index, clause.operator, clause.key, newOp),
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
export function conditionRemedies(d: CauseDraft, ctx: RemedyContext): Remedy[] {
  const clause = d.clause;
  const s = d.statement;
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  const target = conditionTarget(d);
  if (d.code === 'TRUST_CONDITION_EXTERNAL_ID') {
    if (clause === undefined || ctx.evaluated === undefined) return [];
    const out = [likeRemedy(d, ctx)];
    const op = baseOperator(clause.operator).toLowerCase();
    const value = clause.expected.find((v) => !v.includes('*') && !v.includes('?'));
    if (op.startsWith('string') && !op.includes('not') && value !== undefined)
      out.push(externalIdRemedy(ctx, value, target));
    return present(out);
  }
  if (d.code === 'TRUST_CONDITION_MFA') return present([mfaRemedy(ctx, target)]);
  if (trustDoc === undefined || clause === undefined || s === undefined) return [];
  const out = [likeRemedy(d, ctx)];
  // A documented GitHub `sub` difference (immutable ids, case, `%3A`) names the value to add.
  const suggested = d.code === 'OIDC_CLAIM_MISMATCH' ? d.facts?.subject?.suggestedValue : undefined;
  const actual = suggested === undefined ? clause.actual : [suggested];
  if (actual !== undefined && actual.length > 0) {
    const base = baseOperator(clause.operator).toLowerCase();
    if (base.includes('not')) {
      const lower = actual.map((a) => a.toLowerCase());
      out.push(
        trustRemedy(
          ctx,
          `Stop excluding ${actual.map((a) => `\`${a}\``).join(', ')} in condition \`${clause.key}\``,
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
      out.push(
        trustRemedy(
          ctx,
          `Allow ${add.map((a) => `\`${a}\``).join(', ')} in condition \`${clause.key}\` of trust statement \`${s.sid ?? `#${s.index}`}\` (if this caller should get in)`,
          addConditionValues(trustDoc, s.index, clause.operator, clause.key, add),
          target,
        ),
      );
    }
  }
  return present(out);
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
  detectInBlocker,
  remedies: conditionRemedies,
};
