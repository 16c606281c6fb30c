import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPipeline, type PipelineOutcome } from '../../../lib/alerts/AlertPipeline.js';
import { EventBridgeSink } from '../../../lib/alerts/eventBridgeSink.js';
import { SlackSink } from '../../../lib/alerts/slackSink.js';
import { SnsSink } from '../../../lib/alerts/snsSink.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { slackPayloadProblems } from '../../support/hostileText.js';
import { sampleDiagnosis } from './fixtures.js';
import { MemoryNoiseStore } from './MemoryNoiseStore.js';

/**
 * Faults end to end through the real sinks (SNS and EventBridge clients
 * mocked at the SDK, Slack over a fake `fetch`) and a simulated SQS queue:
 * a failed record is redelivered until `maxReceiveCount`, then it is a
 * dead-letter entry. Every test asserts the end state: what each channel
 * received, how often, and whether the event ended as an alert or in the DLQ.
 */
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);
const MAX_RECEIVE = 5;

type SlackReply = { status: number; body?: string };

function world() {
  const store = new MemoryNoiseStore();
  const slackReplies: SlackReply[] = [];
  const slackBodies: string[] = [];
  const slackCalls = { n: 0 };
  const metrics: string[] = [];
  const errors: string[] = [];
  const fetchFn = (async (_url: URL, init: RequestInit) => {
    slackCalls.n++;
    const reply = slackReplies.shift() ?? { status: 200, body: 'ok' };
    if (reply.status === 200) slackBodies.push(String(init.body));
    return new Response(reply.body ?? '', { status: reply.status });
  }) as unknown as typeof fetch;
  const slack = new SlackSink({
    webhookUrl: async () => new URL('https://hooks.slack.com/services/T/B/X'),
    fetch: fetchFn,
    sleep: async () => {},
    random: () => 0.5,
  });
  const pipeline = new AlertPipeline({
    stores: store.stores,
    sinks: [
      new SnsSink(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:1:t'),
      slack,
      new EventBridgeSink(new EventBridgeClient({ region: 'us-east-1' }), 'trustwatch'),
    ],
    settings: {
      dedupWindowSeconds: 600,
      enumerationThreshold: 5,
      enumerationWindowSeconds: 600,
      suppressions: [],
      denialRetentionDays: 30,
    },
    clock: () => Date.parse('2026-03-02T09:00:00Z'),
    log: { info: () => {}, warn: () => {}, error: (m) => errors.push(m) },
    metrics: { count: (n) => metrics.push(n) },
  });
  /** SQS: redelivers a failed record until it succeeds or reaches the DLQ. */
  async function sqs(
    eventId: string,
    explain: (receive: number) => Promise<Diagnosis>,
    remaining?: (receive: number) => () => number,
  ): Promise<{ outcome?: PipelineOutcome; receives: number; dlq: boolean; errors: string[] }> {
    const failures: string[] = [];
    for (let receive = 1; receive <= MAX_RECEIVE; receive++) {
      try {
        const outcome = await pipeline.process(
          eventId,
          () => explain(receive),
          remaining?.(receive),
        );
        return { outcome, receives: receive, dlq: false, errors: failures };
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    return { receives: MAX_RECEIVE, dlq: true, errors: failures };
  }
  return { store, slackReplies, slackBodies, slackCalls, metrics, errors, pipeline, sqs };
}

const published = () => sns.commandCalls(PublishCommand).length;
const putEntries = () =>
  events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []).length;

beforeEach(() => {
  sns.reset();
  events.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
});

const d = (id = 'evt-1') => sampleDiagnosis({ eventId: id });
const throttling = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });

