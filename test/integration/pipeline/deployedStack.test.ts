import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { slackPayloadProblems } from '../../support/hostileText.js';
import { assumedCredentials, denialRecord } from '../../support/motoOrg.js';
import { loadCfnYaml } from './cfnTemplates.js';
import {
  createStack,
  type MotoSkipped,
  motoCompatible,
  PACKAGED_ORG_ID,
  packageOnce,
} from './packagedStack.js';
import { lambdaContext, type SlackReceiver, startSlackReceiver } from './pipelineFixture.js';

/**
 * The stack that ships, deployed: `osls package` output into the audit
 * account, lib/deploy/member-account.yml into a member account and
 * lib/deploy/org-reader.yml into the management account, all through moto's
 * CloudFormation. A denied AssumeRole put on the member's default bus travels
 * through the real forwarding rule, the central bus, the central rule and the
 * queue; the **bundled** handler, loaded from its zip, runs in-process (moto
 * cannot invoke Lambda) with the deployed function's environment and the
 * credentials of its role. What moto cannot create is bent in one place
 * (packagedStack.ts `motoCompatible`) and checked here from the template.
 */
const root = resolve(import.meta.dirname, '../../..');
/** moto's default account plays the audit account. */
const AUDIT = '123456789012';
const MEMBER = '111111111111';
const MANAGEMENT = '222222222222';
const ORG_ID = PACKAGED_ORG_ID;
const BUCKET = 'trustwatch-deployment';
const STACK = 'trustwatch-prod';

