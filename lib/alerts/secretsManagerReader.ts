import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../errors/TrustwatchError.js';

/**
 * Reads Secrets Manager string secrets with one client. Loaded only through
 * `import()` by {@link awsSecretReader}, so only a deployment whose webhook
 * lives in Secrets Manager parses this client.
 */
export function secretsManagerReader(): (id: string) => Promise<string> {
  const sm = new SecretsManagerClient({});
  return async (id) => {
    const out = await sm.send(new GetSecretValueCommand({ SecretId: id })).catch((err: unknown) => {
      throw new ConfigError(
        `slack webhook: secret \`${id}\` could not be read (${(err as Error).name}: ${(err as Error).message})`,
        { cause: err, context: { variable: 'TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID' } },
      );
    });
    if (out.SecretString === undefined || out.SecretString === '') {
      throw new ConfigError(`secret \`${id}\` has no string value`, {
        context: { variable: id },
      });
    }
    return out.SecretString;
  };
}
