import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { destinationPublisher } from '../../../lib/alerts/destinations/destinationPublisher.js';
import { routedDigestSink } from '../../../lib/alerts/destinations/routeDigest.js';
import type { SlackWebApi } from '../../../lib/alerts/destinations/slackWebApi.js';
import { finishRun } from '../../../lib/audit/aws/finishRun.js';
import type { DigestSink } from '../../../lib/audit/digest/DigestSink.js';
import { slackDigestSink } from '../../../lib/audit/digest/slackDigestSink.js';
import type { StoredFinding } from '../../../lib/findings/AuditRun.js';
import type { AuditDigest } from '../../../lib/findings/buildDigest.js';
import { readRoutingText } from '../../../lib/routing/parseRoutingTable.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { taggedDemoSnapshot } from '../../support/taggedDemo.js';
import { MemoryAuditStore } from './memoryAuditStore.js';

const now = () => new Date('2026-12-07T05:30:00Z');

const finding = (roleArn: string): StoredFinding => ({
  code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
  severity: 'high',
  roleArn,
  roleName: roleArn.split('/').pop() as string,
  accountId: roleArn.split(':')[4] as string,
  evidence: { statementIndex: 0 },
  summary: `finding on ${roleArn}`,
  fingerprint: `fp-${roleArn}`,
});

/** A complete one-account run whose findings route to several teams. */
async function completedRun(store: MemoryAuditStore, runId: string): Promise<void> {
  await store.startRun(runId, runId.slice(0, 20), ['222222222222']);
  await store.recordAccount({
    runId,
    accountId: '222222222222',
    auditedAt: runId.slice(0, 20),
    rolesAudited: 3,
    findings: [
      finding('arn:aws:iam::222222222222:role/AnalyticsReader'),
      finding('arn:aws:iam::222222222222:role/BreakGlassAdmin'),
    ],
    suppressedCount: 0,
    blindSpots: [],
    warnings: [],
  });
}

/** A digest sink that records what it accepted and fails while `failures` lasts. */
function recordingSink(name: string) {
  const got: AuditDigest[] = [];
  const sink = {
    failures: 0,
    got,
    name,
    async deliver(d: AuditDigest) {
      if (sink.failures > 0) {
        sink.failures--;
        throw new Error('throttled');
      }
      got.push(d);
    },
  };
  return sink satisfies DigestSink;
}

/** A Slack webhook stand-in: answers from `answers` (then 200), records accepted posts. */
function webhook(answers: { status: number; body?: string }[]) {
  const accepted: unknown[] = [];
  let calls = 0;
  const fetch = (async (_url: unknown, init?: RequestInit) => {
    calls++;
    const a = answers.shift() ?? { status: 200, body: 'ok' };
    if (a.status === 200) accepted.push(JSON.parse(String(init?.body)));
    return new Response(a.body ?? '', { status: a.status });
  }) as typeof globalThis.fetch;
  return { fetch, accepted, calls: () => calls };
}

const url = async () => new URL('https://hooks.slack.com/services/T/B/X');
const noSleep = async () => {};

describe('finishRun: a retry re-sends only what failed', () => {
  it('SNS accepted, Slack failed: the retry posts to Slack and does not publish again', async () => {
    const store = new MemoryAuditStore();
    await completedRun(store, '2026-12-07T05:17:00Z-a');
    const sns = recordingSink('sns');
    const slack = webhook([{ status: 500 }]);
    const sinks = [
      sns,
      slackDigestSink({ webhookUrl: url, fetch: slack.fetch, sleep: noSleep, maxAttempts: 1 }),
    ];
    await expect(finishRun('2026-12-07T05:17:00Z-a', { store, sinks, now })).rejects.toThrow(
      /slack: slack delivery of the audit digest failed: status 500/,
    );
    expect((await store.getRun('2026-12-07T05:17:00Z-a'))?.digestDelivered).toEqual(['sns']);
    expect(await finishRun('2026-12-07T05:17:00Z-a', { store, sinks, now })).not.toBeNull();
    expect(sns.got).toHaveLength(1);
    expect(slack.accepted).toHaveLength(1);
    expect((await store.getRun('2026-12-07T05:17:00Z-a'))?.digestSentAt).toBeDefined();
  });

  it('Slack accepted, SNS failed: the retry publishes and does not post to Slack again', async () => {
    const store = new MemoryAuditStore();
    await completedRun(store, '2026-12-07T05:17:00Z-b');
    const sns = recordingSink('sns');
    sns.failures = 1;
    const slack = webhook([]);
    const sinks = [sns, slackDigestSink({ webhookUrl: url, fetch: slack.fetch, sleep: noSleep })];
    await expect(finishRun('2026-12-07T05:17:00Z-b', { store, sinks, now })).rejects.toThrow(
      'sns: throttled',
    );
    expect(await finishRun('2026-12-07T05:17:00Z-b', { store, sinks, now })).not.toBeNull();
    expect(sns.got).toHaveLength(1);
    expect(slack.accepted).toHaveLength(1);
    expect(slack.calls()).toBe(1);
  });
});

