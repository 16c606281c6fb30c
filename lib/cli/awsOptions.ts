import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import { parseAccountProfiles } from '../aws/credentials/accountProfileOption.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import type { CliIo } from './CliIo.js';
import type { OptionDef, OptionValues } from './commandLine.js';

/**
 * The AWS options of every command that reads AWS, spelled the same
 * everywhere: where the caller's credentials come from and which roles
 * trustwatch assumes with them.
 */
export const AWS_OPTIONS = {
  profile: {
    type: 'string',
    value: 'NAME',
    help: 'named profile of ~/.aws/config (default: AWS_PROFILE, then the standard chain)',
    group: 'aws',
  },
  region: {
    type: 'string',
    value: 'REGION',
    help: 'region of STS and CloudTrail calls (default: AWS_REGION, AWS_DEFAULT_REGION,\nthe profile’s region, us-east-1); IAM and Organizations use their home region',
    group: 'aws',
  },
  'reader-role': {
    type: 'string',
    value: 'NAME',
    help: 'name of the reader role in every account (default trustwatch-reader)',
    group: 'aws',
  },
  'reader-role-path': {
    type: 'string',
    value: 'PATH',
    help: 'its path (default /trustwatch/)',
    group: 'aws',
  },
  'reader-external-id': {
    type: 'string',
    value: 'ID',
    help: 'ExternalId the reader roles require, if any',
    group: 'aws',
  },
  'org-role-arn': {
    type: 'string',
    value: 'ARN',
    help: 'role to read Organizations with (management or delegated-administrator\naccount; default: the base credentials read it directly)',
    group: 'aws',
  },
  'account-profile': {
    type: 'string',
    multiple: true,
    value: 'ACCOUNT=PROFILE',
    help: 'read ACCOUNT with your own PROFILE instead of the reader role (repeatable);\nwithout it, an account whose reader role cannot be assumed is read with the\nprofile of your AWS config whose sso_account_id (or role_arn) is that account',
    group: 'aws',
  },
} as const satisfies Record<string, OptionDef>;

export type AwsOptionValues = OptionValues<typeof AWS_OPTIONS>;

/** `--format` with the given formats, and `--output`, the AWS CLI's spelling of it. */
export function formatOptions<const F extends readonly string[]>(formats: F) {
  return {
    format: {
      type: 'string',
      value: 'FORMAT',
      help: `${formats.join(', ')} (default ${formats[0]})`,
    },
    output: { type: 'string', value: 'FORMAT', help: '', aliasOf: 'format' },
  } as const satisfies Record<string, OptionDef>;
}

/** The `--format` value, checked against the command's formats. */
export function formatValue<const F extends readonly string[]>(
  formats: F,
  value: string | undefined,
): F[number] {
  const format = value ?? formats[0];
  if (!formats.includes(format as string)) {
    const list = `${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`;
    throw new ConfigError(`unknown format \`${format}\` (expected ${list})`);
  }
  return format as F[number];
}

/** The AWS options out of a command's parsed values. */
export function awsValuesOf(values: Readonly<Record<string, unknown>>): AwsOptionValues {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(AWS_OPTIONS)) {
    const v = values[name];
    if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[name] = [...v];
  }
  return out as AwsOptionValues;
}

/** `true` when any AWS option was given (commands that read AWS only with `--live` refuse them otherwise). */
export function anyAwsOption(values: AwsOptionValues): boolean {
  return Object.keys(AWS_OPTIONS).some((k) => values[k as keyof AwsOptionValues] !== undefined);
}

/**
 * The region of `profile` in the shared config file (`AWS_CONFIG_FILE`,
 * default ~/.aws/config): `[default]` or `[profile NAME]`, key `region`.
 * Absent file or key: undefined.
 */
export async function profileRegion(
  profile: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const file = env.AWS_CONFIG_FILE ?? join(env.HOME ?? homedir(), '.aws', 'config');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section !== null) {
      inSection = wanted.includes((section[1] as string).replace(/\s+/g, ' '));
      continue;
    }
    const kv = /^region\s*=\s*(\S+)$/.exec(line);
    if (inSection && kv !== null) return kv[1];
  }
  return undefined;
}

/**
 * Whether `profile` is defined in the shared config file (`[profile NAME]`,
 * `[default]`) or the shared credentials file (`[NAME]`,
 * `AWS_SHARED_CREDENTIALS_FILE`, default ~/.aws/credentials).
 */
export async function profileDefined(
  profile: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<boolean> {
  const home = env.HOME ?? homedir();
  const files: [string, readonly string[]][] = [
    [
      env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
      profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`],
    ],
    [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'), [profile]],
  ];
  for (const [file, names] of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split(/\r?\n/)) {
      const section = /^\s*\[\s*(.+?)\s*\]\s*(?:[#;].*)?$/.exec(raw);
      if (section !== null && names.includes((section[1] as string).replace(/\s+/g, ' ')))
        return true;
    }
  }
  return false;
}

/** The profile a command uses: `--profile`, else `AWS_PROFILE`, else `default` (for messages). */
export function profileName(values: AwsOptionValues, io: Pick<CliIo, 'env'>): string {
  return values.profile ?? io.env.AWS_PROFILE ?? io.env.AWS_DEFAULT_PROFILE ?? 'default';
}

/**
 * The live-source options the AWS options name, resolved as the AWS CLI
 * does: `--profile` over `AWS_PROFILE`; the region from `--region`, then
 * `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region` setting.
 */
export async function liveOptionsFrom(
  values: AwsOptionValues,
  io: Pick<CliIo, 'env'>,
): Promise<LiveSourceOptions> {
  const explicitProfile = values.profile ?? io.env.AWS_PROFILE;
  const region =
    values.region ??
    io.env.AWS_REGION ??
    io.env.AWS_DEFAULT_REGION ??
    (await profileRegion(profileName(values, io), io.env));
  const accountProfiles = values['account-profile'];
  return {
    // The CLI reads accounts without a usable reader role with the user's own profiles.
    ownProfiles: true,
    ...(accountProfiles === undefined
      ? {}
      : { accountProfiles: parseAccountProfiles(accountProfiles) }),
    ...(explicitProfile === undefined ? {} : { profile: explicitProfile }),
    ...(region === undefined ? {} : { region }),
    ...(values['reader-role'] === undefined ? {} : { readerRoleName: values['reader-role'] }),
    ...(values['reader-role-path'] === undefined
      ? {}
      : { readerRolePath: values['reader-role-path'] }),
    ...(values['reader-external-id'] === undefined
      ? {}
      : { readerExternalId: values['reader-external-id'] }),
    ...(values['org-role-arn'] === undefined ? {} : { orgRoleArn: values['org-role-arn'] }),
    env: io.env,
  };
}

/**
 * ANSI colours: only when stdout is a terminal, never with `NO_COLOR` set to
 * anything but the empty string (no-color.org) or with `TERM=dumb`.
 */
export function useColor(io: Pick<CliIo, 'isTty' | 'env'>): boolean {
  const noColor = io.env.NO_COLOR;
  return io.isTty && (noColor === undefined || noColor === '') && io.env.TERM !== 'dumb';
}

/** Exit statuses every command shares. */
export const EXIT_USAGE_LINE = [
  2,
  'unusable input, option or AWS access: one line on stderr (naming the file and JSON path)',
] as const;
export const EXIT_INTERNAL_LINE = [
  3,
  'internal error (a bug in trustwatch, not in the input): one line, please report it',
] as const;
