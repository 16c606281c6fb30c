import { ConfigError } from '../../errors/TrustwatchError.js';
import type { SecretRef } from '../../routing/RoutingTable.js';

/** Seconds a secret is cached by Powertools before it is read again (a rotated webhook is picked up). */
const SECRET_MAX_AGE_SECONDS = 300;

/** Reads a secret string given by a {@link SecretRef}. Injected so tests choose the store. */
export type SecretRefReader = (ref: SecretRef) => Promise<string>;

/** Where a secret lives, for messages: `ssm parameter /x` or `secret x`. */
export function describeSecretRef(ref: SecretRef): string {
  return ref.kind === 'ssm' ? `ssm parameter \`${ref.name}\`` : `secret \`${ref.id}\``;
}

/**
 * Reads destination secrets (Slack webhook URLs, the bot token) through
 * Powertools parameters: an SSM SecureString (decrypted) or a Secrets
 * Manager string, cached for five minutes per value. Each store's provider
 * (and SDK client) is imported on first use, so a deployment whose secrets
 * all live in one store loads only that client.
 */
export function powertoolsSecretReader(): SecretRefReader {
  return async (ref) => {
    let value: unknown;
    try {
      if (ref.kind === 'ssm') {
        const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
        value = await getParameter(ref.name, { decrypt: true, maxAge: SECRET_MAX_AGE_SECONDS });
      } else {
        const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
        value = await getSecret(ref.id, { maxAge: SECRET_MAX_AGE_SECONDS });
      }
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      throw new ConfigError(
        `${describeSecretRef(ref)} could not be read (${cause?.name ?? (err as Error).name}: ${cause?.message ?? (err as Error).message})`,
        { cause: err },
      );
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(`${describeSecretRef(ref)} has no string value`);
    }
    return value;
  };
}
