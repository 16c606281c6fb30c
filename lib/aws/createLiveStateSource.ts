import { ConfigError } from '../errors/TrustwatchError.js';
import type { SharedRoleIndex } from '../roleindex/SharedRoleIndex.js';
import {
  type AwsClientFactory,
  type CallCounter,
  type Credentials,
  createClientFactory,
} from './clients.js';
import { createOwnProfiles, type OwnProfiles } from './credentials/OwnProfiles.js';
import { LiveStateSource } from './LiveStateSource.js';
import { type ReadCache, sharedReadCache } from './ReadCache.js';

/** Defaults of the reader role that `lib/deploy` creates in every account. */
export const DEFAULT_READER_ROLE_NAME = 'trustwatch-reader';
export const DEFAULT_READER_ROLE_PATH = '/trustwatch/';
export const DEFAULT_CACHE_TTL_SECONDS = 300;
export const DEFAULT_NEGATIVE_CACHE_TTL_SECONDS = 60;

export interface LiveSourceOptions {
  /** Named profile for the base credentials (standard credential chain). */
  readonly profile?: string;
  /** Region of STS calls; IAM and Organizations use us-east-1 regardless. */
  readonly region?: string;
  /** Reader role assumed in every account (default `trustwatch-reader`). */
  readonly readerRoleName?: string;
  /** Its path (default `/trustwatch/`). */
  readonly readerRolePath?: string;
  /** ExternalId the reader roles' trust policies require, if any. */
  readonly readerExternalId?: string;
  /**
   * Role in the management or a delegated-administrator account to read
   * Organizations with; absent: the base credentials read it directly.
   */
  readonly orgRoleArn?: string;
  /** Same as `orgRoleArn` (the name the pipeline configuration uses). */
  readonly orgReaderRoleArn?: string;
  /** `false`: do not read Organizations (org-dependent reads are unreadable). Default `true`. */
  readonly readOrganization?: boolean;
  /** Only these accounts are read; default: every account of the organization. */
  readonly accounts?: readonly string[];
  /** What trustwatch is doing: the session name is `trustwatch-<purpose>` (default `explain`). */
  readonly purpose?: string;
  /** Seconds a read is kept (default 300); negative results are kept `negativeCacheTtlSeconds` (default 60). */
  readonly cacheTtlSeconds?: number;
  readonly negativeCacheTtlSeconds?: number;
  /**
   * Read accounts without a usable reader role with the user's own profiles
   * (CLI): those named here (account id → profile, used instead of the reader
   * role), else the profile of the user's AWS config for the account.
   */
  readonly accountProfiles?: Readonly<Record<string, string>>;
  /** Use the user's own profiles at all (the CLI: yes; a deployed function: no). Default: false. */
  readonly ownProfiles?: boolean;
  /** The user's own profiles, made elsewhere (tests). */
  readonly ownProfilesSource?: OwnProfiles;
  /** Base credentials (tests, or credentials already assumed by the caller). */
  readonly credentials?: Credentials;
  /** Cache shared across invocations; default: the process-wide {@link sharedReadCache}. */
  readonly cache?: ReadCache;
  /** Counter of AWS calls; default: a fresh one per source. */
  readonly counter?: CallCounter;
  /** Client factory to use instead of making one (tests). */
  readonly clients?: AwsClientFactory;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Epoch milliseconds (credential expiry); default `Date.now`. */
  readonly now?: () => number;
  /**
   * The organization-wide role index the audit writes (lib/roleindex): role
   * names and ids of every account and the organization's structure, so a
   * diagnosis never reads every account. Absent: only the accounts an event
   * names are read.
   */
  readonly roleIndex?: SharedRoleIndex;
}

/**
 * The live source: an `IamStateSource` that also tells how many AWS calls it
 * made (`callCount()`) and hands out reader-role clients to collectors.
 */
export type LiveIamStateSource = LiveStateSource;

const SESSION_PURPOSE = /^[\w+=,.@-]{1,54}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH = /^\/(?:[\x21-\x7e]+\/)?$/;

function seconds(v: number | undefined, fallback: number, name: string): number {
  const n = v ?? fallback;
  if (!Number.isFinite(n) || n < 0)
    throw new ConfigError(`\`${name}\` must be a number of seconds >= 0, got \`${String(v)}\``);
  return n * 1000;
}

