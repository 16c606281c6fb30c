import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  AWSOrganizationsNotInUseException,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLiveStateSource,
  type LiveSourceOptions,
} from '../../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const org = mockClient(OrganizationsClient);

const CALLER = '111111111111';
const TARGET = '222222222222';
const MGMT = '999999999999';
const READER = (a: string) => `arn:aws:iam::${a}:role/trustwatch/trustwatch-reader`;

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${CALLER}:role/ci-deployer` },
      Action: 'sts:AssumeRole',
    },
  ],
};
const ALLOW_ASSUME = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

function credentials(n = 1) {
  return {
    Credentials: {
      AccessKeyId: `ASIA${n}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  };
}

function awsError<T extends Error>(Cls: new (o: never) => T, name: string, message: string): T {
  return new Cls({ name, message, $fault: 'client', $metadata: { httpStatusCode: 403 } } as never);
}

let clock = 1_000_000;
let cache: ReadCache;

async function source(extra: Partial<LiveSourceOptions> = {}) {
  return createLiveStateSource({
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' },
    region: 'eu-west-1',
    cache,
    ...extra,
  });
}

function role(name: string, account: string, extra: Record<string, unknown> = {}) {
  return {
    Role: {
      RoleName: name,
      RoleId: `AROA${name.toUpperCase()}`,
      Arn: `arn:aws:iam::${account}:role/${name}`,
      Path: '/',
      CreateDate: new Date('2026-01-02T03:04:05Z'),
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(TRUST)),
      ...extra,
    },
  };
}

beforeEach(() => {
  sts.reset();
  iam.reset();
  org.reset();
  clock = 1_000_000;
  cache = new ReadCache({ now: () => clock });
  sts.on(AssumeRoleCommand).resolves(credentials());
});

afterEach(() => {
  cache.clear();
});

