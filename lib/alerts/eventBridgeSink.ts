import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeliveryError } from '../errors/TrustwatchError.js';
import type { Alert, AlertSink } from './Alert.js';
import { alertMessage } from './alertMessage.js';

export const EXPLAINED_SOURCE = 'trustwatch';
export const DETAIL_TYPES = {
  diagnosis: 'AssumeRole Denial Explained',
  summary: 'AssumeRole Denial Repeated',
  security: 'AssumeRole Role Enumeration Suspected',
} as const;

/**
 * Puts the alert back on the central bus (source `trustwatch`) so other
 * consumers can route it with ordinary rules. The central rule that feeds the
 * explainer matches `source: aws.sts` only, so this cannot loop. The entry
 * (detail plus envelope) must stay under 256 KB: fix bodies are dropped first
 * (see {@link alertMessage}).
 */
export class EventBridgeSink implements AlertSink {
  readonly name = 'eventbridge';
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async deliver(alert: Alert): Promise<void> {
    const { body } = alertMessage(alert, 200 * 1024);
    let failure: string | undefined;
    try {
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: EXPLAINED_SOURCE,
              DetailType: DETAIL_TYPES[alert.kind],
              Detail: body,
            },
          ],
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const entry = out.Entries?.[0];
        failure = `${entry?.ErrorCode ?? 'unknown'}: ${entry?.ErrorMessage ?? 'entry rejected'}`;
      }
    } catch (err) {
      throw new DeliveryError(
        `eventbridge put to \`${this.busName}\` failed: ${(err as Error).message}`,
        {
          cause: err,
          context: { sink: 'eventbridge' },
        },
      );
    }
    if (failure !== undefined) {
      throw new DeliveryError(
        `eventbridge rejected the entry on \`${this.busName}\` (${failure})`,
        {
          context: { sink: 'eventbridge' },
        },
      );
    }
  }
}
