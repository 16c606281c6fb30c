import { DeliveryError } from '../../errors/TrustwatchError.js';
import type { AuditDigest } from './buildDigest.js';
import type { DigestSink } from './DigestSink.js';
import { renderDigestSlack } from './renderDigest.js';

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
 * are retried with a short back-off; anything else (a revoked webhook) fails
 * at once with `DeliveryError`, and the worker's message is retried by SQS.
 */
export function slackDigestSink(opts: SlackDigestSinkOptions): DigestSink {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = opts.maxAttempts ?? 3;
  return {
    name: 'slack',
    async deliver(d: AuditDigest) {
      const url = await opts.webhookUrl();
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
          last = `status ${res.status}`;
          await res.body?.cancel();
          if (res.status !== 429 && res.status < 500) break;
        } catch (err) {
          last = (err as Error).message;
        }
        if (i < attempts) await sleep(250 * 2 ** (i - 1));
      }
      throw new DeliveryError(`slack delivery of the audit digest failed: ${last}`);
    },
  };
}
