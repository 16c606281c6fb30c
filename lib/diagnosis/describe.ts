import type { ConditionTrace, StatementTrace } from '../engine/PolicyEvaluation.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { CauseEvidence } from './Diagnosis.js';

/** `Sid`, or `#<index>` when the statement has none. */
export function statementRef(s: { readonly sid?: string; readonly index: number }): string {
  return s.sid !== undefined && s.sid !== '' ? s.sid : `#${s.index}`;
}

/** The last segment of a role ARN (its name). */
export function roleNameOf(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : arn;
}

/** A short, backticked name of the caller for summaries. */
export function callerLabel(event: DenialEvent): string {
  const c = event.caller;
  if (c.type === 'AssumedRole') {
    const name = c.issuerArn === undefined ? undefined : roleNameOf(c.issuerArn);
    return name === undefined ? `\`${c.arn ?? 'the caller'}\`` : `role \`${name}\``;
  }
  if (c.type === 'IAMUser') return `user \`${c.userName ?? c.arn ?? '?'}\``;
  if (c.type === 'WebIdentityUser') return 'the web identity caller';
  if (c.type === 'SAMLUser') return 'the SAML caller';
  if (c.type === 'AWSService') return `service \`${c.invokedBy ?? 'unknown'}\``;
  if (c.type === 'Root') {
    return `the root user of account \`${c.accountId ?? event.recordedInAccount ?? '?'}\``;
  }
  return `\`${c.arn ?? c.type}\``;
}

export function quoteList(values: readonly string[] | undefined): string {
  if (values === undefined || values.length === 0) return 'nothing';
  return values.map((v) => `\`${v}\``).join(', ');
}

/** What the request carried for a condition, for evidence. */
export function actualOf(clause: ConditionTrace): CauseEvidence['actual'] {
  if (clause.actual !== undefined) return clause.actual;
  return clause.result === 'unknown' ? 'not logged' : 'absent';
}

export function actualText(clause: ConditionTrace): string {
  if (clause.missingVariable !== undefined) {
    const why = `the policy variable \`\${${clause.missingVariable}}\` has no value for this caller (and no default)`;
    return clause.actual === undefined
      ? `a value that cannot match: ${why}`
      : `${quoteList(clause.actual)}, which cannot match: ${why}`;
  }
  const a = actualOf(clause);
  if (a === 'not logged') return 'a value CloudTrail did not log';
  if (a === 'absent') return 'no value at all';
  return quoteList(a as readonly string[]);
}

/** Condition evidence: policy, statement, key, operator, expected, actual. */
export function conditionEvidence(
  policy: string,
  s: StatementTrace,
  clause: ConditionTrace,
): CauseEvidence {
  return {
    policy,
    statement: statementRef(s),
    conditionKey: clause.key,
    operator: clause.operator,
    expected: clause.expected,
    actual: actualOf(clause),
  };
}

/** `StringEquals` family (strip set and IfExists qualifiers). */
export function baseOperator(op: string): string {
  return op.replace(/^(ForAnyValue|ForAllValues):/i, '').replace(/IfExists$/i, '');
}

/** True for the common mistake of an exact-match operator given a wildcard value. */
export function equalsWithWildcard(clause: {
  readonly operator: string;
  readonly expected?: readonly string[];
  readonly values?: readonly string[];
}): boolean {
  const base = baseOperator(clause.operator).toLowerCase();
  if (
    ![
      'stringequals',
      'stringnotequals',
      'stringequalsignorecase',
      'stringnotequalsignorecase',
    ].includes(base)
  ) {
    return false;
  }
  const vals = clause.expected ?? clause.values ?? [];
  return vals.some((v) => v.includes('*') || v.includes('?'));
}

/** Edit distance for claim similarity (re-exported for the diagnosis). */
export { editDistance as editDistanceText } from './suggestions.js';
