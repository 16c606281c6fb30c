import { parseOperator } from '../engine/conditionOperators.js';
import { matchAction } from '../engine/matchAction.js';
import { isUniqueId } from '../engine/matchPrincipal.js';
import type { RequestContext, RequestPrincipal } from '../engine/RequestContext.js';
import type { FindingEvidence } from '../findings/AuditFinding.js';
import { addStatement, mapStatement, principalMap } from '../fixes/patchPolicy.js';
import type {
  ConditionClause,
  PolicyDocument,
  PolicyStatement,
  PrincipalElement,
} from '../policy/PolicyDocument.js';
import type { AuditContext } from './AuditRule.js';

/**
 * Small pure facts about trust statements shared by the rules, and the edits
 * their fixes make. Everything here works on the normalized policy model.
 */

export const ASSUME_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
] as const;

/** Does this statement let someone assume the role (an Allow on one of the AssumeRole actions)? */
export function grantsAssume(st: PolicyStatement): boolean {
  if (st.effect !== 'Allow') return false;
  return ASSUME_ACTIONS.some((a) =>
    st.action !== undefined ? matchAction(st.action, a) : !matchAction(st.notAction ?? [], a),
  );
}

const ALLOWS = new WeakMap<PolicyDocument, readonly PolicyStatement[]>();

/** The Allow statements that grant assumption, with a principal element (memoized per document). */
export function allowStatements(doc: PolicyDocument): readonly PolicyStatement[] {
  let out = ALLOWS.get(doc);
  if (out === undefined) {
    out = doc.statements.filter((s) => grantsAssume(s) && s.principal !== undefined);
    ALLOWS.set(doc, out);
  }
  return out;
}

export function isAnyPrincipal(el: PrincipalElement | undefined): boolean {
  return el !== undefined && (el.kind === 'any' || el.AWS.includes('*'));
}

export function awsEntries(el: PrincipalElement | undefined): readonly string[] {
  return el?.kind === 'map' ? el.AWS : [];
}

/** Account of an `AWS` principal entry: bare id, or the account field of an IAM/STS ARN. */
export function entryAccount(entry: string): string | undefined {
  if (/^\d{12}$/.test(entry)) return entry;
  const m = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(entry);
  return m?.[1];
}

/** `111122223333` or `arn:aws:iam::111122223333:root`: the whole account. */
export function isAccountEntry(entry: string): boolean {
  return /^\d{12}$/.test(entry) || /^arn:aws[\w-]*:iam::\d{12}:root$/.test(entry);
}

export function isStaleIdEntry(entry: string): boolean {
  return isUniqueId(entry);
}

/** Partition of an ARN (`aws` when the text is not an ARN). */
export function partitionOf(arn: string): string {
  return /^arn:(aws[\w-]*):/.exec(arn)?.[1] ?? 'aws';
}

/** Is an account outside the organization (or, with no organization known, not the role's own)? */
export function isForeignAccount(account: string, roleAccount: string, ctx: AuditContext): boolean {
  if (account === roleAccount) return false;
  if (ctx.organization === null) return true;
  return !ctx.organization.accountIds.has(account);
}

const OPERATORS = new Map<string, ReturnType<typeof parseOperator>>();

/** The base operator name and qualifiers of a clause (`undefined` for an unknown operator); memoized. */
export function operatorOf(clause: ConditionClause): ReturnType<typeof parseOperator> {
  if (OPERATORS.has(clause.operator)) return OPERATORS.get(clause.operator);
  const op = parseOperator(clause.operator);
  if (OPERATORS.size < 1000) OPERATORS.set(clause.operator, op);
  return op;
}

const hasWildcard = (v: string) => v.includes('*') || v.includes('?');

/** Keys whose value is one id: any wildcard in a `…Like` pattern lets other ids in. */
const EXACT_ID_KEYS = new Set([
  'aws:principalaccount',
  'aws:sourceaccount',
  'aws:principalorgid',
  'aws:sourceorgid',
  'sts:externalid',
  'cognito-identity.amazonaws.com:aud',
]);
/** ARN keys: the account field (and everything before it) must be fixed. */
const ARN_ACCOUNT_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);
/** Organization paths `o-…/r-…/ou-…/`: the organization id must be fixed. */
const ORG_PATH_KEYS = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);

