import type { AwsClientFactory } from '../aws/clients.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import { profileDefined } from './awsOptions.js';

/** Why the caller's AWS credentials did not work, in words a user can act on. */
export function credentialProblem(err: unknown, profile: string): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    Code?: unknown;
    message?: unknown;
  };
  const name = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '').trim() : '';
  const login = `run \`aws sso login --profile ${profile}\` or \`aws configure --profile ${profile}\``;
  if (/profile .* could not be found|could not resolve credentials using profile/i.test(message))
    return `the profile is in neither ~/.aws/config nor ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)`;
  if (/sso session .*(expired|invalid)|token .*expired.*sso|sso.*token/i.test(message))
    return `its IAM Identity Center (SSO) session has expired or was never started: run \`aws sso login --profile ${profile}\``;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return `no credentials found: ${login}, or set AWS_PROFILE`;
  if (/^Expired/.test(name) || name === 'RequestExpired')
    return `the credentials have expired (${name}): ${login}`;
  if (
    ['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException'].includes(name)
  )
    return `AWS does not accept the credentials (${name}): ${login}`;
  if (name === 'AccessDenied' || name === 'AccessDeniedException')
    return `AWS refused sts:GetCallerIdentity (${name}): the credentials are denied everything`;
  const detail = message === '' || message === name ? name : `${name}: ${message}`;
  return `they could not be used (${detail || 'unknown error'})`;
}

/**
 * Asks STS who the caller is (`sts:GetCallerIdentity` needs no permission):
 * missing, expired or refused credentials become one `ConfigError` naming
 * the profile, before a command starts work that would otherwise fail once
 * per account.
 */
export async function checkCredentials(
  clients: AwsClientFactory,
  profile: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ readonly arn: string; readonly account: string; readonly userId: string }> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  try {
    const who = await clients.sts().send(new GetCallerIdentityCommand({}));
    return { arn: who.Arn ?? '', account: who.Account ?? '', userId: who.UserId ?? '' };
  } catch (err) {
    // The SDK says "could not load credentials" for a profile that does not exist at all.
    const named = env.AWS_PROFILE !== undefined || profile !== 'default';
    const problem =
      named && isCredentialsProviderError(err) && !(await profileDefined(profile, env))
        ? 'the profile is in neither ~/.aws/config nor ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)'
        : credentialProblem(err, profile);
    throw new ConfigError(`AWS credentials of profile \`${profile}\`: ${problem}`, {
      cause: err,
    });
  }
}

function isCredentialsProviderError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'CredentialsProviderError';
}
