import { describe, expect, it } from 'vitest';
import demoJson from '../../../lib/snapshot/demo-snapshot.json' with { type: 'json' };
import { DEMO_SNAPSHOT_FILE, demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import type { SnapshotRole } from '../../../lib/snapshot/Snapshot.js';
import { findPrincipalByUniqueId } from '../../../lib/snapshot/snapshotLookup.js';

const snap = demoSnapshot();

function role(accountId: string, name: string): SnapshotRole {
  const r = snap.index.rolesByName.get(`${accountId}/${name}`);
  if (r === undefined) throw new Error(`demo role ${accountId}/${name} missing`);
  return r;
}

function trustText(accountId: string, name: string): string {
  return JSON.stringify(role(accountId, name).trustPolicy);
}

describe('demo snapshot: organization (DEMO.md)', () => {
  const org = snap.organization!;

  it('is loaded once and cached', () => {
    expect(demoSnapshot()).toBe(snap);
    expect(snap.file).toBe(DEMO_SNAPSHOT_FILE);
  });

  it('has the documented organization, root and OUs', () => {
    expect(org.id).toBe('o-exampleorg1');
    expect(org.managementAccountId).toBe('444444444444');
    expect(org.roots.map((r) => r.id)).toEqual(['r-ab12']);
    expect(org.organizationalUnits).toEqual([
      { id: 'ou-ab12-11111111', parentId: 'r-ab12', name: 'Workloads' },
      { id: 'ou-ab12-22222222', parentId: 'r-ab12', name: 'Security' },
      { id: 'ou-ab12-33333333', parentId: 'ou-ab12-11111111', name: 'Sandbox' },
    ]);
  });

  it('places each account in its OU, with IAM state for all but legacy', () => {
    expect(org.accounts.map((a) => [a.id, a.name, a.parentId])).toEqual([
      ['444444444444', 'management', 'r-ab12'],
      ['111111111111', 'ci', 'ou-ab12-11111111'],
      ['222222222222', 'prod', 'ou-ab12-11111111'],
      ['333333333333', 'audit', 'ou-ab12-22222222'],
      ['555555555555', 'sandbox', 'ou-ab12-33333333'],
      ['666666666666', 'legacy', 'ou-ab12-11111111'],
    ]);
    expect([...snap.accounts.keys()].sort()).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
  });

  it('attaches FullAWSAccess everywhere but the Sandbox OU, which gets an allow-list without sts:AssumeRole', () => {
    const full = org.policies.find((p) => p.id === 'p-FullAWSAccess')!;
    expect(full.awsManaged).toBe(true);
    expect(full.targets).not.toContain('ou-ab12-33333333');
    expect(full.targets).toEqual(
      expect.arrayContaining([
        'r-ab12',
        'ou-ab12-11111111',
        'ou-ab12-22222222',
        '111111111111',
        '555555555555',
      ]),
    );
    const sandbox = org.policies.find((p) => p.id === 'p-sandboxallow1')!;
    expect(sandbox.targets).toEqual(['ou-ab12-33333333']);
    const actions = sandbox.document.statements.flatMap((s) => s.action ?? []);
    expect(actions.some((a) => a === '*' || a.startsWith('sts:Assume') || a === 'sts:*')).toBe(
      false,
    );
  });

  it('has the SCP of event 06 on the ci account, under the ARN the event names', () => {
    const scp = org.policies.find((p) => p.id === 'p-examplescp1')!;
    expect(scp).toMatchObject({
      type: 'SERVICE_CONTROL_POLICY',
      name: 'DenyDevelopersProdAdmin',
      arn: 'arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-examplescp1',
      targets: ['111111111111'],
    });
    expect(scp.document.statements[0]).toMatchObject({
      effect: 'Deny',
      action: ['sts:AssumeRole'],
      resource: ['arn:aws:iam::222222222222:role/ProdAdmin'],
      conditions: [
        {
          operator: 'ArnLike',
          key: 'aws:PrincipalArn',
          values: ['arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_*'],
        },
      ],
    });
  });

  it('has RCPFullAWSAccess at every level and the restricted-roles RCP on prod', () => {
    const rcpFull = org.policies.find((p) => p.id === 'p-RCPFullAWSAccess')!;
    expect(rcpFull.type).toBe('RESOURCE_CONTROL_POLICY');
    expect(rcpFull.targets).toHaveLength(10);
    const rcp = org.policies.find((p) => p.id === 'p-examplercp1')!;
    expect(rcp.targets).toEqual(['222222222222']);
    expect(rcp.document.statements[0]?.resource).toEqual([
      'arn:aws:iam::222222222222:role/restricted/*',
    ]);
    expect(JSON.stringify(rcp.document)).toContain('o-exampleorg1/r-ab12/ou-ab12-22222222/*');
  });
});

describe('demo snapshot: roles of DEMO.md', () => {
  it.each([
    ['111111111111', 'ci-deployer', '/', 'AROAEXAMPLECIDEPLOY1'],
    ['111111111111', 'terraform-runner', '/', 'AROAEXAMPLETFRUNNER1'],
    ['111111111111', 'data-pipeline', '/', 'AROAEXAMPLEDATAPIPE1'],
    ['111111111111', 'vendor-connector', '/', 'AROAEXAMPLEVENDORCN1'],
    ['111111111111', 'release-bot', '/', 'AROAEXAMPLERELEASEB2'],
    ['111111111111', 'build-agent', '/', 'AROAEXAMPLEBUILDAGT1'],
    [
      '111111111111',
      'AWSReservedSSO_Developer_0123456789abcdef',
      '/aws-reserved/sso.amazonaws.com/',
      'AROAEXAMPLESSODEVEL1',
    ],
    [
      '111111111111',
      'AWSReservedSSO_Admin_fedcba9876543210',
      '/aws-reserved/sso.amazonaws.com/',
      'AROAEXAMPLESSOADMIN1',
    ],
    ['222222222222', 'DeployRole', '/', 'AROAEXAMPLEDEPLOYRL1'],
    ['222222222222', 'AnalyticsReader', '/', 'AROAEXAMPLEANALYTIC1'],
    ['222222222222', 'BreakGlassAdmin', '/', 'AROAEXAMPLEBRKGLASS1'],
    ['222222222222', 'ThirdPartyAuditRole', '/', 'AROAEXAMPLETHIRDPTY1'],
    ['222222222222', 'ProdAdmin', '/', 'AROAEXAMPLEPRODADMN1'],
    ['222222222222', 'GitHubActionsDeploy', '/', 'AROAEXAMPLEGHDEPLOY1'],
    ['222222222222', 'ReleaseManager', '/', 'AROAEXAMPLERELMGR001'],
    ['222222222222', 'DataExportRole', '/', 'AROAEXAMPLEDATAEXP01'],
    ['222222222222', 'OrgSharedReader', '/', 'AROAEXAMPLEORGSHRD1'],
    ['222222222222', 'SecurityToolingRole', '/', 'AROAEXAMPLESECTOOL1'],
    ['222222222222', 'NetworkAdminRole', '/', 'AROAEXAMPLENETADMN1'],
    ['222222222222', 'SessionTaggedRole', '/', 'AROAEXAMPLESESSTAG1'],
    ['222222222222', 'SupportConsoleRole', '/', 'AROAEXAMPLESUPPORT01'],
    ['222222222222', 'SamlFederatedAdmin', '/', 'AROAEXAMPLESAMLADM1'],
    ['222222222222', 'EngineeringReadOnly', '/', 'AROAEXAMPLEENGREAD01'],
    ['222222222222', 'IncidentResponder', '/restricted/', 'AROAEXAMPLEINCIDNT1'],
    ['222222222222', 'KeyAdmin', '/restricted/', 'AROAEXAMPLEKEYADMN1'],
    ['222222222222', 'payments-api-lambda', '/service-role/', 'AROAEXAMPLEPAYLAMB1'],
    [
      '222222222222',
      'AWSServiceRoleForECS',
      '/aws-service-role/ecs.amazonaws.com/',
      'AROAEXAMPLEECSSLR01',
    ],
    ['222222222222', 'LegacyPublicRole', '/', 'AROAEXAMPLELEGACYP1'],
    ['222222222222', 'PartnerReportingRole', '/', 'AROAEXAMPLEPARTNER1'],
    ['333333333333', 'SecurityAuditor', '/', 'AROAEXAMPLESECAUDT1'],
    [
      '444444444444',
      'AWSServiceRoleForOrganizations',
      '/aws-service-role/organizations.amazonaws.com/',
      'AROAEXAMPLEORGSLR001',
    ],
    ['555555555555', 'sandbox-dev', '/', 'AROAEXAMPLESANDBXD1'],
    ['555555555555', 'GitHubActionsSandbox', '/', 'AROAEXAMPLEGHSANDB1'],
  ])('%s has %s at %s (%s)', (accountId, name, path, roleId) => {
    const r = role(accountId, name);
    expect(r.path).toBe(path);
    expect(r.roleId).toBe(roleId);
    expect(r.arn).toBe(`arn:aws:iam::${accountId}:role${path}${name}`);
    expect(findPrincipalByUniqueId(snap, roleId)).toBe(r);
  });

  it('has no DeplyRole but similar names for suggestions (event 05)', () => {
    expect(snap.index.rolesByName.has('222222222222/DeplyRole')).toBe(false);
    const names = snap.accounts.get('222222222222')!.roles.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['DeployRole', 'DeployRoleReadOnly', 'DevRole']));
  });

  it('links every principal id of the sample events', () => {
    for (const id of [
      'AROAEXAMPLECIDEPLOY1',
      'AROAEXAMPLEDATAPIPE1',
      'AROAEXAMPLEVENDORCN1',
      'AROAEXAMPLESSODEVEL1',
      'AIDAEXAMPLEBOBUSER01',
    ]) {
      expect(findPrincipalByUniqueId(snap, id), id).toBeDefined();
    }
  });

  it('trust policies hold the conditions each scenario needs', () => {
    expect(trustText('222222222222', 'DeployRole')).toContain(
      'arn:aws:iam::111111111111:role/terraform-runner',
    );
    expect(trustText('222222222222', 'DeployRole')).not.toContain('ci-deployer');
    expect(trustText('222222222222', 'BreakGlassAdmin')).toContain('aws:MultiFactorAuthPresent');
    expect(trustText('222222222222', 'ThirdPartyAuditRole')).toContain('sts:ExternalId');
    expect(trustText('222222222222', 'ThirdPartyAuditRole')).not.toContain('wrong-tenant-id-0001');
    const gh = trustText('222222222222', 'GitHubActionsDeploy');
    expect(gh).toContain('repo:example-org/payments-api:ref:refs/heads/main');
    expect(gh).toContain('repo:example-org/payments-api:environment:production');
    expect(trustText('555555555555', 'GitHubActionsSandbox')).not.toContain(':sub');
    expect(trustText('222222222222', 'SecurityToolingRole')).toContain('aws:PrincipalOrgPaths');
    expect(trustText('222222222222', 'OrgSharedReader')).toContain('aws:PrincipalOrgID');
    expect(trustText('222222222222', 'NetworkAdminRole')).toContain('aws:SourceIp');
    expect(trustText('222222222222', 'SessionTaggedRole')).not.toContain('sts:TagSession');
    expect(trustText('222222222222', 'SamlFederatedAdmin')).toContain('SAML:aud');
    expect(trustText('222222222222', 'SupportConsoleRole')).toContain(
      '"arn:aws:iam::111111111111:role/AWSReservedSSO_Admin_fedcba9876543210"',
    );
    expect(
      role('222222222222', 'payments-api-lambda').trustPolicy.statements[0]?.principal,
    ).toMatchObject({
      Service: ['lambda.amazonaws.com'],
    });
    expect(role('222222222222', 'LegacyPublicRole').trustPolicy.statements[0]).toMatchObject({
      principal: { kind: 'map', AWS: ['*'] },
      conditions: [],
    });
    expect(role('222222222222', 'PartnerReportingRole').trustPolicy.statements[0]).toMatchObject({
      principal: { AWS: ['arn:aws:iam::999999999999:root'] },
      conditions: [],
    });
  });

  it('has a trust Deny statement on DataExportRole', () => {
    const deny = role('222222222222', 'DataExportRole').trustPolicy.statements.find(
      (s) => s.effect === 'Deny',
    );
    expect(deny?.principal).toMatchObject({ AWS: ['arn:aws:iam::111111111111:role/ci-deployer'] });
  });

  it('ReleaseManager names a unique id that no principal has any more', () => {
    const rm = role('222222222222', 'ReleaseManager').trustPolicy.statements[0];
    expect(rm?.principal).toMatchObject({ AWS: ['AROAEXAMPLEOLDRELBOT'] });
    expect(findPrincipalByUniqueId(snap, 'AROAEXAMPLEOLDRELBOT')).toBeUndefined();
    expect(role('111111111111', 'release-bot').roleId).not.toBe('AROAEXAMPLEOLDRELBOT');
  });

  it('PartnerReportingRole was last used more than 90 days before capture', () => {
    const last = Date.parse(role('222222222222', 'PartnerReportingRole').lastUsedDate!);
    expect(Date.parse(snap.capturedAt!) - last).toBeGreaterThan(90 * 24 * 3600 * 1000);
  });

  it('holds the GitHub OIDC provider in prod and sandbox, the SAML providers in ci and prod', () => {
    expect(snap.accounts.get('222222222222')!.oidcProviders[0]?.url).toBe(
      'token.actions.githubusercontent.com',
    );
    expect(snap.accounts.get('555555555555')!.oidcProviders).toHaveLength(1);
    expect(snap.accounts.get('111111111111')!.samlProviders[0]?.name).toBe(
      'AWSSSO_0123456789abcdef_DO_NOT_DELETE',
    );
    expect(snap.accounts.get('222222222222')!.samlProviders[0]?.name).toBe('ExampleIdP');
  });
});

