import { describe, expect, it } from 'vitest';
import { formatErrorLine, SnapshotError } from '../../../lib/errors/TrustwatchError.js';
import { loadSnapshot, readSnapshotText } from '../../../lib/snapshot/loadSnapshot.js';
import {
  findPrincipalByArn,
  findPrincipalByUniqueId,
  findRoleIgnoringCase,
} from '../../../lib/snapshot/snapshotLookup.js';

type Json = Record<string, unknown>;

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'sts:AssumeRole',
    },
  ],
};
const urlEncoded = (doc: unknown): string => encodeURIComponent(JSON.stringify(doc));

function roleJson(name: string, overrides: Json = {}): Json {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().padEnd(16, 'X').slice(0, 16)}`,
    Arn: `arn:aws:iam::222222222222:role/${name}`,
    CreateDate: '2024-01-01T00:00:00Z',
    AssumeRolePolicyDocument: TRUST,
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    ...overrides,
  };
}

function snapshotJson(roles: Json[] = [roleJson('DeployRole')], extra: Json = {}): Json {
  return {
    snapshotVersion: 1,
    capturedAt: '2026-11-20T08:00:00Z',
    accounts: {
      '222222222222': {
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: roles,
        Policies: [],
      },
    },
    ...extra,
  };
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

describe('loadSnapshot: documents', () => {
  it.each([
    ['a JSON object', TRUST],
    ['a URL-encoded JSON string', urlEncoded(TRUST)],
    ['a plain JSON string', JSON.stringify(TRUST)],
  ])('accepts a trust policy given as %s', (_name, doc) => {
    const snap = loadSnapshot(
      snapshotJson([roleJson('DeployRole', { AssumeRolePolicyDocument: doc })]),
    );
    const role = snap.index.rolesByName.get('222222222222/DeployRole');
    expect(role?.trustPolicy.statements[0]?.principal).toEqual({
      kind: 'map',
      AWS: ['arn:aws:iam::111111111111:root'],
      Service: [],
      Federated: [],
      CanonicalUser: [],
    });
  });

  it('ignores unknown keys everywhere', () => {
    const snap = loadSnapshot({
      ...snapshotJson([
        roleJson('DeployRole', { InstanceProfileList: [{ x: 1 }], Whatever: true }),
      ]),
      generator: 'trustwatch 0.1.0',
    });
    expect(snap.accounts.get('222222222222')?.roles).toHaveLength(1);
  });

  it('defaults optional lists and keeps the file name', () => {
    const snap = loadSnapshot({ snapshotVersion: 1, accounts: { '111111111111': {} } }, 's.json');
    expect(snap.file).toBe('s.json');
    expect(snap.organization).toBeNull();
    expect(snap.accounts.get('111111111111')).toEqual({
      accountId: '111111111111',
      roles: [],
      users: [],
      groups: [],
      policies: [],
      oidcProviders: [],
      samlProviders: [],
    });
  });

  it('takes the path from the ARN when Path is absent', () => {
    const { Path: _p, ...noPath } = roleJson('x', {
      Arn: 'arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1',
      RoleName: 'AWSReservedSSO_Admin_1',
    });
    const snap = loadSnapshot(snapshotJson([noPath]));
    expect(snap.accounts.get('222222222222')?.roles[0]?.path).toBe(
      '/aws-reserved/sso.amazonaws.com/',
    );
  });
});

describe('loadSnapshot: errors name the JSON path', () => {
  const cases: readonly [string, () => unknown, string, RegExp][] = [
    [
      'a trust policy that is not valid JSON',
      () =>
        loadSnapshot(
          snapshotJson([
            roleJson('A'),
            roleJson('B'),
            roleJson('C'),
            roleJson('D', { AssumeRolePolicyDocument: '%7B%22Version%22%3A' }),
          ]),
          'snap.json',
        ),
      'accounts.222222222222.RoleDetailList[3].AssumeRolePolicyDocument',
      /not valid JSON/,
    ],
    [
      'a statement with a bad Effect, deep inside',
      () =>
        loadSnapshot(
          snapshotJson([
            roleJson('A', {
              AssumeRolePolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Permit', Action: '*' }],
              },
            }),
          ]),
          'snap.json',
        ),
      'accounts.222222222222.RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Effect',
      /./,
    ],
    [
      'a missing RoleName',
      () => {
        const { RoleName: _n, ...rest } = roleJson('A');
        return loadSnapshot(snapshotJson([rest]), 'snap.json');
      },
      'accounts.222222222222.RoleDetailList[0].RoleName',
      /^missing required key$/,
    ],
    [
      'a missing AssumeRolePolicyDocument',
      () => {
        const { AssumeRolePolicyDocument: _d, ...rest } = roleJson('A');
        return loadSnapshot(snapshotJson([rest]), 'snap.json');
      },
      'accounts.222222222222.RoleDetailList[0].AssumeRolePolicyDocument',
      /^missing required key$/,
    ],
    [
      'a RoleId of the wrong type',
      () => loadSnapshot(snapshotJson([roleJson('A', { RoleId: 42 })]), 'snap.json'),
      'accounts.222222222222.RoleDetailList[0].RoleId',
      /^expected a string, got a number$/,
    ],
    [
      'RoleDetailList not an array',
      () =>
        loadSnapshot(
          { snapshotVersion: 1, accounts: { '222222222222': { RoleDetailList: {} } } },
          'snap.json',
        ),
      'accounts.222222222222.RoleDetailList',
      /^expected an array, got an object$/,
    ],
    [
      'a missing snapshotVersion',
      () => loadSnapshot({ accounts: {} }, 'snap.json'),
      'snapshotVersion',
      /^missing required key$/,
    ],
    [
      'an unsupported snapshotVersion',
      () => loadSnapshot({ snapshotVersion: 2, accounts: {} }, 'snap.json'),
      'snapshotVersion',
      /^unsupported snapshot version `2` \(expected 1\)$/,
    ],
    [
      'a missing accounts',
      () => loadSnapshot({ snapshotVersion: 1 }, 'snap.json'),
      'accounts',
      /^missing required key$/,
    ],
    [
      'an account id that is not 12 digits',
      () => loadSnapshot({ snapshotVersion: 1, accounts: { prod: {} } }, 'snap.json'),
      'accounts.prod',
      /^account id `prod` is not 12 digits$/,
    ],
    [
      'a role ARN of another account',
      () =>
        loadSnapshot(
          snapshotJson([roleJson('A', { Arn: 'arn:aws:iam::111111111111:role/A' })]),
          'snap.json',
        ),
      'accounts.222222222222.RoleDetailList[0].Arn',
      /belongs to account `111111111111`, not `222222222222`/,
    ],
    [
      'an inline policy document that is not JSON',
      () =>
        loadSnapshot(
          snapshotJson([
            roleJson('A', { RolePolicyList: [{ PolicyName: 'p', PolicyDocument: '{"Version":' }] }),
          ]),
          'snap.json',
        ),
      'accounts.222222222222.RoleDetailList[0].RolePolicyList[0].PolicyDocument',
      /not valid JSON/,
    ],
    [
      'a managed policy version document that is not JSON',
      () =>
        loadSnapshot(
          {
            snapshotVersion: 1,
            accounts: {
              '222222222222': {
                Policies: [
                  {
                    PolicyName: 'P',
                    Arn: 'arn:aws:iam::222222222222:policy/P',
                    DefaultVersionId: 'v1',
                    PolicyVersionList: [
                      { VersionId: 'v1', IsDefaultVersion: true, Document: 'nope%7B' },
                    ],
                  },
                ],
              },
            },
          },
          'snap.json',
        ),
      'accounts.222222222222.Policies[0].PolicyVersionList[0].Document',
      /not valid JSON/,
    ],
    [
      'an SCP whose content is not JSON',
      () =>
        loadSnapshot(
          snapshotJson([], {
            organization: {
              id: 'o-x',
              managementAccountId: '444444444444',
              roots: [{ id: 'r-1' }],
              accounts: [],
              policies: [
                {
                  id: 'p-1',
                  type: 'SERVICE_CONTROL_POLICY',
                  name: 'x',
                  content: '{',
                  targets: ['r-1'],
                },
              ],
            },
          }),
          'snap.json',
        ),
      'organization.policies[0].content',
      /not valid JSON/,
    ],
    [
      'an org policy of an unknown type',
      () =>
        loadSnapshot(
          snapshotJson([], {
            organization: {
              id: 'o-x',
              managementAccountId: '444444444444',
              roots: [{ id: 'r-1' }],
              accounts: [],
              policies: [{ id: 'p-1', type: 'TAG_POLICY', name: 'x', content: {}, targets: [] }],
            },
          }),
          'snap.json',
        ),
      'organization.policies[0].type',
      /^expected `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`, got `TAG_POLICY`$/,
    ],
    [
      'an org policy attached to an unknown target',
      () =>
        loadSnapshot(
          snapshotJson([], {
            organization: {
              id: 'o-x',
              managementAccountId: '444444444444',
              roots: [{ id: 'r-1' }],
              accounts: [],
              policies: [
                {
                  id: 'p-1',
                  type: 'SERVICE_CONTROL_POLICY',
                  name: 'x',
                  content: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
                  },
                  targets: ['r-1', 'ou-nope'],
                },
              ],
            },
          }),
          'snap.json',
        ),
      'organization.policies[0].targets[1]',
      /^unknown target `ou-nope`/,
    ],
    [
      'an OU whose parent does not exist',
      () =>
        loadSnapshot(
          snapshotJson([], {
            organization: {
              id: 'o-x',
              managementAccountId: '444444444444',
              roots: [{ id: 'r-1' }],
              organizationalUnits: [{ id: 'ou-1', parentId: 'ou-0' }],
              accounts: [],
            },
          }),
          'snap.json',
        ),
      'organization.organizationalUnits[0].parentId',
      /^unknown parent `ou-0`$/,
    ],
    [
      "OUs that are each other's parent",
      () =>
        loadSnapshot(
          snapshotJson([], {
            organization: {
              id: 'o-x',
              managementAccountId: '444444444444',
              roots: [{ id: 'r-1' }],
              organizationalUnits: [
                { id: 'ou-1', parentId: 'ou-2' },
                { id: 'ou-2', parentId: 'ou-1' },
              ],
              accounts: [],
            },
          }),
          'snap.json',
        ),
      'organization.organizationalUnits[0].parentId',
      /is its own ancestor/,
    ],
    [
      'an org account id that is not 12 digits',
      () =>
        loadSnapshot(
          snapshotJson([], {
            organization: {
              id: 'o-x',
              managementAccountId: '444444444444',
              roots: [{ id: 'r-1' }],
              accounts: [{ id: '12' }],
            },
          }),
          'snap.json',
        ),
      'organization.accounts[0].id',
      /^`12` is not a 12-digit account id$/,
    ],
    [
      'a document that is not an object',
      () => loadSnapshot([], 'snap.json'),
      '$',
      /^a snapshot must be a JSON object, got an array$/,
    ],
  ];

  it.each(cases)('%s', (_name, fn, path, message) => {
    const err = errorOf(fn);
    expect(err.context.path).toBe(path);
    expect(err.context.file).toBe('snap.json');
    expect(err.message).toMatch(message);
    const line = formatErrorLine(err);
    expect(line).not.toContain('\n');
    expect(line).toContain('file `snap.json`');
    if (path !== '') expect(line).toContain(`at \`${path}\``);
  });
});

