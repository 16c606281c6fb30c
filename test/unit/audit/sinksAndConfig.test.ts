import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAuditConfig } from '../../../lib/audit/aws/auditConfig.js';
import { slackDigestSink } from '../../../lib/audit/digest/slackDigestSink.js';
import { snsDigestSink } from '../../../lib/audit/digest/snsDigestSink.js';
import {
  ConfigError,
  DeliveryError,
  SinkDisabledError,
} from '../../../lib/errors/TrustwatchError.js';
import { buildDigest } from '../../../lib/findings/buildDigest.js';

const digest = buildDigest(
  {
    runId: '2026-11-24T05:17:00.000Z-abcdef12',
    startedAt: '2026-11-24T05:17:00.000Z',
    total: 1,
    remaining: 0,
  },
  [
    {
      runId: '2026-11-24T05:17:00.000Z-abcdef12',
      accountId: '222222222222',
      auditedAt: '2026-11-24T05:17:00.000Z',
      rolesAudited: 1,
      findings: [
        {
          code: 'OIDC_NO_SUB_CONDITION',
          severity: 'critical',
          roleArn: 'arn:aws:iam::222222222222:role/gha',
          roleName: 'gha',
          accountId: '222222222222',
          evidence: { statementIndex: 0 },
          summary: 'any workflow',
          fingerprint: 'fp',
        },
      ],
      suppressedCount: 0,
      blindSpots: [],
      warnings: [],
    },
  ],
  null,
);

describe('snsDigestSink', () => {
  const sns = mockClient(SNSClient);
  afterEach(() => sns.reset());

  it('publishes the JSON digest with filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: '1' });
    await snsDigestSink(
      new SNSClient({ region: 'us-east-1' }),
      'arn:aws:sns:us-east-1:123456789012:t',
    ).deliver(digest);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'audit-digest' },
        severity: { DataType: 'String', StringValue: 'critical' },
        newFindings: { DataType: 'Number', StringValue: '1' },
      },
    });
  });

  it('a refused publish is a DeliveryError', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    await expect(
      snsDigestSink(
        new SNSClient({ region: 'us-east-1' }),
        'arn:aws:sns:us-east-1:123456789012:t',
      ).deliver(digest),
    ).rejects.toBeInstanceOf(DeliveryError);
  });
});

describe('slackDigestSink', () => {
  const url = async () => new URL('https://hooks.slack.com/services/T/B/x');
  function fakeFetch(statuses: number[]) {
    const calls: RequestInit[] = [];
    const f = (async (_u: unknown, init: RequestInit) => {
      calls.push(init);
      const status = statuses.shift() ?? 200;
      return new Response(status === 200 ? 'ok' : 'err', { status });
    }) as unknown as typeof fetch;
    return { f, calls };
  }

  it('retries 5xx and 429, then succeeds', async () => {
    const { f, calls } = fakeFetch([500, 429, 200]);
    await slackDigestSink({ webhookUrl: url, fetch: f, sleep: async () => {} }).deliver(digest);
    expect(calls).toHaveLength(3);
    expect(JSON.parse(String(calls[0]?.body)).blocks[0].text.text).toBe(
      'trustwatch trust-policy audit',
    );
  });

  it('fails at once on a revoked webhook', async () => {
    const { f, calls } = fakeFetch([404]);
    await expect(
      slackDigestSink({ webhookUrl: url, fetch: f, sleep: async () => {} }).deliver(digest),
    ).rejects.toThrow('slack delivery of the audit digest failed: status 404');
    expect(calls).toHaveLength(1);
    // A revoked webhook opens the circuit: the next digest does not call Slack.
    const sink = slackDigestSink({
      webhookUrl: url,
      fetch: fakeFetch([410]).f,
      sleep: async () => {},
    });
    await expect(sink.deliver(digest)).rejects.toBeInstanceOf(SinkDisabledError);
    await expect(sink.deliver(digest)).rejects.toThrow(
      /webhook disabled \(status 410 `err`\); not called/,
    );
  });

  it('gives up after the last attempt', async () => {
    const { f, calls } = fakeFetch([503, 503, 503, 200]);
    await expect(
      slackDigestSink({ webhookUrl: url, fetch: f, sleep: async () => {} }).deliver(digest),
    ).rejects.toBeInstanceOf(DeliveryError);
    expect(calls).toHaveLength(3);
  });
});

describe('loadAuditConfig', () => {
  const base = { TRUSTWATCH_AUDIT_TABLE_NAME: 'audit-table', AWS_REGION: 'eu-west-1' };

  it('defaults', () => {
    expect(loadAuditConfig(base)).toEqual({
      tableName: 'audit-table',
      readerRoleName: 'trustwatch-reader',
      readerRolePath: '/trustwatch/',
      suppressions: [],
      unusedDays: 90,
      regions: ['eu-west-1'],
      forwardRuleName: 'trustwatch-forward-assume-role-denials',
      retentionDays: 90,
      denialLookbackDays: 30,
    });
  });

  it('reads everything, empty values as unset (as serverless passes unset params)', () => {
    const c = loadAuditConfig({
      ...base,
      TRUSTWATCH_AUDIT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/audit',
      TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:diagnoses',
      TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: '/trustwatch/slack',
      TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: '',
      TRUSTWATCH_ORG_READER_ROLE_ARN: '',
      TRUSTWATCH_AUDIT_SUPPRESSIONS: '[{"codes":["UNUSED_CROSS_ACCOUNT_ROLE"]}]',
      TRUSTWATCH_AUDIT_REGIONS: 'us-east-1, eu-west-1',
      TRUSTWATCH_AUDIT_UNUSED_DAYS: '30',
    });
    expect(c).toMatchObject({
      slack: { kind: 'ssm', name: '/trustwatch/slack' },
      regions: ['us-east-1', 'eu-west-1'],
      unusedDays: 30,
      suppressions: [{ codes: ['UNUSED_CROSS_ACCOUNT_ROLE'] }],
    });
    expect(c.orgReaderRoleArn).toBeUndefined();
  });

  it.each([
    [{}, 'TRUSTWATCH_AUDIT_TABLE_NAME'],
    [{ ...base, TRUSTWATCH_TOPIC_ARN: 'topic' }, 'TRUSTWATCH_TOPIC_ARN'],
    [{ ...base, TRUSTWATCH_AUDIT_UNUSED_DAYS: '0' }, 'TRUSTWATCH_AUDIT_UNUSED_DAYS'],
    [{ ...base, TRUSTWATCH_AUDIT_REGIONS: 'mars-1' }, 'TRUSTWATCH_AUDIT_REGIONS'],
    [{ ...base, TRUSTWATCH_AUDIT_SUPPRESSIONS: '[{}]' }, 'TRUSTWATCH_AUDIT_SUPPRESSIONS'],
    [
      {
        ...base,
        TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: '/a',
        TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: 'b',
      },
      'TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID',
    ],
  ])('rejects %j naming %s', (env, variable) => {
    try {
      loadAuditConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(variable);
    }
  });
});
