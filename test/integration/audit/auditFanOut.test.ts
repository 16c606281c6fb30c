import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHandler as createScheduler } from '../../../functions/auditScheduler.js';
import { createHandler as createWorker } from '../../../functions/auditWorker.js';
import { newRunId } from '../../../lib/audit/aws/auditMessage.js';
import { finishRun } from '../../../lib/audit/aws/finishRun.js';
import { createAccountAuditor } from '../../../lib/audit/aws/liveAccountAuditor.js';
import { sendAuditMessages } from '../../../lib/audit/aws/sqsAuditQueue.js';
import { DEFAULT_FORWARD_RULE_NAME } from '../../../lib/audit/blindspots/BlindSpotReader.js';
import type { DigestSink } from '../../../lib/audit/digest/DigestSink.js';
import { snsDigestSink } from '../../../lib/audit/digest/snsDigestSink.js';
import { createLiveAuditSources } from '../../../lib/audit/live/createLiveAuditSources.js';
import { DynamoAuditStore } from '../../../lib/audit/store/DynamoAuditStore.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import { auditCommand } from '../../../lib/cli/auditCommand.js';
import type { CliIo } from '../../../lib/cli/CliIo.js';
import type { AuditDigest } from '../../../lib/findings/buildDigest.js';
import { buildTestOrg, type TestOrg } from '../../support/motoOrg.js';
import { resetMoto, useMotoEnvironment } from '../../support/motoServer.js';

/**
 * The audit fan-out end to end on moto: an organization of five accounts
 * (management, three members with the reader role, one without), the
 * scheduler handler queueing one message per account on a real SQS queue,
 * the worker handler fed those messages, results in a real DynamoDB table,
 * and the digest of two runs (a trust policy fixed and a new bad role added
 * in between) published to a real SNS topic.
 */
const endpoint = inject('motoEndpoint');
let restoreEnv: () => void;
let org: TestOrg;
let prodIam: IAMClient;
const region = 'us-east-1';
const sqs = new SQSClient({ region });
const sns = new SNSClient({ region });
let queueUrl: string;
let digestQueueUrl: string;
let topicArn: string;
let store: DynamoAuditStore;
const TABLE = 'trustwatch-audit-test';

const doc = (o: unknown) => JSON.stringify(o);
const trust = (principal: unknown, condition?: unknown, action = 'sts:AssumeRole') =>
  doc({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: action,
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });

async function memberCredentials(accountId: string): Promise<AwsCredentialIdentity> {
  const out = await new STSClient({ region }).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'audit-test-setup',
    }),
  );
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  };
}

const quietLogger = new Logger({ serviceName: 'trustwatch-test', logLevel: 'SILENT' });
const metrics = new Metrics({ namespace: 'trustwatch-test', serviceName: 'audit' });

interface RunOutcome {
  readonly runId: string;
  readonly queued: number;
  readonly digests: AuditDigest[];
  readonly failures: number;
  readonly callCount: number;
}

