import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { memoryIo } from '../../support/memoryIo.js';
import { buildTestOrg, createKey, memberCredentials, type TestOrg } from '../../support/motoOrg.js';
import { resetMoto, setMotoAuth, useMotoEnvironment } from '../../support/motoServer.js';

/**
 * `explain --live` with the user's own profiles, on moto with two accounts
 * and IAM enforcement on: a developer of the ci account (profile `dev`) who
 * may not assume trustwatch's reader roles but may read IAM in ci, and a role
 * profile of their AWS config, `prod-readonly`, whose role lacks `iam:GetRole`.
 * No profile of the config names ci: `--profile dev` reads its own account.
 */
const endpoint = inject('motoEndpoint');
let restoreEnv: () => void;
let org: TestOrg;

const doc = (o: unknown) => JSON.stringify(o);

beforeAll(async () => {
  restoreEnv = useMotoEnvironment(endpoint);
  await setMotoAuth(endpoint, false);
  await resetMoto(endpoint);
  org = await buildTestOrg();
  const sts = new STSClient({ region: 'us-east-1' });
  const { ci, prod } = org.accounts;
  const iamCi = new IAMClient({
    region: 'us-east-1',
    credentials: await memberCredentials(sts, ci),
  });
  const iamProd = new IAMClient({
    region: 'us-east-1',
    credentials: await memberCredentials(sts, prod),
  });
  await iamCi.send(new CreateUserCommand({ UserName: 'dev-alice' }));
  await iamCi.send(
    new PutUserPolicyCommand({
      UserName: 'dev-alice',
      PolicyName: 'assume-readonly-roles',
      PolicyDocument: doc({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*ReadOnly' },
          { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
          { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
        ],
      }),
    }),
  );
  const alice = await createKey(iamCi, 'dev-alice', ci);
  const trustAlice = doc({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }],
  });
  const readOnly = async (iam: IAMClient, name: string, actions: string[]) => {
    await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustAlice }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'read',
        PolicyDocument: doc({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: actions, Resource: '*' },
            { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
          ],
        }),
      }),
    );
  };
  await readOnly(iamCi, 'CiReadOnly', ['iam:Get*', 'iam:List*']);
  await readOnly(iamProd, 'ProdReadOnly', ['iam:ListRoles']);

  const dir = mkdtempSync(join(tmpdir(), 'tw-profiles-'));
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      '[profile dev]',
      `aws_access_key_id = ${alice.credentials.accessKeyId}`,
      `aws_secret_access_key = ${alice.credentials.secretAccessKey}`,
      'region = us-east-1',
      '',
      '[profile prod-readonly]',
      `role_arn = arn:aws:iam::${prod}:role/ProdReadOnly`,
      'source_profile = dev',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'credentials'), '');
  process.env.AWS_CONFIG_FILE = config;
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  // Only the profiles are the user's credentials: no keys in the environment.
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  await setMotoAuth(endpoint, true);
});

afterAll(async () => {
  await setMotoAuth(endpoint, false);
  delete process.env.AWS_CONFIG_FILE;
  delete process.env.AWS_SHARED_CREDENTIALS_FILE;
  restoreEnv();
});

async function explain(args: string[]) {
  const io = memoryIo();
  const code = await main(
    ['explain', '--live', '--profile', 'dev', '--format', 'json', ...args],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe('explain --live with your own profiles (moto, IAM enforcement on)', () => {
  it('reads the role account with the profile of your config for it, and names the refused call', async () => {
    const message = `User: arn:aws:iam::${org.accounts.ci}:user/dev-alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${org.accounts.prod}:role/DeployRole`;
    const { code, out, err } = await explain(['--message', message]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const doc = explainOutputSchema.parse(JSON.parse(out));
    expect(doc.state).toEqual({ kind: 'live', label: 'profile dev' });
    const d = doc.diagnoses[0];
    expect(d?.input).toBe('message');
    const insufficient = d?.causes.find((c) => c.code === 'INSUFFICIENT_DATA');
    expect(JSON.stringify(insufficient)).toContain(
      `\`iam:GetRole\` was denied for profile \`prod-readonly\` in account \`${org.accounts.prod}\``,
    );
    // The causes still possible follow it, none confirmed without the role's trust policy.
    expect(d?.causes[0]?.code).toBe('INSUFFICIENT_DATA');
    expect(d?.causes.length).toBeGreaterThan(1);
    const possible = d?.causes.filter((c) => c.code !== 'INSUFFICIENT_DATA') ?? [];
    expect(possible.map((c) => c.code)).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(possible.every((c) => c.confidence === 'possible')).toBe(true);
  });

  it('uses the profile named with --account-profile, and refuses one of another account', async () => {
    const message = `User: arn:aws:iam::${org.accounts.ci}:user/dev-alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${org.accounts.prod}:role/DeployRole`;
    const { code, out } = await explain([
      '--account-profile',
      `${org.accounts.prod}=dev`,
      '--message',
      message,
    ]);
    expect(code).toBe(0);
    expect(out).toContain(
      `profile \`dev\` reads account \`${org.accounts.ci}\`, not \`${org.accounts.prod}\``,
    );
  });

  it('reads the caller account with --profile itself: the identity side is explained, not guessed', async () => {
    const message = `User: arn:aws:iam::${org.accounts.ci}:user/dev-alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${org.accounts.ci}:role/CiReadOnly`;
    const { code, out } = await explain(['--message', message]);
    expect(code).toBe(0);
    const d = explainOutputSchema.parse(JSON.parse(out)).diagnoses[0];
    // CiReadOnly trusts dev-alice and her policy allows *ReadOnly: ci read with dev, neither
    // side blocks; only the organization's policies (dev may not read Organizations) stay unknown.
    expect(d?.causes.map((c) => c.code)).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA']);
    expect(d?.causes.every((c) => /organizations:DescribeOrganization/.test(c.summary))).toBe(true);
  });
});
