import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorName } from '../aws/awsErrors.js';
import { createClientFactory } from '../aws/clients.js';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import { decodeTokenClaims, type TokenClaims } from '../aws/webIdentity/decodeTokenClaims.js';
import { requestGithubIdToken } from '../aws/webIdentity/requestGithubIdToken.js';
import { buildWebIdentityProbeEvent } from '../aws/webIdentity/webIdentityProbeEvent.js';
import { InputError } from '../errors/TrustwatchError.js';
import { explainEvent } from '../explain/explainEvent.js';
import { snapshotOrLiveState } from '../iam/StateLabel.js';
import { parseErrorMessage } from '../intake/parseErrorMessage.js';
import { renderJson } from '../render/renderJson.js';
import { renderText } from '../render/renderText.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import type { CliIo } from './CliIo.js';
import { describeReadError } from './describeReadError.js';
import type { ProbeArgs } from './probeCommand.js';
import type { WebIdentityTokenSource } from './webIdentityTokenSource.js';

export interface WebIdentityProbeDeps {
  readonly sts?: STSClient;
  readonly fetch?: typeof fetch;
  readonly stateSource: () => Promise<IamStateSource>;
}

/** What the claims line says, once: trustwatch reads the token, STS verifies it. */
export const UNVERIFIED_CLAIMS_NOTE =
  'token claims decoded without checking the signature (STS checks it; trustwatch only reads them)';

async function readToken(source: WebIdentityTokenSource, io: CliIo, deps: WebIdentityProbeDeps) {
  if (source.kind === 'github') {
    const token = await requestGithubIdToken(source.audience, io.env, deps.fetch);
    return { token, from: 'the GitHub Actions job token' };
  }
  try {
    return { token: await io.readText(source.file), from: source.file };
  } catch (err) {
    throw new InputError(describeReadError(err), { cause: err, context: { file: source.file } });
  }
}

function claimsLine(t: TokenClaims): string {
  const shown = Object.entries(t.claims)
    .filter(([k]) => !['iat', 'exp', 'nbf', 'jti'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.join(',')}`);
  return `${UNVERIFIED_CLAIMS_NOTE}:\n  ${shown.join('\n  ')}\n`;
}

/** STS rejections trustwatch explains: a denial, or a token refused for an IAM set-up reason. */
function explainable(code: string, message: string): boolean {
  if (code === 'AccessDenied' || code === 'AccessDeniedException') return true;
  if (code !== 'InvalidIdentityToken') return false;
  const kind = parseErrorMessage(message).kind;
  return kind === 'oidc-provider-missing' || kind === 'oidc-audience-rejected';
}

/**
 * `trustwatch probe --web-identity-token-file FILE | --github-audience AUD`:
 * calls `AssumeRoleWithWebIdentity` with the token and, when STS refuses,
 * explains that very attempt with every claim of the token known, so a
 * condition on `environment` or `job_workflow_ref` is confirmed, not guessed.
 */
export async function probeWebIdentity(
  args: ProbeArgs,
  live: LiveSourceOptions,
  source: WebIdentityTokenSource,
  io: CliIo,
  deps: WebIdentityProbeDeps,
): Promise<number> {
  const { token, from } = await readToken(source, io, deps);
  const claims = decodeTokenClaims(token, from);
  const clients = createClientFactory({
    env: io.env,
    ...(live.region === undefined ? {} : { region: live.region }),
  });
  const sts = deps.sts ?? new STSClient({ region: clients.region, maxAttempts: 3 });
  try {
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: args.roleArn,
        RoleSessionName: args.sessionName,
        WebIdentityToken: token.trim(),
      }),
    );
    const assumed = out.AssumedRoleUser?.Arn ?? '(no arn returned)';
    if (args.format === 'json') {
      io.stdout(
        `${JSON.stringify({ assumed: true, claims: claims.claims, assumedRoleArn: assumed }, null, 2)}\n`,
      );
    } else {
      io.stdout(
        `the token of ${claims.issuerHost} (sub ${claims.sub ?? 'none'}) may assume ${args.roleArn}\n  assumed identity: ${assumed}\n`,
      );
    }
    return 0;
  } catch (err) {
    const code = awsErrorName(err);
    const message = (err as Error).message;
    if (!explainable(code, message)) throw err;
    const state = snapshotOrLiveState(args.snapshot, live.profile, io.env);
    const event = buildWebIdentityProbeEvent({
      roleArn: args.roleArn,
      roleSessionName: args.sessionName,
      token: claims,
      errorCode: code,
      errorMessage: message,
      region: clients.region,
      at: io.now(),
    });
    const diagnosis = await explainEvent(event, await deps.stateSource());
    const out = { state, diagnoses: [diagnosis], skipped: [] };
    if (args.format === 'json') {
      io.stdout(renderJson(out));
    } else {
      io.stdout(`the token of ${claims.issuerHost} may not assume ${args.roleArn}\n`);
      io.stdout(claimsLine(claims));
      io.stdout('\n');
      io.stdout(renderText(out, { color: io.isTty && io.env.NO_COLOR === undefined }));
    }
    return 1;
  }
}
