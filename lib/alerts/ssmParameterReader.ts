import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors/TrustwatchError.js';

/**
 * Reads SSM Parameter Store parameters (SecureString decrypted) with one
 * client. Loaded only through `import()` by {@link awsSecretReader}, so the
 * SSM client (~77 KB minified, all of its error classes) is parsed only by a
 * deployment whose webhook lives in SSM, on its first Slack delivery.
 */
export function ssmParameterReader(): (name: string) => Promise<string> {
  const ssm = new SSMClient({});
  return async (name) => {
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
  };
}
