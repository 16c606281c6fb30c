import {
  GetAccountAuthorizationDetailsCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
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
import { beforeEach, describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../../lib/aws/collectSnapshot.js';
import { createLiveStateSource } from '../../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import { snapshotCommand } from '../../../lib/cli/snapshotCommand.js';
import { SnapshotError } from '../../../lib/errors/TrustwatchError.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';
import { memoryIo } from '../../support/memoryIo.js';

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const org = mockClient(OrganizationsClient);
const MGMT = '999999999999';
const A = '111111111111';
const B = '222222222222';
const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'sts:AssumeRole' },
    ],
  }),
);

function role(account: string, name: string) {
  return {
    RoleName: name,
    RoleId: `AROA${name.toUpperCase()}XXXXXXXX`,
    Arn: `arn:aws:iam::${account}:role/${name}`,
    Path: '/',
    CreateDate: new Date('2026-01-01T00:00:00Z'),
    AssumeRolePolicyDocument: TRUST,
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  };
}

beforeEach(() => {
  sts.reset();
  iam.reset();
  org.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIA',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
  org
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Id: 'o-abc', MasterAccountId: MGMT } });
  org.on(ListRootsCommand).resolves({
    Roots: [
      {
        Id: 'r-1',
        Name: 'Root',
        PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    ],
  });
  org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
  org
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-1' })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-1', Name: 'Workloads' }] });
  org.on(ListAccountsForParentCommand).resolves({ Accounts: [] });
  org
    .on(ListAccountsForParentCommand, { ParentId: 'r-1' })
    .resolves({ Accounts: [{ Id: MGMT, Name: 'management' }] });
  org.on(ListAccountsForParentCommand, { ParentId: 'ou-1' }).resolves({
    Accounts: [
      { Id: A, Name: 'a' },
      { Id: B, Name: 'b' },
    ],
  });
  org.on(ListPoliciesCommand, { Filter: 'SERVICE_CONTROL_POLICY' }).resolves({
    Policies: [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', AwsManaged: true }],
  });
  org.on(DescribePolicyCommand).resolves({
    Policy: {
      Content: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    },
  });
  org
    .on(ListTargetsForPolicyCommand)
    .resolves({ Targets: [{ TargetId: 'r-1' }, { TargetId: 'ou-1' }] });
  iam.on(ListOpenIDConnectProvidersCommand).resolves({
    OpenIDConnectProviderList: [
      { Arn: `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com` },
    ],
  });
  iam.on(GetOpenIDConnectProviderCommand).resolves({
    Url: 'https://token.actions.githubusercontent.com',
    ClientIDList: ['sts.amazonaws.com'],
    ThumbprintList: [],
  });
  iam.on(ListSAMLProvidersCommand).resolves({ SAMLProviderList: [] });
});

async function source() {
  return createLiveStateSource({
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' },
    cache: new ReadCache(),
    purpose: 'snapshot',
  });
}

describe('collectSnapshot', () => {
  it('merges every page of GetAccountAuthorizationDetails, walks the OUs and keeps only enabled policy types', async () => {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: [role(A, 'one')], IsTruncated: true, Marker: 'm' })
      .resolvesOnce({
        RoleDetailList: [role(A, 'two')],
        // moto omits PolicyName here; AWS never does. The collector fills it from the ARN.
        Policies: [
          {
            Arn: `arn:aws:iam::${A}:policy/Deploy`,
            DefaultVersionId: 'v1',
            PolicyVersionList: [
              {
                VersionId: 'v1',
                IsDefaultVersion: true,
                Document: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}'),
              },
            ],
          },
        ],
        IsTruncated: false,
      });
    const r = await collectSnapshot(await source(), {
      accounts: [A],
      now: () => new Date('2026-03-01T00:00:00Z'),
    });
    expect(r.failures).toEqual([]);
    const block = r.snapshot.accounts[A];
    expect(block?.RoleDetailList.map((x) => (x as { RoleName: string }).RoleName)).toEqual([
      'one',
      'two',
    ]);
    expect(block?.Policies[0]).toMatchObject({ PolicyName: 'Deploy' });
    expect(block?.OpenIDConnectProviderList).toEqual([
      {
        Arn: `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`,
        Url: 'token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: [],
      },
    ]);
    expect(r.snapshot.organization?.accounts).toEqual([
      { id: MGMT, name: 'management', parentId: 'r-1' },
      { id: A, name: 'a', parentId: 'ou-1' },
      { id: B, name: 'b', parentId: 'ou-1' },
    ]);
    expect(r.snapshot.organization?.policies.map((p) => [p.id, p.targets])).toEqual([
      ['p-FullAWSAccess', ['r-1', 'ou-1']],
    ]);
    expect(org).not.toHaveReceivedCommandWith(ListPoliciesCommand, {
      Filter: 'RESOURCE_CONTROL_POLICY',
    });
    // The file loads back.
    const loaded = loadSnapshot(JSON.parse(JSON.stringify(r.snapshot)), 'x.json');
    expect(loaded.accounts.get(A)?.roles.map((x) => x.name)).toEqual(['one', 'two']);
  });

  it('leaves out an account whose reader role cannot be assumed and names it', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [role(A, 'one')] });
    sts
      .on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${B}:role/trustwatch/trustwatch-reader` })
      .rejects(
        new STSServiceException({
          name: 'AccessDenied',
          message: 'denied',
          $fault: 'client',
          $metadata: {},
        }),
      );
    const progress: string[] = [];
    const r = await collectSnapshot(await source(), {
      now: () => new Date(),
      onProgress: (n, total, id, failed) =>
        progress.push(`${n}/${total} ${id}${failed ? ' failed' : ''}`),
    });
    expect(Object.keys(r.snapshot.accounts)).toEqual([MGMT, A]);
    expect(r.failures).toEqual([
      {
        accountId: B,
        reason: `cannot assume reader role \`arn:aws:iam::${B}:role/trustwatch/trustwatch-reader\` in account \`${B}\`: AccessDenied: denied`,
      },
    ]);
    expect(progress).toHaveLength(3);
    expect(progress.filter((p) => p.endsWith(`${B} failed`))).toHaveLength(1);
    expect(progress.map((p) => p.split(' ')[0]).sort()).toEqual(['1/3', '2/3', '3/3']);
  });
});

describe('snapshot --resume', () => {
  it('refuses to resume from a file that is not a valid snapshot', async () => {
    const io = memoryIo({ files: { 'o.json': '{"snapshotVersion": 2}' } });
    await expect(snapshotCommand(['--out', 'o.json', '--resume'], io)).rejects.toThrow(
      SnapshotError,
    );
  });

  it('starts afresh when the file does not exist yet', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ RoleDetailList: [] });
    sts.on(GetCallerIdentityCommand).resolves({ Account: MGMT, Arn: `arn:aws:iam::${MGMT}:root` });
    const io = memoryIo({ env: {} });
    // The mocked clients never resolve credentials: the default chain is not consulted.
    expect(await snapshotCommand(['--out', 'new.json', '--resume', '--accounts', A], io)).toBe(0);
    expect(io.out()).toMatch(
      /^wrote `new\.json`: 1 account, \d+ AWS calls; 1 account read: [\d.]+ AWS calls and \d+ ms per account \(slowest `\d{12}` \d+ ms\), [\d.]+ s wall in all\n$/,
    );
    // The journal of the run is gone once the file is written.
    expect(io.files.has('new.json.partial')).toBe(false);
  });
});
