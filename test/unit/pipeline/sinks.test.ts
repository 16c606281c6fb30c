import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/alerts/Alert.js';
import { alertMessage } from '../../../lib/alerts/alertMessage.js';
import { EventBridgeSink } from '../../../lib/alerts/eventBridgeSink.js';
import { alertSeverity, diagnosisSeverity } from '../../../lib/alerts/severity.js';
import { SnsSink } from '../../../lib/alerts/snsSink.js';
import type { Cause } from '../../../lib/diagnosis/Diagnosis.js';
import { DeliveryError } from '../../../lib/errors/TrustwatchError.js';
import { sampleDiagnosis } from './fixtures.js';

const TOPIC = 'arn:aws:sns:us-east-1:333333333333:trustwatch-prod-diagnoses';
const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);

beforeEach(() => {
  sns.reset();
  events.reset();
});

const cause = (code: Cause['code'], confidence: Cause['confidence']): Cause =>
  ({
    code,
    confidence,
    side: 'caller',
    summary: 's',
    evidence: {},
  }) as Cause;

describe('severity', () => {
  it.each([
    ['SCP_EXPLICIT_DENY', 'confirmed', 'high'],
    ['SCP_EXPLICIT_DENY', 'likely', 'medium'],
    ['RCP_EXPLICIT_DENY', 'confirmed', 'high'],
    ['IDENTITY_NO_ALLOW', 'confirmed', 'high'],
    ['TRUST_CONDITION_EXTERNAL_ID', 'likely', 'medium'],
    ['ROLE_NOT_FOUND', 'confirmed', 'medium'],
    ['TRUST_PRINCIPAL_NOT_TRUSTED', 'possible', 'low'],
    ['INSUFFICIENT_DATA', 'confirmed', 'low'],
    ['NO_CAUSE_FOUND', 'confirmed', 'low'],
  ] as const)('%s (%s) is %s', (code, confidence, severity) => {
    expect(diagnosisSeverity(sampleDiagnosis({ causes: [cause(code, confidence)] }))).toBe(
      severity,
    );
  });

  it('makes role enumeration critical', () => {
    const alert: Alert = {
      kind: 'security',
      finding: 'ROLE_ENUMERATION',
      callerPrincipal: 'arn:aws:iam::111111111111:role/x',
      rolesTried: ['a', 'b'],
      windowStart: '2026-01-01T00:00:00.000Z',
      windowEnd: '2026-01-01T00:10:00.000Z',
      diagnosis: sampleDiagnosis(),
    };
    expect(alertSeverity(alert)).toBe('critical');
  });
});

describe('alertMessage', () => {
  it('is exactly the diagnosis JSON of the contract when it fits', () => {
    const d = sampleDiagnosis();
    expect(alertMessage({ kind: 'diagnosis', diagnosis: d })).toEqual({
      body: JSON.stringify(d),
      truncated: false,
    });
  });

  it('drops fix bodies (largest first), keeps the causes and says so when over the limit', () => {
    const huge = 'x'.repeat(300 * 1024);
    const d = sampleDiagnosis({
      fixes: [
        {
          cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
          title: 'big',
          terraform: huge,
          awsCli: 'aws iam x',
        },
        { cause: 'IDENTITY_NO_ALLOW', title: 'small', awsCli: 'aws iam y' },
      ],
    });
    const { body, truncated } = alertMessage({ kind: 'diagnosis', diagnosis: d });
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(240 * 1024);
    const parsed = JSON.parse(body) as typeof d;
    expect(parsed.causes).toEqual(d.causes);
    expect(parsed.fixes[0]?.terraform).toBeUndefined();
    expect(parsed.fixes[0]?.title).toContain('256 KB');
    // The small fix survived untouched.
    expect(parsed.fixes[1]).toEqual(d.fixes[1]);
  });
});

describe('SnsSink', () => {
  it('publishes the diagnosis with filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    const d = sampleDiagnosis();
    await new SnsSink(new SNSClient({}), TOPIC).deliver({ kind: 'diagnosis', diagnosis: d });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Message: JSON.stringify(d),
      MessageAttributes: {
        alertType: { DataType: 'String', StringValue: 'diagnosis' },
        severity: { DataType: 'String', StringValue: 'medium' },
        causeCode: { DataType: 'String', StringValue: 'TRUST_PRINCIPAL_NOT_TRUSTED' },
        causeCodes: {
          DataType: 'String.Array',
          StringValue: '["TRUST_PRINCIPAL_NOT_TRUSTED","IDENTITY_NO_ALLOW"]',
        },
        confidence: { DataType: 'String', StringValue: 'confirmed' },
        eventName: { DataType: 'String', StringValue: 'AssumeRole' },
        callerAccount: { DataType: 'String', StringValue: '111111111111' },
        roleAccount: { DataType: 'String', StringValue: '222222222222' },
        eventId: { DataType: 'String', StringValue: `diagnosis:${d.eventId}` },
      },
    });
  });

  it('omits account attributes it does not know (SNS rejects empty values)', async () => {
    sns.on(PublishCommand).resolves({});
    const d = sampleDiagnosis({ caller: { type: 'WebIdentityUser' }, target: {} });
    await new SnsSink(new SNSClient({}), TOPIC).deliver({ kind: 'diagnosis', diagnosis: d });
    const attrs = sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes ?? {};
    expect(Object.keys(attrs)).not.toContain('callerAccount');
    expect(Object.keys(attrs)).not.toContain('roleAccount');
  });

  it('wraps a publish failure in a DeliveryError', async () => {
    sns.on(PublishCommand).rejects(new Error('Topic does not exist'));
    await expect(
      new SnsSink(new SNSClient({}), TOPIC).deliver({
        kind: 'diagnosis',
        diagnosis: sampleDiagnosis(),
      }),
    ).rejects.toThrow(DeliveryError);
  });
});

describe('EventBridgeSink', () => {
  it('puts the diagnosis on the central bus as source trustwatch', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const d = sampleDiagnosis();
    await new EventBridgeSink(new EventBridgeClient({}), 'trustwatch-prod').deliver({
      kind: 'diagnosis',
      diagnosis: d,
    });
    expect(events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'trustwatch-prod',
          Source: 'trustwatch',
          DetailType: 'AssumeRole Denial Explained',
          Detail: JSON.stringify(d),
        },
      ],
    });
  });

  it('fails when the entry is rejected (PutEvents reports per-entry failures with status 200)', async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    await expect(
      new EventBridgeSink(new EventBridgeClient({}), 'trustwatch-prod').deliver({
        kind: 'diagnosis',
        diagnosis: sampleDiagnosis(),
      }),
    ).rejects.toThrow(/InternalFailure/);
  });
});