describe('demo snapshot: users, groups, policies', () => {
  it('has bob, carol and dave in Engineers, carol with a boundary', () => {
    const users = snap.accounts.get('111111111111')!.users;
    expect(users.map((u) => [u.name, u.userId, u.groups, u.boundaryArn])).toEqual([
      ['bob', 'AIDAEXAMPLEBOBUSER01', ['Engineers'], undefined],
      [
        'carol',
        'AIDAEXAMPLECAROLUSR1',
        ['Engineers'],
        'arn:aws:iam::111111111111:policy/DeveloperBoundary',
      ],
      ['dave', 'AIDAEXAMPLEDAVEUSER1', ['Engineers'], undefined],
    ]);
  });

  it('resolves EngineersAssumeProdRoles to its default version v2', () => {
    const p = snap.index.policiesByArn.get(
      'arn:aws:iam::111111111111:policy/EngineersAssumeProdRoles',
    );
    expect(p?.defaultVersionId).toBe('v2');
    expect(p?.document?.statements[0]?.resource).toEqual(['arn:aws:iam::222222222222:role/*']);
  });

  it('every attached managed policy and boundary is in its account', () => {
    for (const account of snap.accounts.values()) {
      for (const owner of [...account.roles, ...account.users, ...account.groups]) {
        const arns = [...owner.attachedPolicies.map((a) => a.arn)];
        if ('boundaryArn' in owner && owner.boundaryArn !== undefined) arns.push(owner.boundaryArn);
        for (const arn of arns) {
          const p = snap.index.policiesByAccountArn.get(`${account.accountId}/${arn}`);
          expect(p?.document, `${owner.arn} → ${arn}`).toBeDefined();
        }
      }
    }
  });

  it('mixes object and URL-encoded policy documents, as the raw API and the CLI give them', () => {
    const roles = demoJson.accounts['222222222222'].RoleDetailList as {
      AssumeRolePolicyDocument: unknown;
    }[];
    const kinds = new Set(roles.map((r) => typeof r.AssumeRolePolicyDocument));
    expect(kinds).toEqual(new Set(['string', 'object']));
    const encoded = roles.find((r) => typeof r.AssumeRolePolicyDocument === 'string');
    expect(encoded?.AssumeRolePolicyDocument).toMatch(/^%7B/);
  });
});