/**
 * Does one value of a positive clause on `key` narrow who gets in? With a
 * `…Like` operator a wildcard can span tenants: an account, organization,
 * ExternalId or identity-pool id with any wildcard, an ARN with one in or
 * before its account field (`arn:aws:iam::*:role/x`), an organization path
 * whose organization id is not fixed (`o-*`). Any other key: not a bare `*`
 * and not empty. `…Equals` operators compare literally (a `*` there is
 * STRING_EQUALS_WITH_WILDCARD's business), so only bare `*`/empty count as open.
 */
export function restrictsValue(key: string, value: string, wildcards: boolean): boolean {
  if (value === '' || /^\**$/.test(value)) return false;
  if (!wildcards) return true;
  const k = key.toLowerCase();
  if (EXACT_ID_KEYS.has(k)) return !hasWildcard(value);
  if (ARN_ACCOUNT_KEYS.has(k)) {
    // arn:partition:service:region:account:resource. An empty account field
    // (S3 bucket ARNs) leaves the resource to pin the source.
    const fields = value.split(':');
    const account = fields[4];
    if (fields.length < 6 || account === undefined || hasWildcard(account)) return false;
    return account !== '' || !/^[*?]*$/.test(fields.slice(5).join(':'));
  }
  if (ORG_PATH_KEYS.has(k)) {
    const org = value.split('/')[0] ?? '';
    return value.includes('/') && /^o-[a-z0-9]+$/i.test(org);
  }
  return true;
}

/**
 * Positive clauses that really narrow who gets in: a known, non-negated
 * operator of the string/ARN families, without `…IfExists` (which passes when
 * the key is absent) and without `ForAllValues:` (which passes vacuously on an
 * absent key), whose values ALL restrict (`restrictsValue`): the values of
 * one clause are ORed (IAM UG, "Conditions with multiple context keys or
 * values"), so one open value opens the clause.
 */
export function isRestrictingClause(clause: ConditionClause): boolean {
  const op = operatorOf(clause);
  if (op === undefined || op.spec.negated || op.ifExists || op.set === 'ForAllValues') return false;
  if (op.spec.family !== 'string' && op.spec.family !== 'arn') return false;
  return (
    clause.values.length > 0 &&
    clause.values.every((v) => restrictsValue(clause.key, v, op.spec.wildcards === true))
  );
}

