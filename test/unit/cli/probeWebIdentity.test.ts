import { join } from 'node:path';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { decodeTokenClaims } from '../../../lib/aws/webIdentity/decodeTokenClaims.js';
import { requestGithubIdToken } from '../../../lib/aws/webIdentity/requestGithubIdToken.js';
import { createProbeCommand } from '../../../lib/cli/probeCommand.js';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { ConfigError, InputError } from '../../../lib/errors/TrustwatchError.js';
import { githubClaims, jwt } from '../../support/oidcToken.js';
import { fakeIo } from './fakeIo.js';

const SCENARIO = join(
  import.meta.dirname,
  '../../scenarios/oidc-claim-github-environment-not-logged',
);
const ROLE = 'arn:aws:iam::100000000002:role/Target';

function deniedSts(): STSClient {
  const sts = new STSClient({ region: 'us-east-1' });
  const err = Object.assign(new Error('Not authorized to perform sts:AssumeRoleWithWebIdentity'), {
    name: 'AccessDenied',
  });
  mockClient(sts).on(AssumeRoleWithWebIdentityCommand).rejects(err);
  return sts;
}

describe('decodeTokenClaims', () => {
  it('reads every claim as IAM compares it, and the issuer as trust policies name it', () => {
    const t = decodeTokenClaims(jwt(githubClaims('staging')), 'token');
    expect(t.issuerHost).toBe('token.actions.githubusercontent.com');
    expect(t.sub).toBe('repo:example-org/payments-api:environment:staging');
    expect(t.claims).toMatchObject({
      environment: 'staging',
      run_attempt: '1',
      aud: 'sts.amazonaws.com',
    });
  });

  it.each([
    ['not.a-jwt', /three base64url parts/],
    [`a.${Buffer.from('nope').toString('base64url')}.c`, /not base64url-encoded JSON/],
    [jwt({ sub: 'x' }), /no `iss` claim/],
  ])('refuses %s in one line naming the file', (token, message) => {
    expect(() => decodeTokenClaims(token, 'tok.jwt')).toThrow(InputError);
    expect(() => decodeTokenClaims(token, 'tok.jwt')).toThrow(message);
  });
});

describe('trustwatch probe --web-identity-token-file', () => {
  async function probe(environment: string, format: 'json' | 'text') {
    const io = fakeIo();
    const files: Record<string, string> = { 'token.jwt': jwt(githubClaims(environment)) };
    const read = io.readText;
    io.readText = async (p) => (p in files ? (files[p] as string) : read(p));
    const code = await createProbeCommand({ sts: deniedSts() })(
      [
        '--role-arn',
        ROLE,
        '--web-identity-token-file',
        'token.jwt',
        '--snapshot',
        join(SCENARIO, 'snapshot.json'),
        '--format',
        format,
      ],
      io,
    );
    return { code, out: io.out.join(''), err: io.err.join('') };
  }

  it('confirms the claim condition CloudTrail could only call likely: every claim is known', async () => {
    const { code, out, err } = await probe('staging', 'json');
    expect(err).toBe('');
    expect(code).toBe(1);
    const doc = explainOutputSchema.parse(JSON.parse(out));
    expect(doc.state).toEqual({ kind: 'snapshot', label: join(SCENARIO, 'snapshot.json') });
    const [cause] = doc.diagnoses[0]?.causes ?? [];
    expect(cause).toMatchObject({
      code: 'OIDC_CLAIM_MISMATCH',
      confidence: 'confirmed',
      evidence: {
        conditionKey: 'token.actions.githubusercontent.com:environment',
        actual: ['staging'],
      },
    });
  });

  it('says the claims were decoded without a signature check', async () => {
    const { out } = await probe('staging', 'text');
    expect(out).toContain('token claims decoded without checking the signature');
    expect(out).toContain(
      'job_workflow_ref=example-org/payments-api/.github/workflows/deploy.yml@refs/heads/main',
    );
  });

  it('finds nothing to blame when the token satisfies the trust policy', async () => {
    const { code, out } = await probe('production', 'json');
    expect(code).toBe(1);
    const doc = explainOutputSchema.parse(JSON.parse(out));
    expect(doc.diagnoses[0]?.causes.map((c) => [c.code, c.confidence])).toEqual([
      ['NO_CAUSE_FOUND', 'confirmed'],
    ]);
  });

  it('refuses --external-id with a web identity, and both token sources at once', async () => {
    for (const extra of [
      ['--external-id', 'x', '--web-identity-token-file', 't'],
      ['--web-identity-token-file', 't', '--github-audience', 'sts.amazonaws.com'],
    ]) {
      const io = fakeIo();
      await expect(createProbeCommand()(['--role-arn', ROLE, ...extra], io)).rejects.toThrow(
        ConfigError,
      );
    }
  });
});

describe('requestGithubIdToken', () => {
  it('asks GitHub for the job token with the audience and the bearer token', async () => {
    let asked: { url: string; auth: string | null } | undefined;
    const fakeFetch = (async (url: URL, init: RequestInit) => {
      asked = { url: String(url), auth: new Headers(init.headers).get('authorization') };
      return new Response(JSON.stringify({ value: 'eyJ.token.sig' }), { status: 200 });
    }) as unknown as typeof fetch;
    const token = await requestGithubIdToken(
      'sts.amazonaws.com',
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.example/idtoken?api-version=2.0',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
      },
      fakeFetch,
    );
    expect(token).toBe('eyJ.token.sig');
    expect(asked).toEqual({
      url: 'https://pipelines.example/idtoken?api-version=2.0&audience=sts.amazonaws.com',
      auth: 'bearer runtime-token',
    });
  });

  it('outside GitHub Actions says what is missing', async () => {
    await expect(requestGithubIdToken('sts.amazonaws.com', {})).rejects.toThrow(
      /permissions: id-token: write/,
    );
  });
});