/** One scheduled run: scheduler → queue → worker (fed what the queue holds) → digest. */
async function runAudit(now: Date, extraSinks: DigestSink[] = []): Promise<RunOutcome> {
  // Fresh sources and cache per run: what a new day's Lambda invocations see.
  const live = await createLiveAuditSources({
    credentials: org.trustwatch.credentials,
    cache: new ReadCache(),
  });
  const digests: AuditDigest[] = [];
  const capture: DigestSink = { name: 'capture', deliver: async (d) => void digests.push(d) };
  const scheduler = createScheduler({
    listAccounts: async () => {
      const o = await live.source.organization();
      if (!o.ok || o.value === null) throw new Error('organization unreadable');
      return o.value.accounts.map((a) => a.id);
    },
    store,
    send: (messages) => sendAuditMessages(sqs, queueUrl, messages),
    now: () => now,
    runId: (d) => newRunId(d),
    logger: quietLogger,
    metrics,
  });
  const worker = createWorker({
    auditAccount: createAccountAuditor({
      source: live.source,
      blindSpots: live.blindSpots,
      suppressions: [],
      unusedDays: 90,
      regions: [region],
      forwardRuleName: DEFAULT_FORWARD_RULE_NAME,
      now: () => now,
    }),
    store,
    finishRun: (runId) =>
      finishRun(runId, { store, sinks: [capture, ...extraSinks], now: () => now }),
    logger: quietLogger,
    metrics,
  });
  const { runId, accounts } = await scheduler();
  let failures = 0;
  for (let round = 0; round < 20; round++) {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 2,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) break;
    const event: SQSEvent = {
      Records: messages.map(
        (m) =>
          ({
            messageId: m.MessageId ?? '',
            receiptHandle: m.ReceiptHandle ?? '',
            body: m.Body ?? '',
            attributes: { ApproximateReceiveCount: '1' },
            messageAttributes: {},
            md5OfBody: m.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:audit',
            awsRegion: region,
          }) as unknown as SQSRecord,
      ),
    };
    const res = await worker(event);
    failures += res.batchItemFailures.length;
    const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) {
      if (!failed.has(m.MessageId ?? ''))
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
        );
    }
  }
  return { runId, queued: accounts, digests, failures, callCount: live.counter.count };
}

const codesOf = (list: readonly { code: string; roleName: string }[]) =>
  list.map((f) => `${f.code} ${f.roleName}`).sort();

let run1: RunOutcome;
let run2: RunOutcome;

beforeAll(async () => {
  await resetMoto(endpoint);
  restoreEnv = useMotoEnvironment(endpoint);
  org = await buildTestOrg();
  const prod = org.accounts.prod;
  prodIam = new IAMClient({ region, credentials: await memberCredentials(prod) });
  const github = await prodIam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
    }),
  );
  const role = (RoleName: string, AssumeRolePolicyDocument: string) =>
    prodIam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument }));
  await role('PublicRole', trust({ AWS: '*' }));
  await role('PartnerRole', trust({ AWS: 'arn:aws:iam::999999999999:root' }));
  await role(
    'GhaDeploy',
    trust(
      { Federated: github.OpenIDConnectProviderArn },
      { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
      'sts:AssumeRoleWithWebIdentity',
    ),
  );
  await role('StateMachineRole', trust({ Service: 'states.amazonaws.com' }));
  // The forwarding rule exists in prod only: every other account has a blind spot.
  await new EventBridgeClient({ region, credentials: await memberCredentials(prod) }).send(
    new PutRuleCommand({
      Name: DEFAULT_FORWARD_RULE_NAME,
      EventPattern: doc({ source: ['aws.sts'] }),
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' as never,
    }),
  );

  const ddb = new DynamoDBClient({ region });
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  store = new DynamoAuditStore(DynamoDBDocumentClient.from(ddb), TABLE);
  queueUrl =
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'trustwatch-audit',
          Attributes: { VisibilityTimeout: '30' },
        }),
      )
    ).QueueUrl ?? '';
  digestQueueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: 'digest-inbox' }))).QueueUrl ?? '';
  topicArn =
    (await sns.send(new CreateTopicCommand({ Name: 'trustwatch-diagnoses' }))).TopicArn ?? '';
  const digestQueueArn =
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: digestQueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn ?? '';
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: digestQueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );

  run1 = await runAudit(new Date('2026-11-23T05:17:00Z'), [snsDigestSink(sns, topicArn)]);

  // Between the runs: PublicRole gets an organization condition, a new open role appears.
  await prodIam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: 'PublicRole',
      PolicyDocument: trust({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': org.orgId } }),
    }),
  );
  await role('NewlyOpenRole', trust('*'));
  run2 = await runAudit(new Date('2026-11-24T05:17:00Z'));
}, 120_000);

afterAll(() => {
  restoreEnv?.();
});