describe('role()', () => {
  it('assumes the reader role once and parses a URL-encoded trust policy with tags, boundary and last use', async () => {
    iam.on(GetRoleCommand).resolves(
      role('DeployRole', TARGET, {
        Tags: [{ Key: 'team', Value: 'platform' }],
        PermissionsBoundary: {
          PermissionsBoundaryType: 'Policy',
          PermissionsBoundaryArn: `arn:aws:iam::${TARGET}:policy/b`,
        },
        RoleLastUsed: { LastUsedDate: new Date('2026-02-01T00:00:00Z'), Region: 'eu-west-1' },
        MaxSessionDuration: 7200,
      }),
    );
    const src = await source({ readerExternalId: 'ext-1' });
    const r = await src.role(TARGET, 'DeployRole');
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        arn: `arn:aws:iam::${TARGET}:role/DeployRole`,
        accountId: TARGET,
        tags: [{ key: 'team', value: 'platform' }],
        boundaryArn: `arn:aws:iam::${TARGET}:policy/b`,
        isServiceLinked: false,
        lastUsedDate: '2026-02-01T00:00:00.000Z',
        lastUsedRegion: 'eu-west-1',
        maxSessionDuration: 7200,
      }),
    });
    if (!r.ok || r.value === null) throw new Error('unreachable');
    expect(r.value.trustPolicy.statements[0]?.principal).toMatchObject({
      AWS: [`arn:aws:iam::${CALLER}:role/ci-deployer`],
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: READER(TARGET),
      RoleSessionName: 'trustwatch-explain',
      ExternalId: 'ext-1',
    });
  });

  it('accepts a plain JSON trust policy too', async () => {
    iam
      .on(GetRoleCommand)
      .resolves(role('DeployRole', TARGET, { AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    const r = await (await source()).role(TARGET, 'DeployRole');
    expect(r.ok && r.value?.trustPolicy.statements).toHaveLength(1);
  });

  it('reads a missing role as null and caches that for the negative TTL only', async () => {
    iam
      .on(GetRoleCommand)
      .rejects(
        awsError(
          NoSuchEntityException,
          'NoSuchEntity',
          'The role with name DeplyRole cannot be found.',
        ),
      );
    const src = await source({ negativeCacheTtlSeconds: 30, cacheTtlSeconds: 600 });
    expect(await src.role(TARGET, 'DeplyRole')).toEqual({ ok: true, value: null });
    expect(await src.role(TARGET, 'DeplyRole')).toEqual({ ok: true, value: null });
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 1);
    clock += 31_000;
    await src.role(TARGET, 'DeplyRole');
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 2);
  });

  it('treats a role found under another letter case as absent (names are matched exactly, as the snapshot does)', async () => {
    iam.on(GetRoleCommand).resolves(role('DeployRole', TARGET));
    expect(await (await source()).role(TARGET, 'deployrole')).toEqual({ ok: true, value: null });
  });

  it('turns a denied reader role into ok:false naming the role and account, never an exception', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        awsError(
          STSServiceException,
          'AccessDenied',
          `User: arn:aws:iam::${MGMT}:user/tw is not authorized to perform: sts:AssumeRole`,
        ),
      );
    const src = await source({ accounts: [CALLER, TARGET] });
    const r = await src.role(TARGET, 'DeployRole');
    expect(r).toEqual({
      ok: false,
      accountId: TARGET,
      reason: `cannot assume reader role \`${READER(TARGET)}\` in account \`${TARGET}\`: AccessDenied: User: arn:aws:iam::${MGMT}:user/tw is not authorized to perform: sts:AssumeRole`,
    });
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 0);
    // Every read of that account fails the same way, from the cache.
    expect((await src.roles(TARGET)).ok).toBe(false);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    // And the account is no longer offered as readable.
    sts.on(AssumeRoleCommand).resolves(credentials());
    expect(await src.readableAccounts()).toEqual([CALLER]);
  });

  it('names the denied IAM call when the reader role lacks a permission', async () => {
    iam
      .on(GetRoleCommand)
      .rejects(
        awsError(IAMServiceException, 'AccessDenied', 'not authorized to perform: iam:GetRole'),
      );
    const r = await (await source()).role(TARGET, 'DeployRole');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe(
      `\`iam:GetRole\` was denied for reader role \`${READER(TARGET)}\` in account \`${TARGET}\`: AccessDenied: not authorized to perform: iam:GetRole`,
    );
  });

  it('does not cache a throttling failure the SDK gave up on', async () => {
    const throttled = new IAMServiceException({
      name: 'Throttling',
      message: 'Rate exceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    iam.on(GetRoleCommand).rejectsOnce(throttled).resolves(role('DeployRole', TARGET));
    const src = await source();
    const first = await src.role(TARGET, 'DeployRole');
    expect(!first.ok && first.reason).toMatch(
      /^`iam:GetRole` failed .*: Throttling: Rate exceeded$/,
    );
    expect((await src.role(TARGET, 'DeployRole')).ok).toBe(true);
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 2);
  });

  it('reports a trust policy it cannot parse as unreadable, with where it is wrong', async () => {
    iam
      .on(GetRoleCommand)
      .resolves(
        role('DeployRole', TARGET, { AssumeRolePolicyDocument: '%7B%22Statement%22%3A42%7D' }),
      );
    const r = await (await source()).role(TARGET, 'DeployRole');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(
      /^trust policy of `arn:aws:iam::222222222222:role\/DeployRole` is not a policy trustwatch can read: .*Statement/,
    );
  });

  it('coalesces 50 concurrent reads of one role into one AssumeRole and one GetRole', async () => {
    iam.on(GetRoleCommand).resolves(role('DeployRole', TARGET));
    const src = await source();
    const all = await Promise.all(Array.from({ length: 50 }, () => src.role(TARGET, 'DeployRole')));
    expect(all.every((r) => r.ok && r.value?.name === 'DeployRole')).toBe(true);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 1);
  });

  it('shares the cache between sources (a warm Lambda) and re-reads after the TTL', async () => {
    iam.on(GetRoleCommand).resolves(role('DeployRole', TARGET));
    await (await source({ cacheTtlSeconds: 60 })).role(TARGET, 'DeployRole');
    await (await source({ cacheTtlSeconds: 60 })).role(TARGET, 'DeployRole');
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 1);
    clock += 61_000;
    await (await source({ cacheTtlSeconds: 60 })).role(TARGET, 'DeployRole');
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 2);
    // Credentials outlive the read TTL: still one AssumeRole.
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('keeps differently configured sources apart in a shared cache', async () => {
    iam.on(GetRoleCommand).resolves(role('DeployRole', TARGET));
    await (await source()).role(TARGET, 'DeployRole');
    await (await source({ readerRoleName: 'other-reader' })).role(TARGET, 'DeployRole');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${TARGET}:role/trustwatch/other-reader`,
    });
    expect(iam).toHaveReceivedCommandTimes(GetRoleCommand, 2);
  });
});

describe('accounts trustwatch does not try', () => {
  it('never assumes a role in an account outside the organization', async () => {
    org
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: 'o-abc', MasterAccountId: MGMT } });
    org.on(ListAccountsCommand).resolves({ Accounts: [{ Id: MGMT }, { Id: CALLER }] });
    org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-1' }] });
    const r = await (await source()).role('333333333333', 'DeployRole');
    expect(r).toEqual({
      ok: false,
      accountId: '333333333333',
      reason:
        'account `333333333333` is outside the organization `o-abc`; trustwatch reads only its accounts',
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });

  it('never assumes a role in an account it is not configured to read', async () => {
    const r = await (await source({ accounts: [CALLER] })).role(TARGET, 'DeployRole');
    expect(!r.ok && r.reason).toBe(
      `account \`${TARGET}\` is not among the accounts trustwatch is configured to read`,
    );
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    expect(org.calls()).toHaveLength(0);
  });

  it('still tries an account when the organization cannot be read', async () => {
    org
      .on(DescribeOrganizationCommand)
      .rejects(awsError(STSServiceException, 'AccessDeniedException', 'no'));
    iam.on(GetRoleCommand).resolves(role('DeployRole', TARGET));
    expect((await (await source()).role(TARGET, 'DeployRole')).ok).toBe(true);
  });
});

