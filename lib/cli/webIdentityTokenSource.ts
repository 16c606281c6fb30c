import { ConfigError } from '../errors/TrustwatchError.js';

/** Where `probe` takes its OIDC token from. */
export type WebIdentityTokenSource =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'github'; readonly audience: string };

/** `--web-identity-token-file FILE` or `--github-audience AUD` (not both), if either. */
export function webIdentityTokenSource(values: {
  readonly 'web-identity-token-file'?: string | undefined;
  readonly 'github-audience'?: string | undefined;
}): WebIdentityTokenSource | undefined {
  const file = values['web-identity-token-file'];
  const audience = values['github-audience'];
  if (file !== undefined && audience !== undefined)
    throw new ConfigError(
      'use either `--web-identity-token-file` or `--github-audience`, not both',
    );
  if (file !== undefined) return { kind: 'file', file };
  if (audience === undefined) return undefined;
  if (audience.trim() === '') throw new ConfigError('`--github-audience` needs an audience');
  return { kind: 'github', audience };
}
