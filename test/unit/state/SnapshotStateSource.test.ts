import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoizeSource } from '../../../lib/explain/memoizeSource.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';
import type { Readable } from '../../../lib/state/IamStateSource.js';
import { inMemoryReads } from '../../../lib/state/InMemoryReads.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

const demo = new SnapshotStateSource(demoSnapshot());

function value<T>(r: Readable<T>): T {
  if (!r.ok) throw new Error(`expected a readable value, got: ${r.reason}`);
  return r.value;
}

const SCP_FULL = 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess';
const RCP_FULL = 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess';
const SCP_DENY =
  'arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-examplescp1';

describe('SnapshotStateSource: organization', () => {
  it('returns the organization', async () => {
    const org = value(await demo.organization());
    expect(org).toMatchObject({
      id: 'o-exampleorg1',
      managementAccountId: '444444444444',
      rootId: 'r-ab12',
    });
    expect(org?.accounts.map((a) => a.id).sort()).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
      '666666666666',
    ]);
  });

  it('gives the OU path, aws:PrincipalOrgPaths and SCP levels root → OU → account', async () => {
    const info = value(await demo.orgPath('111111111111'));
    expect(info?.path).toEqual(['r-ab12', 'ou-ab12-11111111']);
    expect(info?.orgPath).toBe('o-exampleorg1/r-ab12/ou-ab12-11111111/');
    expect(
      info?.scpLevels.map((l) => [l.targetType, l.targetId, l.name, l.policies.map((p) => p.arn)]),
    ).toEqual([
      ['ROOT', 'r-ab12', 'Root', [SCP_FULL]],
      ['ORGANIZATIONAL_UNIT', 'ou-ab12-11111111', 'Workloads', [SCP_FULL]],
      ['ACCOUNT', '111111111111', 'ci', [SCP_FULL, SCP_DENY]],
    ]);
    const deny = info?.scpLevels[2]?.policies[1];
    expect(deny?.label).toBe(`SCP \`DenyDevelopersProdAdmin\` (${SCP_DENY})`);
    expect(deny?.document.statements[0]?.effect).toBe('Deny');
  });

  it('walks a nested OU, where the allow-list SCP replaces FullAWSAccess', async () => {
    const info = value(await demo.orgPath('555555555555'));
    expect(info?.path).toEqual(['r-ab12', 'ou-ab12-11111111', 'ou-ab12-33333333']);
    expect(info?.orgPath).toBe('o-exampleorg1/r-ab12/ou-ab12-11111111/ou-ab12-33333333/');
    expect(info?.scpLevels.map((l) => l.policies.map((p) => p.arn))).toEqual([
      [SCP_FULL],
      [SCP_FULL],
      [
        'arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-sandboxallow1',
      ],
      [SCP_FULL],
    ]);
  });

  it('gives RCP levels separately', async () => {
    const info = value(await demo.orgPath('222222222222'));
    expect(info?.rcpLevels.map((l) => l.policies.map((p) => p.arn))).toEqual([
      [RCP_FULL],
      [RCP_FULL],
      [
        RCP_FULL,
        'arn:aws:organizations::444444444444:policy/o-exampleorg1/resource_control_policy/p-examplercp1',
      ],
    ]);
    expect(info?.scpLevels.flatMap((l) => l.policies).every((p) => p.arn === SCP_FULL)).toBe(true);
  });

  it('knows the management account sits under the root directly', async () => {
    const info = value(await demo.orgPath('444444444444'));
    expect(info?.path).toEqual(['r-ab12']);
    expect(info?.orgPath).toBe('o-exampleorg1/r-ab12/');
  });

  it('returns null for an account outside the organization', async () => {
    expect(value(await demo.orgPath('999999999999'))).toBeNull();
  });

  it('returns null organization and org paths for a snapshot without one', async () => {
    const src = new SnapshotStateSource(
      loadSnapshot({ snapshotVersion: 1, accounts: { '111111111111': {} } }),
    );
    expect(value(await src.organization())).toBeNull();
    expect(value(await src.orgPath('111111111111'))).toBeNull();
  });
});