describe('readSnapshotText', () => {
  it('loads JSON text', () => {
    expect(readSnapshotText(JSON.stringify(snapshotJson()), 's.json').accounts.size).toBe(1);
  });

  it('names file, line and column of invalid JSON', () => {
    const err = errorOf(() =>
      readSnapshotText('{\n  "snapshotVersion": 1,\n  "accounts": {,}\n}', 'broken.json'),
    );
    expect(err.message).toBe(
      'snapshot is not valid JSON at line 3, column 16: unexpected `,`, expected a string',
    );
    expect(err.context).toMatchObject({ file: 'broken.json', line: 3, column: 16 });
    expect(formatErrorLine(err)).toContain('file `broken.json`');
  });
});

describe('loadSnapshot: index', () => {
  const snap = loadSnapshot(
    snapshotJson([roleJson('DeployRole', { RoleId: 'AROAEXAMPLEDEPLOYRL1' })], {
      accounts: {
        '222222222222': {
          RoleDetailList: [roleJson('DeployRole', { RoleId: 'AROAEXAMPLEDEPLOYRL1' })],
          UserDetailList: [
            {
              UserName: 'bob',
              UserId: 'AIDAEXAMPLEBOBUSER01',
              Arn: 'arn:aws:iam::222222222222:user/bob',
            },
          ],
        },
      },
    }),
  );

  it('finds principals by ARN and by unique id', () => {
    expect(findPrincipalByArn(snap, 'arn:aws:iam::222222222222:role/DeployRole')?.name).toBe(
      'DeployRole',
    );
    expect(findPrincipalByUniqueId(snap, 'AROAEXAMPLEDEPLOYRL1')?.arn).toBe(
      'arn:aws:iam::222222222222:role/DeployRole',
    );
    expect(findPrincipalByUniqueId(snap, 'AIDAEXAMPLEBOBUSER01')?.kind).toBe('user');
    expect(findPrincipalByUniqueId(snap, 'AROAEXAMPLEOLDRELBOT')).toBeUndefined();
  });

  it('finds roles regardless of case, for suggestions', () => {
    expect(findRoleIgnoringCase(snap, '222222222222', 'deployrole')?.name).toBe('DeployRole');
    expect(findRoleIgnoringCase(snap, '222222222222', 'DeplyRole')).toBeUndefined();
    expect(snap.index.rolesByName.get('222222222222/deployrole')).toBeUndefined();
  });
});

