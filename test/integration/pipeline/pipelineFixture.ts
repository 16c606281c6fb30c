import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Every sample event (`../shared/events` beside the checkout, and the
 * project's `events/`), by file name. Fails when neither folder has any, so
 * the e2e cannot pass vacuously.
 */
export function sampleEvents(root: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const dir of [join(root, '../shared/events'), join(root, 'events')]) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch {
      continue;
    }
    for (const f of files) {
      if (!out.has(f))
        out.set(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
    }
  }
  if (out.size === 0) throw new Error(`no sample events found beside ${root}`);
  return out;
}

/** A copy of an EventBridge event with a new CloudTrail event id (and optional detail changes). */
export function variant(
  event: Record<string, unknown>,
  change: (detail: Record<string, unknown>) => void = () => {},
): Record<string, unknown> {
  const copy = structuredClone(event);
  const detail = copy.detail as Record<string, unknown>;
  detail.eventID = randomUUID();
  copy.id = randomUUID();
  change(detail);
  return copy;
}

export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:333333333333:trustwatch-denials',
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

export function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:333333333333:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface SlackRequest {
  readonly body: string;
  readonly json: { text: string; blocks: Record<string, unknown>[] };
}

/** A local Slack incoming-webhook receiver on 127.0.0.1; queue responses with `respondWith`. */
export interface SlackReceiver {
  readonly url: string;
  readonly received: SlackRequest[];
  /** Every attempt, including failed ones. */
  attempts: number;
  respondWith(...responses: { status: number; headers?: Record<string, string> }[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  let queue: { status: number; headers?: Record<string, string> }[] = [];
  const received: SlackRequest[] = [];
  const state = { attempts: 0 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.attempts++;
      const next = queue.shift() ?? { status: 200 };
      const body = Buffer.concat(chunks).toString('utf8');
      if (next.status === 200)
        received.push({ body, json: JSON.parse(body) as SlackRequest['json'] });
      res.writeHead(next.status, { 'content-type': 'text/plain', ...(next.headers ?? {}) });
      res.end(next.status === 200 ? 'ok' : 'error');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    received,
    get attempts() {
      return state.attempts;
    },
    set attempts(v: number) {
      state.attempts = v;
    },
    respondWith: (...r) => {
      queue.push(...r);
    },
    reset: () => {
      queue = [];
      received.length = 0;
      state.attempts = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The noise-store table as serverless.yml declares it (key `pk`, GSI `due` on
 * dueShard/dueAt, GSI `denials` on denialAccount/lastSeenAt).
 */
export async function createNoiseTable(ddb: DynamoDBClient, name: string): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'dueShard', AttributeType: 'S' },
        { AttributeName: 'dueAt', AttributeType: 'N' },
        { AttributeName: 'denialAccount', AttributeType: 'S' },
        { AttributeName: 'lastSeenAt', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'due',
          KeySchema: [
            { AttributeName: 'dueShard', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'denials',
          KeySchema: [
            { AttributeName: 'denialAccount', KeyType: 'HASH' },
            { AttributeName: 'lastSeenAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

export interface AwsFixture {
  readonly topicArn: string;
  readonly topicName: string;
  readonly subscriberQueueUrl: string;
  /** Receives what the EventBridge sink puts back on the bus (rule: source `trustwatch`). */
  readonly explainedQueueUrl: string;
  readonly tableName: string;
  readonly busName: string;
  readonly slackParameter: string;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/** Creates the audit stack's resources on moto, as serverless.yml declares them. */
export async function createAwsFixture(slackUrl: string): Promise<AwsFixture> {
  const sns = new SNSClient({});
  const sqs = new SQSClient({});
  const topicName = 'trustwatch-test-diagnoses';
  const topic = await sns.send(new CreateTopicCommand({ Name: topicName }));
  const q = await sqs.send(new CreateQueueCommand({ QueueName: 'diagnoses-subscriber' }));
  const qArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: topic.TopicArn,
      Protocol: 'sqs',
      Endpoint: qArn.Attributes?.QueueArn,
    }),
  );
  const tableName = 'trustwatch-test-noise';
  await createNoiseTable(new DynamoDBClient({}), tableName);
  const busName = 'trustwatch-test';
  const eb = new EventBridgeClient({});
  await eb.send(new CreateEventBusCommand({ Name: busName }));
  const explained = await sqs.send(new CreateQueueCommand({ QueueName: 'explained-events' }));
  const explainedArn = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: explained.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eb.send(
    new PutRuleCommand({
      Name: 'explained',
      EventBusName: busName,
      EventPattern: JSON.stringify({ source: ['trustwatch'] }),
    }),
  );
  await eb.send(
    new PutTargetsCommand({
      Rule: 'explained',
      EventBusName: busName,
      Targets: [{ Id: 'q', Arn: explainedArn.Attributes?.QueueArn }],
    }),
  );
  const slackParameter = '/trustwatch/slack-webhook-url';
  await new SSMClient({}).send(
    new PutParameterCommand({
      Name: slackParameter,
      Type: 'SecureString',
      Value: slackUrl,
      Overwrite: true,
    }),
  );
  return {
    topicArn: topic.TopicArn as string,
    topicName,
    subscriberQueueUrl: q.QueueUrl as string,
    explainedQueueUrl: explained.QueueUrl as string,
    tableName,
    busName,
    slackParameter,
    sns,
    sqs,
  };
}

export interface SnsDelivery {
  readonly message: Record<string, unknown>;
  readonly attributes: Record<string, { Type: string; Value: string }>;
}

/** Reads (and deletes) everything SNS delivered to the subscriber queue. */
export async function drainSubscriber(f: AwsFixture): Promise<SnsDelivery[]> {
  const out: SnsDelivery[] = [];
  for (;;) {
    const res = await f.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: f.subscriberQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) return out;
    for (const m of messages) {
      const envelope = JSON.parse(m.Body ?? '{}') as {
        Message: string;
        MessageAttributes?: Record<string, { Type: string; Value: string }>;
      };
      out.push({
        message: JSON.parse(envelope.Message) as Record<string, unknown>,
        attributes: envelope.MessageAttributes ?? {},
      });
    }
    await f.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: f.subscriberQueueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

/** Empties the noise-control table so each test starts with no open window. */
export async function clearNoiseTable(f: AwsFixture): Promise<void> {
  const ddb = new DynamoDBClient({});
  for (;;) {
    const page = await ddb.send(
      new ScanCommand({ TableName: f.tableName, ProjectionExpression: 'pk', Limit: 25 }),
    );
    const items = page.Items ?? [];
    if (items.length === 0) return;
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [f.tableName]: items.map((i) => ({
            DeleteRequest: { Key: { pk: i.pk as { S: string } } },
          })),
        },
      }),
    );
  }
}

/** Reads (and deletes) the events the EventBridge sink put on the bus. */
export async function drainExplained(f: AwsFixture): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const res = await f.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: f.explainedQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) return out;
    for (const m of messages) out.push(JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
    await f.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: f.explainedQueueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}
