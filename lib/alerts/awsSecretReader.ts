import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors/TrustwatchError.js';
import type { SecretReader } from './webhookUrl.js';

/**
 * Reads the Slack webhook from SSM Parameter Store (SecureString, decrypted)
 * or Secrets Manager. Clients are created on first use only, so a deployment
 * without Slack never loads them; both honour `AWS_ENDPOINT_URL`.
 */
export function awsSecretReader(): SecretReader {
  let ssm: SSMClient | undefined;
  let sm: SecretsManagerClient | undefined;
  return {
    async ssmParameter(name) {
      ssm ??= new SSMClient({});
      const out = await ssm
        .send(new GetParameterCommand({ Name: name, WithDecryption: true }))
        .catch((err: unknown) => {
          throw new ConfigError(
            `slack webhook: ssm parameter \`${name}\` could not be read (${(err as Error).name}: ${(err as Error).message}); create it or deploy with slackWebhookParameter=''`,
            { cause: err, context: { variable: 'TRUSTWATCH_SLACK_WEBHOOK_PARAMETER' } },
          );
        });
      const value = out.Parameter?.Value;
      if (value === undefined || value === '') {
        throw new ConfigError(`ssm parameter \`${name}\` has no value`, {
          context: { variable: name },
        });
      }
      return value;
    },
    async secretsManagerSecret(id) {
      sm ??= new SecretsManagerClient({});
      const out = await sm
        .send(new GetSecretValueCommand({ SecretId: id }))
        .catch((err: unknown) => {
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
    },
  };
}
