import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError } from '../../errors/TrustwatchError.js';
import type { Destination } from '../../routing/RoutingTable.js';
import { describeSecretLocation, type ReadSecret } from '../readSecret.js';
import type { SlackPayload } from '../slackPayload.js';
import { parseWebhookUrl } from '../webhookUrl.js';
import { memoizeUntilRejected } from './memoizeUntilRejected.js';
import { postSlackJson, type SlackWebApi } from './slackWebApi.js';

/** One scheduled message for one destination (a team's audit digest, a weekly denial digest). */
export interface DestinationMessage {
  readonly slack: SlackPayload;
  /** SNS `Subject`: at most 100 printable ASCII characters. */
  readonly subject: string;
  /** The JSON document published on SNS. */
  readonly json: string;
  /** SNS `kind` attribute: `audit-digest`, `denial-digest`. */
  readonly kind: string;
}

export interface PublisherDeps {
  readonly secrets: ReadSecret;
  /** Needed by `channel` destinations. */
  readonly api?: SlackWebApi;
  readonly sns?: { readonly client: SNSClient; readonly topicArn: string };
  readonly fetch?: typeof fetch;
}

/**
 * Sends a destination its message: to its Slack webhook or channel, and on
 * the SNS topic with the `destination` attribute (subscribers of an `sns`
 * destination, and any other, filter on it). Throws {@link DeliveryError}
 * when either fails.
 */
export function destinationPublisher(
  deps: PublisherDeps,
): (destination: Destination, message: DestinationMessage) => Promise<void> {
  const urls = new Map<string, () => Promise<URL>>();
  return async (destination, message) => {
    const t = destination.target;
    if (t.kind === 'webhook') {
      let url = urls.get(destination.name);
      if (url === undefined) {
        url = memoizeUntilRejected(async () =>
          parseWebhookUrl(
            await deps.secrets(t.webhook, {
              what: `webhook of destination \`${destination.name}\``,
            }),
            describeSecretLocation(t.webhook),
          ),
        );
        urls.set(destination.name, url);
      }
      await postSlackJson(await url(), {}, message.slack, `webhook of \`${destination.name}\``, {
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      });
    } else if (t.kind === 'channel') {
      if (deps.api === undefined) {
        throw new DeliveryError(`destination \`${destination.name}\` needs the Slack app's token`);
      }
      await deps.api.postMessage(t.channel, message.slack);
    }
    if (deps.sns === undefined) return;
    const attributes: Record<string, MessageAttributeValue> = {
      kind: { DataType: 'String', StringValue: message.kind },
      destination: { DataType: 'String.Array', StringValue: JSON.stringify([destination.name]) },
    };
    try {
      await deps.sns.client.send(
        new PublishCommand({
          TopicArn: deps.sns.topicArn,
          Subject: message.subject,
          Message: message.json,
          MessageAttributes: attributes,
        }),
      );
    } catch (err) {
      throw new DeliveryError(
        `sns publish of the ${message.kind} of \`${destination.name}\` failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  };
}
