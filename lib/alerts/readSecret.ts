import type { SlackWebhookSource } from '../config/pipelineConfig.js';
import { ConfigError } from '../errors/TrustwatchError.js';

/** Where a secret string lives: an SSM SecureString parameter or a Secrets Manager secret. */
export type SecretLocation = SlackWebhookSource;

/**
 * The port every secret goes through (the Slack webhook of alerts, digests
 * and routed destinations): resolves the secret's string value or throws a
 * {@link ConfigError} naming the location and the environment variable to
 * fix. Adapters: {@link powertoolsReadSecret} (production), a function over
 * a map (tests).
 */
export type ReadSecret = (location: SecretLocation) => Promise<string>;

export interface PowertoolsReadSecretOptions {
  /**
   * Seconds Powertools keeps a value before reading it again (its cache is
   * per execution environment). A rotated webhook is picked up after this.
   */
  readonly maxAgeSeconds?: number;
}

/** Human name of a location, for messages. */
export function describeSecretLocation(location: SecretLocation): string {
  return location.kind === 'ssm'
    ? `ssm parameter \`${location.name}\``
    : `secret \`${location.id}\``;
}

/**
 * Reads secrets with Powertools `parameters` (`getParameter` with
 * decryption for SSM, `getSecret` for Secrets Manager): cached per
 * execution environment for `maxAgeSeconds`, SDK clients that honour
 * `AWS_ENDPOINT_URL`. Each store's Powertools module (and its SDK client) is
 * imported on first use, a separate chunk in the Lambda bundle, so a cold
 * start parses only the store the configuration names and a deployment
 * without Slack parses neither.
 */
export function powertoolsReadSecret(options: PowertoolsReadSecretOptions = {}): ReadSecret {
  const maxAge = options.maxAgeSeconds ?? 300;
  return async (location) => {
    let value: unknown;
    try {
      if (location.kind === 'ssm') {
        const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
        value = await getParameter(location.name, { decrypt: true, maxAge });
      } else {
        const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
        value = await getSecret(location.id, { maxAge });
      }
    } catch (err) {
      const cause = (err as { cause?: { name?: string; message?: string } }).cause;
      const detail = cause?.name ?? (err as Error).name;
      throw new ConfigError(
        `slack webhook: ${describeSecretLocation(location)} could not be read (${detail}: ${cause?.message ?? (err as Error).message})${location.kind === 'ssm' ? "; create it or deploy with slackWebhookParameter=''" : ''}`,
        {
          cause: err,
          context: {
            variable:
              location.kind === 'ssm'
                ? 'TRUSTWATCH_SLACK_WEBHOOK_PARAMETER'
                : 'TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID',
          },
        },
      );
    }
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(`${describeSecretLocation(location)} has no string value`, {
        context: {
          variable:
            location.kind === 'ssm'
              ? 'TRUSTWATCH_SLACK_WEBHOOK_PARAMETER'
              : 'TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID',
        },
      });
    }
    return value;
  };
}
