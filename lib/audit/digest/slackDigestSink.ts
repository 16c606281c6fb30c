import {
  DeliveryError,
  SinkDisabledError,
  SLACK_WEBHOOK_DISABLED_STATUSES,
} from '../../errors/TrustwatchError.js';
import type { AuditDigest } from '../../findings/buildDigest.js';
import { renderDigestSlack } from '../../render/audit/renderDigest.js';
import type { DigestSink } from './DigestSink.js';

export interface SlackDigestSinkOptions {
  readonly webhookUrl: () => Promise<URL>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts including the first (default 3). */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
}

/**
 * Posts the digest to a Slack incoming webhook. 5xx, 429 and network errors
 * are retried with a short back-off; any other status fails at once with
 * `DeliveryError`, and the worker's message is retried by SQS. A revoked
 * webhook (`403`/`404`/`410`, e.g. `no_service`) throws `SinkDisabledError`
 * and opens a circuit for that URL, as the alerts' Slack sink does: later
 * digests in this execution environment fail the same way without calling
 * Slack, until the secret holds a new URL.
 */
export function slackDigestSink(opts: SlackDigestSinkOptions): DigestSink {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = opts.maxAttempts ?? 3;
  let disabled: { url: string; reason: string } | undefined;
  return {
    name: 'slack',
    async deliver(d: AuditDigest) {
      const url = await opts.webhookUrl();
      if (disabled?.url === url.href) {
        throw new SinkDisabledError(
          `slack delivery of the audit digest failed: webhook disabled (${disabled.reason}); not called`,
          {
            context: { sink: 'slack' },
          },
        );
      }
      const body = JSON.stringify(renderDigestSlack(d));
      let last = 'no attempt';
      for (let i = 1; i <= attempts; i++) {
        try {
          const res = await doFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
          });
          if (res.ok) {
            await res.body?.cancel();
            return;
          }
          const text = (await res.text()).slice(0, 200);
          last = `status ${res.status}${text ? ` \`${text}\`` : ''}`;
          if (SLACK_WEBHOOK_DISABLED_STATUSES.has(res.status)) {
            disabled = { url: url.href, reason: last };
            throw new SinkDisabledError(
              `slack delivery of the audit digest failed: ${last}: the webhook is disabled until its secret is replaced; the digest still goes to SNS`,
              { context: { sink: 'slack', status: res.status } },
            );
          }
          if (res.status !== 429 && res.status < 500) break;
        } catch (err) {
          if (err instanceof SinkDisabledError) throw err;
          last = (err as Error).message;
        }
        if (i < attempts) await sleep(250 * 2 ** (i - 1));
      }
      throw new DeliveryError(`slack delivery of the audit digest failed: ${last}`);
    },
  };
}