let endpoint: string;
let slack: SlackReceiver;
let skipped: MotoSkipped[];
let template: Record<string, unknown>;
let member: AwsCredentialIdentity;
let denialQueueUrl: string;
let subscriberUrl: string;
let fnEnv: Record<string, string>;
let unzipped: string;
let handler: (e: SQSEvent, c: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
const saved = { ...process.env };
const region = 'us-east-1';

const credentialsFor = (roleArn: string) => assumedCredentials(new STSClient({}), roleArn);

/** moto's Lambda API answers unsigned requests that name the service in the credential scope. */
async function functionConfiguration(name: string): Promise<{
  Role: string;
  Handler: string;
  Environment: { Variables: Record<string, string> };
}> {
  const res = await fetch(`${endpoint}/2015-03-31/functions/${name}/configuration`, {
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/lambda/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  if (!res.ok) throw new Error(`lambda ${name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Awaited<ReturnType<typeof functionConfiguration>>;
}

async function physicalId(logicalId: string): Promise<string> {
  const out = await new CloudFormationClient({}).send(
    new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: logicalId }),
  );
  return out.StackResourceDetail?.PhysicalResourceId ?? '';
}

/** Every message now on a queue; each is hidden once read, as Lambda's poller does while the handler runs. */
async function receiveAll(url: string, waitSeconds = 1): Promise<Message[]> {
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const out: Message[] = [];
  for (;;) {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: out.length === 0 ? waitSeconds : 0,
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: 600,
      }),
    );
    const batch = got.Messages ?? [];
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

/** The records Lambda's SQS poller hands the function, from real queue messages. */
function sqsEventOf(messages: readonly Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
          SenderId: m.Attributes?.SenderId ?? '',
          ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      }),
    ),
  };
}

/** Puts one CloudTrail record on the member account's default bus, as CloudTrail would. */
async function putOnMemberBus(detail: Record<string, unknown>, source = 'aws.sts'): Promise<void> {
  const out = await new EventBridgeClient({ credentials: member }).send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'default',
          Source: source,
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  expect(out.FailedEntryCount ?? 0).toBe(0);
}

let denialQueueArn: string;
const callerRole = `arn:aws:iam::${MEMBER}:role/ci-deployer`;
const targetRole = `arn:aws:iam::${MEMBER}:role/DeployRole`;

beforeAll(async () => {
  endpoint = inject('motoEndpoint');
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  slack = await startSlackReceiver();

  // The audit stack, exactly as packaged (but for motoCompatible), with its zips where osls puts them.
  const dir = packageOnce(root);
  template = JSON.parse(
    readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Record<string, unknown>;
  await fetch(`${endpoint}/${BUCKET}`, { method: 'PUT' });
  const resources = template.Resources as Record<string, { Type: string; Properties: never }>;
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const key = (r.Properties as { Code: { S3Key: string } }).Code.S3Key;
    const put = await fetch(`${endpoint}/${BUCKET}/${key}`, {
      method: 'PUT',
      body: readFileSync(join(dir, key.slice(key.lastIndexOf('/') + 1))),
    });
    expect(put.ok).toBe(true);
  }
  const audit = motoCompatible(template, BUCKET);
  skipped = audit.skipped;
  const outputs = await createStack(new CloudFormationClient({}), STACK, audit.template);

  // The member account (forwarding rule, reader role) and the management account (org reader).
  member = await credentialsFor(`arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`);
  const management = await credentialsFor(
    `arn:aws:iam::${MANAGEMENT}:role/OrganizationAccountAccessRole`,
  );
  await createStack(
    new CloudFormationClient({ credentials: member }),
    'trustwatch-member',
    motoCompatible(loadCfnYaml(join(root, 'lib/deploy/member-account.yml'))).template,
    {
      CentralEventBusArn: outputs.CentralEventBusArn ?? '',
      AuditAccountId: AUDIT,
      OrganizationId: ORG_ID,
    },
  );
  await createStack(
    new CloudFormationClient({ credentials: management }),
    'trustwatch-org-reader',
    motoCompatible(loadCfnYaml(join(root, 'lib/deploy/org-reader.yml'))).template,
    { AuditAccountId: AUDIT, OrganizationId: ORG_ID },
  );

  // The member's IAM: a CI role whose session is denied a role that does not trust it.
  const iam = new IAMClient({ credentials: member });
  const trust = (principal: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
    });
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'ci-deployer',
      AssumeRolePolicyDocument: trust(`arn:aws:iam::${MEMBER}:root`),
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'DeployRole',
      AssumeRolePolicyDocument: trust(`arn:aws:iam::${MEMBER}:role/release-bot`),
    }),
  );

  // The deployed explainer: its environment and role, its Slack secret, an SNS subscriber.
  const config = await functionConfiguration(`${STACK}-explainDenial`);
  expect(config.Role).toBe(outputs.FunctionRoleArn);
  fnEnv = config.Environment.Variables;
  await new SSMClient({}).send(
    new PutParameterCommand({
      Name: fnEnv.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER,
      Value: slack.url,
      Type: 'SecureString',
    }),
  );
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  subscriberUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: 'diagnoses-subscriber' }))).QueueUrl ?? '';
  const subscriberArn =
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: subscriberUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn ?? '';
  await new SNSClient({}).send(
    new SubscribeCommand({
      TopicArn: outputs.DiagnosesTopicArn,
      Protocol: 'sqs',
      Endpoint: subscriberArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  denialQueueUrl = await physicalId('DenialQueue');
  denialQueueArn =
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: denialQueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn ?? '';

  // The bundled handler from its zip, with the function's environment and its role's credentials.
  const role = await credentialsFor(config.Role);
  Object.assign(process.env, fnEnv, {
    AWS_ACCESS_KEY_ID: role.accessKeyId,
    AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
    AWS_SESSION_TOKEN: role.sessionToken,
    AWS_LAMBDA_FUNCTION_NAME: `${STACK}-explainDenial`,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.TW_TEST_LOG ?? 'SILENT',
    AWS_LAMBDA_LOG_LEVEL: process.env.TW_TEST_LOG ?? 'SILENT',
  });
  unzipped = mkdtempSync(join(tmpdir(), 'trustwatch-explain-'));
  const unzip = spawnSync('unzip', ['-q', join(dir, 'explainDenial.zip'), '-d', unzipped], {
    encoding: 'utf8',
  });
  expect(unzip.status, unzip.stderr).toBe(0);
  const [file, exported] = config.Handler.split('.') as [string, string];
  const mod = (await import(pathToFileURL(join(unzipped, `${file}.mjs`)).href)) as Record<
    string,
    unknown
  >;
  handler = mod[exported] as typeof handler;
  expect(typeof handler).toBe('function');
}, 180_000);

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await slack?.close();
  if (unzipped) rmSync(unzipped, { recursive: true, force: true });
});

describe('the deployed stack on moto', () => {
  it('carries a denied AssumeRole from a member bus through the deployed rules to the bundled explainer, SNS and the noise table', async () => {
    const record = denialRecord({
      caller: { kind: 'role', arn: callerRole, accountId: MEMBER },
      roleArn: targetRole,
    });
    await putOnMemberBus(record);
    const messages = await receiveAll(denialQueueUrl);
    expect(messages).toHaveLength(1);
    const forwarded = JSON.parse(messages[0]?.Body ?? '{}') as Record<string, unknown>;
    expect(forwarded).toMatchObject({ source: 'aws.sts', detail: { eventID: record.eventID } });

    const res = await handler(sqsEventOf(messages, denialQueueArn), lambdaContext('explainDenial'));
    expect(res.batchItemFailures).toEqual([]);

    const published = await receiveAll(subscriberUrl);
    expect(published).toHaveLength(1);
    const diagnosis = JSON.parse(published[0]?.Body ?? '{}') as {
      eventId: string;
      target: { roleArn: string };
      causes: { code: string }[];
    };
    expect(diagnosis.eventId).toBe(record.eventID);
    expect(diagnosis.target.roleArn).toBe(targetRole);
    expect(diagnosis.causes[0]?.code).toBe('TRUST_PRINCIPAL_NOT_TRUSTED');

    expect(slack.received).toHaveLength(1);
    expect(slackPayloadProblems(slack.received[0]?.json ?? { text: '', blocks: [] })).toEqual([]);

    const items = (
      await new DynamoDBClient({}).send(new ScanCommand({ TableName: fnEnv.TRUSTWATCH_TABLE_NAME }))
    ).Items;
    const byPk = new Map((items ?? []).map((i) => [i.pk?.S ?? '', i]));
    const evt = byPk.get(`evt#${record.eventID}`);
    expect(evt?.status?.S).toBe('completed');
    expect(evt?.decision?.S).toBe('alerted');
    expect(new Set(evt?.delivered?.SS)).toEqual(
      new Set(['diagnosis:sns', 'diagnosis:eventbridge', 'diagnosis:slack']),
    );
    expect([...byPk.keys()].filter((k) => k.startsWith('fp#'))).toHaveLength(1);
    expect(byPk.get(`den#${targetRole}#${callerRole}`)?.count?.N).toBe('1');
  });

  it('never queues an event the rules do not match (a successful AssumeRole, a denied GetRole)', async () => {
    const allowed = denialRecord({
      caller: { kind: 'role', arn: callerRole, accountId: MEMBER },
      roleArn: targetRole,
    });
    delete allowed.errorCode;
    delete allowed.errorMessage;
    const otherCall = {
      ...denialRecord({
        caller: { kind: 'role', arn: callerRole, accountId: MEMBER },
        roleArn: targetRole,
      }),
      eventSource: 'iam.amazonaws.com',
      eventName: 'GetRole',
    };
    await putOnMemberBus(allowed);
    await putOnMemberBus(otherCall, 'aws.iam');
    // A matching event after them proves the path is open: only it arrives.
    const matching = denialRecord({
      caller: { kind: 'role', arn: callerRole, accountId: MEMBER },
      roleArn: targetRole,
    });
    await putOnMemberBus(matching);
    const messages = await receiveAll(denialQueueUrl);
    expect(
      messages.map(
        (m) => (JSON.parse(m.Body ?? '{}') as { detail: { eventID: string } }).detail.eventID,
      ),
    ).toEqual([matching.eventID]);
  });

  it('reports a record the bundled handler cannot process as a batch item failure, and processes the rest', async () => {
    const good = denialRecord({
      caller: { kind: 'role', arn: callerRole, accountId: MEMBER },
      roleArn: `arn:aws:iam::${MEMBER}:role/OtherRole`,
    });
    await putOnMemberBus(good);
    const messages = await receiveAll(denialQueueUrl);
    expect(messages).toHaveLength(1);
    const event = sqsEventOf(messages, denialQueueArn);
    const bad: SQSRecord = { ...(event.Records[0] as SQSRecord), messageId: 'not-json', body: '{' };
    const res = await handler({ Records: [...event.Records, bad] }, lambdaContext('explainDenial'));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'not-json' }]);
    const published = await receiveAll(subscriberUrl);
    expect(
      published.map((m) => (JSON.parse(m.Body ?? '{}') as { eventId: string }).eventId),
    ).toEqual([good.eventID]);
  });

  it('checks from the template what moto does not create: bus policy, queue policy, alarms', () => {
    expect(skipped.map((s) => s.type).sort()).toEqual([
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Alarm',
      'AWS::Events::EventBusPolicy',
      'AWS::SQS::QueuePolicy',
    ]);
    const r = template.Resources as Record<string, { Properties: Record<string, unknown> }>;
    expect(r.CentralEventBusPolicy?.Properties.Statement).toMatchObject({
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
    });
    const queuePolicy = JSON.stringify(r.DenialQueuePolicy?.Properties);
    expect(queuePolicy).toContain('"aws:SourceArn":{"Fn::GetAtt":["DenialRule","Arn"]}');
    expect(r.DeadLetterAlarm?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    expect(r.SlackWebhookDisabledAlarm?.Properties).toMatchObject({ MetricName: 'SinkDisabled' });
    expect(r.AuditDigestSlackDisabledAlarm?.Properties).toMatchObject({
      MetricName: 'SinkDisabled',
      Dimensions: [{ Name: 'service', Value: 'auditWorker' }],
    });
  });
});
