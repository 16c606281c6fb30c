import { BoundedCache } from '../validation/BoundedCache.js';
import { cidrContains, parseCidr, parseIp } from './ipAddress.js';
import { matchArnLike } from './matchArn.js';
import { globMatch } from './wildcard.js';

/**
 * The condition operators of IAM (IAM UG, "IAM JSON policy elements: Condition
 * operators"), as data. Each base operator says how ONE request value compares
 * with ONE policy value (`compare`, always the positive sense); `negated`
 * operators are the negation of their positive twin over all policy values
 * ("none of"), which is how AWS defines them: "if multiple values are listed
 * with a negated matching operator such as StringNotEquals, the effective
 * permissions work like a logical AND".
 *
 * The `…IfExists` suffix (all but `Null`) and the `ForAnyValue:` /
 * `ForAllValues:` set prefixes are applied by `evaluateCondition`.
 */

/** A policy value after policy-variable substitution. */
export interface PolicyValue {
  /** Escaped glob form (see `wildcard.ts`): wildcards written in the policy stay wildcards. */
  readonly pattern: string;
  /** Plain text: what the value spells, wildcards taken literally. */
  readonly text: string;
}

export type OperatorFamily =
  | 'string'
  | 'numeric'
  | 'date'
  | 'bool'
  | 'binary'
  | 'ip'
  | 'arn'
  | 'null';

export interface OperatorSpec {
  readonly family: OperatorFamily;
  /** True for StringNotEquals, NotIpAddress, ArnNotLike, …: the match is the negation over all values. */
  readonly negated: boolean;
  /** Whether `${…}` policy variables are substituted in the policy values. */
  readonly variables: boolean;
  /** Whether `*` / `?` in policy values are wildcards. */
  readonly wildcards: boolean;
  /** Positive comparison of one request value with one policy value. Invalid input never matches. */
  readonly compare: (actual: string, expected: PolicyValue) => boolean;
}

const stringEquals = (a: string, e: PolicyValue): boolean => a === e.text;
const stringEqualsIgnoreCase = (a: string, e: PolicyValue): boolean =>
  a.toLowerCase() === e.text.toLowerCase();
const stringLike = (a: string, e: PolicyValue): boolean => globMatch(e.pattern, a);
const arnLike = (a: string, e: PolicyValue): boolean => matchArnLike(e.pattern, a);

const numeric =
  (test: (a: number, e: number) => boolean) =>
  (a: string, e: PolicyValue): boolean => {
    const x = parseNumber(a);
    const y = parseNumber(e.text);
    return x !== undefined && y !== undefined && test(x, y);
  };

const date =
  (test: (a: number, e: number) => boolean) =>
  (a: string, e: PolicyValue): boolean => {
    const x = parseDate(a);
    const y = parseDate(e.text);
    return x !== undefined && y !== undefined && test(x, y);
  };

const bool = (a: string, e: PolicyValue): boolean => {
  const x = a.toLowerCase();
  const y = e.text.toLowerCase();
  return (y === 'true' || y === 'false') && x === y;
};

const binaryEquals = (a: string, e: PolicyValue): boolean => {
  const x = decodeBase64(a);
  const y = decodeBase64(e.text);
  return x !== undefined && y !== undefined && x === y;
};

const ipAddress = (a: string, e: PolicyValue): boolean => {
  const block = parseCidr(e.text);
  const ip = parseIp(a);
  return block !== undefined && ip !== undefined && cidrContains(block, ip);
};

/** `Null`: policy value `true` means "the key is absent", `false` "the key is present". */
const nullCheck = (presence: string, e: PolicyValue): boolean => {
  const want = e.text.toLowerCase();
  return (want === 'true' && presence === 'absent') || (want === 'false' && presence === 'present');
};

const op = (
  family: OperatorFamily,
  compare: OperatorSpec['compare'],
  negated: boolean,
  variables: boolean,
  wildcards = false,
): OperatorSpec => ({ family, compare, negated, variables, wildcards });

/**
 * Every base operator IAM knows. Policy-variable and wildcard support follow
 * the "Policy variables" / "Wildcards" lines of each family in the IAM UG:
 * string, Bool and ARN operators take variables; numeric, date, binary and IP
 * operators do not.
 */
