import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A message as the stand-in keeps it: the latest text and blocks, and its thread replies. */
export interface StandInMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  blocks: unknown[];
  readonly threadTs?: string;
  /** How many `chat.update` calls changed it. */
  updates: number;
}

export interface StandInCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  /** Slack's answer: `ok`, or the error code it would give. */
  readonly answer: { ok: boolean; error?: string; warning?: string };
}

/**
 * A local stand-in of Slack's Web API (`chat.postMessage`, `chat.update`)
 * on 127.0.0.1 that refuses requests the way Slack documents:
 * - `POST /api/<method>` only (`unknown_method` otherwise);
 * - `Authorization: Bearer <token>` (`not_authed` without one,
 *   `invalid_auth` for another token), since a JSON body cannot carry the token;
 * - `Content-Type: application/json`, with `charset=utf-8` (without it Slack
 *   answers `ok` with the warning `missing_charset`, which is recorded);
 * - `channel` an id the bot is in (`channel_not_found`), `text` or `blocks`
 *   (`no_text`), a `thread_ts` naming a top-level message of that channel;
 * - `chat.update` needs `channel` and the `ts` of a message the app posted
 *   (`message_not_found`), and replaces its `text` and `blocks`.
 * Errors are HTTP 200 with `{"ok": false, "error": …}`, as Slack answers them.
 */
export interface SlackWebApiStandIn {
  /** Base URL to configure (`TRUSTWATCH_SLACK_API_URL`). */
  readonly url: string;
  readonly calls: StandInCall[];
  readonly messages: StandInMessage[];
  /** Top-level messages of a channel, oldest first. */
  topLevel(channel: string): StandInMessage[];
  replies(channel: string, threadTs: string): StandInMessage[];
  reset(): void;
  close(): Promise<void>;
}

export async function startSlackWebApiStandIn(
  token: string,
  channels: readonly string[],
): Promise<SlackWebApiStandIn> {
  const calls: StandInCall[] = [];
  const messages: StandInMessage[] = [];
  let clock = 1_765_000_000;
  let seq = 0;
  const nextTs = () => `${clock}.${String(++seq).padStart(6, '0')}`;

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, raw: string, res: ServerResponse) => {
    const method = /^\/api\/([\w.]+)$/.exec(req.url ?? '')?.[1] ?? '';
    const record = (body: Record<string, unknown>, a: StandInCall['answer']) => {
      calls.push({ method, body, answer: a });
      answer(res, 200, a);
    };
    if (req.method !== 'POST' || (method !== 'chat.postMessage' && method !== 'chat.update')) {
      calls.push({ method, body: {}, answer: { ok: false, error: 'unknown_method' } });
      return answer(res, 404, { ok: false, error: 'unknown_method' });
    }
    const auth = req.headers.authorization;
    const type = req.headers['content-type'] ?? '';
    if (auth === undefined) return record({}, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${token}`) return record({}, { ok: false, error: 'invalid_auth' });
    if (!/^application\/json\b/i.test(type)) {
      return record({}, { ok: false, error: 'invalid_form_data' });
    }
    const warning = /;\s*charset=utf-8\s*$/i.test(type) ? undefined : 'missing_charset';
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return record({}, { ok: false, error: 'invalid_json' });
    }
    const channel = body.channel;
    if (typeof channel !== 'string' || !channels.includes(channel)) {
      return record(body, { ok: false, error: 'channel_not_found' });
    }
    const text = typeof body.text === 'string' ? body.text : undefined;
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    if (text === undefined && blocks === undefined)
      return record(body, { ok: false, error: 'no_text' });
    const ok = (extra: Record<string, unknown>) => {
      const a = { ok: true, ...(warning ? { warning } : {}) };
      calls.push({ method, body, answer: a });
      answer(res, 200, { ...a, channel, ...extra });
    };
    if (method === 'chat.postMessage') {
      const threadTs = body.thread_ts;
      if (threadTs !== undefined) {
        const parent = messages.find(
          (m) => m.channel === channel && m.ts === threadTs && m.threadTs === undefined,
        );
        if (parent === undefined) return record(body, { ok: false, error: 'thread_not_found' });
      }
      const m: StandInMessage = {
        channel,
        ts: nextTs(),
        text: text ?? '',
        blocks: blocks ?? [],
        ...(typeof threadTs === 'string' ? { threadTs } : {}),
        updates: 0,
      };
      messages.push(m);
      clock++;
      return ok({ ts: m.ts, message: { text: m.text, ts: m.ts } });
    }
    const target = messages.find((m) => m.channel === channel && m.ts === body.ts);
    if (target === undefined) return record(body, { ok: false, error: 'message_not_found' });
    if (text !== undefined) target.text = text;
    // Slack: text without blocks removes the blocks.
    target.blocks = blocks ?? [];
    target.updates++;
    return ok({ ts: target.ts, text: target.text });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    messages,
    topLevel: (channel) =>
      messages.filter((m) => m.channel === channel && m.threadTs === undefined),
    replies: (channel, ts) => messages.filter((m) => m.channel === channel && m.threadTs === ts),
    reset: () => {
      calls.length = 0;
      messages.length = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
