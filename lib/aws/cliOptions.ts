import { parseArgs } from 'node:util';
import { ConfigError } from '../errors/TrustwatchError.js';
import type { LiveSourceOptions } from './createLiveStateSource.js';
import { ACCOUNT_PROFILE_USAGE, parseAccountProfiles } from './credentials/accountProfileOption.js';

/** Options every live command shares: where the credentials and the reader roles are. */
export const LIVE_OPTION_SPEC = {
  profile: { type: 'string' },
  region: { type: 'string' },
  'reader-role': { type: 'string' },
  'reader-role-path': { type: 'string' },
  'reader-external-id': { type: 'string' },
  'org-role-arn': { type: 'string' },
  'account-profile': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export const LIVE_OPTIONS_USAGE = `  --profile P              AWS profile (standard credential chain otherwise)
  --region R               AWS region for STS (IAM and Organizations use us-east-1)
  --reader-role NAME       reader role in every account (default trustwatch-reader)
  --reader-role-path PATH  its path (default /trustwatch/)
  --reader-external-id X   ExternalId the reader roles require
  --org-role-arn ARN       role to read Organizations with (management or delegated admin)
${ACCOUNT_PROFILE_USAGE}`;

type Spec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * `node:util` parseArgs, strict, with errors turned into one-line
 * `ConfigError`s (`unknown option `--x``).
 */
export function parseCommandArgs<S extends Spec>(
  argv: readonly string[],
  spec: S,
  allowPositionals = false,
): {
  values: {
    [K in keyof S]?: S[K]['type'] extends 'boolean'
      ? boolean
      : S[K]['multiple'] extends true
        ? string[]
        : string;
  };
  positionals: string[];
} {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: spec,
      strict: true,
      allowPositionals,
    });
    return { values: values as never, positionals };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const msg = (err as Error).message;
    const opt = /(--?[\w-]+)/.exec(msg)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new ConfigError(`unknown option \`${opt ?? msg}\``);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new ConfigError(`option \`${opt ?? '?'}\` needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new ConfigError(`unexpected argument \`${/'([^']*)'/.exec(msg)?.[1] ?? msg}\``);
    }
    throw new ConfigError(msg.toLowerCase());
  }
}

/** The live-source options named on the command line. */
export function liveOptionsFrom(values: {
  profile?: string | undefined;
  region?: string | undefined;
  'reader-role'?: string | undefined;
  'reader-role-path'?: string | undefined;
  'reader-external-id'?: string | undefined;
  'org-role-arn'?: string | undefined;
  'account-profile'?: string[] | undefined;
}): LiveSourceOptions {
  return {
    // The CLI reads accounts without a usable reader role with the user's own profiles.
    ownProfiles: true,
    ...(values['account-profile'] === undefined
      ? {}
      : { accountProfiles: parseAccountProfiles(values['account-profile']) }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values['reader-role'] === undefined ? {} : { readerRoleName: values['reader-role'] }),
    ...(values['reader-role-path'] === undefined
      ? {}
      : { readerRolePath: values['reader-role-path'] }),
    ...(values['reader-external-id'] === undefined
      ? {}
      : { readerExternalId: values['reader-external-id'] }),
    ...(values['org-role-arn'] === undefined ? {} : { orgRoleArn: values['org-role-arn'] }),
  };
}

/** `a,b,c` → `['a','b','c']`, checking each item. */
export function commaList(text: string, what: string, valid: RegExp): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new ConfigError(`\`--${what}\` needs at least one value`);
  for (const item of items) {
    if (!valid.test(item))
      throw new ConfigError(`\`${item}\` is not a valid value for \`--${what}\``);
  }
  return [...new Set(items)];
}

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;
