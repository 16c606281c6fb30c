import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProbeCommand } from '../../../lib/cli/probeCommand.js';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { memoryIo } from '../../support/memoryIo.js';
import { buildTestOrg, memberCredentials, type TestOrg } from '../../support/motoOrg.js';
import { resetMoto, setMotoAuth, useMotoEnvironment } from '../../support/motoServer.js';
import { githubClaims, jwt } from '../../support/oidcToken.js';

/**
 * `trustwatch probe --github-audience` end to end: the job token is requested
 * from a local stand-in of GitHub's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL),
 * the role, its trust policy and the OIDC provider live in moto and are read
 * live through the reader role, with IAM enforcement on. moto 5.2.1 grants
 * every AssumeRoleWithWebIdentity (moto/sts/models.py hands it to assume_role
 * without an authorization check) and, with enforcement on, cannot serve this
 * unsigned call at all: the success path calls moto's STS with enforcement
 * off, the denial path gets STS's AccessDenied from a mocked client instance.
 */
const endpoint = inject('motoEndpoint');
let restoreEnv: () => void;
let org: TestOrg;
let github: Server;
let githubUrl: string;
let environment = 'staging';
let role: string;

beforeAll(async () => {
  restoreEnv = useMotoEnvironment(endpoint);
  await setMotoAuth(endpoint, false);
  await resetMoto(endpoint);
  org = await buildTestOrg();
  const iam = new IAMClient({
    region: 'us-east-1',
    credentials: await memberCredentials(new STSClient({ region: 'us-east-1' }), org.accounts.prod),
  });
  const provider = (
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    )
  ).OpenIDConnectProviderArn;
  role = `arn:aws:iam::${org.accounts.prod}:role/GitHubDeploy`;
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'GitHubDeploy',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: provider },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:environment': 'production',
              },
              StringLike: {
                'token.actions.githubusercontent.com:sub': 'repo:example-org/payments-api:*',
              },
            },
          },
        ],
      }),
    }),
  );
  github = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.headers.authorization !== 'bearer job-runtime-token') {
      res.writeHead(401).end();
      return;
    }
    const claims = { ...githubClaims(environment), aud: url.searchParams.get('audience') };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: jwt(claims) }));
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}/idtoken?api-version=2.0`;
  process.env.AWS_ACCESS_KEY_ID = org.trustwatch.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = org.trustwatch.credentials.secretAccessKey;
  await setMotoAuth(endpoint, true);
});

afterAll(async () => {
  await setMotoAuth(endpoint, false);
  await new Promise((resolve) => github.close(resolve));
  restoreEnv();
});

function jobIo() {
  return memoryIo({
    env: {
      ...process.env,
      ACTIONS_ID_TOKEN_REQUEST_URL: githubUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'job-runtime-token',
    },
  });
}

describe('trustwatch probe --github-audience (moto, IAM enforcement on)', () => {
  it('assumes the role through moto STS with the job token it requested', async () => {
    environment = 'production';
    const io = jobIo();
    await setMotoAuth(endpoint, false);
    const code = await createProbeCommand()(
      ['--role-arn', role, '--github-audience', 'sts.amazonaws.com', '--live'],
      io,
    ).finally(() => setMotoAuth(endpoint, true));
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain(`may assume ${role}`);
    expect(io.out()).toContain('assumed identity: arn:aws:sts::');
  });

  it('explains a denial with every claim known, reading the trust policy live', async () => {
    environment = 'staging';
    const sts = new STSClient({ region: 'us-east-1' });
    mockClient(sts)
      .on(AssumeRoleWithWebIdentityCommand)
      .rejects(
        Object.assign(new Error('Not authorized to perform sts:AssumeRoleWithWebIdentity'), {
          name: 'AccessDenied',
        }),
      );
    const io = jobIo();
    const code = await createProbeCommand({ sts })(
      ['--role-arn', role, '--github-audience', 'sts.amazonaws.com', '--live', '--format', 'json'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(1);
    const doc = explainOutputSchema.parse(JSON.parse(io.out()));
    expect(doc.state.kind).toBe('live');
    const causes = doc.diagnoses[0]?.causes ?? [];
    expect(causes[0]).toMatchObject({
      code: 'OIDC_CLAIM_MISMATCH',
      confidence: 'confirmed',
      evidence: {
        policy: `trust policy of ${role}`,
        conditionKey: 'token.actions.githubusercontent.com:environment',
        actual: ['staging'],
      },
    });
  });
});
