import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { credentialProblem } from '../../../lib/cli/checkCredentials.js';
import { main } from '../../../lib/cli/main.js';
import { memoryIo } from '../../support/memoryIo.js';

const sts = mockClient(STSClient);
const dir = mkdtempSync(join(tmpdir(), 'tw-creds-'));
const CONFIG = join(dir, 'config');
writeFileSync(CONFIG, '[profile dev]\nregion = eu-west-1\n[default]\nregion = us-east-1\n');
const CREDENTIALS = join(dir, 'credentials');
writeFileSync(CREDENTIALS, '[keys-only]\naws_access_key_id = AKIA\n');
const FILES = { AWS_CONFIG_FILE: CONFIG, AWS_SHARED_CREDENTIALS_FILE: CREDENTIALS };
beforeEach(() => sts.reset());

function stsError(name: string, message: string): STSServiceException {
  return new STSServiceException({ name, message, $fault: 'client', $metadata: {} });
}

describe('snapshot with credentials that do not work', () => {
  it.each([
    [
      stsError('ExpiredToken', 'The security token included in the request is expired'),
      'the credentials have expired (ExpiredToken): run `aws sso login --profile dev` or `aws configure --profile dev`',
    ],
    [
      stsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'AWS does not accept the credentials (InvalidClientTokenId): run `aws sso login --profile dev` or `aws configure --profile dev`',
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      'no credentials found: run `aws sso login --profile dev` or `aws configure --profile dev`, or set AWS_PROFILE',
    ],
  ])('exits 2 with one line naming the profile and writes no file (%s)', async (err, problem) => {
    sts.on(GetCallerIdentityCommand).rejects(err);
    const io = memoryIo({ files: { 'old.json': 'kept' }, env: { ...FILES, AWS_PROFILE: 'dev' } });
    expect(await main(['snapshot', '--out', 'org.json'], io)).toBe(2);
    expect(io.err()).toBe(`trustwatch snapshot: AWS credentials of profile \`dev\`: ${problem}\n`);
    expect(io.out()).toBe('');
    expect([...io.files.keys()]).toEqual(['old.json']);
  });

  it('names the profile --profile gives over AWS_PROFILE', async () => {
    sts.on(GetCallerIdentityCommand).rejects(stsError('ExpiredToken', 'expired'));
    const io = memoryIo({ env: { ...FILES, AWS_PROFILE: 'dev' } });
    expect(await main(['snapshot', '--out', 'o.json', '--profile', 'prod-admin'], io)).toBe(2);
    expect(io.err()).toMatch(/^trustwatch snapshot: AWS credentials of profile `prod-admin`: /);
  });
});

describe('backfill with credentials that do not work', () => {
  it('exits 2 with one line naming the profile, before reading any region', async () => {
    sts.on(GetCallerIdentityCommand).rejects(stsError('ExpiredToken', 'expired'));
    const io = memoryIo({ env: { ...FILES, AWS_PROFILE: 'dev' } });
    expect(await main(['backfill', '--regions', 'eu-west-1'], io)).toBe(2);
    expect(io.err()).toBe(
      'trustwatch backfill: AWS credentials of profile `dev`: the credentials have expired (ExpiredToken): run `aws sso login --profile dev` or `aws configure --profile dev`\n',
    );
    expect(io.out()).toBe('');
  });
});

describe('a profile that does not exist', () => {
  const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });

  it.each([
    ['nope', true],
    ['dev', false],
    ['keys-only', false],
  ])('--profile %s: named as missing: %s', async (profile, missing) => {
    sts.on(GetCallerIdentityCommand).rejects(noCredentials);
    const io = memoryIo({ env: FILES });
    expect(await main(['snapshot', '--out', 'o.json', '--profile', profile], io)).toBe(2);
    expect(io.err().includes('is in neither ~/.aws/config nor ~/.aws/credentials')).toBe(missing);
    expect(io.err()).toContain(`profile \`${profile}\``);
  });
});

describe('credentialProblem', () => {
  it.each([
    [new Error('Profile nope could not be found in shared credentials file.'), /in neither/],
    [
      new Error(
        'The SSO session associated with this profile has expired or is otherwise invalid.',
      ),
      /SSO\) session has expired or was never started: run `aws sso login --profile p`/,
    ],
    [stsError('AccessDenied', 'no'), /refused sts:GetCallerIdentity/],
    [stsError('Throttling', 'Rate exceeded'), /could not be used \(Throttling: Rate exceeded\)/],
  ])('%s', (err, expected) => {
    expect(credentialProblem(err, 'p')).toMatch(expected);
  });
});
