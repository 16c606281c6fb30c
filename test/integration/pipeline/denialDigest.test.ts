import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHandler } from '../../../functions/denialDigest.js';
import { slackAppApi } from '../../../lib/alerts/destinations/createDestinationSinks.js';
import { destinationPublisher } from '../../../lib/alerts/destinations/destinationPublisher.js';
import { readWeeklyDenials } from '../../../lib/alerts/destinations/weeklyDenials.js';
import { powertoolsReadSecret } from '../../../lib/alerts/readSecret.js';
import { DynamoDenialEvidence } from '../../../lib/dedup/DynamoDenialEvidence.js';
import { readRoutingText } from '../../../lib/routing/parseRoutingTable.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import {
  type SlackWebApiStandIn,
  startSlackWebApiStandIn,
} from '../../support/slackWebApiStandIn.js';
import { taggedDemoSnapshot } from '../../support/taggedDemo.js';
import {
  type AwsFixture,
  createAwsFixture,
  drainSubscriber,
  type SlackReceiver,
  startSlackReceiver,
} from './pipelineFixture.js';

/**
 * The weekly denial digest on moto_server: denial summaries recorded by the
 * pipeline's store (with their week counts), read back from the `denials`
 * index, routed by lib/deploy/examples/routes.json and delivered to local
 * webhooks, a local Slack Web API stand-in and SNS.
 */
const TOKEN = 'xoxb-weekly-digest';
const routesFile = resolve(import.meta.dirname, '../../../lib/deploy/examples/routes.json');
const table = readRoutingText(readFileSync(routesFile, 'utf8'), routesFile);
let aws: AwsFixture;
let platform: SlackReceiver;
let data: SlackReceiver;
let slackApi: SlackWebApiStandIn;
let doc: DynamoDBDocumentClient;
const saved = { ...process.env };
// Monday 2026-12-07 08:00 UTC: the digest covers 2026W49 (Nov 30 to Dec 7).
const NOW = new Date('2026-12-07T08:00:00Z');
const LAST_WEEK = Date.parse('2026-12-02T10:00:00Z') / 1000;
const TWO_WEEKS_AGO = Date.parse('2026-11-25T10:00:00Z') / 1000;

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  platform = await startSlackReceiver();
  data = await startSlackReceiver();
  slackApi = await startSlackWebApiStandIn(TOKEN, ['C0PAYMENTS1', 'C0SECURITY1']);
  aws = await createAwsFixture(platform.url);
  const ssm = new SSMClient({});
  await ssm.send(
    new PutParameterCommand({
      Name: '/trustwatch/slack/platform',
      Value: platform.url,
      Type: 'SecureString',
      Overwrite: true,
    }),
  );
  await ssm.send(
    new PutParameterCommand({
      Name: '/trustwatch/slack/bot-token',
      Value: TOKEN,
      Type: 'SecureString',
      Overwrite: true,
    }),
  );
  await new SecretsManagerClient({}).send(
    new CreateSecretCommand({ Name: 'trustwatch/slack/data', SecretString: data.url }),
  );
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const store = new DynamoDenialEvidence(doc, aws.tableName);
  const record = async (
    roleArn: string,
    caller: string,
    causes: string[],
    times: number,
    at: number,
  ) => {
    for (let i = 0; i < times; i++) {
      await store.recordDenial(
        {
          roleAccountId: roleArn.split(':')[4] as string,
          roleArn,
          callerPrincipal: caller,
          callerArn: caller,
          callerType: 'AssumedRole',
          causes,
        },
        at,
        30 * 86_400,
      );
    }
  };
  const ci = 'arn:aws:iam::111111111111:role/ci-deployer';
  const etl = 'arn:aws:iam::111111111111:role/data-pipeline';
  // Two weeks ago: counted in that week, not in last week's digest.
  await record(
    'arn:aws:iam::222222222222:role/DeployRole',
    ci,
    ['TRUST_PRINCIPAL_NOT_TRUSTED'],
    7,
    TWO_WEEKS_AGO,
  );
  await record(
    'arn:aws:iam::222222222222:role/DevRole',
    etl,
    ['IDENTITY_NO_ALLOW'],
    4,
    TWO_WEEKS_AGO,
  );
  await record(
    'arn:aws:iam::222222222222:role/DeployRole',
    ci,
    ['TRUST_PRINCIPAL_NOT_TRUSTED'],
    5,
    LAST_WEEK,
  );
  await record(
    'arn:aws:iam::222222222222:role/AnalyticsReader',
    etl,
    ['IDENTITY_NO_ALLOW'],
    3,
    LAST_WEEK,
  );
  await record(
    'arn:aws:iam::222222222222:role/ThirdPartyAuditRole',
    'arn:aws:iam::111111111111:role/vendor-connector',
    ['TRUST_CONDITION_EXTERNAL_ID'],
    2,
    LAST_WEEK,
  );
});