/** Lower-cased key comparison; condition keys are case-insensitive. */
export function sameKey(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The restricting clauses of a statement on any of `keys`. */
export function restrictingClauses(
  st: PolicyStatement,
  keys: readonly string[],
): readonly ConditionClause[] {
  return st.conditions.filter((c) => keys.some((k) => sameKey(k, c.key)) && isRestrictingClause(c));
}

/**
 * A Deny statement that, for everyone (`*`), denies `action` unless one of
 * `keys` matches, e.g. `Deny * StringNotEquals aws:PrincipalOrgID o-…`:
 * the usual way to fence an otherwise open Allow. The Deny must cover the
 * action the Allow grants (a fence on `sts:AssumeRoleWithWebIdentity` does
 * not fence an Allow of `sts:AssumeRole`), and its values must pin the key
 * the way `restrictsValue` requires (`StringNotLike … o-*` fences nothing).
 */
export function hasFencingDeny(
  doc: PolicyDocument,
  keys: readonly string[],
  action: string = 'sts:AssumeRole',
): boolean {
  return doc.statements.some((s) => {
    if (s.effect !== 'Deny' || !isAnyPrincipal(s.principal)) return false;
    const covers =
      s.action !== undefined
        ? matchAction(s.action, action)
        : !matchAction(s.notAction ?? [], action);
    if (!covers || s.conditions.length !== 1) return false;
    const c = s.conditions[0] as ConditionClause;
    const op = operatorOf(c);
    return (
      op?.spec.negated === true &&
      !op.ifExists &&
      keys.some((k) => sameKey(k, c.key)) &&
      c.values.length > 0 &&
      c.values.every((v) => restrictsValue(c.key, v, op.spec.wildcards === true))
    );
  });
}

/** The AssumeRole actions an Allow statement grants. */
export function grantedAssumeActions(st: PolicyStatement): readonly string[] {
  return ASSUME_ACTIONS.filter((a) =>
    st.action !== undefined ? matchAction(st.action, a) : !matchAction(st.notAction ?? [], a),
  );
}

/** Evidence naming one statement. */
export function statementEvidence(
  st: PolicyStatement,
  extra: Omit<FindingEvidence, 'statementIndex' | 'sid'> = {},
): FindingEvidence {
  return {
    statementIndex: st.index,
    ...(st.sid === undefined ? {} : { sid: st.sid }),
    ...extra,
  };
}

/** How a statement is named in a sentence: ``statement `Sid` `` or `statement #2`. */
export function statementName(st: PolicyStatement): string {
  return st.sid === undefined || st.sid === ''
    ? `statement #${st.index}`
    : `statement \`${st.sid}\``;
}

// ---- edits ---------------------------------------------------------------

/**
 * A statement's conditions with `clause` added. Clauses on the same key go:
 * the rule fired, so none of them restricted anything, and one left in place
 * (an `…IfExists` with another value, a bare `*`) could contradict the new one.
 */
export function withClause(
  conditions: readonly ConditionClause[],
  clause: ConditionClause,
): ConditionClause[] {
  return [...conditions.filter((c) => !sameKey(c.key, clause.key)), clause];
}

/** Adds a condition clause to one statement (replacing clauses on the same key). */
export function addCondition(
  doc: PolicyDocument,
  index: number,
  clause: ConditionClause,
): PolicyDocument {
  return mapStatement(doc, index, (s) => ({ ...s, conditions: withClause(s.conditions, clause) }));
}

/** Replaces the `AWS` entries of one statement; an emptied principal drops the statement. */
export function editAwsEntries(
  doc: PolicyDocument,
  index: number,
  edit: (entries: readonly string[]) => readonly string[],
): PolicyDocument {
  return mapStatement(doc, index, (s) => {
    if (s.principal?.kind !== 'map') return s;
    const AWS = [...new Set(edit(s.principal.AWS))];
    const p = { ...s.principal, AWS };
    const empty =
      p.AWS.length + p.Service.length + p.Federated.length + p.CanonicalUser.length === 0;
    return empty ? null : { ...s, principal: p };
  });
}

/** Renumbers statements 0..n-1 after a removal (indexes are positions). */
export function renumber(doc: PolicyDocument): PolicyDocument {
  return { ...doc, statements: doc.statements.map((s, index) => ({ ...s, index })) };
}

// ---- requests for verification ---------------------------------------------

/** A role session of `account` (the most common legitimate cross-account caller). */
export function roleSessionRequest(
  roleArn: string,
  callerRoleArn: string,
  values: Readonly<Record<string, readonly string[]>> = {},
): RequestContext {
  const account = entryAccount(callerRoleArn) ?? '000000000000';
  const name = callerRoleArn.slice(callerRoleArn.lastIndexOf('/') + 1);
  const principal: RequestPrincipal = {
    kind: 'AssumedRole',
    arn: `arn:${partitionOf(callerRoleArn)}:sts::${account}:assumed-role/${name}/trustwatch-check`,
    accountId: account,
    roleArn: callerRoleArn,
  };
  return {
    principal,
    action: 'sts:AssumeRole',
    resource: roleArn,
    values: {
      'aws:principalarn': [callerRoleArn],
      'aws:principalaccount': [account],
      'aws:principaltype': ['AssumedRole'],
      ...values,
    },
    unknownKeys: [],
  };
}

/** A call by an AWS service principal (e.g. `sns.amazonaws.com`) on behalf of an account. */
export function serviceRequest(
  roleArn: string,
  service: string,
  values: Readonly<Record<string, readonly string[]>>,
): RequestContext {
  return {
    principal: { kind: 'Service', service },
    action: 'sts:AssumeRole',
    resource: roleArn,
    values: { 'aws:principalservicename': [service], ...values },
    unknownKeys: [],
  };
}

/** A web-identity or SAML federation call through `provider`. */
export function federatedRequest(
  roleArn: string,
  kind: 'WebIdentity' | 'SAML',
  provider: string,
  values: Readonly<Record<string, readonly string[]>>,
): RequestContext {
  return {
    principal: { kind, federatedProvider: provider },
    action: kind === 'WebIdentity' ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRoleWithSAML',
    resource: roleArn,
    values,
    unknownKeys: [],
  };
}

/** A string that a pattern matches: wildcards replaced by a letter. */
export function exampleOf(pattern: string): string {
  return pattern.replace(/\*/g, 'x').replace(/\?/g, 'x');
}

/**
 * Moves one principal entry into a statement of its own (same effect, actions
 * and conditions) and adds `clause` there, so a condition meant for that
 * principal does not also bind the others. A statement naming only that entry
 * gets the clause directly.
 */
export function isolateEntry(
  doc: PolicyDocument,
  index: number,
  type: 'AWS' | 'Service' | 'Federated',
  entry: string,
  clause: ConditionClause,
): PolicyDocument {
  const st = doc.statements.find((s) => s.index === index);
  if (st === undefined || st.principal?.kind !== 'map') return addCondition(doc, index, clause);
  const p = st.principal;
  const total = p.AWS.length + p.Service.length + p.Federated.length + p.CanonicalUser.length;
  if (total <= 1) return addCondition(doc, index, clause);
  const without = mapStatement(doc, index, (s) => ({
    ...s,
    principal: { ...p, [type]: p[type].filter((e) => e !== entry) },
  }));
  return addStatement(without, {
    effect: st.effect,
    principal: principalMap(type, [entry]),
    ...(st.action === undefined ? {} : { action: st.action }),
    ...(st.notAction === undefined ? {} : { notAction: st.notAction }),
    conditions: withClause(st.conditions, clause),
  });
}

/**
 * A request by one `AWS` principal entry (for fix verification): a role
 * session of a role ARN or of an account (`trustwatch-check`), an IAM user,
 * or the session an `assumed-role` session ARN names. `undefined` for
 * entries that cannot call (stale unique ids, `*`, unparsable text).
 */
export function requestForEntry(
  entry: string,
  roleArn: string,
  values: Readonly<Record<string, readonly string[]>> = {},
): RequestContext | undefined {
  if (isStaleIdEntry(entry)) return undefined;
  const account = entryAccount(entry);
  if (account === undefined) return undefined;
  const partition = partitionOf(entry);
  if (isAccountEntry(entry)) {
    return roleSessionRequest(
      roleArn,
      `arn:${partition}:iam::${account}:role/trustwatch-check`,
      values,
    );
  }
  if (/^arn:aws[\w-]*:iam::\d{12}:role\//.test(entry))
    return roleSessionRequest(roleArn, entry, values);
  if (/^arn:aws[\w-]*:iam::\d{12}:user\//.test(entry)) {
    return {
      principal: { kind: 'IAMUser', arn: entry, accountId: account },
      action: 'sts:AssumeRole',
      resource: roleArn,
      values: {
        'aws:principalarn': [entry],
        'aws:principalaccount': [account],
        'aws:principaltype': ['User'],
        ...values,
      },
      unknownKeys: [],
    };
  }
  const session = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([^/]+)\/.+$/.exec(entry);
  if (session !== null) {
    // The session ARN carries no role path: the role is assumed to sit at `/`.
    const role = `arn:${partition}:iam::${account}:role/${session[1]}`;
    return {
      principal: { kind: 'AssumedRole', arn: entry, accountId: account, roleArn: role },
      action: 'sts:AssumeRole',
      resource: roleArn,
      values: {
        'aws:principalarn': [role],
        'aws:principalaccount': [account],
        'aws:principaltype': ['AssumedRole'],
        ...values,
      },
      unknownKeys: [],
    };
  }
  return undefined;
}

/** A request that the statement's principal element names (for fix verification). */
export function requestForStatement(
  st: PolicyStatement,
  roleArn: string,
  values: Readonly<Record<string, readonly string[]>> = {},
): RequestContext | undefined {
  const roleAccount = entryAccount(roleArn) ?? '000000000000';
  const partition = partitionOf(roleArn);
  const el = st.principal;
  if (el === undefined) return undefined;
  if (isAnyPrincipal(el)) {
    return roleSessionRequest(
      roleArn,
      `arn:${partition}:iam::${roleAccount}:role/trustwatch-check`,
      values,
    );
  }
  if (el.kind !== 'map') return undefined;
  for (const entry of el.AWS) {
    const req = requestForEntry(entry, roleArn, values);
    if (req !== undefined) return req;
  }
  const service = el.Service[0];
  if (service !== undefined) return serviceRequest(roleArn, service, values);
  const provider = el.Federated[0];
  if (provider !== undefined) {
    return federatedRequest(
      roleArn,
      provider.includes(':saml-provider/') ? 'SAML' : 'WebIdentity',
      provider,
      values,
    );
  }
  return undefined;
}
