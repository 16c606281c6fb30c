import { resolve } from 'node:path';
import { CreateTopicCommand, DeleteTopicCommand } from '@aws-sdk/client-sns';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { slackPayloadProblems } from '../../support/hostileText.js';
import {
  type AwsFixture,
  clearNoiseTable,
  createAwsFixture,
  drainExplained,
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
 * End to end on moto_server: the real middy-wrapped `handler` of
 * functions/explainDenial.ts (config from the environment, Slack URL from an
 * SSM SecureString, DynamoDB noise control, SNS + EventBridge + Slack sinks),
 * fed the SQS batch shape Lambda receives. Only the IAM state source is
 * swapped: the live one is replaced by the demo snapshot (or a faulty variant).
 */
const state = vi.hoisted(() => ({ current: undefined as IamStateSource | undefined }));

vi.mock('../../../lib/aws/createLiveStateSource.js', () => {
  // A proxy so each test can swap the state source behind the handler's cached one.
  const proxy = new Proxy(
    {},
    {
      get: (_t, prop: string) => {
        // Not a thenable: `await` must resolve to the proxy itself.
        if (prop === 'then') return undefined;
        // The state version the handler's diagnosis memo is keyed on: the current source's.
        if (prop === 'version') return state.current?.version;
        return (...args: unknown[]) => {
          const target = state.current as unknown as Record<string, (...a: unknown[]) => unknown>;
          const fn = target[prop];
          if (typeof fn !== 'function') throw new Error(`state source has no ${prop}`);
          return fn.apply(target, args);
        };
      },
    },
  );
  return { createLiveStateSource: async () => proxy };
});

const root = resolve(import.meta.dirname, '../../..');
const events = sampleEvents(root);
const event = (name: string) => {
  const e = events.get(name);
  if (!e) throw new Error(`missing sample event ${name}`);
  return e;
};

type Handler = (e: SQSEvent, c: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
let handler: Handler;
let flush: (e: unknown, c: ReturnType<typeof lambdaContext>) => Promise<{ sent: number }>;
let slack: SlackReceiver;
let aws: AwsFixture;
const saved = { ...process.env };

/** A property of a state source with `this` bound to it (its private fields need the real object). */
const bound = (t: object, p: string | symbol): unknown => {
  const v = Reflect.get(t, p, t);
  return typeof v === 'function' ? v.bind(t) : v;
};

const invoke = (bodies: string[]) =>
  handler(sqsEvent(bodies.map((b) => sqsRecord(b))), lambdaContext('explainDenial'));
const failedIds = (res: SQSBatchResponse) => res.batchItemFailures.map((f) => f.itemIdentifier);

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  slack = await startSlackReceiver();
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
  aws = await createAwsFixture(slack.url);
  Object.assign(process.env, {
    TRUSTWATCH_TOPIC_ARN: aws.topicArn,
    TRUSTWATCH_EVENT_BUS_NAME: aws.busName,
    TRUSTWATCH_TABLE_NAME: aws.tableName,
    TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: aws.slackParameter,
    TRUSTWATCH_DEDUP_WINDOW_SECONDS: '600',
    TRUSTWATCH_ENUMERATION_THRESHOLD: '4',
    TRUSTWATCH_ENUMERATION_WINDOW_SECONDS: '600',
    TRUSTWATCH_SLACK_MAX_ATTEMPTS: '3',
    TRUSTWATCH_SUPPRESSIONS: JSON.stringify([
      { role: 'arn:aws:iam::*:role/Suppressed*', reason: 'sandbox roles' },
    ]),
  });
  state.current = new SnapshotStateSource(demoSnapshot());
  handler = (await import('../../../functions/explainDenial.js')).handler as unknown as Handler;
  flush = (await import('../../../functions/flushSummaries.js')).handler as unknown as typeof flush;
});

