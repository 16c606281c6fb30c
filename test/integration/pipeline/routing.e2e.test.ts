import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import {
  type SlackWebApiStandIn,
  startSlackWebApiStandIn,
} from '../../support/slackWebApiStandIn.js';
import { taggedDemoSnapshot } from '../../support/taggedDemo.js';
import {
  type AwsFixture,
  clearNoiseTable,
  createAwsFixture,
  drainSubscriber,
  lambdaContext,
  type SlackReceiver,
  sampleEvents,
  sqsEvent,
  sqsRecord,
  startSlackReceiver,
  variant,
} from './pipelineFixture.js';

/**
 * Routing end to end on moto_server: the real handlers of
 * functions/explainDenial.ts and functions/flushSummaries.ts with the routing
 * file of lib/deploy/examples/routes.json in `TRUSTWATCH_ROUTES`; the
 * platform webhook URL in an SSM SecureString, the data one in Secrets
 * Manager, the bot token in SSM (all read through Powertools parameters);
 * two local webhook receivers and a local stand-in of Slack's Web API for
 * the payments and security channels. Only the live IAM state source is
 * swapped for the tagged demo organization (test/support/taggedDemo.ts).
 */
const state = vi.hoisted(() => ({ current: undefined as IamStateSource | undefined }));
vi.mock('../../../lib/aws/createLiveStateSource.js', () => ({
  createLiveStateSource: async () => state.current,
}));

const root = resolve(import.meta.dirname, '../../..');
const events = sampleEvents(root);
const event = (name: string) => {
  const e = events.get(name);
  if (!e) throw new Error(`missing sample event ${name}`);
  return e;
};
const TOKEN = 'xoxb-1234-routing-e2e';
const PAYMENTS = 'C0PAYMENTS1';
const SECURITY = 'C0SECURITY1';

type Handler = (e: SQSEvent, c: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
let handler: Handler;
let flush: (e: unknown, c: ReturnType<typeof lambdaContext>) => Promise<{ sent: number }>;
let platform: SlackReceiver;
let data: SlackReceiver;
let slackApi: SlackWebApiStandIn;
let aws: AwsFixture;
const saved = { ...process.env };

const invoke = async (bodies: unknown[]) => {
  const res = await handler(
    sqsEvent(bodies.map((b) => sqsRecord(JSON.stringify(b)))),
    lambdaContext('explainDenial'),
  );
  expect(res.batchItemFailures).toEqual([]);
};
const destinationsOf = (p: { attributes: Record<string, { Value: string }> }) =>
  JSON.parse(p.attributes.destination?.Value ?? 'null');

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  platform = await startSlackReceiver();
  data = await startSlackReceiver();
  slackApi = await startSlackWebApiStandIn(TOKEN, [PAYMENTS, SECURITY]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.TW_TEST_LOG ?? 'SILENT',
    AWS_LAMBDA_LOG_LEVEL: process.env.TW_TEST_LOG ?? 'SILENT',
  });
  aws = await createAwsFixture(platform.url);
  const ssm = new SSMClient({});
  for (const [Name, Value] of [
    ['/trustwatch/slack/platform', platform.url],
    ['/trustwatch/slack/bot-token', TOKEN],
  ] as const) {
    await ssm.send(new PutParameterCommand({ Name, Value, Type: 'SecureString', Overwrite: true }));
  }
  await new SecretsManagerClient({}).send(
    new CreateSecretCommand({
      Name: 'trustwatch/slack/data',
      SecretString: JSON.stringify({ url: data.url }),
    }),
  );
  const routes = JSON.parse(readFileSync(resolve(root, 'lib/deploy/examples/routes.json'), 'utf8'));
  Object.assign(process.env, {
    TRUSTWATCH_TOPIC_ARN: aws.topicArn,
    TRUSTWATCH_EVENT_BUS_NAME: aws.busName,
    TRUSTWATCH_TABLE_NAME: aws.tableName,
    TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: '',
    TRUSTWATCH_DEDUP_WINDOW_SECONDS: '600',
    TRUSTWATCH_ENUMERATION_THRESHOLD: '4',
    TRUSTWATCH_SLACK_MAX_ATTEMPTS: '2',
    TRUSTWATCH_ROUTES: JSON.stringify(routes),
    TRUSTWATCH_SLACK_API_URL: slackApi.url,
  });
  state.current = new SnapshotStateSource(taggedDemoSnapshot());
  handler = (await import('../../../functions/explainDenial.js')).handler as unknown as Handler;
  flush = (await import('../../../functions/flushSummaries.js')).handler as unknown as typeof flush;
});

