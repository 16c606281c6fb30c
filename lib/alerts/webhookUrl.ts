import type { SlackWebhookSource } from '../config/pipelineConfig.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import { type ReadSecret, slackWebhookPurpose } from './readSecret.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Validates a webhook URL: `https` always, plain `http` only on loopback (for
 * local receivers in tests). A Secrets Manager secret may hold the URL itself
 * or JSON `{"url": "..."}` / `{"webhookUrl": "..."}`.
 */
export function parseWebhookUrl(raw: string, where: string): URL {
  let text = raw.trim();
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const v = obj.url ?? obj.webhookUrl ?? obj.webhook_url;
      if (typeof v === 'string') text = v.trim();
    } catch {
      throw new ConfigError(`slack webhook secret \`${where}\` is neither a URL nor JSON`, {
        context: { variable: where },
      });
    }
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`slack webhook secret \`${where}\` does not hold a URL`, {
      context: { variable: where },
    });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(`slack webhook secret \`${where}\` must be an https URL`, {
      context: { variable: where },
    });
  }
  return url;
}

/**
 * Returns a function resolving the webhook URL once per cold start (the
 * promise is cached; a failed read is not cached, so the next record retries).
 */
export function cachedWebhookUrl(
  source: SlackWebhookSource,
  readSecret: ReadSecret,
): () => Promise<URL> {
  let pending: Promise<URL> | undefined;
  return () => {
    if (pending === undefined) {
      const where = source.kind === 'ssm' ? source.name : source.id;
      pending = readSecret(source, slackWebhookPurpose(source)).then((raw) =>
        parseWebhookUrl(raw, where),
      );
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}