afterAll(async () => {
  vi.useRealTimers();
  await slack?.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

beforeEach(async () => {
  state.current = new SnapshotStateSource(demoSnapshot());
  slack.reset();
  await drainSubscriber(aws);
  await drainExplained(aws);
  await clearNoiseTable(aws);
});

describe('sample events through the real handler', () => {
  it('delivers each diagnosis to SNS with filterable attributes and to Slack as Block Kit', async () => {
    const names = [...events.keys()].sort();
    expect(names.length).toBeGreaterThanOrEqual(9);
    for (const n of names) {
      // Each sample on its own, with no open dedup window: each must alert once.
      await clearNoiseTable(aws);
      slack.reset();
      const res = await invoke([JSON.stringify(event(n))]);
      expect(res.batchItemFailures, n).toEqual([]);
      const published = await drainSubscriber(aws);
      expect(published, n).toHaveLength(1);
      const p = published[0];
      expect(p?.message.eventId, n).toBe((event(n).detail as { eventID: string }).eventID);
      const causes = p?.message.causes as { code: string; confidence: string }[];
      expect(causes.length, n).toBeGreaterThan(0);
      expect(p?.attributes.causeCode?.Value, n).toBe(causes[0]?.code);
      expect(p?.attributes.causeCodes?.Type, n).toBe('String.Array');
      expect(JSON.parse(p?.attributes.causeCodes?.Value ?? '[]'), n).toEqual([
        ...new Set(causes.map((c) => c.code)),
      ]);
      expect(p?.attributes.confidence?.Value, n).toBe(causes[0]?.confidence);
      expect(p?.attributes.alertType?.Value, n).toBe('diagnosis');
      expect(['critical', 'high', 'medium', 'low', 'info'], n).toContain(
        p?.attributes.severity?.Value,
      );
      expect(slack.received, n).toHaveLength(1);
      const blocks = slack.received[0]?.json.blocks ?? [];
      expect(typeof slack.received[0]?.json.text, n).toBe('string');
      expect(blocks.length, n).toBeGreaterThan(1);
      for (const b of blocks)
        expect(['header', 'section', 'context', 'divider'], n).toContain(b.type);
    }
  });

  it('sets the attributes subscribers filter on, and puts the diagnosis back on the bus', async () => {
    expect(failedIds(await invoke([JSON.stringify(event('06-scp-explicit-deny.json'))]))).toEqual(
      [],
    );
    const explained = await drainExplained(aws);
    expect(explained).toHaveLength(1);
    expect(explained[0]).toMatchObject({
      source: 'trustwatch',
      'detail-type': 'AssumeRole Denial Explained',
      detail: {
        eventId: (event('06-scp-explicit-deny.json').detail as { eventID: string }).eventID,
      },
    });
    const [scp] = await drainSubscriber(aws);
    expect(scp?.attributes).toMatchObject({
      causeCode: { Value: 'SCP_EXPLICIT_DENY' },
      severity: { Value: 'high' },
      callerAccount: { Value: '111111111111' },
      roleAccount: { Value: '222222222222' },
    });
  });

  it('groups the same denial (04 and 04b: same caller, role and first cause) into one alert', async () => {
    const res = await invoke([
      JSON.stringify(event('04-externalid-missing-or-wrong.json')),
      JSON.stringify(event('04b-externalid-wrong-requestparameters-populated.json')),
    ]);
    expect(res.batchItemFailures).toEqual([]);
    const published = await drainSubscriber(aws);
    expect(published.map((p) => p.message.eventId)).toEqual([
      (event('04-externalid-missing-or-wrong.json').detail as { eventID: string }).eventID,
    ]);
  });

  it('does not alert twice when SQS redelivers the same records', async () => {
    const body = JSON.stringify(variant(event('01-trust-policy-lacks-principal.json')));
    expect(failedIds(await invoke([body]))).toEqual([]);
    expect(failedIds(await invoke([body]))).toEqual([]);
    // The same event twice in one batch (EventBridge delivers at least once):
    // the second is recognised as already processed.
    const concurrent = JSON.stringify(variant(event('06-scp-explicit-deny.json')));
    const both = await invoke([concurrent, concurrent]);
    expect(both.batchItemFailures).toEqual([]);
    expect(failedIds(await invoke([concurrent]))).toEqual([]);
    expect(await drainSubscriber(aws)).toHaveLength(2);
    expect(slack.received).toHaveLength(2);
  });

  it('escapes injection payloads from attacker-controlled fields', async () => {
    const payload = '<!channel> <https://evil|click> *bold* @here';
    const body = JSON.stringify(
      variant(event('01-trust-policy-lacks-principal.json'), (d) => {
        const ui = d.userIdentity as Record<string, unknown>;
        ui.arn = `arn:aws:sts::111111111111:assumed-role/ci-deployer/${payload}`;
        ui.principalId = `AROAEXAMPLECIDEPLOY1:${payload}`;
        d.userAgent = payload;
        d.sourceIPAddress = payload;
        d.errorMessage = `User: arn:aws:sts::111111111111:assumed-role/ci-deployer/${payload} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/InjectionProbe`;
      }),
    );
    expect(failedIds(await invoke([body]))).toEqual([]);
    expect(slack.received).toHaveLength(1);
    const text = slack.received[0]?.body ?? '';
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil|click>');
    // Inside a code span Slack formats, links and mentions nothing; outside one, nothing survives.
    expect(slackPayloadProblems(slack.received[0]?.json ?? { text: '', blocks: [] })).toEqual([]);
    const mrkdwn = (slack.received[0]?.json.blocks ?? []).map((b) => JSON.stringify(b)).join('\n');
    const outsideCode = mrkdwn.replace(/`[^`]*`/g, '');
    expect(outsideCode).not.toContain('*bold*');
    expect(outsideCode).not.toMatch(/@here/);
    expect(mrkdwn).toContain('bold');
    expect(text).toContain('&lt;!channel&gt;');
    if (process.env.TW_TEST_LOG) console.log(text);
  });

  it('applies the suppression list from configuration', async () => {
    const body = JSON.stringify(
      variant(event('01-trust-policy-lacks-principal.json'), (d) => {
        d.errorMessage = String(d.errorMessage).replace(
          'role/DeployRole',
          'role/SuppressedSandbox',
        );
      }),
    );
    expect(failedIds(await invoke([body]))).toEqual([]);
    expect(await drainSubscriber(aws)).toHaveLength(0);
    expect(slack.received).toHaveLength(0);
  });
});

describe('noise control', () => {
  it('turns a burst of 500 identical denials into exactly one alert and one summary', async () => {
    const base = variant(event('02-caller-lacks-sts-assumerole.json'));
    const bodies = Array.from({ length: 500 }, () => JSON.stringify(variant(base)));
    for (let i = 0; i < bodies.length; i += 10) {
      expect(failedIds(await invoke(bodies.slice(i, i + 10)))).toEqual([]);
    }
    const alerts = await drainSubscriber(aws);
    expect(alerts.map((a) => a.attributes.alertType?.Value)).toEqual(['diagnosis']);
    expect(slack.received).toHaveLength(1);

    // Nothing is due before the window ends.
    expect(await flush({}, lambdaContext('flushSummaries'))).toEqual({ sent: 0 });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 601_000);
    try {
      expect(await flush({}, lambdaContext('flushSummaries'))).toEqual({ sent: 1 });
      expect(await flush({}, lambdaContext('flushSummaries'))).toEqual({ sent: 0 });
    } finally {
      vi.useRealTimers();
    }
    const summaries = await drainSubscriber(aws);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.attributes.alertType?.Value).toBe('summary');
    expect(summaries[0]?.message).toMatchObject({ kind: 'summary', repeats: 499 });
    expect(slack.received).toHaveLength(2);
    expect(slack.received[1]?.json.text).toContain('499');
  }, 300_000);

  it('replaces many ROLE_NOT_FOUND alerts from one caller with one security alert', async () => {
    const names = ['Admin', 'Root', 'Deploy', 'Prod', 'Backup', 'Billing', 'Ops'];
    const bodies = names.map((n) =>
      JSON.stringify(
        variant(event('05-role-does-not-exist-typo.json'), (d) => {
          d.errorMessage = String(d.errorMessage).replace('role/DeplyRole', `role/Probe${n}`);
        }),
      ),
    );
    for (const b of bodies) expect(failedIds(await invoke([b]))).toEqual([]);
    const published = await drainSubscriber(aws);
    const types = published.map((p) => p.attributes.alertType?.Value);
    // Threshold 4: three individual alerts, then one security alert, then silence.
    expect(types).toEqual(['diagnosis', 'diagnosis', 'diagnosis', 'security']);
    expect(published[3]?.attributes.severity?.Value).toBe('critical');
    expect(published[3]?.message.rolesTried).toHaveLength(4);
    expect(slack.received).toHaveLength(4);
  });
});

describe('faults: every event ends as an alert or as a failed batch item', () => {
  it('retries Slack 5xx and honours Retry-After on 429', async () => {
    slack.respondWith({ status: 500 }, { status: 429, headers: { 'retry-after': '1' } });
    const body = JSON.stringify(variant(event('04-externalid-missing-or-wrong.json')));
    expect(failedIds(await invoke([body]))).toEqual([]);
    expect(slack.attempts).toBe(3);
    expect(slack.received).toHaveLength(1);
    expect(await drainSubscriber(aws)).toHaveLength(1);
  });

  it('fails the record when Slack stays down, and a retry delivers to Slack without republishing to SNS', async () => {
    slack.respondWith({ status: 500 }, { status: 502 }, { status: 503 });
    const record = sqsRecord(JSON.stringify(variant(event('04-externalid-missing-or-wrong.json'))));
    const first = await handler(sqsEvent([record]), lambdaContext('explainDenial'));
    expect(failedIds(first)).toEqual([record.messageId]);
    expect(await drainSubscriber(aws)).toHaveLength(1);
    expect(slack.received).toHaveLength(0);

    const retry = await handler(
      sqsEvent([{ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } }]),
      lambdaContext('explainDenial'),
    );
    expect(failedIds(retry)).toEqual([]);
    expect(slack.received).toHaveLength(1);
    expect(await drainSubscriber(aws)).toHaveLength(0);
  });

  it('fails the record when SNS is unavailable, then delivers on retry', async () => {
    await aws.sns.send(new DeleteTopicCommand({ TopicArn: aws.topicArn }));
    const record = sqsRecord(JSON.stringify(variant(event('03-mfa-required-not-present.json'))));
    try {
      const first = await handler(sqsEvent([record]), lambdaContext('explainDenial'));
      expect(failedIds(first)).toEqual([record.messageId]);
      expect(slack.received).toHaveLength(1);
    } finally {
      await aws.sns.send(new CreateTopicCommand({ Name: aws.topicName }));
    }
    // The re-created topic has lost its subscription: resubscribe the checking queue.
    const { SubscribeCommand } = await import('@aws-sdk/client-sns');
    const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    const arn = await aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: aws.subscriberQueueUrl,
        AttributeNames: ['QueueArn'],
      }),
    );
    await aws.sns.send(
      new SubscribeCommand({
        TopicArn: aws.topicArn,
        Protocol: 'sqs',
        Endpoint: arn.Attributes?.QueueArn,
      }),
    );

    const retry = await handler(sqsEvent([record]), lambdaContext('explainDenial'));
    expect(failedIds(retry)).toEqual([]);
    expect(await drainSubscriber(aws)).toHaveLength(1);
    expect(slack.received).toHaveLength(1);
  });

  it('fails the record when IAM reads throw (throttling), alerting nothing half-done', async () => {
    const throttled = new Error('Rate exceeded');
    throttled.name = 'Throttling';
    state.current = new Proxy(new SnapshotStateSource(demoSnapshot()), {
      get: (t, p) =>
        p === 'role' || p === 'roles' || p === 'principalPolicies'
          ? () => Promise.reject(throttled)
          : // Not the state earlier tests' diagnoses were memoized under.
            p === 'version'
            ? 'throttled'
            : bound(t, p),
    });
    const ok = sqsRecord(JSON.stringify(variant(event('03b-mfa-invalid-code.json'))));
    const bad = sqsRecord(JSON.stringify(variant(event('01-trust-policy-lacks-principal.json'))));
    const res = await handler(sqsEvent([ok, bad]), lambdaContext('explainDenial'));
    expect(failedIds(res)).toContain(bad.messageId);
    const published = await drainSubscriber(aws);
    // Whatever did not fail was alerted.
    expect(published.length + res.batchItemFailures.length).toBe(2);
  });

  it('alerts INSUFFICIENT_DATA when the reader role is missing in the role account', async () => {
    const snapshot = new SnapshotStateSource(demoSnapshot());
    const unreadable = {
      ok: false as const,
      reason: 'cannot assume `trustwatch-reader` in 222222222222',
      accountId: '222222222222',
    };
    state.current = new Proxy(snapshot, {
      get: (t, p) => {
        if (p === 'role' || p === 'roles' || p === 'oidcProviders' || p === 'samlProviders') {
          return (account: string, ...rest: unknown[]) =>
            account === '222222222222'
              ? Promise.resolve(unreadable)
              : (bound(t, p) as (...a: unknown[]) => Promise<unknown>)(account, ...rest);
        }
        return bound(t, p);
      },
    });
    const body = JSON.stringify(
      variant(event('01-trust-policy-lacks-principal.json'), (d) => {
        d.errorMessage = String(d.errorMessage).replace('role/DeployRole', 'role/UnreadableRole');
      }),
    );
    expect(failedIds(await invoke([body]))).toEqual([]);
    const published = await drainSubscriber(aws);
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]?.attributes.causeCodes?.Value ?? '[]')).toContain(
      'INSUFFICIENT_DATA',
    );
  });

  it.each([
    ['not json', 'this is {not json'],
    ['json without any cloudtrail record', '{"hello":"world"}'],
  ])(
    'fails a malformed record (%s) so it reaches the DLQ, without failing its neighbours',
    async (_what, body) => {
      const good = sqsRecord(JSON.stringify(variant(event('06-scp-explicit-deny.json'))));
      const bad = sqsRecord(body);
      const res = await handler(sqsEvent([good, bad]), lambdaContext('explainDenial'));
      expect(failedIds(res)).toEqual([bad.messageId]);
      expect(await drainSubscriber(aws)).toHaveLength(1);
    },
  );

  it('skips (does not fail) a CloudTrail record that is not a denial', async () => {
    const body = JSON.stringify(
      variant(event('01-trust-policy-lacks-principal.json'), (d) => {
        delete d.errorCode;
        delete d.errorMessage;
      }),
    );
    expect(failedIds(await invoke([body]))).toEqual([]);
    expect(await drainSubscriber(aws)).toHaveLength(0);
  });
});
