import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { Alert, AlertSink } from '../../../lib/alerts/Alert.js';
import { AlertPipeline } from '../../../lib/alerts/AlertPipeline.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import type { DenialEvent } from '../../../lib/intake/DenialEvent.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { sampleDiagnosis } from './fixtures.js';
import { MemoryNoiseStore } from './MemoryNoiseStore.js';

// The module validates its environment at import (cold start): give it a valid one.
vi.hoisted(() => {
  Object.assign(process.env, {
    TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:333333333333:trustwatch-unit',
    TRUSTWATCH_EVENT_BUS_NAME: 'trustwatch-unit',
    TRUSTWATCH_TABLE_NAME: 'trustwatch-unit',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

const { createHandler, parseRecord } = await import('../../../functions/explainDenial.js');

const root = resolve(import.meta.dirname, '../../..');
const sample = readFileSync(
  resolve(root, '../shared/events/01-trust-policy-lacks-principal.json'),
  'utf8',
);

function record(body: string, id: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: id,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:333333333333:q',
    awsRegion: 'us-east-1',
  };
}

function withId(id: string, change: (d: Record<string, unknown>) => void = () => {}): string {
  const e = JSON.parse(sample) as { detail: Record<string, unknown> };
  e.detail.eventID = id;
  change(e.detail);
  return JSON.stringify(e);
}

function setup(explain: (e: DenialEvent) => Promise<Diagnosis>) {
  const delivered: Alert[] = [];
  const sink: AlertSink = { name: 'rec', deliver: async (a) => void delivered.push(a) };
  const stateSource = vi.fn(async () => ({}) as IamStateSource);
  const handler = createHandler({
    stateSource,
    explain: (e) => explain(e),
    pipeline: new AlertPipeline({
      stores: new MemoryNoiseStore().stores,
      sinks: [sink],
      settings: {
        dedupWindowSeconds: 600,
        enumerationThreshold: 5,
        enumerationWindowSeconds: 600,
        suppressions: [],
        denialRetentionDays: 30,
      },
      clock: () => 0,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      metrics: { count: () => {} },
    }),
    logger: new Logger({ serviceName: 'test' }),
    metrics: new Metrics({ namespace: 'test' }),
  });
  return { handler, delivered, stateSource };
}

const ctx = {} as Context;
const byTarget = (e: DenialEvent) =>
  Promise.resolve(sampleDiagnosis({ eventId: e.eventId, target: { roleArn: e.target.roleArn } }));

describe('explainDenial createHandler', () => {
  it('explains each record and reports only the failed ones', async () => {
    const t = setup(async (e) => {
      if (e.eventId === 'boom') throw new Error('Rate exceeded');
      return byTarget(e);
    });
    const res = await t.handler(
      {
        Records: [
          record(withId('ok-1'), 'm1'),
          record('not json', 'm2'),
          record(
            withId('boom', (d) => {
              d.errorMessage = String(d.errorMessage).replace('DeployRole', 'OtherRole');
            }),
            'm3',
          ),
          record('{"unrelated":true}', 'm4'),
          record(
            withId('ok-2', (d) => {
              d.errorMessage = String(d.errorMessage).replace('DeployRole', 'ThirdRole');
            }),
            'm5',
          ),
        ],
      },
      ctx,
    );
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m2', 'm3', 'm4']);
    expect(t.delivered.map((a) => a.diagnosis.eventId)).toEqual(['ok-1', 'ok-2']);
  });

  it('creates the state source once per cold start, not per record', async () => {
    const t = setup(byTarget);
    await t.handler({ Records: [record(withId('a'), 'm1')] }, ctx);
    await t.handler({ Records: [record(withId('b'), 'm2')] }, ctx);
    expect(t.stateSource).toHaveBeenCalledTimes(1);
  });

  it('skips (does not fail) a record that is not a denial', async () => {
    const t = setup(byTarget);
    const res = await t.handler(
      {
        Records: [
          record(
            withId('c', (d) => void delete d.errorCode),
            'm1',
          ),
        ],
      },
      ctx,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(t.delivered).toEqual([]);
  });

  it('names the message in the error for a body that is not JSON', () => {
    expect(() => parseRecord(record('{', 'm9'))).toThrow('sqs message body is not json');
  });
});