afterAll(async () => {
  vi.useRealTimers();
  await Promise.all([platform?.close(), data?.close(), slackApi?.close()]);
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

beforeEach(async () => {
  platform.reset();
  data.reset();
  slackApi.reset();
  await drainSubscriber(aws);
  await clearNoiseTable(aws);
});

describe('alerts reach the team that owns them', () => {
  it('delivers two denials of two teams to their two Slack webhooks, and names the destinations on SNS', async () => {
    const platformDenial = variant(event('01-trust-policy-lacks-principal.json'));
    const dataDenial = variant(event('02-caller-lacks-sts-assumerole.json'));
    await invoke([platformDenial, dataDenial]);

    expect(platform.received).toHaveLength(1);
    expect(platform.received[0]?.body).toContain('DeployRole');
    expect(data.received).toHaveLength(1);
    expect(data.received[0]?.body).toContain('AnalyticsReader');
    expect(slackApi.calls).toEqual([]);

    const published = await drainSubscriber(aws);
    const byEvent = new Map(published.map((p) => [p.message.eventId, destinationsOf(p)]));
    expect(byEvent.get((platformDenial.detail as { eventID: string }).eventID)).toEqual([
      'platform',
    ]);
    expect(byEvent.get((dataDenial.detail as { eventID: string }).eventID)).toEqual([
      'data',
      'data-oncall',
    ]);
    expect(published[0]?.attributes.destination?.Type).toBe('String.Array');
  });

  it('sends the role-enumeration alert to the owning team and to security', async () => {
    const names = ['Admin', 'Root', 'Backup', 'Billing', 'Ops'];
    for (const n of names) {
      await invoke([
        variant(event('05-role-does-not-exist-typo.json'), (d) => {
          d.errorMessage = String(d.errorMessage).replace('role/DeplyRole', `role/Probe${n}`);
        }),
      ]);
    }
    // Threshold 4: three ROLE_NOT_FOUND alerts to the team, then one security alert, then silence.
    expect(platform.received.map((r) => r.json.text)).toEqual([
      expect.stringContaining('ROLE_NOT_FOUND'),
      expect.stringContaining('ROLE_NOT_FOUND'),
      expect.stringContaining('ROLE_NOT_FOUND'),
      expect.stringContaining('possible role enumeration'),
    ]);
    const security = slackApi.topLevel(SECURITY);
    expect(security).toHaveLength(1);
    expect(security[0]?.text).toContain('possible role enumeration');
    expect(data.received).toHaveLength(0);

    const published = await drainSubscriber(aws);
    const alert = published.find((p) => p.attributes.alertType?.Value === 'security');
    expect(destinationsOf(alert as never)).toEqual(['platform', 'security']);
  });
});

describe('threads when the Slack app posts (payments channel)', () => {
  it('posts once, replies once in the thread, keeps a counter on the first message and closes it instead of a summary', async () => {
    const base = variant(event('04-externalid-missing-or-wrong.json'));
    await invoke([base]);
    const [first] = slackApi.topLevel(PAYMENTS);
    expect(first?.text).toContain('TRUST_CONDITION_EXTERNAL_ID');
    const fixText = JSON.stringify(first?.blocks);
    expect(fixText).toContain('ThirdPartyAuditRole');

    await invoke([variant(base), variant(base), variant(base)]);
    expect(slackApi.topLevel(PAYMENTS)).toHaveLength(1);
    const replies = slackApi.replies(PAYMENTS, first?.ts as string);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('repeating');
    expect(first?.text).toMatch(/seen \d+ times/);

    // The window ends: the flush updates the counter instead of posting a summary.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 601_000);
    try {
      expect(await flush({}, lambdaContext('flushSummaries'))).toEqual({ sent: 1 });
    } finally {
      vi.useRealTimers();
    }
    expect(slackApi.topLevel(PAYMENTS)).toHaveLength(1);
    expect(slackApi.replies(PAYMENTS, first?.ts as string)).toHaveLength(1);
    expect(first?.text).toContain('seen 4 times');
    const blocks = JSON.stringify(first?.blocks);
    expect(blocks).toContain('Seen 4 times');
    expect(blocks).toContain('window closed');
    // The fix stays in the first message.
    expect(blocks.startsWith(fixText.slice(0, -1))).toBe(true);

    // Every call was one Slack accepts as documented: bearer token, JSON with charset, no warnings.
    expect(slackApi.calls.length).toBeGreaterThanOrEqual(4);
    for (const c of slackApi.calls) expect(c.answer).toEqual({ ok: true });
    const updates = slackApi.calls.filter((c) => c.method === 'chat.update');
    for (const u of updates) expect(u.body).toMatchObject({ channel: PAYMENTS, ts: first?.ts });
    const reply = slackApi.calls.find((c) => c.body.thread_ts !== undefined);
    expect(reply?.body).toMatchObject({ channel: PAYMENTS, thread_ts: first?.ts });
    expect(platform.received).toHaveLength(0);
  });

  it('keeps count-and-summarise for webhook destinations', async () => {
    const base = variant(event('01-trust-policy-lacks-principal.json'));
    await invoke([base, variant(base), variant(base)]);
    expect(platform.received).toHaveLength(1);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 601_000);
    try {
      expect(await flush({}, lambdaContext('flushSummaries'))).toEqual({ sent: 1 });
    } finally {
      vi.useRealTimers();
    }
    expect(platform.received).toHaveLength(2);
    expect(platform.received[1]?.json.text).toContain('repeated 2 more times');
    expect(slackApi.calls).toEqual([]);
  });
});