describe('SnapshotStateSource: roles and users', () => {
  it('reads a role with its trust policy', async () => {
    const role = value(await demo.role('222222222222', 'DeployRole'));
    expect(role).toMatchObject({
      arn: 'arn:aws:iam::222222222222:role/DeployRole',
      name: 'DeployRole',
      path: '/',
      roleId: 'AROAEXAMPLEDEPLOYRL1',
      accountId: '222222222222',
      isServiceLinked: false,
      lastUsedRegion: 'eu-west-1',
    });
    expect(role?.trustPolicy.statements[0]?.principal).toMatchObject({
      AWS: ['arn:aws:iam::111111111111:role/terraform-runner'],
    });
  });

  it('returns null for a role that does not exist (a successful read)', async () => {
    expect(await demo.role('222222222222', 'DeplyRole')).toEqual({ ok: true, value: null });
  });

  it('is case-sensitive on role names', async () => {
    expect(value(await demo.role('222222222222', 'deployrole'))).toBeNull();
  });

  it('marks /aws-service-role/ roles as service-linked', async () => {
    const slr = value(await demo.role('222222222222', 'AWSServiceRoleForECS'));
    expect(slr?.isServiceLinked).toBe(true);
    expect(slr?.path).toBe('/aws-service-role/ecs.amazonaws.com/');
    expect(value(await demo.role('222222222222', 'payments-api-lambda'))?.isServiceLinked).toBe(
      false,
    );
  });

  it('reads a user with groups and boundary', async () => {
    expect(value(await demo.user('111111111111', 'carol'))).toEqual({
      arn: 'arn:aws:iam::111111111111:user/carol',
      name: 'carol',
      path: '/',
      userId: 'AIDAEXAMPLECAROLUSR1',
      accountId: '111111111111',
      tags: [],
      groups: ['Engineers'],
      boundaryArn: 'arn:aws:iam::111111111111:policy/DeveloperBoundary',
    });
    expect(value(await demo.user('111111111111', 'mallory'))).toBeNull();
  });

  it('lists every role of an account', async () => {
    const roles = value(await demo.roles('222222222222'));
    expect(roles.map((r) => r.name)).toContain('GitHubActionsDeploy');
    expect(roles.every((r) => r.accountId === '222222222222')).toBe(true);
  });

  it('lists OIDC and SAML providers', async () => {
    expect(value(await demo.oidcProviders('222222222222'))).toEqual([
      {
        arn: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
        url: 'token.actions.githubusercontent.com',
        clientIds: ['sts.amazonaws.com'],
      },
    ]);
    expect(value(await demo.samlProviders('222222222222'))).toEqual([
      { arn: 'arn:aws:iam::222222222222:saml-provider/ExampleIdP', name: 'ExampleIdP' },
    ]);
    expect(value(await demo.oidcProviders('111111111111'))).toEqual([]);
  });

  it('lists readable accounts (not the legacy one)', async () => {
    expect([...(await demo.readableAccounts())].sort()).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
  });
});

describe('SnapshotStateSource: unreadable accounts', () => {
  const reason = 'no IAM state for account `666666666666` in the snapshot (no reader role there)';
  it.each([
    ['role', () => demo.role('666666666666', 'Anything')],
    ['user', () => demo.user('666666666666', 'anyone')],
    ['roles', () => demo.roles('666666666666')],
    ['oidcProviders', () => demo.oidcProviders('666666666666')],
    ['samlProviders', () => demo.samlProviders('666666666666')],
    [
      'principalPolicies',
      () => demo.principalPolicies('arn:aws:iam::666666666666:role/legacy-app'),
    ],
  ] as const)('%s of an org account without IAM state is not ok', async (_name, call) => {
    expect(await call()).toEqual({ ok: false, reason, accountId: '666666666666' });
  });

  it('says an account outside the snapshot and the organization is not in the snapshot', async () => {
    expect(await demo.role('999999999999', 'x')).toEqual({
      ok: false,
      reason: 'account `999999999999` is not in the snapshot',
      accountId: '999999999999',
    });
  });
});