describe('faults: every event ends as an alert or a dead-letter entry, once', () => {
  it('timeout mid-batch after SNS accepted: the ledger knows, the redelivery sends only the rest', async () => {
    const w = world();
    // Receive 1: 20 s left at the start, 5 s left once SNS has accepted (less than a delivery needs).
    let left = 20_000;
    sns.on(PublishCommand).callsFake(async () => {
      left = 5_000;
      return { MessageId: 'm' };
    });
    const end = await w.sqs(
      'evt-1',
      async () => d(),
      (receive) => (receive === 1 ? () => left : () => 25_000),
    );
    expect(end).toMatchObject({ outcome: 'alerted', receives: 2, dlq: false });
    expect(end.errors[0]).toMatch(/ms left: slack not called/);
    expect(published()).toBe(1);
    expect(w.slackBodies).toHaveLength(1);
    expect(putEntries()).toBe(1);
    expect(w.metrics).toContain('DeadlineReached');
    expect(w.store.events.get('evt-1')?.status).toBe('completed');
  });

  it('does not start an event without the time to finish it (the next records of the batch go back to SQS untouched)', async () => {
    const w = world();
    const end = await w.sqs(
      'evt-1',
      async () => d(),
      (receive) => () => (receive === 1 ? 3_000 : 30_000),
    );
    expect(end).toMatchObject({ outcome: 'alerted', receives: 2 });
    expect(end.errors[0]).toMatch(/not started: 3000 ms left/);
    expect(published()).toBe(1);
  });

  it('DynamoDB throttles the claim: nothing is sent until the claim holds, then everything once', async () => {
    const w = world();
    w.store.ledgerFaults.set('beginEvent', { error: throttling(), times: 2 });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ outcome: 'alerted', receives: 3, dlq: false });
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([1, 1, 1]);
  });

  it('DynamoDB keeps failing at the claim: the event ends in the DLQ, nothing sent', async () => {
    const w = world();
    w.store.ledgerFaults.set('beginEvent', { error: throttling(), times: 99 });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ dlq: true, receives: MAX_RECEIVE });
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([0, 0, 0]);
  });

  it('DynamoDB fails at complete after every sink delivered: the record succeeds, nothing is sent twice', async () => {
    const w = world();
    w.store.ledgerFaults.set('completeEvent', { error: throttling(), times: 1 });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ outcome: 'alerted', receives: 1, dlq: false });
    expect(w.metrics).toContain('LedgerCompleteFailed');
    // Even a stray redelivery (the ledger item is still in progress) re-sends nothing.
    w.store.events.get('evt-1')!.leaseUntil = 0;
    expect(await w.pipeline.process('evt-1', async () => d())).toBe('alerted');
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([1, 1, 1]);
  });

  it('DynamoDB fails recording the decision: the retry completes without re-sending', async () => {
    const w = world();
    w.store.ledgerFaults.set('recordDecision', { error: throttling(), times: 1 });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ outcome: 'alerted', receives: 2 });
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([1, 1, 1]);
  });

  it('SNS yes, Slack no: the retry re-sends only to Slack', async () => {
    const w = world();
    w.slackReplies.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ outcome: 'alerted', receives: 2 });
    expect(end.errors[0]).toMatch(/slack webhook delivery failed \(status 500/);
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([1, 1, 1]);
  });

  it('Slack yes, SNS no: the retry re-sends only to SNS', async () => {
    const w = world();
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }))
      .resolves({ MessageId: 'm' });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ outcome: 'alerted', receives: 2 });
    expect(end.errors[0]).toMatch(/sns publish .* failed: Rate exceeded/);
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([2, 1, 1]);
    expect(w.store.events.get('evt-1')?.delivered).toEqual(
      new Set(['diagnosis:sns', 'diagnosis:slack', 'diagnosis:eventbridge']),
    );
  });

  it('EventBridge PutEvents rejects the entry (HTTP 200, FailedEntryCount 1): only EventBridge is retried', async () => {
    const w = world();
    events
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const end = await w.sqs('evt-1', async () => d());
    expect(end).toMatchObject({ outcome: 'alerted', receives: 2 });
    expect(end.errors[0]).toMatch(/eventbridge rejected the entry .*ThrottlingException/);
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([1, 1, 2]);
  });

  it('a revoked Slack webhook (404 no_service): one request, no retry storm, one alarm metric, events still alerted on SNS', async () => {
    const w = world();
    w.slackReplies.push({ status: 404, body: 'no_service' });
    const ends = [];
    for (const id of ['a', 'b', 'c', 'd']) {
      ends.push(
        await w.sqs(id, async () =>
          sampleDiagnosis({ eventId: id, target: { roleArn: `arn:aws:iam::2:role/R${id}` } }),
        ),
      );
    }
    expect(ends.map((e) => [e.outcome, e.receives, e.dlq])).toEqual(
      Array.from({ length: 4 }, () => ['alerted', 1, false]),
    );
    expect(w.slackCalls.n).toBe(1);
    expect(published()).toBe(4);
    expect(putEntries()).toBe(4);
    expect(w.metrics.filter((m) => m === 'SinkDisabled')).toHaveLength(4);
    expect(w.errors[0]).toBe('sink disabled until an operator acts; alert not sent there');
  });

  it('a disabled sink does not turn an undelivered event into a silent success', async () => {
    const w = world();
    w.slackReplies.push({ status: 410, body: 'channel_is_archived' });
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    events.on(PutEventsCommand).rejects(new Error('AccessDeniedException'));
    const end = await w.sqs('evt-1', async () => d());
    expect(end.dlq).toBe(true);
  });

  it('IAM throttling while explaining: nothing half-delivered, the retry delivers everywhere once', async () => {
    const w = world();
    const end = await w.sqs('evt-1', async (receive) => {
      if (receive < 3) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      }
      return d();
    });
    expect(end).toMatchObject({ outcome: 'alerted', receives: 3 });
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([1, 1, 1]);
  });

  it('IAM throttling on every receive: the event ends in the DLQ and no channel heard of it', async () => {
    const w = world();
    const end = await w.sqs('evt-1', async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    });
    expect(end.dlq).toBe(true);
    expect([published(), w.slackBodies.length, putEntries()]).toEqual([0, 0, 0]);
  });

  it('a diagnosis larger than SNS and Slack allow is trimmed everywhere, with a pointer to the full text', async () => {
    const w = world();
    const principals = Array.from(
      { length: 4000 },
      (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/ci-runner-${i}`,
    );
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principals }, Action: 'sts:AssumeRole' }],
    };
    const big = sampleDiagnosis({
      eventId: 'evt-big',
      fixes: [
        {
          cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
          title: 'trust ci-deployer in DeployRole',
          iamPolicy: policy,
          awsCli: `aws iam update-assume-role-policy --role-name DeployRole --policy-document '${JSON.stringify(policy)}'`,
          terraform: `resource "aws_iam_role" "deploy" {\n  assume_role_policy = jsonencode(${JSON.stringify(policy)})\n}`,
        },
      ],
    });
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(256 * 1024);
    const end = await w.sqs('evt-big', async () => big);
    expect(end).toMatchObject({ outcome: 'alerted', receives: 1 });
    const msg = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(Buffer.byteLength(msg?.Message ?? '')).toBeLessThanOrEqual(256 * 1024);
    expect(msg?.MessageAttributes?.truncated?.StringValue).toBe('true');
    expect(msg?.Message).toContain('run `trustwatch explain` on the event for the full fix');
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(Buffer.byteLength(entry?.Detail ?? '')).toBeLessThanOrEqual(256 * 1024);
    const slack = JSON.parse(w.slackBodies[0] ?? '{}');
    expect(slackPayloadProblems(slack)).toEqual([]);
    expect(w.slackBodies[0]).toContain('IAM policy: not shown here (too long for Slack)');
    expect(w.slackBodies[0]).toContain('the full text is in the SNS message of event `evt-big`');
  });
});