afterAll(async () => {
  await Promise.all([platform?.close(), data?.close(), slackApi?.close()]);
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

function handler() {
  const secrets = powertoolsReadSecret();
  const api = slackAppApi(table, { secrets, slackApiUrl: slackApi.url });
  return createHandler({
    table,
    readDenials: (weekStart) => readWeeklyDenials(doc, aws.tableName, weekStart),
    source: async () => new SnapshotStateSource(taggedDemoSnapshot()),
    publish: destinationPublisher({
      secrets,
      ...(api === undefined ? {} : { api }),
      sns: { client: aws.sns, topicArn: aws.topicArn },
    }),
    sent: {
      has: async (w, d) =>
        (await doc.send(new GetCommand({ TableName: aws.tableName, Key: { pk: `dig#${w}#${d}` } })))
          .Item !== undefined,
      mark: async (w, d) => {
        await doc.send(new PutCommand({ TableName: aws.tableName, Item: { pk: `dig#${w}#${d}` } }));
      },
    },
    now: () => NOW,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'test' }),
  });
}

describe('weekly denial digest per destination', () => {
  it("sends each destination last week's top callers, roles and causes with counts, once", async () => {
    const result = await handler()();
    expect(result.week).toBe('2026W49');
    expect(result.denials).toBe(10);
    expect([...result.sent].sort()).toEqual(['data', 'data-oncall', 'payments', 'platform']);

    expect(platform.received).toHaveLength(1);
    const p = platform.received[0]?.body ?? '';
    expect(platform.received[0]?.json.text).toContain('5 denial(s) of 1 role(s) by 1 caller(s)');
    expect(p).toContain('*5* `arn:aws:iam::222222222222:role/DeployRole`');
    expect(p).toContain('*5* `TRUST_PRINCIPAL_NOT_TRUSTED`');
    expect(p).not.toContain('DevRole');

    expect(data.received).toHaveLength(1);
    expect(data.received[0]?.body).toContain('*3* `arn:aws:iam::111111111111:role/data-pipeline`');
    const payments = slackApi.topLevel('C0PAYMENTS1');
    expect(payments).toHaveLength(1);
    expect(payments[0]?.text).toContain('2 denial(s)');
    expect(slackApi.calls.every((c) => c.answer.ok && c.answer.warning === undefined)).toBe(true);

    const published = await drainSubscriber(aws);
    const byDestination = new Map(
      published.map((m) => [JSON.parse(m.attributes.destination?.Value ?? '[]')[0], m.message]),
    );
    expect(byDestination.get('data-oncall')).toMatchObject({
      kind: 'trustwatch.denial.digest',
      denials: 3,
      topRoles: [{ name: 'arn:aws:iam::222222222222:role/AnalyticsReader', count: 3 }],
    });
    expect(published.every((m) => m.attributes.kind?.Value === 'denial-digest')).toBe(true);

    // A retried invocation sends nothing again.
    expect((await handler()()).sent).toEqual([]);
    expect(platform.received).toHaveLength(1);
  });
});
