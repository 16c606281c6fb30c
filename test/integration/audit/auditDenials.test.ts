import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHandler as createWorker } from '../../../functions/auditWorker.js';
import { AlertPipeline } from '../../../lib/alerts/AlertPipeline.js';
import { newRunId } from '../../../lib/audit/aws/auditMessage.js';
import { createAccountAuditor } from '../../../lib/audit/aws/liveAccountAuditor.js';
import { DEFAULT_FORWARD_RULE_NAME } from '../../../lib/audit/blindspots/BlindSpotReader.js';
import type { DenialReader } from '../../../lib/audit/DenialReader.js';
import { createLiveAuditSources } from '../../../lib/audit/live/createLiveAuditSources.js';
import { DynamoAuditStore } from '../../../lib/audit/store/DynamoAuditStore.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import { createDynamoNoiseStores } from '../../../lib/dedup/createDynamoNoiseStores.js';
import { dynamoDenialReader } from '../../../lib/dedup/dynamoDenialReader.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import type { AccountResult } from '../../../lib/findings/AuditRun.js';
import { buildTestOrg, type TestOrg } from '../../support/motoOrg.js';
import { resetMoto, useMotoEnvironment } from '../../support/motoServer.js';
import { createNoiseTable } from '../pipeline/pipelineFixture.js';

/**
 * From a diagnosed denial to an audit finding, on moto: the explain
 * pipeline (AlertPipeline on the real DynamoDB noise table) records a machine
 * caller's TRUST_CONDITION_MFA denials; the audit worker of the role's account
 * reads them through the `denials` index and reports
 * MFA_REQUIRED_ON_AUTOMATION_ROLE, which the role's trust policy alone
 * (a whole in-organization account, MFA required) cannot prove.
 */
const endpoint = inject('motoEndpoint');
const region = 'us-east-1';
const NOISE_TABLE = 'trustwatch-noise-denials-test';
const AUDIT_TABLE = 'trustwatch-audit-denials-test';
const RECORDED_AT = new Date('2026-11-23T22:00:00Z');
const AUDITED_AT = new Date('2026-11-24T05:17:00Z');

let restoreEnv: () => void;
let org: TestOrg;
let doc: DynamoDBDocumentClient;
let store: DynamoAuditStore;

const quietLogger = new Logger({ serviceName: 'trustwatch-test', logLevel: 'SILENT' });
const metrics = new Metrics({ namespace: 'trustwatch-test', serviceName: 'audit' });

const trust = (principal: unknown, condition: unknown) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: condition },
    ],
  });

async function memberCredentials(accountId: string): Promise<AwsCredentialIdentity> {
  const out = await new STSClient({ region }).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'audit-denials-setup',
    }),
  );
  const c = out.Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  };
}

/** A TRUST_CONDITION_MFA denial of `roleName` in prod, by a session of `callerRole` in ci. */
function mfaDenial(eventId: string, roleName: string, callerRole: string): Diagnosis {
  const prod = org.accounts.prod;
  const ci = org.accounts.ci;
  return {
    eventId,
    input: 'record',
    eventName: 'AssumeRole',
    eventTime: RECORDED_AT.toISOString(),
    caller: {
      arn: `arn:aws:sts::${ci}:assumed-role/${callerRole}/${eventId}`,
      accountId: ci,
      type: 'AssumedRole',
      sessionName: eventId,
    },
    target: { roleArn: `arn:aws:iam::${prod}:role/${roleName}`, accountId: prod },
    causes: [
      {
        code: 'TRUST_CONDITION_MFA',
        confidence: 'confirmed',
        side: 'trust',
        summary: 'the trust policy requires MFA; the session has none',
        evidence: { conditionKey: 'aws:MultiFactorAuthPresent' },
      },
    ],
    fixes: [],
  };
}

