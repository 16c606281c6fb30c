import { ConfigError } from '../errors/TrustwatchError.js';

/**
 * Where a secret string lives: an SSM SecureString parameter or a Secrets
 * Manager secret. The single Slack webhook (`SlackWebhookSource`) and the
 * routing file's secrets (`SecretRef`) are this shape.
 */
export type SecretLocation =
  | { readonly kind: 'ssm'; readonly name: string }
  | { readonly kind: 'secretsmanager'; readonly id: string };

/**
 * What a secret is for, so a failed read names what to fix: `what` leads
 * the message (`slack webhook`, `webhook of destination \`payments\``),
 * `variable` is carried in the error's context, `remedy` is appended.
 */
export interface SecretPurpose {
  readonly what: string;
  readonly variable?: string;
  readonly remedy?: string;
}

/**
 * The one port every secret goes through (the Slack webhook of alerts and
 * digests, routed destinations' webhooks, the Slack app's bot token):
 * resolves the secret's string value or throws a {@link ConfigError}
 * naming the purpose and the location. Adapters: {@link powertoolsReadSecret}
 * (production), a function over a map (tests).
 */
export type ReadSecret = (location: SecretLocation, purpose: SecretPurpose) => Promise<string>;

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

/** The purpose of the single Slack webhook configured by environment variable. */
export function slackWebhookPurpose(location: SecretLocation): SecretPurpose {
  return location.kind === 'ssm'
    ? {
        what: 'slack webhook',
        variable: 'TRUSTWATCH_SLACK_WEBHOOK_PARAMETER',
        remedy: "create it or deploy with slackWebhookParameter=''",
      }
    : { what: 'slack webhook', variable: 'TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID' };
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
  return async (location, purpose) => {
    const context = purpose.variable === undefined ? {} : { variable: purpose.variable };
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
        `${purpose.what}: ${describeSecretLocation(location)} could not be read (${detail}: ${cause?.message ?? (err as Error).message})${purpose.remedy === undefined ? '' : `; ${purpose.remedy}`}`,
        { cause: err, context },
      );
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ConfigError(
        `${purpose.what}: ${describeSecretLocation(location)} has no string value`,
        { context },
      );
    }
    return value;
  };
}
