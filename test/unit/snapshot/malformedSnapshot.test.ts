import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrorLine, SnapshotError } from '../../../lib/errors/TrustwatchError.js';
import { loadSnapshot, readSnapshotText } from '../../../lib/snapshot/loadSnapshot.js';

/**
 * `shared/spec/snapshot.md`: a missing required key or a malformed document is
 * a clear error naming the JSON path. One row per way a snapshot can be wrong,
 * each asserting the exact one-line message and path.
 */
// biome-ignore lint/suspicious/noExplicitAny: a JSON fixture edited in place
type Demo = Record<string, any>;
const DEMO: Demo = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../lib/snapshot/demo-snapshot.json'), 'utf8'),
);
const ROLE0 = 'accounts.111111111111.RoleDetailList[0]';
const role0 = (s: Demo) => s.accounts['111111111111'].RoleDetailList[0];
const trust = (statement: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', ...statement }],
});

function edited(patch: (s: Demo) => void): Demo {
  const s = structuredClone(DEMO);
  patch(s);
  return s;
}

function errorOf(fn: () => unknown): SnapshotError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SnapshotError);
    return err as SnapshotError;
  }
  throw new Error('expected a SnapshotError');
}

describe('loadSnapshot: malformed snapshots', () => {
  it.each([
    ['null', () => null, '$', 'a snapshot must be a JSON object, got null'],
    ['an array', () => [], '$', 'a snapshot must be a JSON object, got an array'],
    ['a string', () => 'x', '$', 'a snapshot must be a JSON object, got a string'],
    [
      'no snapshotVersion',
      () =>
        edited((s) => {
          delete s.snapshotVersion;
        }),
      'snapshotVersion',
      'missing required key',
    ],
    [
      'snapshotVersion 2',
      () =>
        edited((s) => {
          s.snapshotVersion = 2;
        }),
      'snapshotVersion',
      'unsupported snapshot version `2` (expected 1)',
    ],
    [
      'accounts as an array',
      () =>
        edited((s) => {
          s.accounts = [];
        }),
      'accounts',
      'expected an object, got an array',
    ],
    [
      'an account id of 5 digits',
      () =>
        edited((s) => {
          s.accounts['12345'] = s.accounts['555555555555'];
          delete s.accounts['555555555555'];
        }),
      'accounts.12345',
      'account id `12345` is not 12 digits',
    ],
    [
      'a role without Arn',
      () =>
        edited((s) => {
          delete role0(s).Arn;
        }),
      `${ROLE0}.Arn`,
      'missing required key',
    ],
    [
      'a trust policy with invalid URL encoding',
      () =>
        edited((s) => {
          role0(s).AssumeRolePolicyDocument = '%7B%22Version%22%3A%E0%A4%A';
        }),
      `${ROLE0}.AssumeRolePolicyDocument`,
      'not valid JSON (bad URL encoding)',
    ],
    [
      'Effect: "Alow"',
      () =>
        edited((s) => {
          role0(s).AssumeRolePolicyDocument = trust({ Effect: 'Alow' });
        }),
      `${ROLE0}.AssumeRolePolicyDocument.Statement[0].Effect`,
      '`Effect` must be `Allow` or `Deny`, got `Alow`',
    ],
    [
      'a statement without Action',
      () =>
        edited((s) => {
          role0(s).AssumeRolePolicyDocument = {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: '*' } }],
          };
        }),
      `${ROLE0}.AssumeRolePolicyDocument.Statement[0]`,
      'statement needs `Action` or `NotAction`',
    ],
    [
      'a condition value that is an object',
      () =>
        edited((s) => {
          role0(s).AssumeRolePolicyDocument = trust({
            Condition: { StringEquals: { 'sts:ExternalId': { a: 1 } } },
          });
        }),
      `${ROLE0}.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals["sts:ExternalId"]`,
      'condition value must be a string, number, boolean or an array of them, got an object',
    ],
    [
      'Principal: {"AWS": 123}',
      () =>
        edited((s) => {
          role0(s).AssumeRolePolicyDocument = trust({ Principal: { AWS: 123 } });
        }),
      `${ROLE0}.AssumeRolePolicyDocument.Statement[0].Principal.AWS`,
      '`Principal.AWS` must be a string or a non-empty array of strings, got `123`',
    ],
    [
      'an SCP content that is not JSON',
      () =>
        edited((s) => {
          s.organization.policies[0].content = '{not json';
        }),
      'organization.policies[0].content',
      'not valid JSON (line 1, column 2: unexpected `n`, expected a string)',
    ],
    [
      'an SCP target naming an unknown OU',
      () =>
        edited((s) => {
          s.organization.policies[1].targets = ['ou-zzzz-99999999'];
        }),
      'organization.policies[1].targets[0]',
      'unknown target `ou-zzzz-99999999` (not a root, organizational unit or account of the organization)',
    ],
    [
      'an OU that is its own parent',
      () =>
        edited((s) => {
          s.organization.organizationalUnits.push({ id: 'ou-self', parentId: 'ou-self' });
        }),
      'organization.organizationalUnits[3].parentId',
      'organizational unit `ou-self` is its own ancestor',
    ],
    [
      'an account whose parent does not exist',
      () =>
        edited((s) => {
          s.organization.accounts[2].parentId = 'ou-gone-1';
        }),
      'organization.accounts[2].parentId',
      'unknown parent `ou-gone-1`',
    ],
    [
      'capturedAt that is not a date',
      () =>
        edited((s) => {
          s.capturedAt = 'last tuesday';
        }),
      'capturedAt',
      '`last tuesday` is not a date and time (expected ISO 8601)',
    ],
    [
      'a role last used at a time that is not a date',
      () =>
        edited((s) => {
          role0(s).RoleLastUsed = { LastUsedDate: 'soon' };
        }),
      `${ROLE0}.RoleLastUsed.LastUsedDate`,
      '`soon` is not a date and time (expected ISO 8601)',
    ],
    [
      'a role created at a time that is not a date',
      () =>
        edited((s) => {
          role0(s).CreateDate = '2026-13-45';
        }),
      `${ROLE0}.CreateDate`,
      '`2026-13-45` is not a date and time (expected ISO 8601)',
    ],
    [
      'a management account id that is not 12 digits',
      () =>
        edited((s) => {
          s.organization.managementAccountId = '44444444444';
        }),
      'organization.managementAccountId',
      '`44444444444` is not a 12-digit account id',
    ],
    [
      'a RoleName that is not the name in its Arn',
      () =>
        edited((s) => {
          role0(s).RoleName = 'ci-deployer2';
        }),
      `${ROLE0}.Arn`,
      '`arn:aws:iam::111111111111:role/ci-deployer` names role `ci-deployer`, not `ci-deployer2`',
    ],
    [
      'a UserName that is not the name in its Arn',
      () =>
        edited((s) => {
          s.accounts['111111111111'].UserDetailList[0].UserName = 'alice';
        }),
      'accounts.111111111111.UserDetailList[0].Arn',
      '`arn:aws:iam::111111111111:user/bob` names user `bob`, not `alice`',
    ],
    [
      'an organization without a root',
      () =>
        edited((s) => {
          s.organization.roots = [];
        }),
      'organization.roots',
      'an organization has a root: `roots` is empty',
    ],
    [
      'the same role twice in an account',
      () =>
        edited((s) => {
          const roles = s.accounts['111111111111'].RoleDetailList;
          roles.push(structuredClone(roles[0]));
        }),
      'accounts.111111111111.RoleDetailList[9]',
      'role `arn:aws:iam::111111111111:role/ci-deployer` is listed twice (first at `accounts.111111111111.RoleDetailList[0]`)',
    ],
    [
      'the same managed policy twice in an account',
      () =>
        edited((s) => {
          const policies = s.accounts['111111111111'].Policies;
          policies.push(structuredClone(policies[0]));
        }),
      `accounts.111111111111.Policies[${DEMO.accounts['111111111111'].Policies.length}]`,
      `policy \`${DEMO.accounts['111111111111'].Policies[0].Arn}\` is listed twice (first at \`accounts.111111111111.Policies[0]\`)`,
    ],
    [
      'the same account twice in the organization',
      () =>
        edited((s) => {
          s.organization.accounts.push({ ...s.organization.accounts[0], parentId: 'r-ab12' });
        }),
      `organization.accounts[${DEMO.organization.accounts.length}].id`,
      `account \`${DEMO.organization.accounts[0].id}\` is listed twice (first at \`organization.accounts[0].id\`)`,
    ],
    [
      'the same organization policy twice',
      () =>
        edited((s) => {
          s.organization.policies.push(structuredClone(s.organization.policies[0]));
        }),
      `organization.policies[${DEMO.organization.policies.length}].id`,
      `policy \`${DEMO.organization.policies[0].id}\` is listed twice (first at \`organization.policies[0].id\`)`,
    ],
  ])('%s', (_name, json, path, message) => {
    const err = errorOf(() => loadSnapshot(json(), 'snap.json'));
    expect(err.message).toBe(message);
    expect(err.context).toEqual({ file: 'snap.json', path });
    expect(formatErrorLine(err)).toBe(`${message} (file \`snap.json\`, at \`${path}\`)`);
  });

  it.each([
    ['an empty file', '', 'snapshot is empty'],
    ['whitespace', ' \n ', 'snapshot is empty'],
    [
      'truncated JSON',
      '{"snapshotVersion": 1, "accounts": {',
      'snapshot is not valid JSON at line 1, column 37: unexpected end of input, expected a string',
    ],
    [
      'truncated JSON nested 200k deep',
      `{"a": ${'['.repeat(200_000)}`,
      'snapshot is not valid JSON at line 1, column 200007: unexpected end of input, expected a value',
    ],
  ])('%s', (_name, text, message) => {
    const err = errorOf(() => readSnapshotText(text, 'snap.json'));
    expect(err.message).toBe(message);
  });

  it.each([
    [
      'Statement: [] (allows nothing; not malformed)',
      (s: Demo) => {
        role0(s).AssumeRolePolicyDocument = { Version: '2012-10-17', Statement: [] };
      },
    ],
    [
      'an account without parentId (its SCPs are then unknown, see SnapshotStateSource)',
      (s: Demo) => {
        delete s.organization.accounts[1].parentId;
      },
    ],
  ])('loads %s', (_name, patch) => {
    expect(() => loadSnapshot(edited(patch), 'snap.json')).not.toThrow();
  });

  it('accepts a byte-order mark', () => {
    expect(readSnapshotText(`\uFEFF${JSON.stringify(DEMO)}`, 'snap.json').snapshotVersion).toBe(1);
  });
});
