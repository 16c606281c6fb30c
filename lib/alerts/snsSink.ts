import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { deniedHeadline, ROLE_ENUMERATION } from '../diagnosis/causeProse.js';
import { DeliveryError } from '../errors/TrustwatchError.js';
import type { Alert, AlertSink } from './Alert.js';
import { alertMessage } from './alertMessage.js';
import { alertSeverity } from './severity.js';

/**
 * Message attributes subscribers can filter on (SNS filter policies):
 * `alertType` (`diagnosis` | `summary` | `security`), `causeCode` (first
 * cause), `causeCodes` (all, `String.Array`), `confidence` (of the first
 * cause), `severity`, `callerAccount`, `roleAccount`, `truncated`, and
 * `eventId` (`<alert kind>:<CloudTrail event id>`, the same on every
 * re-delivery of one alert: subscribers that must never see a duplicate
 * drop repeats of it).
 */
export function snsAttributes(
  alert: Alert,
  truncated: boolean,
): Record<string, MessageAttributeValue> {
  const d = alert.diagnosis;
  const first = d.causes[0];
  const attrs: Record<string, MessageAttributeValue> = {
    alertType: { DataType: 'String', StringValue: alert.kind },
    severity: { DataType: 'String', StringValue: alertSeverity(alert) },
    causeCode: {
      DataType: 'String',
      StringValue:
        alert.kind === 'security' ? 'ROLE_ENUMERATION' : (first?.code ?? 'NO_CAUSE_FOUND'),
    },
    causeCodes: {
      DataType: 'String.Array',
      StringValue: JSON.stringify([...new Set(d.causes.map((c) => c.code))]),
    },
    confidence: { DataType: 'String', StringValue: first?.confidence ?? 'possible' },
    eventName: { DataType: 'String', StringValue: d.eventName },
  };
  // The dedup key for subscribers: a retry after a crash between publish and ledger write repeats it.
  if (d.eventId !== '') {
    attrs.eventId = { DataType: 'String', StringValue: `${alert.kind}:${d.eventId}` };
  }
  if (d.caller.accountId !== undefined) {
    attrs.callerAccount = { DataType: 'String', StringValue: d.caller.accountId };
  }
  if (d.target.accountId !== undefined) {
    attrs.roleAccount = { DataType: 'String', StringValue: d.target.accountId };
  }
  if (truncated) attrs.truncated = { DataType: 'String', StringValue: 'true' };
  return attrs;
}

export class SnsSink implements AlertSink {
  readonly name = 'sns';
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    /** More attributes per alert (routing adds `destination`); SNS allows 10 in all. */
    private readonly extraAttributes?: (
      alert: Alert,
    ) => Promise<Record<string, MessageAttributeValue>>,
  ) {}

  async deliver(alert: Alert): Promise<void> {
    const { body, truncated } = alertMessage(alert);
    const d = alert.diagnosis;
    const subject = `trustwatch: ${alert.kind === 'security' ? ROLE_ENUMERATION : deniedHeadline(d.eventName, d.causes[0]?.code)}`;
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Message: body,
          Subject: subject.slice(0, 99),
          MessageAttributes: {
            ...snsAttributes(alert, truncated),
            ...(await this.extraAttributes?.(alert)),
          },
        }),
      );
    } catch (err) {
      throw new DeliveryError(
        `sns publish to \`${this.topicArn}\` failed: ${(err as Error).message}`,
        {
          cause: err,
          context: { sink: 'sns' },
        },
      );
    }
  }
}
