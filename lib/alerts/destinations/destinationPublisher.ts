import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError, SinkDisabledError } from '../../errors/TrustwatchError.js';
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
 * What of one destination's message was already delivered (`slack`, `sns`),
 * for a caller that records it across retries (the audit digest's run).
 */
export interface PublishProgress {
  delivered(part: PublishPart): boolean;
  mark(part: PublishPart): Promise<void>;
}
export type PublishPart = 'slack' | 'sns';

/**
 * Sends a destination its message: to its Slack webhook or channel, and on
 * the SNS topic with the `destination` attribute (subscribers of an `sns`
 * destination, and any other, filter on it). One failing does not stop the
 * other; each that accepts is marked in `progress`, and a part already
 * delivered is skipped, so a retry re-sends only what failed. Throws
 * {@link DeliveryError} when either fails, {@link SinkDisabledError} when
 * only the Slack webhook is revoked (`403`/`404`/`410`): a circuit then
 * stays open for that URL in this execution environment, so later messages
 * do not call it again until its secret holds a new URL.
 */
export function destinationPublisher(
  deps: PublisherDeps,
): (
  destination: Destination,
  message: DestinationMessage,
  progress?: PublishProgress,
) => Promise<void> {
  const urls = new Map<string, () => Promise<URL>>();
  /** Destination name -> the webhook URL Slack said is gone, and what it said. */
  const revoked = new Map<string, { url: string; reason: string }>();
  const toSlack = async (destination: Destination, message: DestinationMessage) => {
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
      const href = (await url()).href;
      const gone = revoked.get(destination.name);
      if (gone?.url === href) {
        throw new SinkDisabledError(
          `slack webhook of \`${destination.name}\` disabled (${gone.reason}); not called`,
          { context: { sink: 'slack', destination: destination.name } },
        );
      }
      try {
        await postSlackJson(href, {}, message.slack, `webhook of \`${destination.name}\``, {
          ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        });
      } catch (err) {
        if (err instanceof SinkDisabledError) {
          revoked.set(destination.name, { url: href, reason: err.message });
        }
        throw err;
      }
    } else if (t.kind === 'channel') {
      if (deps.api === undefined) {
        throw new DeliveryError(`destination \`${destination.name}\` needs the Slack app's token`);
      }
      await deps.api.postMessage(t.channel, message.slack);
    }
  };
  const toSns = async (destination: Destination, message: DestinationMessage) => {
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
  return async (destination, message, progress) => {
    const errors: unknown[] = [];
    const parts: readonly [PublishPart, typeof toSlack][] = [
      ['slack', toSlack],
      ['sns', toSns],
    ];
    for (const [part, send] of parts) {
      if (progress?.delivered(part)) continue;
      try {
        await send(destination, message);
      } catch (err) {
        errors.push(err);
        continue;
      }
      await progress?.mark(part);
    }
    if (errors.length === 0) return;
    if (errors.length === 1) throw errors[0];
    throw new DeliveryError(errors.map((e) => (e as Error).message).join('; '), {
      cause: errors[0],
    });
  };
}
