import { DeliveryError } from '../../errors/TrustwatchError.js';
import type { SlackPayload } from '../slackPayload.js';

/** Where Slack's Web API lives; a deployment may point at a proxy (`TRUSTWATCH_SLACK_API_URL`). */
export const SLACK_API_URL = 'https://slack.com/api/';

export interface PostedMessage {
  /** The channel id Slack answered with (use it, not a name, for `chat.update`). */
  readonly channel: string;
  readonly ts: string;
}

/** The two Web API methods threads need. */
export interface SlackWebApi {
  /** `chat.postMessage`; a reply when `threadTs` is given. */
  postMessage(channel: string, payload: SlackPayload, threadTs?: string): Promise<PostedMessage>;
  /** `chat.update` of a message the app posted. */
  update(channel: string, ts: string, payload: SlackPayload): Promise<void>;
}

export interface SlackWebApiOptions {
  /** The bot token (`xoxb-…`), read from its secret. */
  readonly token: () => Promise<string>;
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts including the first (default 3). */
  readonly maxAttempts?: number;
  /** A `Retry-After` longer than this fails the call (SQS retries later) instead of waiting. */
  readonly maxRetryAfterMs?: number;
  readonly timeoutMs?: number;
}

interface SlackResponse {
  readonly ok?: boolean;
  readonly error?: string;
  readonly channel?: string;
  readonly ts?: string;
}

/**
 * A minimal Slack Web API client as Slack documents JSON calls: `POST
 * <base>/<method>`, `Authorization: Bearer <token>`, `Content-Type:
 * application/json; charset=utf-8` (without the charset Slack answers with a
 * `missing_charset` warning). Slack answers HTTP 200 with `{"ok": false,
 * "error": …}` for a refused call (`channel_not_found`, `not_in_channel`,
 * `invalid_auth`): that fails at once with {@link DeliveryError}. HTTP 429
 * waits for `Retry-After` when short, 5xx and network errors back off.
 */
export function slackWebApi(opts: SlackWebApiOptions): SlackWebApi {
  const base = (opts.baseUrl ?? SLACK_API_URL).replace(/\/?$/, '/');
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = opts.maxAttempts ?? 3;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 10_000;

  async function call(method: string, body: Record<string, unknown>): Promise<SlackResponse> {
    const token = await opts.token();
    const text = JSON.stringify(body);
    let last = 'no attempt made';
    for (let i = 1; i <= attempts; i++) {
      let wait = 250 * 2 ** (i - 1);
      try {
        const res = await doFetch(`${base}${method}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json; charset=utf-8',
          },
          body: text,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        if (res.ok) {
          const out = (await res.json()) as SlackResponse;
          if (out.ok === true) return out;
          throw new DeliveryError(`slack ${method} refused: ${out.error ?? 'no error code'}`, {
            context: { sink: 'slack', method },
          });
        }
        await res.body?.cancel();
        last = `status ${res.status}`;
        if (res.status === 429) {
          const after = Number(res.headers.get('retry-after'));
          if (Number.isFinite(after) && after >= 0) wait = after * 1000;
          if (wait > maxRetryAfter) break;
        } else if (res.status < 500) {
          break;
        }
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        last = `network error: ${(err as Error).message}`;
      }
      if (i < attempts) await sleep(wait);
    }
    throw new DeliveryError(`slack ${method} failed (${last})`, {
      context: { sink: 'slack', method },
    });
  }

  return {
    async postMessage(channel, payload, threadTs) {
      const out = await call('chat.postMessage', {
        channel,
        text: payload.text,
        blocks: payload.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      });
      if (out.channel === undefined || out.ts === undefined) {
        throw new DeliveryError('slack chat.postMessage answered without `channel` and `ts`');
      }
      return { channel: out.channel, ts: out.ts };
    },
    async update(channel, ts, payload) {
      await call('chat.update', { channel, ts, text: payload.text, blocks: payload.blocks });
    },
  };
}