describe('principalPolicies()', () => {
  function callerRole(withBoundary = true) {
    iam.on(GetRoleCommand, { RoleName: 'ci-deployer' }).resolves(
      role(
        'ci-deployer',
        CALLER,
        withBoundary
          ? {
              PermissionsBoundary: {
                PermissionsBoundaryType: 'Policy',
                PermissionsBoundaryArn: `arn:aws:iam::${CALLER}:policy/Boundary`,
              },
            }
          : {},
      ),
    );
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['assume'] });
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'ci-deployer',
      PolicyName: 'assume',
      PolicyDocument: encodeURIComponent(JSON.stringify(ALLOW_ASSUME)),
    });
    iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [
        { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      ],
    });
    iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v3' } });
    iam
      .on(GetPolicyVersionCommand)
      .resolves({ PolicyVersion: { Document: JSON.stringify(FULL_ACCESS), VersionId: 'v3' } });
  }

  it('resolves inline, attached managed (default version) and boundary policies with snapshot-style labels', async () => {
    callerRole();
    const src = await source();
    const r = await src.principalPolicies(
      `arn:aws:sts::${CALLER}:assumed-role/ci-deployer/session-1`,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.identity.map((p) => p.label)).toEqual([
      'inline policy `assume` of role `ci-deployer`',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
    expect(r.value.boundary?.label).toBe(`arn:aws:iam::${CALLER}:policy/Boundary`);
    expect(iam).toHaveReceivedCommandWith(GetPolicyVersionCommand, {
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      VersionId: 'v3',
    });
  });

  it('costs at most 10 calls cold for a cross-account pair (one inline, one managed policy), and none warm', async () => {
    callerRole(false);
    iam.on(GetRoleCommand, { RoleName: 'DeployRole' }).resolves(role('DeployRole', TARGET));
    const src = await source();
    // Organization reads are counted apart: they are shared by every diagnosis for the TTL.
    const total = () => sts.calls().length + iam.calls().length;
    const diagnosisReads = () =>
      Promise.all([
        src.role(TARGET, 'DeployRole'),
        src.role(CALLER, 'ci-deployer'),
        src.principalPolicies(`arn:aws:iam::${CALLER}:role/ci-deployer`),
      ]);
    await diagnosisReads();
    // 2 AssumeRole + 2 GetRole (role() and principalPolicies() share one) + ListRolePolicies
    // + GetRolePolicy + ListAttachedRolePolicies + GetPolicy + GetPolicyVersion.
    expect(total()).toBe(9);
    const cold = total();
    await diagnosisReads();
    expect(total()).toBe(cold);
  });

  it('adds group policies for users, each managed policy once, with "via group" labels', async () => {
    iam.on(GetUserCommand).resolves({
      User: {
        UserName: 'alice',
        UserId: 'AIDAALICE',
        Arn: `arn:aws:iam::${CALLER}:user/alice`,
        Path: '/',
        CreateDate: new Date(),
      },
    });
    iam.on(ListGroupsForUserCommand).resolves({
      Groups: [{ GroupName: 'devs', GroupId: 'g1', Arn: 'a', Path: '/', CreateDate: new Date() }],
    });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    iam
      .on(ListAttachedUserPoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyArn: `arn:aws:iam::${CALLER}:policy/Shared` }] });
    iam.on(ListGroupPoliciesCommand).resolves({ PolicyNames: ['g-inline'] });
    iam.on(GetGroupPolicyCommand).resolves({
      GroupName: 'devs',
      PolicyName: 'g-inline',
      PolicyDocument: JSON.stringify(ALLOW_ASSUME),
    });
    iam.on(ListAttachedGroupPoliciesCommand).resolves({
      AttachedPolicies: [
        { PolicyArn: `arn:aws:iam::${CALLER}:policy/Shared` },
        { PolicyArn: `arn:aws:iam::${CALLER}:policy/GroupOnly` },
      ],
    });
    iam.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v1' } });
    iam
      .on(GetPolicyVersionCommand)
      .resolves({ PolicyVersion: { Document: JSON.stringify(FULL_ACCESS) } });
    const r = await (await source()).principalPolicies(`arn:aws:iam::${CALLER}:user/alice`);
    expect(r.ok && r.value.identity.map((p) => p.label)).toEqual([
      `arn:aws:iam::${CALLER}:policy/Shared`,
      'inline policy `g-inline` of group `devs`',
      `arn:aws:iam::${CALLER}:policy/GroupOnly (via group \`devs\`)`,
    ]);
    expect(iam).toHaveReceivedCommandTimes(GetPolicyCommand, 2);
  });

  it('reports a principal that does not exist as unreadable, naming it', async () => {
    iam.on(GetRoleCommand).rejects(awsError(NoSuchEntityException, 'NoSuchEntity', 'gone'));
    iam
      .on(ListRolePoliciesCommand)
      .rejects(awsError(NoSuchEntityException, 'NoSuchEntity', 'gone'));
    iam
      .on(ListAttachedRolePoliciesCommand)
      .rejects(awsError(NoSuchEntityException, 'NoSuchEntity', 'gone'));
    const r = await (await source()).principalPolicies(`arn:aws:iam::${CALLER}:role/gone`);
    expect(r).toEqual({
      ok: false,
      reason: `no role \`gone\` in account \`${CALLER}\``,
      accountId: CALLER,
    });
  });

  it('rejects what is not a role or user ARN without calling AWS', async () => {
    const r = await (await source()).principalPolicies('arn:aws:s3:::bucket');
    expect(r.ok).toBe(false);
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('roles()', () => {
  it('reads every page of ListRoles', async () => {
    iam
      .on(ListRolesCommand)
      .resolvesOnce({ Roles: [role('A', TARGET).Role], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ Roles: [role('B', TARGET).Role], IsTruncated: false });
    const r = await (await source()).roles(TARGET);
    expect(r.ok && r.value.map((x) => x.name)).toEqual(['A', 'B']);
    expect(iam).toHaveReceivedNthCommandWith(ListRolesCommand, 2, { Marker: 'm1' });
  });

  it('keeps a role whose trust policy does not parse, with the reason (issue 12.7)', async () => {
    const broken = encodeURIComponent(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Principal":"*","Action":"sts:AssumeRole"}]}',
    );
    iam.on(ListRolesCommand).resolves({
      Roles: [
        role('Bad', TARGET, { AssumeRolePolicyDocument: broken }).Role,
        role('Good', TARGET).Role,
      ],
      IsTruncated: false,
    });
    iam.on(GetRoleCommand).resolves(role('Bad', TARGET, { AssumeRolePolicyDocument: broken }));
    const src = await source();
    const r = await src.roles(TARGET);
    expect(r.ok && r.value.map((x) => [x.name, x.trustPolicyError !== undefined])).toEqual([
      ['Bad', true],
      ['Good', false],
    ]);
    expect(r.ok && r.value[0]?.trustPolicyError).toMatch(/Effect/);
    // Explaining a denial against that role still says it cannot be read.
    expect((await src.role(TARGET, 'Bad')).ok).toBe(false);
  });
});

describe('organization() and orgPath()', () => {
  function orgTree() {
    org
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: 'o-abc', MasterAccountId: MGMT } });
    org.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: MGMT, Name: 'management' },
        { Id: CALLER, Name: 'ci' },
      ],
    });
    org.on(ListRootsCommand).resolves({
      Roots: [
        {
          Id: 'r-1',
          Name: 'Root',
          PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
        },
      ],
    });
    org
      .on(ListParentsCommand, { ChildId: CALLER })
      .resolves({ Parents: [{ Id: 'ou-1', Type: 'ORGANIZATIONAL_UNIT' }] });
    org
      .on(ListParentsCommand, { ChildId: 'ou-1' })
      .resolves({ Parents: [{ Id: 'r-1', Type: 'ROOT' }] });
    org
      .on(DescribeOrganizationalUnitCommand)
      .resolves({ OrganizationalUnit: { Id: 'ou-1', Name: 'Workloads' } });
    const full = { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', AwsManaged: true, Arn: 'x' };
    org.on(ListPoliciesForTargetCommand, { TargetId: 'r-1' }).resolves({ Policies: [full] });
    org.on(ListPoliciesForTargetCommand, { TargetId: 'ou-1' }).resolves({
      Policies: [
        full,
        {
          Id: 'p-deny',
          Name: 'DenyProd',
          AwsManaged: false,
          Arn: `arn:aws:organizations::${MGMT}:policy/o-abc/service_control_policy/p-deny`,
        },
      ],
    });
    org.on(ListPoliciesForTargetCommand, { TargetId: CALLER }).resolves({ Policies: [full] });
    org
      .on(DescribePolicyCommand, { PolicyId: 'p-FullAWSAccess' })
      .resolves({ Policy: { Content: JSON.stringify(FULL_ACCESS) } });
    org.on(DescribePolicyCommand, { PolicyId: 'p-deny' }).resolves({
      Policy: {
        Content: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }],
        }),
      },
    });
  }

  it('walks the parents to the root and lists SCPs per level, each policy described once', async () => {
    orgTree();
    const src = await source();
    const r = await src.orgPath(CALLER);
    expect(r.ok).toBe(true);
    if (!r.ok || r.value === null) return;
    expect(r.value.path).toEqual(['r-1', 'ou-1']);
    expect(r.value.orgPath).toBe('o-abc/r-1/ou-1/');
    expect(
      r.value.scpLevels.map((l) => [l.targetType, l.name, l.policies.map((p) => p.label)]),
    ).toEqual([
      [
        'ROOT',
        'Root',
        [
          'SCP `FullAWSAccess` (arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess)',
        ],
      ],
      [
        'ORGANIZATIONAL_UNIT',
        'Workloads',
        [
          'SCP `FullAWSAccess` (arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess)',
          `SCP \`DenyProd\` (arn:aws:organizations::${MGMT}:policy/o-abc/service_control_policy/p-deny)`,
        ],
      ],
      [
        'ACCOUNT',
        'ci',
        [
          'SCP `FullAWSAccess` (arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess)',
        ],
      ],
    ]);
    // RCPs are not enabled on the root: no levels to evaluate.
    expect(r.value.rcpLevels).toEqual([]);
    expect(org).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
    expect(org).toHaveReceivedCommandWith(ListPoliciesForTargetCommand, {
      TargetId: 'ou-1',
      Filter: 'SERVICE_CONTROL_POLICY',
    });
  });

  it('answers null for an account outside the organization', async () => {
    orgTree();
    expect(await (await source()).orgPath('333333333333')).toEqual({ ok: true, value: null });
  });

  it('reads an account set without Organizations as "no organization"', async () => {
    org
      .on(DescribeOrganizationCommand)
      .rejects(
        awsError(
          AWSOrganizationsNotInUseException,
          'AWSOrganizationsNotInUseException',
          'not in use',
        ),
      );
    sts.on(GetCallerIdentityCommand).resolves({ Account: CALLER });
    const src = await source();
    expect(await src.organization()).toEqual({ ok: true, value: null });
    expect(await src.orgPath(CALLER)).toEqual({ ok: true, value: null });
    expect(await src.readableAccounts()).toEqual([CALLER]);
  });

  it('reads Organizations through the organization role when one is given', async () => {
    orgTree();
    const orgRoleArn = `arn:aws:iam::${MGMT}:role/trustwatch-org-reader`;
    const src = await source({ orgRoleArn });
    const r = await src.organization();
    expect(r.ok && r.value?.accounts.map((a) => a.id)).toEqual([MGMT, CALLER]);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: orgRoleArn,
      RoleSessionName: 'trustwatch-explain',
    });
  });

  it('takes the organization role under its pipeline name too', async () => {
    orgTree();
    const orgReaderRoleArn = `arn:aws:iam::${MGMT}:role/trustwatch-org-reader`;
    await (await source({ orgReaderRoleArn })).organization();
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: orgReaderRoleArn });
  });

  it('turns a denied organization role into ok:false for organization and orgPath', async () => {
    sts.on(AssumeRoleCommand).rejects(awsError(STSServiceException, 'AccessDenied', 'denied'));
    const src = await source({ orgRoleArn: `arn:aws:iam::${MGMT}:role/org-reader` });
    const r = await src.orgPath(CALLER);
    expect(r).toEqual({
      ok: false,
      reason: `cannot assume organization reader role \`arn:aws:iam::${MGMT}:role/org-reader\`: AccessDenied: denied`,
    });
    expect(org.calls()).toHaveLength(0);
  });
});