describe('SnapshotStateSource: principalPolicies', () => {
  it('resolves a role: inline policies, labeled', async () => {
    const p = value(await demo.principalPolicies('arn:aws:iam::111111111111:role/ci-deployer'));
    expect(p.identity.map((x) => x.label)).toEqual([
      'inline policy `deploy` of role `ci-deployer`',
    ]);
    expect(p.identity[0]?.arn).toBeUndefined();
    expect(p.boundary).toBeNull();
  });

  it('accepts a role ARN with its path and a session ARN', async () => {
    const sso =
      'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef';
    const byArn = value(await demo.principalPolicies(sso));
    const bySession = value(
      await demo.principalPolicies(
        'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com',
      ),
    );
    expect(byArn.identity.map((x) => x.label)).toEqual([
      'inline policy `AwsSSOInlinePolicy` of role `AWSReservedSSO_Developer_0123456789abcdef`',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
    expect(bySession).toEqual(byArn);
  });

  it('resolves an AWS-managed policy from the attaching account', async () => {
    const p = value(await demo.principalPolicies('arn:aws:iam::111111111111:role/data-pipeline'));
    const s3 = p.identity.find((x) => x.arn === 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(s3?.label).toBe('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(s3?.document.statements[0]?.action).toContain('s3:Get*');
  });

  it('resolves a user through its groups, using the default policy version', async () => {
    const p = value(await demo.principalPolicies('arn:aws:iam::111111111111:user/bob'));
    expect(p.identity.map((x) => x.label)).toEqual([
      'inline policy `self-service` of group `Engineers`',
      'arn:aws:iam::111111111111:policy/EngineersAssumeProdRoles (via group `Engineers`)',
    ]);
    // v2 (default) allows every prod role; v1 allowed DeployRole only.
    expect(p.identity[1]?.document.statements[0]?.resource).toEqual([
      'arn:aws:iam::222222222222:role/*',
    ]);
  });

  it('resolves user inline policies and the permissions boundary', async () => {
    const dave = value(await demo.principalPolicies('arn:aws:iam::111111111111:user/dave'));
    expect(dave.identity[0]?.label).toBe('inline policy `offboarding-freeze` of user `dave`');
    expect(dave.identity[0]?.document.statements[0]?.effect).toBe('Deny');
    const carol = value(await demo.principalPolicies('arn:aws:iam::111111111111:user/carol'));
    expect(carol.boundary?.arn).toBe('arn:aws:iam::111111111111:policy/DeveloperBoundary');
    expect(carol.boundary?.document.statements[0]?.action).not.toContain('sts:AssumeRole');
    const agent = value(await demo.principalPolicies('arn:aws:iam::111111111111:role/build-agent'));
    expect(agent.boundary?.label).toBe('arn:aws:iam::111111111111:policy/BuildAgentBoundary');
  });

  it('is not ok for a principal that is not in the snapshot, or not a principal ARN', async () => {
    expect(await demo.principalPolicies('arn:aws:iam::111111111111:role/ghost')).toEqual({
      ok: false,
      reason: 'no role `ghost` in account `111111111111` in the snapshot',
      accountId: '111111111111',
    });
    expect(await demo.principalPolicies('arn:aws:s3:::bucket')).toEqual({
      ok: false,
      reason: '`arn:aws:s3:::bucket` is not an iam role or user arn',
    });
  });

  describe('with an incomplete snapshot', () => {
    const ACCT = '111111111111';
    const doc = (action: string) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    });
    const src = new SnapshotStateSource(
      loadSnapshot({
        snapshotVersion: 1,
        accounts: {
          [ACCT]: {
            RoleDetailList: [
              {
                RoleName: 'by-default-version-id',
                RoleId: 'AROAEXAMPLEDEFVER001',
                Arn: `arn:aws:iam::${ACCT}:role/by-default-version-id`,
                AssumeRolePolicyDocument: doc('sts:AssumeRole'),
                AttachedManagedPolicies: [
                  { PolicyName: 'P', PolicyArn: `arn:aws:iam::${ACCT}:policy/P` },
                ],
              },
              {
                RoleName: 'missing-policy',
                RoleId: 'AROAEXAMPLEMISSING01',
                Arn: `arn:aws:iam::${ACCT}:role/missing-policy`,
                AssumeRolePolicyDocument: doc('sts:AssumeRole'),
                AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::${ACCT}:policy/Gone` }],
              },
              {
                RoleName: 'no-document',
                RoleId: 'AROAEXAMPLENODOC0001',
                Arn: `arn:aws:iam::${ACCT}:role/no-document`,
                AssumeRolePolicyDocument: doc('sts:AssumeRole'),
                AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::${ACCT}:policy/Empty` }],
              },
            ],
            UserDetailList: [
              {
                UserName: 'lonely',
                UserId: 'AIDAEXAMPLELONELY001',
                Arn: `arn:aws:iam::${ACCT}:user/lonely`,
                GroupList: ['Ghosts'],
              },
            ],
            Policies: [
              {
                PolicyName: 'P',
                Arn: `arn:aws:iam::${ACCT}:policy/P`,
                DefaultVersionId: 'v2',
                PolicyVersionList: [
                  {
                    VersionId: 'v1',
                    Document: encodeURIComponent(JSON.stringify(doc('s3:GetObject'))),
                  },
                  {
                    VersionId: 'v2',
                    Document: encodeURIComponent(JSON.stringify(doc('sts:AssumeRole'))),
                  },
                  { VersionId: 'v3', Document: doc('iam:*') },
                ],
              },
              {
                PolicyName: 'Empty',
                Arn: `arn:aws:iam::${ACCT}:policy/Empty`,
                DefaultVersionId: 'v1',
                PolicyVersionList: [],
              },
            ],
          },
        },
      }),
    );

    it('falls back to DefaultVersionId when no version is flagged IsDefaultVersion', async () => {
      const p = value(
        await src.principalPolicies(`arn:aws:iam::${ACCT}:role/by-default-version-id`),
      );
      expect(p.identity[0]?.document.statements[0]?.action).toEqual(['sts:AssumeRole']);
    });

    it.each([
      [
        'missing-policy',
        'managed policy `arn:aws:iam::111111111111:policy/Gone` of role `missing-policy` is not in the snapshot',
      ],
      [
        'no-document',
        'managed policy `arn:aws:iam::111111111111:policy/Empty` of role `no-document` has no default version document in the snapshot',
      ],
    ])('is not ok when a policy of %s cannot be resolved', async (name, reason) => {
      expect(await src.principalPolicies(`arn:aws:iam::${ACCT}:role/${name}`)).toEqual({
        ok: false,
        reason,
        accountId: ACCT,
      });
    });

    it('is not ok when a group of the user is missing', async () => {
      expect(await src.principalPolicies(`arn:aws:iam::${ACCT}:user/lonely`)).toEqual({
        ok: false,
        reason: 'group `Ghosts` of user `lonely` is not in the snapshot',
        accountId: ACCT,
      });
    });
  });
});

