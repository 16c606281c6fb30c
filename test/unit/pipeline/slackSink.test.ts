import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  powertoolsReadSecret,
  type ReadSecret,
  slackWebhookPurpose,
} from '../../../lib/alerts/readSecret.js';
import { SlackSink } from '../../../lib/alerts/slackSink.js';
import { cachedWebhookUrl, parseWebhookUrl } from '../../../lib/alerts/webhookUrl.js';
import { ConfigError, DeliveryError } from '../../../lib/errors/TrustwatchError.js';
import { sampleDiagnosis } from './fixtures.js';

type Reply = { status: number; headers?: Record<string, string> } | Error;

function harness(replies: Reply[], maxAttempts = 4) {
  const calls: { url: string; body: string }[] = [];
  const sleeps: number[] = [];
  const fetchFn = (async (url: URL, init: RequestInit) => {
    calls.push({ url: String(url), body: String(init.body) });
    const r = replies.shift() ?? { status: 200 };
    if (r instanceof Error) throw r;
    return new Response(r.status === 200 ? 'ok' : 'no', {
      status: r.status,
      headers: r.headers ?? {},
    });
  }) as unknown as typeof fetch;
  const sink = new SlackSink({
    webhookUrl: async () => new URL('https://hooks.slack.com/services/T/B/X'),
    maxAttempts,
    baseDelayMs: 100,
    fetch: fetchFn,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
  });
  return { sink, calls, sleeps };
}

const alert = { kind: 'diagnosis', diagnosis: sampleDiagnosis() } as const;

describe('SlackSink', () => {
  it('posts the Block Kit payload once on success', async () => {
    const h = harness([{ status: 200 }]);
    await h.sink.deliver(alert);
    expect(h.calls).toHaveLength(1);
    const body = JSON.parse(h.calls[0]?.body ?? '{}') as { text: string; blocks: unknown[] };
    expect(body.text).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(body.blocks.length).toBeGreaterThan(2);
    expect(h.sleeps).toEqual([]);
  });

  it('backs off exponentially on 5xx and network errors, then succeeds', async () => {
    const h = harness([{ status: 500 }, new Error('ECONNRESET'), { status: 503 }, { status: 200 }]);
    await h.sink.deliver(alert);
    expect(h.calls).toHaveLength(4);
    expect(h.sleeps).toEqual([100, 200, 400]);
  });

  it('waits exactly Retry-After on 429', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '3' } }, { status: 200 }]);
    await h.sink.deliver(alert);
    expect(h.sleeps).toEqual([3000]);
  });

  it('fails instead of waiting when Retry-After is longer than the bound (SQS retries later)', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '120' } }]);
    await expect(h.sink.deliver(alert)).rejects.toThrow(DeliveryError);
    expect(h.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it.each([403, 404, 400])('does not retry a %i (revoked or invalid webhook)', async (status) => {
    const h = harness([{ status }]);
    await expect(h.sink.deliver(alert)).rejects.toThrow(`status ${status}`);
    expect(h.calls).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts', async () => {
    const h = harness([{ status: 500 }, { status: 500 }, { status: 500 }], 3);
    await expect(h.sink.deliver(alert)).rejects.toThrow(
      /slack webhook delivery failed \(status 500/,
    );
    expect(h.calls).toHaveLength(3);
    expect(h.sleeps).toEqual([100, 200]);
  });
});

describe('webhook URL', () => {
  it.each([
    ['https://hooks.slack.com/services/T/B/X', 'https://hooks.slack.com/services/T/B/X'],
    ['{"url":"https://hooks.slack.com/services/T/B/Y"}', 'https://hooks.slack.com/services/T/B/Y'],
    [
      '{"webhookUrl":"https://hooks.slack.com/services/T/B/Z"}',
      'https://hooks.slack.com/services/T/B/Z',
    ],
    ['http://127.0.0.1:8080/hook', 'http://127.0.0.1:8080/hook'],
  ])('accepts %s', (raw, url) => {
    expect(String(parseWebhookUrl(raw, 'p'))).toBe(url);
  });

  it.each(['http://hooks.slack.com/x', 'not a url', '{"nope":1}', '{broken'])(
    'rejects %s',
    (raw) => {
      expect(() => parseWebhookUrl(raw, '/trustwatch/slack')).toThrow(ConfigError);
    },
  );

  it('reads the secret once per cold start, but retries after a failed read', async () => {
    let reads = 0;
    const reader: ReadSecret = async (location) => {
      if (location.kind !== 'ssm') throw new Error('not used');
      reads++;
      if (reads === 1) throw new Error('throttled');
      return 'https://hooks.slack.com/services/T/B/X';
    };
    const get = cachedWebhookUrl({ kind: 'ssm', name: '/trustwatch/slack' }, reader);
    await expect(get()).rejects.toThrow('throttled');
    await get();
    await get();
    expect(reads).toBe(2);
  });
});

describe('powertoolsReadSecret (Powertools parameters)', () => {
  const ssm = mockClient(SSMClient);
  const sm = mockClient(SecretsManagerClient);

  it('reads a SecureString with decryption', async () => {
    ssm.reset();
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/X' } });
    const read = powertoolsReadSecret({ maxAgeSeconds: 0 });
    const where = { kind: 'ssm', name: '/trustwatch/slack-a' } as const;
    expect(await read(where, slackWebhookPurpose(where))).toBe(
      'https://hooks.slack.com/services/T/B/X',
    );
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/trustwatch/slack-a',
      WithDecryption: true,
    });
  });

  it('names the parameter, the variable and the way out when it does not exist', async () => {
    ssm.reset();
    const missing = Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound' });
    ssm.on(GetParameterCommand).rejects(missing);
    const where = { kind: 'ssm', name: '/trustwatch/slack-missing' } as const;
    const err = await powertoolsReadSecret({ maxAgeSeconds: 0 })(
      where,
      slackWebhookPurpose(where),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(
      /ssm parameter `\/trustwatch\/slack-missing` could not be read \(ParameterNotFound: Parameter not found\); create it/,
    );
    expect((err as ConfigError).context.variable).toBe('TRUSTWATCH_SLACK_WEBHOOK_PARAMETER');
  });

  it('reads a Secrets Manager secret string', async () => {
    sm.reset();
    sm.on(GetSecretValueCommand).resolves({
      SecretString: '{"url":"https://hooks.slack.com/services/T/B/Y"}',
    });
    const where = { kind: 'secretsmanager', id: 'trustwatch/slack-b' } as const;
    const raw = await powertoolsReadSecret({ maxAgeSeconds: 0 })(where, slackWebhookPurpose(where));
    expect(String(parseWebhookUrl(raw, 'trustwatch/slack-b'))).toBe(
      'https://hooks.slack.com/services/T/B/Y',
    );
  });

  it('refuses an empty value', async () => {
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '' } });
    await expect(
      powertoolsReadSecret({ maxAgeSeconds: 0 })(
        { kind: 'ssm', name: '/trustwatch/slack-empty' },
        { what: 'webhook of destination `payments`' },
      ),
    ).rejects.toThrow(
      /^webhook of destination `payments`: ssm parameter `\/trustwatch\/slack-empty` has no string value$/,
    );
  });
});
