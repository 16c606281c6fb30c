import { ConfigError } from '../../errors/TrustwatchError.js';

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