/**
 * Makes the live `IamStateSource`. Validates its options (a bad one is a
 * `ConfigError`) but makes no AWS call: the first read does.
 */
export async function createLiveStateSource(
  opts: LiveSourceOptions = {},
): Promise<LiveIamStateSource> {
  const readerRoleName = opts.readerRoleName ?? DEFAULT_READER_ROLE_NAME;
  const readerRolePath = opts.readerRolePath ?? DEFAULT_READER_ROLE_PATH;
  const purpose = opts.purpose ?? 'explain';
  if (!ROLE_NAME.test(readerRoleName))
    throw new ConfigError(`reader role name \`${readerRoleName}\` is not a valid iam role name`);
  if (!ROLE_PATH.test(readerRolePath)) {
    throw new ConfigError(`reader role path \`${readerRolePath}\` must start and end with \`/\``);
  }
  if (!SESSION_PURPOSE.test(purpose))
    throw new ConfigError(`session purpose \`${purpose}\` is not valid in a role session name`);
  if (
    opts.orgRoleArn !== undefined &&
    opts.orgReaderRoleArn !== undefined &&
    opts.orgRoleArn !== opts.orgReaderRoleArn
  ) {
    throw new ConfigError('`orgRoleArn` and `orgReaderRoleArn` name different roles');
  }
  const orgRoleArn = opts.orgRoleArn ?? opts.orgReaderRoleArn;
  if (orgRoleArn !== undefined && !/^arn:aws[\w-]*:iam::\d{12}:role\/\S+$/.test(orgRoleArn)) {
    throw new ConfigError(`organization role \`${orgRoleArn}\` is not an iam role arn`);
  }
  for (const a of [...(opts.accounts ?? []), ...Object.keys(opts.accountProfiles ?? {})]) {
    if (!/^\d{12}$/.test(a)) throw new ConfigError(`account \`${a}\` is not a 12-digit account id`);
  }
  const clients =
    opts.clients ??
    createClientFactory({
      ...(opts.region === undefined ? {} : { region: opts.region }),
      ...(opts.profile === undefined ? {} : { profile: opts.profile }),
      ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
      ...(opts.counter === undefined ? {} : { counter: opts.counter }),
      ...(opts.env === undefined ? {} : { env: opts.env }),
    });
  const env = opts.env ?? process.env;
  const ownProfiles =
    opts.ownProfilesSource ??
    (opts.ownProfiles === true || opts.accountProfiles !== undefined
      ? createOwnProfiles({
          ...(opts.accountProfiles === undefined ? {} : { accountProfiles: opts.accountProfiles }),
          discover: opts.ownProfiles === true,
          ...(opts.profile === undefined ? {} : { baseProfile: opts.profile }),
          region: clients.region,
          counter: clients.counter,
        })
      : undefined);
  const scope = [
    clients.partition,
    opts.profile ?? '',
    env.AWS_ENDPOINT_URL ?? '',
    `${readerRolePath}${readerRoleName}`,
    opts.readerExternalId ?? '',
    orgRoleArn ?? '',
    purpose,
    ownProfiles?.scope ?? '',
  ].join('|');
  return new LiveStateSource(clients, opts.cache ?? sharedReadCache, {
    readerRoleName,
    readerRolePath,
    ...(opts.readerExternalId === undefined ? {} : { readerExternalId: opts.readerExternalId }),
    ...(orgRoleArn === undefined ? {} : { orgRoleArn }),
    readOrganization: opts.readOrganization ?? true,
    ...(opts.accounts === undefined ? {} : { accounts: opts.accounts }),
    sessionName: `trustwatch-${purpose}`,
    ttlMs: seconds(opts.cacheTtlSeconds, DEFAULT_CACHE_TTL_SECONDS, 'cacheTtlSeconds'),
    negativeTtlMs: seconds(
      opts.negativeCacheTtlSeconds,
      DEFAULT_NEGATIVE_CACHE_TTL_SECONDS,
      'negativeCacheTtlSeconds',
    ),
    scope,
    now: opts.now ?? Date.now,
    ...(ownProfiles === undefined ? {} : { ownProfiles }),
    ...(opts.roleIndex === undefined ? {} : { roleIndex: opts.roleIndex }),
  });
}