describe('audit fan-out on moto', () => {
  it('queues one message per organization account and audits every one of them', async () => {
    expect(run1.queued).toBe(5);
    expect(run1.failures).toBe(0);
    const results = await store.accountResults(run1.runId);
    expect(results.map((r) => r.accountId).sort()).toEqual(
      [org.managementAccountId, ...Object.values(org.accounts)].sort(),
    );
    const run = await store.getRun(run1.runId);
    expect(run).toMatchObject({ total: 5, remaining: 0 });
    expect(run?.digestSentAt).toBe('2026-11-23T05:17:00.000Z');
    expect(run1.callCount).toBeGreaterThan(0);
  });

  it('the first digest reports every finding as new', () => {
    expect(run1.digests).toHaveLength(1);
    const d = run1.digests[0] as AuditDigest;
    expect(d.previousRunId).toBeUndefined();
    expect(codesOf(d.new)).toEqual([
      'ANY_PRINCIPAL_UNRESTRICTED PublicRole',
      'FOREIGN_ACCOUNT_NO_EXTERNAL_ID PartnerRole',
      'FOREIGN_ACCOUNT_WHOLE_ACCOUNT PartnerRole',
      'OIDC_NO_SUB_CONDITION GhaDeploy',
      'SERVICE_PRINCIPAL_NO_SOURCE StateMachineRole',
    ]);
    expect(d.resolved).toEqual([]);
    expect(d.accountsFailed).toEqual([]);
  });

  it('reports blind spots: the forwarding rule exists only in prod, no account has a trail', () => {
    const d = run1.digests[0] as AuditDigest;
    const missing = d.blindSpots
      .filter((b) => b.code === 'FORWARD_RULE_MISSING')
      .map((b) => b.accountId);
    expect(missing.sort()).toEqual(
      [
        org.managementAccountId,
        org.accounts.ci,
        org.accounts.sandbox,
        org.accounts.noReader,
      ].sort(),
    );
    const noTrail = d.blindSpots.filter((b) => b.code === 'NO_TRAIL_LOGGING_MANAGEMENT_EVENTS');
    expect(noTrail).toHaveLength(5);
  });

  it('publishes the digest on SNS with filterable attributes', async () => {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: digestQueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(got.Messages).toHaveLength(1);
    const m = got.Messages?.[0];
    const body = JSON.parse(m?.Body ?? '{}');
    expect(body.kind).toBe('trustwatch.audit.digest');
    expect(body.counts.new).toBe(5);
    expect(m?.MessageAttributes?.severity?.StringValue).toBe('critical');
    expect(m?.MessageAttributes?.kind?.StringValue).toBe('audit-digest');
  });

  it('the second digest shows what was fixed, what appeared and what is still open', () => {
    expect(run2.failures).toBe(0);
    expect(run2.digests).toHaveLength(1);
    const d = run2.digests[0] as AuditDigest;
    expect(d.previousRunId).toBe(run1.runId);
    expect(codesOf(d.new)).toEqual(['ANY_PRINCIPAL_UNRESTRICTED NewlyOpenRole']);
    expect(codesOf(d.resolved)).toEqual(['ANY_PRINCIPAL_UNRESTRICTED PublicRole']);
    expect(codesOf(d.stillOpen)).toEqual([
      'FOREIGN_ACCOUNT_NO_EXTERNAL_ID PartnerRole',
      'FOREIGN_ACCOUNT_WHOLE_ACCOUNT PartnerRole',
      'OIDC_NO_SUB_CONDITION GhaDeploy',
      'SERVICE_PRINCIPAL_NO_SOURCE StateMachineRole',
    ]);
  });

  it('a redelivered message is not counted twice and sends no second digest', async () => {
    const before = await store.getRun(run2.runId);
    const again = await store.recordAccount({
      runId: run2.runId,
      accountId: org.accounts.prod,
      auditedAt: '2026-11-24T05:17:00.000Z',
      rolesAudited: 0,
      findings: [],
      suppressedCount: 0,
      blindSpots: [],
      warnings: [],
    });
    expect(again).toEqual({ recorded: false, remaining: 0 });
    expect(await store.getRun(run2.runId)).toEqual(before);
    expect(await finishRun(run2.runId, { store, sinks: [], now: () => new Date() })).toBeNull();
    const prod = (await store.accountResults(run2.runId)).find(
      (r) => r.accountId === org.accounts.prod,
    );
    expect(prod?.findings.length).toBeGreaterThan(0);
  });

  it('records each sink that accepted the digest in DynamoDB, so a retry re-sends only what failed', async () => {
    const runId = '2026-11-25T05:17:00.000Z-partial';
    await store.startRun(runId, '2026-11-25T05:17:00.000Z', [org.accounts.prod]);
    await store.recordAccount({
      runId,
      accountId: org.accounts.prod,
      auditedAt: '2026-11-25T05:17:00.000Z',
      rolesAudited: 0,
      findings: [],
      suppressedCount: 0,
      blindSpots: [],
      warnings: [],
    });
    const got = { sns: 0, slack: 0 };
    let slackDown = true;
    const sinks = [
      { name: 'sns', deliver: async () => void got.sns++ },
      {
        name: 'slack',
        deliver: async () => {
          if (slackDown) throw new Error('status 503');
          got.slack++;
        },
      },
    ];
    const now = () => new Date('2026-11-25T05:30:00Z');
    await expect(finishRun(runId, { store, sinks, now })).rejects.toThrow('slack: status 503');
    expect((await store.getRun(runId))?.digestDelivered).toEqual(['sns']);
    slackDown = false;
    expect(await finishRun(runId, { store, sinks, now })).not.toBeNull();
    expect(got).toEqual({ sns: 1, slack: 1 });
    expect(await store.getRun(runId)).toMatchObject({
      digestDelivered: ['slack', 'sns'],
      digestSentAt: '2026-11-25T05:30:00.000Z',
    });
  });

  it('`trustwatch audit --live` reads the same organization and gates on --fail-on', async () => {
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
    const before = keys.map((k) => process.env[k]);
    process.env.AWS_ACCESS_KEY_ID = org.trustwatch.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = org.trustwatch.credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
      readText: async () => '',
      writeText: async () => {},
      isTty: false,
      env: process.env,
      now: () => new Date('2026-11-24T06:00:00Z'),
    };
    try {
      const status = await auditCommand(
        [
          '--live',
          '--accounts',
          org.accounts.prod,
          '--format',
          'json',
          '--fail-on',
          'critical',
          '--regions',
          region,
        ],
        io,
      );
      // Only the cost of the live read on stderr (no progress: stderr is not a terminal).
      expect(err.join('')).toMatch(
        /^trustwatch audit: 1 account\(s\) read live: \d+ AWS calls \([\d.]+ per account\), [\d.]+ s wall \(\d+ ms per account at 8 at once\)\n$/,
      );
      expect(status).toBe(1);
      const json = JSON.parse(out.join(''));
      expect(json.summary.state.kind).toBe('live');
      const codes = json.accounts[0].findings.map(
        (f: { code: string; roleName: string }) => `${f.code} ${f.roleName}`,
      );
      expect(codes).toContain('ANY_PRINCIPAL_UNRESTRICTED NewlyOpenRole');
      expect(codes).not.toContain('ANY_PRINCIPAL_UNRESTRICTED PublicRole');
      expect(json.blindSpots.map((b: { code: string }) => b.code)).toEqual([
        'NO_TRAIL_LOGGING_MANAGEMENT_EVENTS',
      ]);
      expect(json.warnings.some((w: string) => /^\d+ AWS call\(s\)$/.test(w))).toBe(true);
    } finally {
      keys.forEach((k, i) => {
        const v = before[i];
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      });
    }
  });
});
