import { loadSharedConfigFiles, type SharedConfigInit } from '@smithy/shared-ini-file-loader';

/** A profile of the user's AWS config that reads one account. */
export interface AccountProfile {
  readonly profile: string;
  readonly accountId: string;
  /** What makes it that account's: `sso_account_id` or the account of `role_arn`. */
  readonly via: 'sso_account_id' | 'role_arn';
  /** `sso_role_name`, or the role name of `role_arn`. */
  readonly roleName?: string;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[^\s]*\/)?([^/\s]+)$/;

/**
 * The profiles of the shared config and credentials files (`~/.aws/config`,
 * `~/.aws/credentials`, or `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`),
 * read with the SDK's own loader, that name an account: IAM Identity Center
 * profiles by `sso_account_id`, role profiles by the account of `role_arn`.
 * Profiles with static keys name no account and are not listed.
 */
export async function readAccountProfiles(init: SharedConfigInit = {}): Promise<AccountProfile[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    ignoreCache: true,
    ...init,
  });
  const out = new Map<string, AccountProfile>();
  for (const file of [credentialsFile, configFile]) {
    for (const [profile, settings] of Object.entries(file)) {
      const sso = settings.sso_account_id;
      const role = settings.role_arn === undefined ? null : ROLE_ARN.exec(settings.role_arn);
      if (sso !== undefined && /^\d{12}$/.test(sso)) {
        out.set(profile, {
          profile,
          accountId: sso,
          via: 'sso_account_id',
          ...(settings.sso_role_name === undefined ? {} : { roleName: settings.sso_role_name }),
        });
      } else if (role?.[1] !== undefined) {
        out.set(profile, {
          profile,
          accountId: role[1],
          via: 'role_arn',
          ...(role[2] === undefined ? {} : { roleName: role[2] }),
        });
      }
    }
  }
  return [...out.values()];
}

/** Read-only roles first (least privilege is enough to read IAM), then by name: one stable choice. */
function rank(p: AccountProfile): number {
  return /read[-_]?only|viewonly|audit|security[-_]?audit|reader/i.test(
    `${p.roleName ?? ''} ${p.profile}`,
  )
    ? 0
    : 1;
}

/** The profile to read `accountId` with, among those that name it; `undefined` when none does. */
export function chooseAccountProfile(
  profiles: readonly AccountProfile[],
  accountId: string,
): AccountProfile | undefined {
  return profiles
    .filter((p) => p.accountId === accountId)
    .sort((a, b) => rank(a) - rank(b) || a.profile.localeCompare(b.profile))[0];
}
