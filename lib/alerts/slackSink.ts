import {
  DeliveryError,
  SinkDisabledError,
  SLACK_WEBHOOK_DISABLED_STATUSES,
} from '../errors/TrustwatchError.js';
import type { Alert, AlertSink } from './Alert.js';
import { type SlackPayload, slackPayload } from './slackPayload.js';

export interface SlackSinkOptions {
  readonly webhookUrl: () => Promise<URL>;
  /** Total attempts including the first (default 4). */
  readonly maxAttempts?: number;
  /** Base delay for 5xx / network back-off (default 500 ms, doubled per attempt, with jitter). */
  readonly baseDelayMs?: number;
  /** A `Retry-After` longer than this fails the delivery (SQS retries later) instead of waiting. */
  readonly maxRetryAfterMs?: number;
  readonly render?: (alert: Alert) => SlackPayload;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly timeoutMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Posts Block Kit messages to a Slack incoming webhook. Retries are bounded:
 * `429` waits for `Retry-After` (seconds) when it is short enough, `5xx` and
 * network errors back off exponentially with jitter; any other status fails
 * at once. A failure throws {@link DeliveryError}: the SQS record is then
 * retried by the queue and ends in the DLQ if Slack stays down, so no alert
 * is silently dropped.
 *
 * A revoked webhook (`403`/`404`/`410`, e.g. `no_service`) throws
 * {@link SinkDisabledError} and opens a circuit for that URL: later
 * deliveries in this execution environment fail the same way without calling
 * Slack, so a revoked webhook costs one request, not one per event and retry.
 * A new URL (the secret rotated and re-read) closes it.
 */
export class SlackSink implements AlertSink {
  readonly name = 'slack';
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly render: (alert: Alert) => SlackPayload;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  /** The URL Slack said is gone, and what it said. */
  private disabled: { url: string; reason: string } | undefined;

  constructor(private readonly opts: SlackSinkOptions) {
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 10_000;
    this.render = opts.render ?? slackPayload;
    this.fetchFn = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }

  async deliver(alert: Alert): Promise<void> {
    const url = await this.opts.webhookUrl();
    if (this.disabled?.url === url.href) {
      throw new SinkDisabledError(`slack webhook disabled (${this.disabled.reason}); not called`, {
        context: { sink: 'slack' },
      });
    }
    const body = JSON.stringify(this.render(alert));
    let last = 'no attempt made';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let wait: number;
      try {
        const res = await this.fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (res.ok) {
          await res.body?.cancel();
          return;
        }
        const text = (await res.text()).slice(0, 200);
        last = `status ${res.status}${text ? ` \`${text}\`` : ''}`;
        if (res.status === 429) {
          const retryAfter = Number(res.headers.get('retry-after'));
          wait =
            Number.isFinite(retryAfter) && retryAfter >= 0
              ? retryAfter * 1000
              : this.backoff(attempt);
          if (wait > this.maxRetryAfterMs) break;
        } else if (res.status >= 500) {
          wait = this.backoff(attempt);
        } else if (SLACK_WEBHOOK_DISABLED_STATUSES.has(res.status)) {
          this.disabled = { url: url.href, reason: last };
          throw new SinkDisabledError(
            `slack webhook disabled (${last}): replace the webhook secret; alerts still go to SNS and EventBridge`,
            { context: { sink: 'slack', status: res.status } },
          );
        } else {
          break;
        }
      } catch (err) {
        if (err instanceof SinkDisabledError) throw err;
        last = `network error: ${(err as Error).message}`;
        wait = this.backoff(attempt);
      }
      if (attempt < this.maxAttempts) await this.sleep(wait);
    }
    throw new DeliveryError(`slack webhook delivery failed (${last})`, {
      context: { sink: 'slack' },
    });
  }

  private backoff(attempt: number): number {
    const exp = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(exp / 2 + this.random() * (exp / 2));
  }
}
