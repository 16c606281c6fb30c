import {
  DeliveryError,
  SinkDisabledError,
  SLACK_WEBHOOK_DISABLED_STATUSES,
} from '../../errors/TrustwatchError.js';
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

export interface SlackHttpOptions {
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts including the first (default 3). */
  readonly maxAttempts?: number;
  /** A `Retry-After` longer than this fails the call (SQS retries later) instead of waiting. */
  readonly maxRetryAfterMs?: number;
  readonly timeoutMs?: number;
}

export interface SlackWebApiOptions extends SlackHttpOptions {
  /** The bot token (`xoxb-…`), read from its secret. */
  readonly token: () => Promise<string>;
  readonly baseUrl?: string;
}

/**
 * POSTs JSON to Slack (a Web API method or an incoming webhook) with bounded
 * retries: HTTP 429 waits for `Retry-After` when short, 5xx and network
 * errors back off (250 ms doubled); any other status fails at once. Returns
 * the response body text; throws {@link DeliveryError} naming `what`, or
 * {@link SinkDisabledError} for `403`/`404`/`410` (a revoked webhook, e.g.
 * `no_service`), which only an operator can fix.
 */
export async function postSlackJson(
  url: string | URL,
  headers: Record<string, string>,
  body: unknown,
  what: string,
  opts: SlackHttpOptions = {},
): Promise<string> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = opts.maxAttempts ?? 3;
  const text = JSON.stringify(body);
  let last = 'no attempt made';
  for (let i = 1; i <= attempts; i++) {
    let wait = 250 * 2 ** (i - 1);
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: text,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
      if (res.ok) return await res.text();
      await res.body?.cancel();
      last = `status ${res.status}`;
      if (SLACK_WEBHOOK_DISABLED_STATUSES.has(res.status)) {
        throw new SinkDisabledError(`slack ${what} disabled (${last}): replace its secret`, {
          context: { sink: 'slack', status: res.status },
        });
      }
      if (res.status === 429) {
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after >= 0) wait = after * 1000;
        if (wait > (opts.maxRetryAfterMs ?? 10_000)) break;
      } else if (res.status < 500) {
        break;
      }
    } catch (err) {
      if (err instanceof SinkDisabledError) throw err;
      last = `network error: ${(err as Error).message}`;
    }
    if (i < attempts) await sleep(wait);
  }
  throw new DeliveryError(`slack ${what} failed (${last})`, { context: { sink: 'slack' } });
}

interface SlackResponse {
  readonly ok?: boolean;
  readonly error?: string;
  readonly channel?: string;
  readonly ts?: string;
}

/**
 * A minimal Slack Web API client as Slack documents JSON calls: `POST
 * <base>/<method>`, `Authorization: Bearer <token>` (a JSON body cannot carry
 * the token), `Content-Type: application/json; charset=utf-8` (without the
 * charset Slack answers with a `missing_charset` warning). Slack answers
 * HTTP 200 with `{"ok": false, "error": …}` for a refused call
 * (`channel_not_found`, `not_in_channel`, `invalid_auth`): that fails at once
 * with {@link DeliveryError}.
 */
export function slackWebApi(opts: SlackWebApiOptions): SlackWebApi {
  const base = (opts.baseUrl ?? SLACK_API_URL).replace(/\/?$/, '/');
  async function call(method: string, body: Record<string, unknown>): Promise<SlackResponse> {
    const auth = { authorization: `Bearer ${await opts.token()}` };
    const text = await postSlackJson(`${base}${method}`, auth, body, method, opts);
    let out: SlackResponse;
    try {
      out = JSON.parse(text) as SlackResponse;
    } catch {
      throw new DeliveryError(`slack ${method} answered with something other than JSON`);
    }
    if (out.ok !== true) {
      throw new DeliveryError(`slack ${method} refused: ${out.error ?? 'no error code'}`, {
        context: { sink: 'slack', method },
      });
    }
    return out;
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
