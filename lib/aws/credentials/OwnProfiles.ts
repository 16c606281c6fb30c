import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Readable } from '../../state/IamStateSource.js';
import { describeAwsError } from '../awsErrors.js';
import { type CallCounter, countCalls } from '../clients.js';
import {
  type AccountProfile,
  chooseAccountProfile,
  readAccountProfiles,
} from './accountProfiles.js';

/**
 * The user's own credentials for reading an account, when trustwatch's
 * reader role is not there (not deployed) or not to be used: the profile
 * named for the account (`--account-profile ACCOUNT=PROFILE`), else the
 * profile of the user's AWS config whose `sso_account_id` (or `role_arn`
 * account) is that account, else `--profile` itself when it is that account's
 * (the caller side). Injected into the live source, which tries the reader
 * role first unless a profile is named.
 */
export interface OwnProfiles {
  /** The profile named for this account on the command line: used instead of the reader role. */
  explicit(accountId: string): string | undefined;
  /** The profile of the user's AWS config for this account, if any. */
  discovered(accountId: string): Promise<string | undefined>;
  /** The credentials of `profile`, checked to be of `accountId` (a profile of another account must never read this one). */
  credentials(profile: string, accountId: string): Promise<Readable<AwsCredentialIdentity>>;
  /** Cache-key part: which profiles this configuration may use. */
  readonly scope: string;
}

export interface OwnProfilesOptions {
  /** `--account-profile` values: account id → profile name. */
  readonly accountProfiles?: Readonly<Record<string, string>>;
  /** Look for a profile of the user's AWS config for accounts with none named (default true). */
  readonly discover?: boolean;
  readonly region: string;
  readonly counter?: CallCounter;
  /** The profiles of the user's config (tests); default: read with the SDK's shared-ini loader. */
  readonly readProfiles?: () => Promise<readonly AccountProfile[]>;
  /** `--profile`: the caller side's profile, which also reads its own account when no other profile names it. */
  readonly baseProfile?: string;
}

export function createOwnProfiles(opts: OwnProfilesOptions): OwnProfiles {
  const named = opts.accountProfiles ?? {};
  let profiles: Promise<readonly AccountProfile[]> | undefined;
  const read = opts.readProfiles ?? (() => readAccountProfiles());
  const stsOf = (profile: string) => {
    const client = new STSClient({ profile, region: opts.region, maxAttempts: 3 });
    return opts.counter === undefined ? client : countCalls(client, opts.counter);
  };
  let baseAccount: Promise<string | undefined> | undefined;
  const accountOfBase = (base: string) => {
    baseAccount ??= stsOf(base)
      .send(new GetCallerIdentityCommand({}))
      .then((who) => who.Account)
      .catch(() => undefined);
    return baseAccount;
  };
  return {
    scope: `${JSON.stringify(named)}|${opts.discover !== false}`,
    explicit: (accountId) => named[accountId],
    discovered: async (accountId) => {
      if (opts.discover === false) return undefined;
      // An unreadable or absent config file is no profile, not an error.
      profiles ??= read().catch(() => []);
      const found = chooseAccountProfile(await profiles, accountId)?.profile;
      if (found !== undefined || opts.baseProfile === undefined) return found;
      return (await accountOfBase(opts.baseProfile)) === accountId ? opts.baseProfile : undefined;
    },
    credentials: async (profile, accountId) => {
      const client = stsOf(profile);
      try {
        const credentials = await client.config.credentials();
        const who = await client.send(new GetCallerIdentityCommand({}));
        if (who.Account !== accountId) {
          return {
            ok: false,
            reason: `profile \`${profile}\` reads account \`${who.Account ?? 'unknown'}\`, not \`${accountId}\``,
            accountId,
          };
        }
        return { ok: true, value: credentials };
      } catch (err) {
        return {
          ok: false,
          reason: `cannot use profile \`${profile}\` for account \`${accountId}\`: ${describeAwsError(err)}`,
          accountId,
        };
      }
    },
  };
}