describe('finishRun: a revoked Slack webhook (410 no_service)', () => {
  it('is called once, raises SinkDisabled, and the run completes on SNS; the next run does not call it', async () => {
    const store = new MemoryAuditStore();
    await completedRun(store, '2026-12-07T05:17:00Z-c');
    await completedRun(store, '2026-12-08T05:17:00Z-c');
    const sns = recordingSink('sns');
    const slack = webhook([{ status: 410, body: 'no_service' }]);
    const sinks = [sns, slackDigestSink({ webhookUrl: url, fetch: slack.fetch, sleep: noSleep })];
    const disabled: string[] = [];
    const deps = { store, sinks, now, disabled: (sink: string) => void disabled.push(sink) };
    expect(await finishRun('2026-12-07T05:17:00Z-c', deps)).not.toBeNull();
    expect(await finishRun('2026-12-08T05:17:00Z-c', deps)).not.toBeNull();
    expect(slack.calls()).toBe(1);
    expect(slack.accepted).toHaveLength(0);
    expect(sns.got).toHaveLength(2);
    expect(disabled).toEqual(['slack', 'slack']);
    expect((await store.getRun('2026-12-07T05:17:00Z-c'))?.digestSentAt).toBeDefined();
  });

  it('fails the run when no sink at all delivered the digest (the message ends in the DLQ, not nowhere)', async () => {
    const store = new MemoryAuditStore();
    await completedRun(store, '2026-12-07T05:17:00Z-d');
    const slack = webhook([{ status: 404, body: 'no_service' }]);
    const sinks = [slackDigestSink({ webhookUrl: url, fetch: slack.fetch, sleep: noSleep })];
    await expect(finishRun('2026-12-07T05:17:00Z-d', { store, sinks, now })).rejects.toThrow(
      /slack delivery of the audit digest failed: status 404 `no_service`: the webhook is disabled/,
    );
    expect((await store.getRun('2026-12-07T05:17:00Z-d'))?.digestSentAt).toBeUndefined();
  });
});

