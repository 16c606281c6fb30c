import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand as CreateIamPolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  organizationReaderPolicy,
  readerPermissionsPolicy,
  readerTrustPolicy,
} from '../../lib/aws/readerPolicy.js';
import type { CauseCode } from '../../lib/diagnosis/causeCodes.js';

/**
 * A multi-account organization built in moto for the live-AWS tests and the
 * benchmark: a management account, three member accounts with the trustwatch
 * reader role, one member without it, OUs, an SCP, and roles, users and
 * policies reproducing a few of the demo's denial causes.
 *
 * Needs `AWS_ENDPOINT_URL` pointing at moto (see `useMotoEnvironment`) and
 * moto's IAM enforcement off while it builds.
 */
export interface TestOrg {
  readonly managementAccountId: string;
  readonly orgId: string;
  readonly rootId: string;
  readonly ous: { readonly workloads: string; readonly sandbox: string };
  readonly accounts: {
    readonly ci: string;
    readonly prod: string;
    readonly sandbox: string;
    /** In the organization, but without a reader role (and trustwatch may not assume one there). */
    readonly noReader: string;
  };
  /** trustwatch's own identity in the management account: may assume the reader roles and read Organizations. */
  readonly trustwatch: TestKey;
  /** A user of the ci account that may not call sts:AssumeRole at all (for `probe`). */
  readonly prober: TestKey;
  readonly scenarios: readonly Scenario[];
}

export interface TestKey {
  readonly arn: string;
  readonly accountId: string;
  readonly credentials: AwsCredentialIdentity;
}

export interface Scenario {
  readonly name: string;
  /** A CloudTrail record of the denied call, as EventBridge would deliver its `detail`. */
  readonly record: Record<string, unknown>;
  /** The cause the diagnosis must put first. */
  readonly expectedCause: CauseCode;
}

export const READER_ROLE_NAME = 'trustwatch-reader';
export const READER_ROLE_PATH = '/trustwatch/';

const doc = (o: unknown): string => JSON.stringify(o);

const ALLOW_ASSUME_ANY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AssumeAnything', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};

function trust(principal: string, condition?: Record<string, unknown>): string {
  return doc({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });
}

/** Credentials of a session of `roleArn` from moto's STS (which maps them to the role's account). */
export async function assumedCredentials(
  sts: STSClient,
  roleArn: string,
): Promise<AwsCredentialIdentity> {
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test-setup' }),
  );
  const c = out.Credentials;
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined)
    throw new Error('moto returned no credentials');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken ?? '',
  };
}

export function memberCredentials(
  sts: STSClient,
  accountId: string,
): Promise<AwsCredentialIdentity> {
  return assumedCredentials(sts, `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`);
}

export async function createKey(
  iam: IAMClient,
  userName: string,
  accountId: string,
): Promise<TestKey> {
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
  if (key?.AccessKeyId === undefined || key.SecretAccessKey === undefined)
    throw new Error('no access key');
  return {
    arn: `arn:aws:iam::${accountId}:user/${userName}`,
    accountId,
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
  };
}

let eventCounter = 0;