describe('SnapshotStateSource: an account without parentId', () => {
  const DEMO_JSON = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../lib/snapshot/demo-snapshot.json'), 'utf8'),
  ) as {
    organization: {
      accounts: { id: string; parentId?: string }[];
      organizationalUnits?: unknown[];
    };
  };

  function withoutParent(accountId: string, dropOus: boolean): SnapshotStateSource {
    const json = structuredClone(DEMO_JSON);
    for (const a of json.organization.accounts) if (a.id === accountId) delete a.parentId;
    if (dropOus) {
      json.organization.organizationalUnits = [];
      for (const a of json.organization.accounts) a.parentId = 'r-ab12';
      for (const a of json.organization.accounts) if (a.id === accountId) delete a.parentId;
      (json.organization as Record<string, unknown>).policies = [];
    }
    return new SnapshotStateSource(loadSnapshot(json, 'snap.json'));
  }

  it('is unreadable (not guessed to sit under the root) when the organization has OUs', async () => {
    const r = await withoutParent('111111111111', false).orgPath('111111111111');
    expect(r).toEqual({
      ok: false,
      accountId: '111111111111',
      reason:
        'the snapshot does not say where account `111111111111` sits in the organization (`organization.accounts[1].parentId` is missing)',
    });
  });

  it('sits under the only root when there is no OU it could be in', async () => {
    const info = value(await withoutParent('111111111111', true).orgPath('111111111111'));
    expect(info?.path).toEqual(['r-ab12']);
  });
});

describe('SnapshotStateSource: in-memory reads', () => {
  it('answers synchronously what its async methods answer', async () => {
    const now = inMemoryReads(demo);
    if (now === undefined) throw new Error('a snapshot source holds its state in memory');
    const role = 'arn:aws:iam::111111111111:role/DeveloperRole';
    expect(now.organization()).toEqual(await demo.organization());
    expect(now.orgPath('111111111111')).toEqual(await demo.orgPath('111111111111'));
    expect(now.role('222222222222', 'DeployRole')).toEqual(
      await demo.role('222222222222', 'DeployRole'),
    );
    expect(now.principalPolicies(role)).toEqual(await demo.principalPolicies(role));
    expect(now.orgPath('999999999999')).toEqual(await demo.orgPath('999999999999'));
    expect(now.readableAccounts()).toEqual(await demo.readableAccounts());
  });

  it('belongs to the source object only: a wrapper around it is read through its own methods', async () => {
    const wrapped = new Proxy(demo, {
      get: (target, prop) => {
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    expect(inMemoryReads(wrapped)).toBeUndefined();
    // Nothing to memoize per batch for the snapshot itself; a wrapper gets the batch memo.
    expect(memoizeSource(demo)).toBe(demo);
    expect(memoizeSource(wrapped)).not.toBe(wrapped);
  });
});
