// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written `${key}` inside plain strings.
import { describe, expect, it } from 'vitest';
import {
  CONDITION_OPERATORS,
  parseDate,
  parseNumber,
  parseOperator,
} from '../../../lib/engine/conditionOperators.js';
import { evaluateCondition } from '../../../lib/engine/evaluateCondition.js';
import type { Tri } from '../../../lib/engine/RequestContext.js';
import { makeContext } from './engineFixtures.js';

/**
 * One row = one condition clause against one request. `request: undefined`
 * means the key is absent from the request context. Sources cited in `why`:
 * IAM UG = AWS IAM User Guide; "operators" = "IAM JSON policy elements:
 * Condition operators"; "multivalued" = "Single-valued vs multivalued context
 * keys"; "multiple values" = "Condition with multiple context keys or values".
 */
interface Row {
  readonly why: string;
  readonly op: string;
  readonly key: string;
  readonly policy: readonly string[];
  readonly request: readonly string[] | undefined;
  readonly expected: Tri;
  /** Other request-context values (policy variables). */
  readonly extra?: Record<string, readonly string[]>;
  readonly unknownKeys?: readonly string[];
  /** Policy variables enabled (Version 2012-10-17). Default true. */
  readonly variables?: boolean;
}

const ABSENT = undefined;

function run(row: Row) {
  const values: Record<string, readonly string[]> = { ...(row.extra ?? {}) };
  if (row.request !== undefined) values[row.key.toLowerCase()] = row.request;
  const ctx = makeContext(values, row.unknownKeys ?? []);
  return evaluateCondition({ operator: row.op, key: row.key, values: row.policy }, ctx, {
    variables: row.variables ?? true,
  });
}