async function auditProd(denials: DenialReader | undefined): Promise<AccountResult> {
  const live = await createLiveAuditSources({
    credentials: org.trustwatch.credentials,
    cache: new ReadCache(),
  });
  const runId = newRunId(AUDITED_AT);
  await store.startRun(runId, AUDITED_AT.toISOString(), [org.accounts.prod]);
  const worker = createWorker({
    auditAccount: createAccountAuditor({
      source: live.source,
      blindSpots: live.blindSpots,
      suppressions: [],
      unusedDays: 90,
      regions: [region],
      forwardRuleName: DEFAULT_FORWARD_RULE_NAME,
      now: () => AUDITED_AT,
      ...(denials === undefined ? {} : { denials, denialLookbackDays: 30 }),
    }),
    store,
    finishRun: async () => null,
    logger: quietLogger,
    metrics,
  });
  const res = await worker({
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r1',
        body: JSON.stringify({ runId, accountId: org.accounts.prod }),
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${region}:123456789012:audit`,
        awsRegion: region,
      },
    ],
  } as unknown as SQSEvent);
  expect(res.batchItemFailures).toEqual([]);
  const [result] = await store.accountResults(runId);
  if (result === undefined) throw new Error('the worker recorded no result');
  return result;
}

const mfaFindings = (r: AccountResult) =>
  r.findings.filter((f) => f.code === 'MFA_REQUIRED_ON_AUTOMATION_ROLE');

beforeAll(async () => {
  await resetMoto(endpoint);
  restoreEnv = useMotoEnvironment(endpoint);
  org = await buildTestOrg();
  const ci = org.accounts.ci;
  const prodIam = new IAMClient({
    region,
    credentials: await memberCredentials(org.accounts.prod),
  });
  const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
  // Both trust the whole ci account and require MFA: without denials, nothing says who calls.
  for (const RoleName of ['NightlyExport', 'ConsoleAdmin']) {
    await prodIam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${ci}:root` }, mfa),
      }),
    );
  }

  const ddb = new DynamoDBClient({ region });
  doc = DynamoDBDocumentClient.from(ddb);
  await createNoiseTable(ddb, NOISE_TABLE);
  await ddb.send(
    new CreateTableCommand({
      TableName: AUDIT_TABLE,
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
  store = new DynamoAuditStore(doc, AUDIT_TABLE);

  // The explain pipeline: three denials of a CI job (one alert, two repeats), one of a person (SSO).
  const pipeline = new AlertPipeline({
    stores: createDynamoNoiseStores(doc, NOISE_TABLE),
    sinks: [{ name: 'none', deliver: async () => {} }],
    settings: {
      dedupWindowSeconds: 900,
      enumerationThreshold: 5,
      enumerationWindowSeconds: 600,
      suppressions: [],
      denialRetentionDays: 30,
    },
    clock: () => RECORDED_AT.getTime(),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    metrics: { count: () => {} },
  });
  for (const id of ['job-1', 'job-2', 'job-3']) {
    await pipeline.process(id, async () => mfaDenial(id, 'NightlyExport', 'nightly-export-job'));
  }
  await pipeline.process('person-1', async () =>
    mfaDenial('person-1', 'ConsoleAdmin', 'AWSReservedSSO_AdministratorAccess_0123456789abcdef'),
  );
}, 120_000);

afterAll(() => {
  restoreEnv?.();
});

describe("audit worker with the pipeline's recorded denials (moto)", () => {
  it('reports MFA_REQUIRED_ON_AUTOMATION_ROLE for the role a machine keeps failing, citing the denials', async () => {
    const result = await auditProd(dynamoDenialReader(doc, NOISE_TABLE));
    expect(result.warnings).toEqual([]);
    const found = mfaFindings(result);
    expect(found.map((f) => f.roleName)).toEqual(['NightlyExport']);
    expect(found[0]?.evidence).toMatchObject({
      conditionKey: 'aws:MultiFactorAuthPresent',
      detail: {
        evidence: `3 recent denial(s) of AssumedRole caller \`arn:aws:iam::${org.accounts.ci}:role/nightly-export-job\``,
      },
    });
    expect(found[0]?.fixTitle).toBeDefined();
  });

  it('without the denials (table not configured) the same roles give no such finding', async () => {
    const result = await auditProd(undefined);
    expect(mfaFindings(result)).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('an unreadable denial table is a warning; the account is still audited', async () => {
    const result = await auditProd(dynamoDenialReader(doc, 'no-such-table'));
    expect(result.error).toBeUndefined();
    expect(result.rolesAudited).toBeGreaterThan(0);
    expect(mfaFindings(result)).toEqual([]);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^recent denials of ${org.accounts.prod} unreadable \\(.+\\): audited without them`,
        ),
      ),
    ]);
  });
});