describe('createLiveStateSource()', () => {
  it.each([
    [
      { readerRolePath: 'trustwatch' },
      /reader role path `trustwatch` must start and end with `\/`/,
    ],
    [{ readerRoleName: 'bad name' }, /reader role name `bad name`/],
    [{ orgRoleArn: 'arn:aws:s3:::x' }, /organization role `arn:aws:s3:::x` is not an iam role arn/],
    [{ accounts: ['12345'] }, /account `12345` is not a 12-digit account id/],
    [{ cacheTtlSeconds: -1 }, /`cacheTtlSeconds` must be a number of seconds/],
    [{ purpose: 'has space' }, /session purpose `has space`/],
    [
      {
        orgRoleArn: `arn:aws:iam::${MGMT}:role/a`,
        orgReaderRoleArn: `arn:aws:iam::${MGMT}:role/b`,
      },
      /`orgRoleArn` and `orgReaderRoleArn` name different roles/,
    ],
  ])('rejects %o', async (opts, message) => {
    await expect(source(opts as Partial<LiveSourceOptions>)).rejects.toThrow(ConfigError);
    await expect(source(opts as Partial<LiveSourceOptions>)).rejects.toThrow(message);
  });

  it('uses trustwatch-<purpose> as the session name', async () => {
    iam.on(GetRoleCommand).resolves(role('DeployRole', TARGET));
    await (await source({ purpose: 'audit' })).role(TARGET, 'DeployRole');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleSessionName: 'trustwatch-audit',
    });
  });
});
