import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DeliveryError } from '../../errors/TrustwatchError.js';
import type { AuditMessage } from './auditMessage.js';

/** Sends the fan-out messages: SendMessageBatch, 10 at a time, failed entries retried once. */
export async function sendAuditMessages(
  client: SQSClient,
  queueUrl: string,
  messages: readonly AuditMessage[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    let entries = messages
      .slice(i, i + 10)
      .map((m, j) => ({ Id: String(i + j), MessageBody: JSON.stringify(m) }));
    for (let attempt = 1; entries.length > 0; attempt++) {
      const out = await client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
      );
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      if (failed.size === 0) break;
      if (attempt >= 2) {
        throw new DeliveryError(`${failed.size} audit message(s) could not be queued`, {
          context: { queueUrl },
        });
      }
      entries = entries.filter((e) => failed.has(e.Id));
    }
  }
}