const stringRows: Row[] = [
  {
    why: 'operators: StringEquals is an exact, case-sensitive match',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['abc'],
    expected: 'yes',
  },
  {
    why: 'operators: StringEquals is case-sensitive',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['ABC'],
    expected: 'no',
  },
  {
    why: 'aws-notes: StringEquals does not expand wildcards',
    op: 'StringEquals',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:role/*'],
    request: ['arn:aws:iam::111111111111:role/ci'],
    expected: 'no',
  },
  {
    why: 'StringEquals compares `*` as a literal character',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['a*'],
    request: ['a*'],
    expected: 'yes',
  },
  {
    why: 'multiple values: several values for one key are OR-ed',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['x', 'abc'],
    request: ['abc'],
    expected: 'yes',
  },
  {
    why: 'operators: a key absent from the request context makes a positive operator false',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'operators: StringNotEquals matches when the key is absent',
    op: 'StringNotEquals',
    key: 'aws:PrincipalOrgID',
    policy: ['o-abc'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: StringNotEquals is the negated match',
    op: 'StringNotEquals',
    key: 'aws:PrincipalOrgID',
    policy: ['o-abc'],
    request: ['o-abc'],
    expected: 'no',
  },
  {
    why: 'multiple values: negated operators with several values mean "none of" (logical AND)',
    op: 'StringNotEquals',
    key: 'aws:PrincipalOrgID',
    policy: ['o-x', 'o-y'],
    request: ['o-y'],
    expected: 'no',
  },
  {
    why: 'multiple values: negated operator true when the value is none of the listed',
    op: 'StringNotEquals',
    key: 'aws:PrincipalOrgID',
    policy: ['o-x', 'o-y'],
    request: ['o-z'],
    expected: 'yes',
  },
  {
    why: 'operators: StringEqualsIgnoreCase ignores case',
    op: 'StringEqualsIgnoreCase',
    key: 'aws:PrincipalTag/team',
    policy: ['Platform'],
    request: ['PLATFORM'],
    expected: 'yes',
  },
  {
    why: 'operators: StringEqualsIgnoreCase still needs equal text',
    op: 'StringEqualsIgnoreCase',
    key: 'aws:PrincipalTag/team',
    policy: ['Platform'],
    request: ['Platforms'],
    expected: 'no',
  },
  {
    why: 'operators: StringNotEqualsIgnoreCase is the negated case-insensitive match',
    op: 'StringNotEqualsIgnoreCase',
    key: 'aws:PrincipalTag/team',
    policy: ['Platform'],
    request: ['platform'],
    expected: 'no',
  },
  {
    why: 'operators: StringNotEqualsIgnoreCase matches when the key is absent',
    op: 'StringNotEqualsIgnoreCase',
    key: 'aws:PrincipalTag/team',
    policy: ['Platform'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: StringLike `*` matches any run of characters (GitHub sub pattern)',
    op: 'StringLike',
    key: 'token.actions.githubusercontent.com:sub',
    policy: ['repo:acme/app:*'],
    request: ['repo:acme/app:ref:refs/heads/main'],
    expected: 'yes',
  },
  {
    why: 'aws-notes: an environment job sub does not match a branch pattern',
    op: 'StringLike',
    key: 'token.actions.githubusercontent.com:sub',
    policy: ['repo:acme/app:ref:refs/heads/main'],
    request: ['repo:acme/app:environment:prod'],
    expected: 'no',
  },
  {
    why: 'operators: StringLike `?` matches exactly one character',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['ab?d'],
    request: ['abcd'],
    expected: 'yes',
  },
  {
    why: 'operators: StringLike `?` does not match zero characters',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['ab?d'],
    request: ['abd'],
    expected: 'no',
  },
  {
    why: 'operators: StringLike is case-sensitive',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['ABC*'],
    request: ['abcd'],
    expected: 'no',
  },
  {
    why: 'operators: StringLike `*` also spans line breaks and separators',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['a*b'],
    request: ['a\n:/b'],
    expected: 'yes',
  },
  {
    why: 'operators: StringLike on an absent key is false',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['*'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'operators: StringNotLike is true when the value matches no pattern',
    op: 'StringNotLike',
    key: 'sts:RoleSessionName',
    policy: ['dev-*'],
    request: ['prod-1'],
    expected: 'yes',
  },
  {
    why: 'operators: StringNotLike is false when the value matches a pattern',
    op: 'StringNotLike',
    key: 'sts:RoleSessionName',
    policy: ['dev-*'],
    request: ['dev-1'],
    expected: 'no',
  },
  {
    why: 'operators: StringNotLike is true when the key is absent',
    op: 'StringNotLike',
    key: 'sts:RoleSessionName',
    policy: ['dev-*'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: StringEqualsIfExists is true when the key is absent',
    op: 'StringEqualsIfExists',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: …IfExists checks the value when the key is present',
    op: 'StringEqualsIfExists',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['xyz'],
    expected: 'no',
  },
  {
    why: 'operators: …IfExists matches a present, equal value',
    op: 'StringEqualsIfExists',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['abc'],
    expected: 'yes',
  },
  {
    why: 'operators: StringLikeIfExists is true when the key is absent',
    op: 'StringLikeIfExists',
    key: 'sts:SourceIdentity',
    policy: ['admin-*'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: StringNotEqualsIfExists is true when the key is absent',
    op: 'StringNotEqualsIfExists',
    key: 'sts:SourceIdentity',
    policy: ['x'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'IAM UG, Condition element: condition key names are case-insensitive',
    op: 'StringEquals',
    key: 'STS:EXTERNALID',
    policy: ['abc'],
    request: ['abc'],
    expected: 'yes',
  },
];

const numericRows: Row[] = [
  {
    why: 'operators: NumericLessThan (MFA age under an hour)',
    op: 'NumericLessThan',
    key: 'aws:MultiFactorAuthAge',
    policy: ['3600'],
    request: ['100'],
    expected: 'yes',
  },
  {
    why: 'operators: NumericLessThan is strict',
    op: 'NumericLessThan',
    key: 'aws:MultiFactorAuthAge',
    policy: ['3600'],
    request: ['3600'],
    expected: 'no',
  },
  {
    why: 'operators: NumericLessThanEquals includes equality',
    op: 'NumericLessThanEquals',
    key: 'aws:MultiFactorAuthAge',
    policy: ['3600'],
    request: ['3600'],
    expected: 'yes',
  },
  {
    why: 'operators: NumericGreaterThan',
    op: 'NumericGreaterThan',
    key: 'sts:DurationSeconds',
    policy: ['10'],
    request: ['11'],
    expected: 'yes',
  },
  {
    why: 'operators: NumericGreaterThanEquals is false below the bound',
    op: 'NumericGreaterThanEquals',
    key: 'sts:DurationSeconds',
    policy: ['10'],
    request: ['9'],
    expected: 'no',
  },
  {
    why: 'operators: NumericEquals compares numbers, not text',
    op: 'NumericEquals',
    key: 'sts:DurationSeconds',
    policy: ['10'],
    request: ['10.0'],
    expected: 'yes',
  },
  {
    why: 'operators: NumericNotEquals is the negated match',
    op: 'NumericNotEquals',
    key: 'sts:DurationSeconds',
    policy: ['10'],
    request: ['11'],
    expected: 'yes',
  },
  {
    why: 'operators: NumericNotEquals matches when the key is absent',
    op: 'NumericNotEquals',
    key: 'sts:DurationSeconds',
    policy: ['10'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: NumericLessThan on an absent key is false (long-term keys have no MFA age)',
    op: 'NumericLessThan',
    key: 'aws:MultiFactorAuthAge',
    policy: ['3600'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'operators: NumericLessThanIfExists is true when the key is absent',
    op: 'NumericLessThanIfExists',
    key: 'aws:MultiFactorAuthAge',
    policy: ['3600'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: a value that is not a number never matches a numeric operator',
    op: 'NumericEquals',
    key: 'sts:DurationSeconds',
    policy: ['ten'],
    request: ['10'],
    expected: 'no',
  },
  {
    why: 'operators: numeric operators handle negative numbers',
    op: 'NumericLessThan',
    key: 'ec2:Count',
    policy: ['-5'],
    request: ['-10'],
    expected: 'yes',
  },
];

const dateRows: Row[] = [
  {
    why: 'operators: DateGreaterThan with ISO 8601 dates',
    op: 'DateGreaterThan',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T00:00:00Z'],
    request: ['2026-11-24T03:00:00Z'],
    expected: 'yes',
  },
  {
    why: 'operators: DateLessThan with ISO 8601 dates',
    op: 'DateLessThan',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T00:00:00Z'],
    request: ['2026-11-24T03:00:00Z'],
    expected: 'no',
  },
  {
    why: 'operators: date operators accept epoch (UNIX) seconds',
    op: 'DateLessThan',
    key: 'aws:CurrentTime',
    policy: ['1767225600'],
    request: ['2025-12-31T23:59:59Z'],
    expected: 'yes',
  },
  {
    why: 'operators: an epoch value and the same ISO instant are equal',
    op: 'DateEquals',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T00:00:00Z'],
    request: ['1767225600'],
    expected: 'yes',
  },
  {
    why: 'ISO 8601: offsets are honoured (01:00+01:00 is 00:00Z)',
    op: 'DateEquals',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T01:00:00+01:00'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'yes',
  },
  {
    why: 'ISO 8601: a date alone is midnight UTC',
    op: 'DateEquals',
    key: 'aws:TokenIssueTime',
    policy: ['2026-01-01'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'yes',
  },
  {
    why: 'ISO 8601 basic format is accepted',
    op: 'DateEquals',
    key: 'aws:TokenIssueTime',
    policy: ['20260101T000000Z'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'yes',
  },
  {
    why: 'operators: DateNotEquals matches when the key is absent',
    op: 'DateNotEquals',
    key: 'aws:TokenIssueTime',
    policy: ['2026-01-01'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: DateLessThanEquals includes equality',
    op: 'DateLessThanEquals',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T00:00:00Z'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'yes',
  },
  {
    why: 'operators: DateGreaterThanEquals includes equality',
    op: 'DateGreaterThanEquals',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T00:00:00Z'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'yes',
  },
  {
    why: 'operators: a value that is not a date never matches',
    op: 'DateGreaterThan',
    key: 'aws:CurrentTime',
    policy: ['tomorrow'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'no',
  },
  {
    why: 'operators: DateLessThanIfExists is true when the key is absent',
    op: 'DateLessThanIfExists',
    key: 'aws:TokenIssueTime',
    policy: ['2026-01-01'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: DateNotEquals is false for the same instant',
    op: 'DateNotEquals',
    key: 'aws:CurrentTime',
    policy: ['2026-01-01T00:00:00Z'],
    request: ['1767225600'],
    expected: 'no',
  },
];

const boolRows: Row[] = [
  {
    why: 'operators: Bool true',
    op: 'Bool',
    key: 'aws:MultiFactorAuthPresent',
    policy: ['true'],
    request: ['true'],
    expected: 'yes',
  },
  {
    why: 'operators: Bool compares true/false case-insensitively',
    op: 'Bool',
    key: 'aws:MultiFactorAuthPresent',
    policy: ['true'],
    request: ['True'],
    expected: 'yes',
  },
  {
    why: 'operators: Bool mismatch',
    op: 'Bool',
    key: 'aws:MultiFactorAuthPresent',
    policy: ['true'],
    request: ['false'],
    expected: 'no',
  },
  {
    why: 'aws-notes: long-term keys carry no MultiFactorAuthPresent, so Bool true is false',
    op: 'Bool',
    key: 'aws:MultiFactorAuthPresent',
    policy: ['true'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'operators: BoolIfExists true on an absent key is true (lets long-term keys through)',
    op: 'BoolIfExists',
    key: 'aws:MultiFactorAuthPresent',
    policy: ['true'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: Bool false',
    op: 'Bool',
    key: 'aws:SecureTransport',
    policy: ['false'],
    request: ['false'],
    expected: 'yes',
  },
  {
    why: 'operators: Bool only knows true and false',
    op: 'Bool',
    key: 'aws:SecureTransport',
    policy: ['yes'],
    request: ['true'],
    expected: 'no',
  },
];

const binaryRows: Row[] = [
  {
    why: 'operators: BinaryEquals compares base64-encoded values',
    op: 'BinaryEquals',
    key: 'key',
    policy: ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='],
    request: ['QmluYXJ5VmFsdWVJbkJhc2U2NA=='],
    expected: 'yes',
  },
  {
    why: 'operators: BinaryEquals different bytes',
    op: 'BinaryEquals',
    key: 'key',
    policy: ['QQ=='],
    request: ['Qg=='],
    expected: 'no',
  },
  {
    why: 'operators: BinaryEquals on an absent key is false',
    op: 'BinaryEquals',
    key: 'key',
    policy: ['QQ=='],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'operators: BinaryEqualsIfExists on an absent key is true',
    op: 'BinaryEqualsIfExists',
    key: 'key',
    policy: ['QQ=='],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: a value that is not base64 never matches',
    op: 'BinaryEquals',
    key: 'key',
    policy: ['***'],
    request: ['***'],
    expected: 'no',
  },
];

const ipRows: Row[] = [
  {
    why: 'operators: IpAddress with an IPv4 CIDR block',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['203.0.113.0/24'],
    request: ['203.0.113.7'],
    expected: 'yes',
  },
  {
    why: 'operators: IpAddress outside the block',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['203.0.113.0/24'],
    request: ['203.0.114.7'],
    expected: 'no',
  },
  {
    why: 'operators: a bare address is a single host',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['203.0.113.7'],
    request: ['203.0.113.7'],
    expected: 'yes',
  },
  {
    why: 'operators: a bare address does not match its neighbour',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['203.0.113.7'],
    request: ['203.0.113.8'],
    expected: 'no',
  },
  {
    why: 'operators: IpAddress with an IPv6 block',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['2001:db8::/32'],
    request: ['2001:db8:85a3::8a2e:370:7334'],
    expected: 'yes',
  },
  {
    why: 'operators: IPv6 address outside the block',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['2001:db8::/32'],
    request: ['2001:db9::1'],
    expected: 'no',
  },
  {
    why: 'operators: IPv4 and IPv6 blocks in one condition are OR-ed',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['203.0.113.0/24', '2001:db8::/32'],
    request: ['2001:db8::1'],
    expected: 'yes',
  },
  {
    why: 'operators: NotIpAddress outside the block is true',
    op: 'NotIpAddress',
    key: 'aws:SourceIp',
    policy: ['10.0.0.0/8'],
    request: ['203.0.113.7'],
    expected: 'yes',
  },
  {
    why: 'operators: NotIpAddress inside the block is false',
    op: 'NotIpAddress',
    key: 'aws:SourceIp',
    policy: ['10.0.0.0/8'],
    request: ['10.1.2.3'],
    expected: 'no',
  },
  {
    why: 'operators: NotIpAddress matches when the key is absent (e.g. calls made by a service)',
    op: 'NotIpAddress',
    key: 'aws:SourceIp',
    policy: ['10.0.0.0/8'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: IpAddress on an absent key is false',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['10.0.0.0/8'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'an IPv4 block never contains an IPv6 address',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['0.0.0.0/0'],
    request: ['2001:db8::1'],
    expected: 'no',
  },
  {
    why: 'operators: 0.0.0.0/0 covers every IPv4 address',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['0.0.0.0/0'],
    request: ['198.51.100.1'],
    expected: 'yes',
  },
  {
    why: 'operators: IpAddressIfExists on an absent key is true',
    op: 'IpAddressIfExists',
    key: 'aws:SourceIp',
    policy: ['10.0.0.0/8'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'multiple values: NotIpAddress with several blocks means "in none of them"',
    op: 'NotIpAddress',
    key: 'aws:SourceIp',
    policy: ['10.0.0.0/8', '192.168.0.0/16'],
    request: ['192.168.1.1'],
    expected: 'no',
  },
  {
    why: 'RFC 4632: host bits in a block are ignored',
    op: 'IpAddress',
    key: 'aws:SourceIp',
    policy: ['10.0.0.1/8'],
    request: ['10.200.0.1'],
    expected: 'yes',
  },
];

const arnRows: Row[] = [
  {
    why: 'operators: ArnLike with a wildcard in the resource part',
    op: 'ArnLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:role/ci-*'],
    request: ['arn:aws:iam::111111111111:role/ci-deployer'],
    expected: 'yes',
  },
  {
    why: 'operators: ArnEquals behaves like ArnLike (wildcards allowed)',
    op: 'ArnEquals',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:role/ci-*'],
    request: ['arn:aws:iam::111111111111:role/ci-deployer'],
    expected: 'yes',
  },
  {
    why: 'operators: each ARN part may hold a wildcard (any account)',
    op: 'ArnLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::*:role/ci'],
    request: ['arn:aws:iam::111111111111:role/ci'],
    expected: 'yes',
  },
  {
    why: 'operators: the resource part may contain `/` and is matched whole',
    op: 'ArnLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:*'],
    request: ['arn:aws:iam::111111111111:role/a/b'],
    expected: 'yes',
  },
  {
    why: 'operators: the six parts are checked separately; a wildcard never spans a colon',
    op: 'ArnLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:*:role/ci'],
    request: ['arn:aws:iam::111111111111:role/ci'],
    expected: 'no',
  },
  {
    why: 'operators: ARN matching is case-sensitive',
    op: 'ArnLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:role/CI-*'],
    request: ['arn:aws:iam::111111111111:role/ci-deployer'],
    expected: 'no',
  },
  {
    why: 'operators: ArnNotLike true when the ARN matches no pattern',
    op: 'ArnNotLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:role/admin-*'],
    request: ['arn:aws:iam::111111111111:role/ci'],
    expected: 'yes',
  },
  {
    why: 'operators: ArnNotLike matches when the key is absent',
    op: 'ArnNotLike',
    key: 'aws:SourceArn',
    policy: ['arn:aws:iam::111111111111:role/admin-*'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: ArnNotEquals is false for the same ARN',
    op: 'ArnNotEquals',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111111111111:role/ci'],
    request: ['arn:aws:iam::111111111111:role/ci'],
    expected: 'no',
  },
  {
    why: 'operators: a value that is not an ARN never matches ArnLike',
    op: 'ArnLike',
    key: 'aws:SourceArn',
    policy: ['*'],
    request: ['not-an-arn'],
    expected: 'no',
  },
  {
    why: 'operators: the resource part may itself contain colons',
    op: 'ArnLike',
    key: 'aws:SourceArn',
    policy: ['arn:aws:logs:us-east-1:111111111111:log-group:/aws/*'],
    request: ['arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/x:*'],
    expected: 'yes',
  },
  {
    why: 'operators: ArnLikeIfExists on an absent key is true',
    op: 'ArnLikeIfExists',
    key: 'aws:SourceArn',
    policy: ['arn:aws:s3:::bucket'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators: region and account parts are compared too',
    op: 'ArnEquals',
    key: 'aws:SourceArn',
    policy: ['arn:aws:sns:us-east-1:111111111111:topic'],
    request: ['arn:aws:sns:eu-west-1:111111111111:topic'],
    expected: 'no',
  },
];

const nullRows: Row[] = [
  {
    why: 'operators, Null: `true` is met when the key is absent',
    op: 'Null',
    key: 'aws:TokenIssueTime',
    policy: ['true'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'operators, Null: `true` fails when the key is present',
    op: 'Null',
    key: 'aws:TokenIssueTime',
    policy: ['true'],
    request: ['2026-01-01T00:00:00Z'],
    expected: 'no',
  },
  {
    why: 'operators, Null: `false` is met when the key is present',
    op: 'Null',
    key: 'sts:ExternalId',
    policy: ['false'],
    request: ['abc'],
    expected: 'yes',
  },
  {
    why: 'operators, Null: `false` fails when the key is absent',
    op: 'Null',
    key: 'sts:ExternalId',
    policy: ['false'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'presence of a key that was not logged cannot be known',
    op: 'Null',
    key: 'sts:ExternalId',
    policy: ['false'],
    request: ABSENT,
    unknownKeys: ['sts:externalid'],
    expected: 'unknown',
  },
  {
    why: 'operators, Null: values are true/false, compared case-insensitively',
    op: 'Null',
    key: 'sts:ExternalId',
    policy: ['FALSE'],
    request: ['abc'],
    expected: 'yes',
  },
];

const setRows: Row[] = [
  {
    why: 'multivalued: ForAnyValue is true when at least one request value matches',
    op: 'ForAnyValue:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a', 'b'],
    request: ['b', 'c'],
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAnyValue is false when no request value matches',
    op: 'ForAnyValue:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ['c', 'd'],
    expected: 'no',
  },
  {
    why: 'multivalued: ForAnyValue on an absent key is false',
    op: 'ForAnyValue:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'multivalued: ForAllValues is true when every request value matches some policy value',
    op: 'ForAllValues:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a', 'b'],
    request: ['a', 'b'],
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAllValues is false when one request value matches nothing',
    op: 'ForAllValues:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a', 'b'],
    request: ['a', 'c'],
    expected: 'no',
  },
  {
    why: 'multivalued: ForAllValues returns true when the key is not in the request',
    op: 'ForAllValues:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAllValues returns true for an empty set of values',
    op: 'ForAllValues:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: [],
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAnyValue:StringLike with a wildcard',
    op: 'ForAnyValue:StringLike',
    key: 'aws:TagKeys',
    policy: ['env-*'],
    request: ['x', 'env-prod'],
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAllValues with a negated operator: every value is none of the listed',
    op: 'ForAllValues:StringNotEquals',
    key: 'aws:TagKeys',
    policy: ['admin'],
    request: ['a', 'b'],
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAllValues:StringNotEquals fails when one value is listed',
    op: 'ForAllValues:StringNotEquals',
    key: 'aws:TagKeys',
    policy: ['admin'],
    request: ['a', 'admin'],
    expected: 'no',
  },
  {
    why: 'multivalued: ForAnyValue with a negated operator: some value is not listed',
    op: 'ForAnyValue:StringNotEquals',
    key: 'aws:TagKeys',
    policy: ['admin'],
    request: ['admin', 'b'],
    expected: 'yes',
  },
  {
    why: 'operators: IfExists wins over ForAnyValue when the key is absent',
    op: 'ForAnyValue:StringEqualsIfExists',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ABSENT,
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAnyValue:StringLike on aws:PrincipalOrgPaths',
    op: 'ForAnyValue:StringLike',
    key: 'aws:PrincipalOrgPaths',
    policy: ['o-a/r-b/ou-c/*'],
    request: ['o-a/r-b/ou-c/ou-d/'],
    expected: 'yes',
  },
  {
    why: 'multivalued: ForAllValues:StringLike fails when one path is outside the OU',
    op: 'ForAllValues:StringLike',
    key: 'aws:PrincipalOrgPaths',
    policy: ['o-a/r-b/ou-c/*'],
    request: ['o-a/r-b/ou-c/x/', 'o-a/r-b/ou-z/'],
    expected: 'no',
  },
  {
    why: 'multivalued (engine rule): without a set operator, a positive operator matches if any request value matches',
    op: 'StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ['b', 'a'],
    expected: 'yes',
  },
  {
    why: 'multivalued (engine rule): without a set operator, a negated operator needs every request value unlisted',
    op: 'StringNotEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ['b', 'a'],
    expected: 'no',
  },
];

const unknownRows: Row[] = [
  {
    why: 'aws-notes: a condition on a key that was not logged is unknown, not false',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ABSENT,
    unknownKeys: ['sts:externalid'],
    expected: 'unknown',
  },
  {
    why: 'aws-notes: negated operators on a key that was not logged are unknown too',
    op: 'StringNotEquals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ABSENT,
    unknownKeys: ['sts:externalid'],
    expected: 'unknown',
  },
  {
    why: 'IfExists depends on presence, which was not logged',
    op: 'StringEqualsIfExists',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ABSENT,
    unknownKeys: ['sts:externalid'],
    expected: 'unknown',
  },
  {
    why: 'RequestContext: an unknownKeys entry ending in `/` covers every key under it',
    op: 'StringEquals',
    key: 'aws:RequestTag/team',
    policy: ['x'],
    request: ABSENT,
    unknownKeys: ['aws:requesttag/'],
    expected: 'unknown',
  },
  {
    why: 'RequestContext: a prefix entry does not cover other keys',
    op: 'StringEquals',
    key: 'aws:PrincipalTag/team',
    policy: ['x'],
    request: ABSENT,
    unknownKeys: ['aws:requesttag/'],
    expected: 'no',
  },
  {
    why: 'RequestContext: a known value wins over an unknownKeys entry',
    op: 'StringEquals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['abc'],
    unknownKeys: ['sts:externalid'],
    expected: 'yes',
  },
  {
    why: 'ForAllValues on a key that was not logged is unknown',
    op: 'ForAllValues:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ABSENT,
    unknownKeys: ['aws:tagkeys'],
    expected: 'unknown',
  },
];

const variableRows: Row[] = [
  {
    why: 'IAM UG, Variables: ${aws:username} is replaced with the caller user name',
    op: 'StringEquals',
    key: 's3:prefix',
    policy: ['home/${aws:username}/'],
    request: ['home/alice/'],
    extra: { 'aws:username': ['alice'] },
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: a substituted value combines with wildcards in StringLike',
    op: 'StringLike',
    key: 's3:prefix',
    policy: ['home/${aws:username}/*'],
    request: ['home/alice/x/y'],
    extra: { 'aws:username': ['alice'] },
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: a substituted value is literal; a `*` in it is no wildcard',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['${aws:PrincipalTag/prefix}'],
    request: ['xyz'],
    extra: { 'aws:principaltag/prefix': ['x*'] },
    expected: 'no',
  },
  {
    why: 'IAM UG, Variables: a substituted `*` matches itself',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['${aws:PrincipalTag/prefix}'],
    request: ['x*'],
    extra: { 'aws:principaltag/prefix': ['x*'] },
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: ${*} is a literal `*`',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['a${*}b'],
    request: ['a*b'],
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: ${*} is not a wildcard',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['a${*}b'],
    request: ['axxb'],
    expected: 'no',
  },
  {
    why: 'IAM UG, Variables: ${?} is a literal `?`',
    op: 'StringLike',
    key: 'sts:RoleSessionName',
    policy: ['a${?}'],
    request: ['ab'],
    expected: 'no',
  },
  {
    why: 'IAM UG, Variables: ${$} is a literal `$`',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${$}{x}'],
    request: ['${x}'],
    expected: 'yes',
  },
  {
    why: "IAM UG, Variables, default values: ${key, 'default'} is used when the key has no value",
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ["${aws:PrincipalTag/team, 'none'}"],
    request: ['none'],
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables, default values: the default is not used when the key has a value',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ["${aws:PrincipalTag/team, 'none'}"],
    request: ['none'],
    extra: { 'aws:principaltag/team': ['blue'] },
    expected: 'no',
  },
  {
    why: 'IAM UG, Policy variables with no value: no default → the condition is false',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${aws:PrincipalTag/team}'],
    request: ['blue'],
    expected: 'no',
  },
  {
    why: 'IAM UG, Policy variables with no value: also for negated operators (brief: the clause does not match)',
    op: 'StringNotEquals',
    key: 'sts:RoleSessionName',
    policy: ['${aws:PrincipalTag/team}'],
    request: ['blue'],
    expected: 'no',
  },
  {
    why: 'a variable whose key was not logged leaves the condition unknown',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${aws:PrincipalTag/team}'],
    request: ['blue'],
    unknownKeys: ['aws:principaltag/team'],
    expected: 'unknown',
  },
  {
    why: 'multiple values: another value that matches decides despite an unknown variable',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${aws:PrincipalTag/team}', 'blue'],
    request: ['blue'],
    unknownKeys: ['aws:principaltag/team'],
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: variables need Version 2012-10-17; in 2008-10-17 `${…}` is literal',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${aws:username}'],
    request: ['${aws:username}'],
    extra: { 'aws:username': ['alice'] },
    variables: false,
    expected: 'yes',
  },
  {
    why: 'multivalued: a multivalued key cannot be a policy variable (no value)',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${aws:TagKeys}'],
    request: ['a'],
    extra: { 'aws:tagkeys': ['a', 'b'] },
    expected: 'no',
  },
  {
    why: 'IAM UG, Condition element: variable key names are case-insensitive',
    op: 'StringEquals',
    key: 'sts:RoleSessionName',
    policy: ['${AWS:UserName}'],
    request: ['alice'],
    extra: { 'aws:username': ['alice'] },
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: Bool supports policy variables',
    op: 'Bool',
    key: 'aws:SecureTransport',
    policy: ['${aws:PrincipalTag/secure}'],
    request: ['true'],
    extra: { 'aws:principaltag/secure': ['true'] },
    expected: 'yes',
  },
  {
    why: 'IAM UG, Variables: ARN operators support policy variables',
    op: 'ArnEquals',
    key: 'aws:SourceArn',
    policy: ['arn:aws:iam::${aws:PrincipalAccount}:role/x'],
    request: ['arn:aws:iam::111111111111:role/x'],
    extra: { 'aws:principalaccount': ['111111111111'] },
    expected: 'yes',
  },
  {
    why: 'operators: numeric operators take no policy variables; the text is not a number',
    op: 'NumericEquals',
    key: 'sts:DurationSeconds',
    policy: ['${aws:PrincipalTag/n}'],
    request: ['5'],
    extra: { 'aws:principaltag/n': ['5'] },
    expected: 'no',
  },
];

const invalidRows: Row[] = [
  {
    why: 'operators: an operator name IAM does not know never matches',
    op: 'StringEqualz',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['abc'],
    expected: 'no',
  },
  {
    why: 'operators: only ForAnyValue / ForAllValues are set qualifiers',
    op: 'ForSomeValues:StringEquals',
    key: 'aws:TagKeys',
    policy: ['a'],
    request: ['a'],
    expected: 'no',
  },
  {
    why: 'operators: Null has no IfExists variant',
    op: 'NullIfExists',
    key: 'sts:ExternalId',
    policy: ['true'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'IAM UG, Condition operators: Null takes no set qualifier (it checks presence, not values): ForAllValues:Null never matches, even for an absent key',
    op: 'ForAllValues:Null',
    key: 'aws:TagKeys',
    policy: ['true'],
    request: ABSENT,
    expected: 'no',
  },
  {
    why: 'IAM UG, Condition operators: Null takes no set qualifier: ForAnyValue:Null never matches, even for a present key',
    op: 'ForAnyValue:Null',
    key: 'aws:TagKeys',
    policy: ['false'],
    request: ['team'],
    expected: 'no',
  },
  {
    why: 'operators are spelled as AWS spells them',
    op: 'stringequals',
    key: 'sts:ExternalId',
    policy: ['abc'],
    request: ['abc'],
    expected: 'no',
  },
];

describe.each([
  ['string', stringRows],
  ['numeric', numericRows],
  ['date', dateRows],
  ['bool', boolRows],
  ['binary', binaryRows],
  ['ip address', ipRows],
  ['arn', arnRows],
  ['null', nullRows],
  ['set operators', setRows],
  ['unknown keys', unknownRows],
  ['policy variables', variableRows],
  ['invalid operators', invalidRows],
] as const)('condition operators: %s', (_family, rows) => {
  it.each(rows)('$op $policy vs $request → $expected ($why)', (row) => {
    expect(run(row).trace.result).toBe(row.expected);
  });
});

describe('condition traces', () => {
  it('records the operator and key as written, the substituted values and what the request carried', () => {
    const { trace } = run({
      why: 'trace',
      op: 'StringLike',
      key: 's3:Prefix',
      policy: ['home/${aws:username}/*'],
      request: ['home/alice/a'],
      extra: { 'aws:username': ['alice'] },
      expected: 'yes',
    });
    expect(trace).toEqual({
      operator: 'StringLike',
      key: 's3:Prefix',
      expected: ['home/alice/*'],
      actual: ['home/alice/a'],
      result: 'yes',
    });
  });

  it('says why a result is unknown and which key to blame (key not logged)', () => {
    const r = run({
      why: '',
      op: 'StringEquals',
      key: 'sts:ExternalId',
      policy: ['abc'],
      request: ABSENT,
      unknownKeys: ['sts:externalid'],
      expected: 'unknown',
    });
    expect(r.trace.unknownReason).toBe('key-not-logged');
    expect(r.trace.actual).toBeUndefined();
    expect(r.unknownKeys).toEqual(['sts:externalid']);
  });

  it('says why a result is unknown and which key to blame (variable not logged)', () => {
    const r = run({
      why: '',
      op: 'StringEquals',
      key: 'sts:RoleSessionName',
      policy: ['${aws:PrincipalTag/team}'],
      request: ['blue'],
      unknownKeys: ['aws:principaltag/team'],
      expected: 'unknown',
    });
    expect(r.trace.unknownReason).toBe('variable-not-logged');
    expect(r.trace.expected).toEqual(['${aws:PrincipalTag/team}']);
    expect(r.unknownKeys).toEqual(['aws:principaltag/team']);
  });

  it('flags an operator IAM does not know', () => {
    const r = run(invalidRows[0] as Row);
    expect(r.trace.invalidOperator).toBe(true);
    expect(r.unknownKeys).toEqual([]);
  });

  it('leaves unknownReason and unknownKeys empty when the result is known', () => {
    const r = run(stringRows[0] as Row);
    expect(r.trace.unknownReason).toBeUndefined();
    expect(r.unknownKeys).toEqual([]);
  });
});

describe('operator table', () => {
  it('holds every base operator of the IAM UG, each family with its negation where AWS has one', () => {
    expect(Object.keys(CONDITION_OPERATORS).sort()).toEqual(
      [
        'ArnEquals',
        'ArnLike',
        'ArnNotEquals',
        'ArnNotLike',
        'BinaryEquals',
        'Bool',
        'DateEquals',
        'DateGreaterThan',
        'DateGreaterThanEquals',
        'DateLessThan',
        'DateLessThanEquals',
        'DateNotEquals',
        'IpAddress',
        'NotIpAddress',
        'Null',
        'NumericEquals',
        'NumericGreaterThan',
        'NumericGreaterThanEquals',
        'NumericLessThan',
        'NumericLessThanEquals',
        'NumericNotEquals',
        'StringEquals',
        'StringEqualsIgnoreCase',
        'StringLike',
        'StringNotEquals',
        'StringNotEqualsIgnoreCase',
        'StringNotLike',
      ].sort(),
    );
    const negated = Object.entries(CONDITION_OPERATORS)
      .filter(([, spec]) => spec.negated)
      .map(([name]) => name)
      .sort();
    expect(negated).toEqual(
      [
        'ArnNotEquals',
        'ArnNotLike',
        'DateNotEquals',
        'NotIpAddress',
        'NumericNotEquals',
        'StringNotEquals',
        'StringNotEqualsIgnoreCase',
        'StringNotLike',
      ].sort(),
    );
  });

  it.each([
    ['ForAnyValue:StringLikeIfExists', { name: 'StringLike', ifExists: true, set: 'ForAnyValue' }],
    ['ForAllValues:ArnNotEquals', { name: 'ArnNotEquals', ifExists: false, set: 'ForAllValues' }],
    ['NumericLessThanIfExists', { name: 'NumericLessThan', ifExists: true, set: 'none' }],
    ['Null', { name: 'Null', ifExists: false, set: 'none' }],
  ])('parses %s', (written, want) => {
    expect(parseOperator(written)).toMatchObject(want);
  });

  it.each(['NullIfExists', 'ForAnyValue:Null', 'StringEqualsIfexists', 'IfExists', ''])(
    'rejects %j',
    (written) => {
      expect(parseOperator(written)).toBeUndefined();
    },
  );

  it.each([
    ['2026-02-30', undefined],
    ['2026-01-01T00:00:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00.500Z', Date.UTC(2026, 0, 1) + 500],
    ['2026-01-01T02:00:00+0200', Date.UTC(2026, 0, 1)],
    ['1767225600.5', Date.UTC(2026, 0, 1) + 500],
    ['next tuesday', undefined],
  ])('reads the date %j (date-times without an offset are UTC)', (text, ms) => {
    expect(parseDate(text)).toBe(ms);
  });

  it.each([
    ['10', 10],
    ['-1.5', -1.5],
    ['1e3', 1000],
    ['0x10', undefined],
    ['', undefined],
    ['12abc', undefined],
  ])('reads the number %j', (text, n) => {
    expect(parseNumber(text)).toBe(n);
  });
});
