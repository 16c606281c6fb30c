import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError } from '../../errors/TrustwatchError.js';
import type { AuditDigest } from '../../findings/buildDigest.js';
import { SEVERITIES } from '../../findings/findingCodes.js';
import { digestMessage, digestSubject } from '../../render/audit/renderDigest.js';
import type { DigestSink } from './DigestSink.js';

/**
 * Publishes the digest as JSON on the alerts topic with attributes to filter
 * subscriptions on: `kind` = `audit-digest`, `severity` = the worst new
 * finding (or `none`), `newFindings` (number).
 */
export function snsDigestSink(client: SNSClient, topicArn: string): DigestSink {
  return {
    name: 'sns',
    async deliver(d: AuditDigest) {
      const worst = SEVERITIES.find((s) => d.new.some((f) => f.severity === s)) ?? 'none';
      try {
        await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: digestSubject(d),
            Message: digestMessage(d),
            MessageAttributes: {
              kind: { DataType: 'String', StringValue: 'audit-digest' },
              severity: { DataType: 'String', StringValue: worst },
              newFindings: { DataType: 'Number', StringValue: String(d.new.length) },
            },
          }),
        );
      } catch (err) {
        throw new DeliveryError(
          `sns publish of the audit digest failed: ${(err as Error).message}`,
          {
            cause: err,
            context: { topicArn },
          },
        );
      }
    },
  };
}