describe('finishRun with the routed digest: each team part recorded on its own', () => {
  const routesFile = resolve(import.meta.dirname, '../../../lib/deploy/examples/routes.json');
  const table = readRoutingText(readFileSync(routesFile, 'utf8'), routesFile);
  const source = new SnapshotStateSource(taggedDemoSnapshot());

  function world(answers: Record<string, { status: number; body?: string }[]>) {
    const slack = new Map<string, number>();
    const calls = new Map<string, number>();
    const fetch = (async (u: string | URL) => {
      const team = new URL(String(u)).pathname.slice(1);
      calls.set(team, (calls.get(team) ?? 0) + 1);
      const a = answers[team]?.shift() ?? { status: 200, body: 'ok' };
      if (a.status === 200) slack.set(team, (slack.get(team) ?? 0) + 1);
      return new Response(a.body ?? '', { status: a.status });
    }) as typeof globalThis.fetch;
    const sns = new Map<string, number>();
    let snsFailures = 0;
    const client = {
      async send(cmd: PublishCommand) {
        const team = JSON.parse(
          String(cmd.input.MessageAttributes?.destination?.StringValue),
        )[0] as string;
        if (team === 'data' && snsFailures > 0) {
          snsFailures--;
          throw new Error('Throttling');
        }
        sns.set(team, (sns.get(team) ?? 0) + 1);
        return {};
      },
    } as unknown as SNSClient;
    const api: SlackWebApi = {
      async postMessage(channel) {
        slack.set(channel, (slack.get(channel) ?? 0) + 1);
        return { channel, ts: '1.0' };
      },
      async update() {},
    };
    const publish = destinationPublisher({
      secrets: async (ref) =>
        `https://hooks.slack.com/${ref.kind === 'ssm' ? ref.name.split('/').pop() : ref.id.split('/').pop()}`,
      api,
      sns: { client, topicArn: 'arn:aws:sns:us-east-1:999999999999:trustwatch' },
      fetch,
    });
    const sink = routedDigestSink(table, async () => source, publish);
    return {
      sink,
      slack,
      sns,
      calls,
      failSnsOf: (n: number) => {
        snsFailures = n;
      },
    };
  }

  it("one team's Slack and another's SNS fail: the retry sends only those two parts", async () => {
    const store = new MemoryAuditStore();
    await completedRun(store, '2026-12-07T05:17:00Z-e');
    const w = world({ platform: [{ status: 400, body: 'invalid_payload' }] });
    w.failSnsOf(1);
    await expect(
      finishRun('2026-12-07T05:17:00Z-e', { store, sinks: [w.sink], now }),
    ).rejects.toThrow(/routes: team digests not delivered \(.*platform: .*data: sns publish/);
    const first = (await store.getRun('2026-12-07T05:17:00Z-e'))?.digestDelivered ?? [];
    expect(first).toContain('routes:platform:sns');
    expect(first).toContain('routes:data:slack');
    expect(first).not.toContain('routes:platform:slack');
    expect(first).not.toContain('routes:data:sns');
    expect(
      await finishRun('2026-12-07T05:17:00Z-e', { store, sinks: [w.sink], now }),
    ).not.toBeNull();
    // Every team that got a digest got exactly one, on Slack and on SNS, across the retry.
    const teams = [...w.sns.keys()].sort();
    expect(teams.length).toBeGreaterThan(1);
    for (const team of teams) expect(w.sns.get(team)).toBe(1);
    for (const [, n] of w.slack) expect(n).toBe(1);
    expect(w.slack.get('platform')).toBe(1);
    expect(w.slack.get('data')).toBe(1);
    expect(w.calls.get('platform')).toBe(2);
    expect(w.calls.get('data')).toBe(1);
  });

  it("a team's revoked webhook: called once across runs, SinkDisabled, the others and its SNS delivered", async () => {
    const store = new MemoryAuditStore();
    await completedRun(store, '2026-12-07T05:17:00Z-f');
    await completedRun(store, '2026-12-08T05:17:00Z-f');
    const w = world({ platform: [{ status: 410, body: 'no_service' }] });
    const disabled: string[] = [];
    const deps = {
      store,
      sinks: [w.sink],
      now,
      disabled: (sink: string, message: string) => void disabled.push(`${sink}: ${message}`),
    };
    expect(await finishRun('2026-12-07T05:17:00Z-f', deps)).not.toBeNull();
    expect(await finishRun('2026-12-08T05:17:00Z-f', deps)).not.toBeNull();
    expect(w.calls.get('platform')).toBe(1);
    expect(w.slack.get('platform')).toBeUndefined();
    expect(w.sns.get('platform')).toBe(2);
    expect(w.slack.get('data')).toBe(2);
    expect(disabled).toHaveLength(2);
    expect(disabled[0]).toMatch(
      /^routes: team digests not delivered \(platform: slack webhook of `platform` disabled \(status 410\)/,
    );
    expect(disabled[1]).toMatch(/platform: slack webhook of `platform` disabled .*not called/);
  });
});

describe('destinationPublisher with progress (the weekly denial digest records its parts the same way)', () => {
  it('Slack refused, SNS accepted: the retry posts to Slack only', async () => {
    let posts = 0;
    const answers = [400];
    const fetch = (async () => {
      const status = answers.shift() ?? 200;
      if (status === 200) posts++;
      return new Response(status === 200 ? 'ok' : 'invalid_payload', { status });
    }) as typeof globalThis.fetch;
    let published = 0;
    const client = {
      async send() {
        published++;
        return {};
      },
    } as unknown as SNSClient;
    const publish = destinationPublisher({
      secrets: async () => 'https://hooks.slack.com/services/T/B/P',
      sns: { client, topicArn: 'arn:aws:sns:us-east-1:999999999999:trustwatch' },
      fetch,
    });
    const done = new Set<string>();
    const progress = {
      delivered: (p: string) => done.has(p),
      mark: async (p: string) => void done.add(p),
    };
    const platform = {
      name: 'platform',
      target: { kind: 'webhook', webhook: { kind: 'ssm', name: '/trustwatch/slack/platform' } },
    } as const;
    const message = {
      slack: { text: 'digest', blocks: [] },
      subject: 's',
      json: '{}',
      kind: 'denial-digest',
    };
    await expect(publish(platform, message, progress)).rejects.toThrow(
      /webhook of `platform` failed \(status 400\)/,
    );
    expect([...done]).toEqual(['sns']);
    await publish(platform, message, progress);
    expect({ posts, published }).toEqual({ posts: 1, published: 1 });
    expect([...done].sort()).toEqual(['slack', 'sns']);
  });
});
