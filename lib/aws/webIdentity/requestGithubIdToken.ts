import { ConfigError } from '../../errors/TrustwatchError.js';

/**
 * The job's own OIDC token, requested from GitHub Actions as
 * configure-aws-credentials does: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…`
 * with `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`. Both variables
 * exist only in a job with `permissions: id-token: write`.
 */
export async function requestGithubIdToken(
  audience: string,
  env: Readonly<Record<string, string | undefined>>,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (url === undefined || bearer === undefined || url === '' || bearer === '') {
    throw new ConfigError(
      '`--github-audience` needs the job token variables ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN: run it inside GitHub Actions, in a job with `permissions: id-token: write`',
    );
  }
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  let res: Response;
  try {
    res = await fetchImpl(target, {
      headers: { Authorization: `bearer ${bearer}`, Accept: 'application/json' },
    });
  } catch (err) {
    throw new ConfigError(
      `cannot request the job's OIDC token from GitHub: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (!res.ok)
    throw new ConfigError(`GitHub refused the job's OIDC token request: HTTP ${res.status}`);
  const body = (await res.json().catch(() => undefined)) as { value?: unknown } | undefined;
  if (typeof body?.value !== 'string' || body.value === '')
    throw new ConfigError("GitHub's OIDC token response has no `value`");
  return body.value;
}