describe('loadSnapshot: organization policy ARNs', () => {
  const allow = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  };
  const snap = loadSnapshot({
    snapshotVersion: 1,
    accounts: {},
    organization: {
      id: 'o-abc',
      managementAccountId: '444444444444',
      roots: [{ id: 'r-1' }],
      accounts: [],
      policies: [
        {
          id: 'p-FullAWSAccess',
          type: 'SERVICE_CONTROL_POLICY',
          name: 'FullAWSAccess',
          content: JSON.stringify(allow),
          targets: ['r-1'],
        },
        {
          id: 'p-custom1',
          type: 'RESOURCE_CONTROL_POLICY',
          name: 'Mine',
          content: allow,
          targets: [],
        },
        {
          id: 'p-awsother',
          type: 'SERVICE_CONTROL_POLICY',
          name: 'AwsOther',
          awsManaged: true,
          content: allow,
          targets: [],
        },
        {
          id: 'p-given',
          arn: 'arn:aws:organizations::444444444444:policy/o-abc/service_control_policy/p-given',
          type: 'SERVICE_CONTROL_POLICY',
          name: 'Given',
          content: allow,
          targets: [],
        },
      ],
    },
  });

  it.each([
    [
      'p-FullAWSAccess',
      'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
      true,
    ],
    [
      'p-custom1',
      'arn:aws:organizations::444444444444:policy/o-abc/resource_control_policy/p-custom1',
      false,
    ],
    ['p-awsother', 'arn:aws:organizations::aws:policy/service_control_policy/p-awsother', true],
    [
      'p-given',
      'arn:aws:organizations::444444444444:policy/o-abc/service_control_policy/p-given',
      false,
    ],
  ])('%s → %s', (id, arn, awsManaged) => {
    const p = snap.organization?.policies.find((x) => x.id === id);
    expect(p?.arn).toBe(arn);
    expect(p?.awsManaged).toBe(awsManaged);
  });

  it('takes the partition of the snapshot IAM ARNs (GovCloud, China)', () => {
    const gov = loadSnapshot({
      snapshotVersion: 1,
      accounts: {
        '444444444444': {
          RoleDetailList: [
            {
              RoleName: 'r',
              RoleId: 'AROAEXAMPLEGOVROLE01',
              Arn: 'arn:aws-us-gov:iam::444444444444:role/r',
              Path: '/',
              AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
            },
          ],
        },
      },
      organization: {
        id: 'o-abc',
        managementAccountId: '444444444444',
        roots: [{ id: 'r-1' }],
        accounts: [],
        policies: [
          {
            id: 'p-mine1',
            type: 'SERVICE_CONTROL_POLICY',
            name: 'Mine',
            content: allow,
            targets: [],
          },
        ],
      },
    });
    expect(gov.organization?.policies[0]?.arn).toBe(
      'arn:aws-us-gov:organizations::444444444444:policy/o-abc/service_control_policy/p-mine1',
    );
  });
});
