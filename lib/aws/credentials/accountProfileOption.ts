import { ConfigError } from '../../errors/TrustwatchError.js';

/** Usage line of `--account-profile`, shared by the live commands. */
export const ACCOUNT_PROFILE_USAGE = `  --account-profile ACCOUNT=PROFILE
                           read ACCOUNT with your own PROFILE instead of the reader role
                           (repeatable); without it, an account whose reader role cannot be
                           assumed is read with the profile of your AWS config whose
                           sso_account_id (or role_arn) is that account`;

/** `--account-profile 222222222222=prod-readonly` values → account id → profile. */
export function parseAccountProfiles(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^(\d{12})=([\w+=,.@/-]+)$/.exec(v.trim());
    if (m?.[1] === undefined || m[2] === undefined)
      throw new ConfigError(
        `\`--account-profile ${v}\` must be ACCOUNT=PROFILE, with a 12-digit account id`,
      );
    if (out[m[1]] !== undefined && out[m[1]] !== m[2])
      throw new ConfigError(
        `account \`${m[1]}\` has two profiles: \`${out[m[1]]}\` and \`${m[2]}\``,
      );
    out[m[1]] = m[2];
  }
  return out;
}