/** A denied AssumeRole record of a role session or an IAM user, shaped as CloudTrail writes it. */
export function denialRecord(opts: {
  readonly caller: {
    readonly kind: 'role' | 'user';
    readonly arn: string;
    readonly accountId: string;
  };
  readonly roleArn: string;
  readonly requestParameters?: Record<string, unknown> | null;
  readonly errorMessage?: string;
  readonly eventTime?: string;
}): Record<string, unknown> {
  eventCounter += 1;
  const n = String(eventCounter).padStart(12, '0');
  const name = opts.caller.arn.slice(opts.caller.arn.lastIndexOf('/') + 1);
  const sessionArn =
    opts.caller.kind === 'role'
      ? `arn:aws:sts::${opts.caller.accountId}:assumed-role/${name}/session-${n}`
      : opts.caller.arn;
  const userIdentity =
    opts.caller.kind === 'role'
      ? {
          type: 'AssumedRole',
          principalId: `AROAEXAMPLE${n}:session-${n}`,
          arn: sessionArn,
          accountId: opts.caller.accountId,
          accessKeyId: `ASIAEXAMPLE${n}`,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: `AROAEXAMPLE${n}`,
              arn: opts.caller.arn,
              accountId: opts.caller.accountId,
              userName: name,
            },
            attributes: { creationDate: '2026-11-20T07:55:00Z', mfaAuthenticated: 'false' },
          },
        }
      : {
          type: 'IAMUser',
          principalId: `AIDAEXAMPLE${n}`,
          arn: opts.caller.arn,
          accountId: opts.caller.accountId,
          accessKeyId: `AKIAEXAMPLE${n}`,
          userName: name,
        };
  return {
    eventVersion: '1.08',
    userIdentity,
    eventTime: opts.eventTime ?? '2026-11-20T08:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.1.2.3',
    userAgent: 'aws-cli/2.17.0',
    errorCode: 'AccessDenied',
    errorMessage:
      opts.errorMessage ??
      `User: ${sessionArn} is not authorized to perform: sts:AssumeRole on resource: ${opts.roleArn}`,
    requestParameters: opts.requestParameters ?? null,
    responseElements: null,
    requestID: `00000000-0000-4000-8000-${n}`,
    eventID: `11111111-0000-4000-8000-${n}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: opts.caller.accountId,
    eventCategory: 'Management',
  };
}

/** Builds the organization; call after a moto reset, with IAM enforcement off. */
export async function buildTestOrg(): Promise<TestOrg> {
  const base = { region: 'us-east-1' };
  const org = new OrganizationsClient(base);
  const sts = new STSClient(base);
  const mgmtIam = new IAMClient(base);

  const created = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' })))
    .Organization;
  const orgId = created?.Id ?? '';
  const managementAccountId = created?.MasterAccountId ?? '';
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  for (const PolicyType of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] as const) {
    try {
      await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType }));
    } catch (err) {
      // moto enables SCPs with the organization already.
      if ((err as Error).name !== 'PolicyTypeAlreadyEnabledException') throw err;
    }
  }
  const ou = async (Name: string) =>
    (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name })))
      .OrganizationalUnit?.Id ?? '';
  const workloads = await ou('Workloads');
  const sandboxOu = await ou('Sandbox');
  const account = async (AccountName: string, parent: string) => {
    const id =
      (
        await org.send(
          new CreateAccountCommand({ AccountName, Email: `${AccountName}@example.com` }),
        )
      ).CreateAccountStatus?.AccountId ?? '';
    await org.send(
      new MoveAccountCommand({
        AccountId: id,
        SourceParentId: rootId,
        DestinationParentId: parent,
      }),
    );
    return id;
  };
  const ci = await account('ci', workloads);
  const prod = await account('prod', workloads);
  const sandbox = await account('sandbox', sandboxOu);
  const noReader = await account('legacy', workloads);

  const scp = await org.send(
    new CreatePolicyCommand({
      Name: 'DenyProdAdmin',
      Description: 'sandbox principals never become ProdAdmin',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: doc({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyProdAdmin',
            Effect: 'Deny',
            Action: 'sts:AssumeRole',
            Resource: 'arn:aws:iam::*:role/ProdAdmin',
          },
        ],
      }),
    }),
  );
  await org.send(
    new AttachPolicyCommand({ PolicyId: scp.Policy?.PolicySummary?.Id ?? '', TargetId: sandboxOu }),
  );

  // trustwatch's identity in the management account.
  await mgmtIam.send(new CreateUserCommand({ UserName: 'trustwatch' }));
  await mgmtIam.send(
    new PutUserPolicyCommand({
      UserName: 'trustwatch',
      PolicyName: 'assume-readers',
      PolicyDocument: doc({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: [managementAccountId, ci, prod, sandbox].map(
              (a) => `arn:aws:iam::${a}:role${READER_ROLE_PATH}${READER_ROLE_NAME}`,
            ),
          },
        ],
      }),
    }),
  );
  await mgmtIam.send(
    new PutUserPolicyCommand({
      UserName: 'trustwatch',
      PolicyName: 'read-organization',
      PolicyDocument: doc(organizationReaderPolicy()),
    }),
  );
  const trustwatch = await createKey(mgmtIam, 'trustwatch', managementAccountId);

  const iamOf = new Map<string, IAMClient>([[managementAccountId, mgmtIam]]);
  for (const a of [ci, prod, sandbox, noReader]) {
    iamOf.set(a, new IAMClient({ ...base, credentials: await memberCredentials(sts, a) }));
  }
  const iam = (a: string): IAMClient => iamOf.get(a) as IAMClient;

  for (const a of [managementAccountId, ci, prod, sandbox]) {
    await iam(a).send(
      new CreateRoleCommand({
        RoleName: READER_ROLE_NAME,
        Path: READER_ROLE_PATH,
        AssumeRolePolicyDocument: doc(readerTrustPolicy(trustwatch.arn)),
      }),
    );
    await iam(a).send(
      new PutRolePolicyCommand({
        RoleName: READER_ROLE_NAME,
        PolicyName: 'trustwatch-read',
        PolicyDocument: doc(readerPermissionsPolicy()),
      }),
    );
  }

  // ci: a deployer role that may assume anything, a user in a group without sts rights, the prober.
  const ciDeployer = `arn:aws:iam::${ci}:role/ci-deployer`;
  await iam(ci).send(
    new CreateRoleCommand({
      RoleName: 'ci-deployer',
      AssumeRolePolicyDocument: trust(`arn:aws:iam::${ci}:root`),
    }),
  );
  await iam(ci).send(
    new PutRolePolicyCommand({
      RoleName: 'ci-deployer',
      PolicyName: 'assume-any',
      PolicyDocument: doc(ALLOW_ASSUME_ANY),
    }),
  );
  await iam(ci).send(new CreateGroupCommand({ GroupName: 'developers' }));
  await iam(ci).send(
    new PutGroupPolicyCommand({
      GroupName: 'developers',
      PolicyName: 'read-artifacts',
      PolicyDocument: doc({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
      }),
    }),
  );
  const readOnly = await iam(ci).send(
    new CreateIamPolicyCommand({
      PolicyName: 'DescribeOnly',
      PolicyDocument: doc({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
      }),
    }),
  );
  await iam(ci).send(
    new AttachGroupPolicyCommand({
      GroupName: 'developers',
      PolicyArn: readOnly.Policy?.Arn ?? '',
    }),
  );
  await iam(ci).send(new CreateUserCommand({ UserName: 'alice' }));
  await iam(ci).send(new AddUserToGroupCommand({ UserName: 'alice', GroupName: 'developers' }));
  const alice = `arn:aws:iam::${ci}:user/alice`;
  await iam(ci).send(new CreateUserCommand({ UserName: 'prober' }));
  await iam(ci).send(
    new PutUserPolicyCommand({
      UserName: 'prober',
      PolicyName: 'read-only',
      PolicyDocument: doc({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }],
      }),
    }),
  );
  const prober = await createKey(iam(ci), 'prober', ci);

  // sandbox: a developer role allowed (by a managed policy) to assume roles anywhere.
  const sandboxDev = `arn:aws:iam::${sandbox}:role/sandbox-dev`;
  await iam(sandbox).send(
    new CreateRoleCommand({
      RoleName: 'sandbox-dev',
      AssumeRolePolicyDocument: trust(`arn:aws:iam::${sandbox}:root`),
    }),
  );
  const assumeRoles = await iam(sandbox).send(
    new CreateIamPolicyCommand({
      PolicyName: 'AssumeProdRoles',
      PolicyDocument: doc({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*' },
        ],
      }),
    }),
  );
  await iam(sandbox).send(
    new AttachRolePolicyCommand({
      RoleName: 'sandbox-dev',
      PolicyArn: assumeRoles.Policy?.Arn ?? '',
    }),
  );

  // prod: the target roles.
  const role = (name: string, trustDoc: string, a = prod) =>
    iam(a).send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustDoc }));
  await role('DeployRole', trust(`arn:aws:iam::${ci}:role/release-bot`));
  await role(
    'VendorAudit',
    trust(`arn:aws:iam::${ci}:root`, { StringEquals: { 'sts:ExternalId': 'vendor-7f3a' } }),
  );
  await role('ProdAdmin', trust(sandboxDev));
  await role('ReadOnlyAudit', trust(alice));
  await role('DeployRole', trust(ciDeployer), noReader);

  const roleCaller = (arn: string, accountId: string) => ({
    kind: 'role' as const,
    arn,
    accountId,
  });
  const scenarios: Scenario[] = [
    {
      name: 'trust policy does not name the caller',
      record: denialRecord({
        caller: roleCaller(ciDeployer, ci),
        roleArn: `arn:aws:iam::${prod}:role/DeployRole`,
      }),
      expectedCause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
    },
    {
      name: 'wrong ExternalId (request parameters logged)',
      record: denialRecord({
        caller: roleCaller(ciDeployer, ci),
        roleArn: `arn:aws:iam::${prod}:role/VendorAudit`,
        requestParameters: {
          roleArn: `arn:aws:iam::${prod}:role/VendorAudit`,
          roleSessionName: 'audit',
          externalId: 'vendor-0000',
        },
      }),
      expectedCause: 'TRUST_CONDITION_EXTERNAL_ID',
    },
    {
      name: 'SCP on the caller OU denies',
      record: denialRecord({
        caller: roleCaller(sandboxDev, sandbox),
        roleArn: `arn:aws:iam::${prod}:role/ProdAdmin`,
        errorMessage: `User: arn:aws:sts::${sandbox}:assumed-role/sandbox-dev/s is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${prod}:role/ProdAdmin with an explicit deny in a service control policy`,
      }),
      expectedCause: 'SCP_EXPLICIT_DENY',
    },
    {
      name: 'user (via group) has no identity allow',
      record: denialRecord({
        caller: { kind: 'user', arn: alice, accountId: ci },
        roleArn: `arn:aws:iam::${prod}:role/ReadOnlyAudit`,
        // AWS names the caller-side cause when the trust policy would allow.
        errorMessage: `User: ${alice} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${prod}:role/ReadOnlyAudit because no identity-based policy allows the sts:AssumeRole action`,
      }),
      expectedCause: 'IDENTITY_NO_ALLOW',
    },
    {
      name: 'role name mistyped',
      record: denialRecord({
        caller: roleCaller(ciDeployer, ci),
        roleArn: `arn:aws:iam::${prod}:role/DeplyRole`,
      }),
      expectedCause: 'ROLE_NOT_FOUND',
    },
    {
      name: 'target account has no reader role',
      record: denialRecord({
        caller: roleCaller(ciDeployer, ci),
        roleArn: `arn:aws:iam::${noReader}:role/DeployRole`,
      }),
      expectedCause: 'INSUFFICIENT_DATA',
    },
  ];

  return {
    managementAccountId,
    orgId,
    rootId,
    ous: { workloads, sandbox: sandboxOu },
    accounts: { ci, prod, sandbox, noReader },
    trustwatch,
    prober,
    scenarios,
  };
}
