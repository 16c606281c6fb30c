import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildProbeEvent } from '../../../lib/aws/probeEvent.js';
import { createProbeCommand, parseProbeArgs } from '../../../lib/cli/probeCommand.js';
import { parseSnapshotArgs } from '../../../lib/cli/snapshotCommand.js';
import type { ExplainOutput } from '../../../lib/diagnosis/Diagnosis.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { memoryIo } from '../../support/memoryIo.js';

const sts = mockClient(STSClient);
const CREDS = { accessKeyId: 'AKIA', secretAccessKey: 'x' };
const ROLE = 'arn:aws:iam::222222222222:role/DeployRole';

beforeEach(() => sts.reset());

describe('parseSnapshotArgs', () => {
  it('reads the options', () => {
    expect(
      parseSnapshotArgs([
        '--out',
        'o.json',
        '--accounts',
        '111111111111, 222222222222',
        '--resume',
        '--concurrency',
        '8',
        '--profile',
        'p',
      ]),
    ).toEqual({
      out: 'o.json',
      accounts: ['111111111111', '222222222222'],
      resume: true,
      concurrency: 8,
      aws: { profile: 'p' },
    });
  });

  it.each([
    [[], 'missing `--out FILE`'],
    [
      ['--out', 'o', '--all', '--accounts', '111111111111'],
      'use either `--accounts` or `--all`, not both',
    ],
    [['--out', 'o', '--accounts', '12'], '`12` is not a valid value for `--accounts`'],
    [
      ['--out', 'o', '--concurrency', '0'],
      '`--concurrency` must be an integer from 1 to 32, got `0`',
    ],
    [['--out', 'o', '--nope'], 'unknown option `--nope`'],
    [['--out'], 'option `--out` needs a value'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseSnapshotArgs(argv)).toThrow(ConfigError);
    expect(() => parseSnapshotArgs(argv)).toThrow(message);
  });
});

describe('parseProbeArgs', () => {
  it.each([
    [[], 'missing `--role-arn ARN`'],
    [['--role-arn', 'arn:aws:s3:::b'], '`arn:aws:s3:::b` is not an iam role arn'],
    [
      ['--role-arn', ROLE, '--serial-number', 'arn:aws:iam::1:mfa/x'],
      '`--serial-number` and `--token-code` go together',
    ],
    [
      ['--role-arn', ROLE, '--snapshot', 'f', '--live'],
      'use either `--snapshot` or `--live`, not both',
    ],
    [
      ['--role-arn', ROLE, '--session-name', 'has space'],
      '`has space` is not a valid role session name',
    ],
    [['--role-arn', ROLE, '--format', 'slack'], 'unknown format `slack` (expected text or json)'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseProbeArgs(argv)).toThrow(message);
  });
});

describe('buildProbeEvent', () => {
  const base = {
    roleArn: 'arn:aws:iam::222222222222:role/team/DeployRole',
    roleSessionName: 'trustwatch-probe',
    tokenCodeSent: false,
    errorCode: 'AccessDenied',
    errorMessage:
      'User: arn:aws:sts::111111111111:assumed-role/ci/s is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/team/DeployRole',
    region: 'eu-west-1',
    at: new Date('2026-03-02T09:14:07Z'),
  };

  it('marks every request input as logged and keeps the role path', () => {
    const e = buildProbeEvent({
      ...base,
      externalId: 'x-1',
      identity: {
        arn: 'arn:aws:sts::111111111111:assumed-role/ci/s',
        account: '111111111111',
        userId: 'AROACI:s',
      },
      issuerArn: 'arn:aws:iam::111111111111:role/build/ci',
    });
    expect(e.request).toEqual({
      logged: true,
      roleSessionName: 'trustwatch-probe',
      externalId: 'x-1',
    });
    expect(e.target).toEqual({
      roleArn: base.roleArn,
      accountId: '222222222222',
      roleName: 'DeployRole',
      rolePath: '/team/',
      source: 'requestParameters',
    });
    expect(e.caller).toMatchObject({
      type: 'AssumedRole',
      issuerArn: 'arn:aws:iam::111111111111:role/build/ci',
      issuerUniqueId: 'AROACI',
      sessionName: 's',
    });
    expect(e.errorMessage.kind).toBe('not-authorized');
  });

  it.each([
    ['arn:aws:iam::111111111111:user/alice', 'IAMUser'],
    ['arn:aws:iam::111111111111:root', 'Root'],
    ['arn:aws:sts::111111111111:federated-user/bob', 'FederatedUser'],
  ])('reads %s as %s', (arn, type) => {
    expect(
      buildProbeEvent({ ...base, identity: { arn, account: '111111111111', userId: 'X' } }).caller
        .type,
    ).toBe(type);
  });
});

describe('probe command (mocked STS)', () => {
  const demoCaller = 'arn:aws:sts::111111111111:assumed-role/ci-deployer/i-0a1b2c3d4e5f60789';

  it('explains a denial against the snapshot and exits 1', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Arn: demoCaller,
      Account: '111111111111',
      UserId: 'AROAEXAMPLECIDEPLOY1:i-0a1b2c3d4e5f60789',
    });
    sts.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        message: `User: ${demoCaller} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const probe = createProbeCommand({
      credentials: CREDS,
      source: new SnapshotStateSource(demoSnapshot()),
    });
    const io = memoryIo({ env: {} });
    expect(await probe(['--role-arn', ROLE, '--format', 'json'], io)).toBe(1);
    const out = JSON.parse(io.out()) as ExplainOutput;
    expect(out.diagnoses[0]?.caller.arn).toBe(demoCaller);
    expect(out.diagnoses[0]?.causes.length).toBeGreaterThan(0);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ROLE,
      RoleSessionName: 'trustwatch-probe',
    });
  });

  it('lets errors that are not a denial through (main prints them on one line)', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: demoCaller, Account: '111111111111', UserId: 'U' });
    sts.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'ValidationError',
        message: 'bad duration',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const probe = createProbeCommand({
      credentials: CREDS,
      source: new SnapshotStateSource(demoSnapshot()),
    });
    await expect(probe(['--role-arn', ROLE], memoryIo({ env: {} }))).rejects.toThrow(
      'bad duration',
    );
  });
});