export const CONDITION_OPERATORS = {
  StringEquals: op('string', stringEquals, false, true),
  StringNotEquals: op('string', stringEquals, true, true),
  StringEqualsIgnoreCase: op('string', stringEqualsIgnoreCase, false, true),
  StringNotEqualsIgnoreCase: op('string', stringEqualsIgnoreCase, true, true),
  StringLike: op('string', stringLike, false, true, true),
  StringNotLike: op('string', stringLike, true, true, true),
  NumericEquals: op(
    'numeric',
    numeric((a, e) => a === e),
    false,
    false,
  ),
  NumericNotEquals: op(
    'numeric',
    numeric((a, e) => a === e),
    true,
    false,
  ),
  NumericLessThan: op(
    'numeric',
    numeric((a, e) => a < e),
    false,
    false,
  ),
  NumericLessThanEquals: op(
    'numeric',
    numeric((a, e) => a <= e),
    false,
    false,
  ),
  NumericGreaterThan: op(
    'numeric',
    numeric((a, e) => a > e),
    false,
    false,
  ),
  NumericGreaterThanEquals: op(
    'numeric',
    numeric((a, e) => a >= e),
    false,
    false,
  ),
  DateEquals: op(
    'date',
    date((a, e) => a === e),
    false,
    false,
  ),
  DateNotEquals: op(
    'date',
    date((a, e) => a === e),
    true,
    false,
  ),
  DateLessThan: op(
    'date',
    date((a, e) => a < e),
    false,
    false,
  ),
  DateLessThanEquals: op(
    'date',
    date((a, e) => a <= e),
    false,
    false,
  ),
  DateGreaterThan: op(
    'date',
    date((a, e) => a > e),
    false,
    false,
  ),
  DateGreaterThanEquals: op(
    'date',
    date((a, e) => a >= e),
    false,
    false,
  ),
  Bool: op('bool', bool, false, true),
  BinaryEquals: op('binary', binaryEquals, false, false),
  IpAddress: op('ip', ipAddress, false, false),
  NotIpAddress: op('ip', ipAddress, true, false),
  ArnEquals: op('arn', arnLike, false, true, true),
  ArnLike: op('arn', arnLike, false, true, true),
  ArnNotEquals: op('arn', arnLike, true, true, true),
  ArnNotLike: op('arn', arnLike, true, true, true),
  Null: op('null', nullCheck, false, false),
} as const satisfies Record<string, OperatorSpec>;

export type ConditionOperatorName = keyof typeof CONDITION_OPERATORS;

export type SetQualifier = 'none' | 'ForAnyValue' | 'ForAllValues';

export interface ParsedOperator {
  readonly name: ConditionOperatorName;
  readonly spec: OperatorSpec;
  readonly ifExists: boolean;
  readonly set: SetQualifier;
}

/**
 * Splits `ForAnyValue:StringLikeIfExists` into its parts. Returns `undefined`
 * for a name IAM does not know (including `NullIfExists`). Operator names are
 * matched with AWS's spelling.
 */
export function parseOperator(written: string): ParsedOperator | undefined {
  return parsedOperators.get(written, splitOperator);
}

/** Bounded: operator names come from policies, which an attacker does not write, but stay safe. */
const parsedOperators = new BoundedCache<string, ParsedOperator | undefined>(1024);

function splitOperator(written: string): ParsedOperator | undefined {
  let rest = written;
  let set: SetQualifier = 'none';
  if (rest.startsWith('ForAnyValue:')) {
    set = 'ForAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  } else if (rest.startsWith('ForAllValues:')) {
    set = 'ForAllValues';
    rest = rest.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  if (!Object.hasOwn(CONDITION_OPERATORS, rest)) return undefined;
  const name = rest as ConditionOperatorName;
  if (name === 'Null' && (ifExists || set !== 'none')) return undefined;
  return { name, spec: CONDITION_OPERATORS[name], ifExists, set };
}

/** A decimal number as IAM numeric operators read it (integers and decimals, optional sign). */
export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A date as IAM date operators read it: ISO 8601 (`2026-01-31`,
 * `2026-01-31T12:00:00Z`, with an offset or fraction; basic format
 * `20260131T120000Z`) or epoch seconds (`1769860800`). A date-time without
 * an offset is UTC. Returns epoch milliseconds.
 */
export function parseDate(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(t);
  if (basic !== null) {
    const [, y, mo, d, h, mi, se] = basic;
    return isoToMs(`${y}-${mo}-${d}T${h}:${mi}:${se}Z`);
  }
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
      t,
    );
  if (m === null) return undefined;
  const [, day, time, zone] = m;
  if (time === undefined) return isoToMs(`${day}T00:00:00Z`);
  const offset =
    zone === undefined || zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return isoToMs(`${day}T${time}${offset}`);
}

function isoToMs(iso: string): number | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: reject dates that do not round-trip.
  const day = iso.slice(0, 10);
  const asUtcDay = new Date(Date.parse(`${day}T00:00:00Z`)).toISOString().slice(0, 10);
  return asUtcDay === day ? ms : undefined;
}

/** Base64 (standard alphabet, padding optional) → bytes as a hex string, or `undefined`. */
function decodeBase64(s: string): string | undefined {
  const t = s.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(t, 'base64').toString('hex');
}
