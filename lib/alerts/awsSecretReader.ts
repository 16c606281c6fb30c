import type { SecretReader } from './webhookUrl.js';

/**
 * Reads the Slack webhook from SSM Parameter Store (SecureString, decrypted)
 * or Secrets Manager; both clients honour `AWS_ENDPOINT_URL`.
 *
 * Each store's reader (and its SDK client) is imported on first use, a
 * separate chunk in the Lambda bundle, so a cold start parses only the store
 * the configuration names and a deployment without Slack parses neither.
 */
export function awsSecretReader(): SecretReader {
  let ssm: Promise<(name: string) => Promise<string>> | undefined;
  let sm: Promise<(id: string) => Promise<string>> | undefined;
  return {
    async ssmParameter(name) {
      ssm ??= import('./ssmParameterReader.js').then((m) => m.ssmParameterReader());
      return (await ssm)(name);
    },
    async secretsManagerSecret(id) {
      sm ??= import('./secretsManagerReader.js').then((m) => m.secretsManagerReader());
      return (await sm)(id);
    },
  };
}
