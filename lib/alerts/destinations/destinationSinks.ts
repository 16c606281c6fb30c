import { fingerprint } from '../../dedup/fingerprint.js';
import type { Destination } from '../../routing/RoutingTable.js';
import type { Alert, AlertSink, RepeatNotice } from '../Alert.js';
import { describeSecretLocation, type ReadSecret } from '../readSecret.js';
import { slackPayload } from '../slackPayload.js';
import { SlackSink } from '../slackSink.js';
import { parseWebhookUrl } from '../webhookUrl.js';
import type { AlertRouter } from './alertRouter.js';
import { memoizeUntilRejected } from './memoizeUntilRejected.js';
import type { SlackWebApi } from './slackWebApi.js';
import type { ThreadStore } from './ThreadStore.js';
import { counterPayload, repeatReply } from './threadMessages.js';

/** Sink name of a destination: what the pipeline records as delivered, per alert. */
export const destinationSinkName = (destination: string) => `slack:${destination}`;

export interface WebhookDestinationOptions {
  readonly route: AlertRouter;
  readonly secrets: ReadSecret;
  readonly maxAttempts: number;
  readonly fetch?: typeof fetch;
}

/**
 * A Slack incoming-webhook destination: delivers the alerts routed to it, as
 * today's single webhook does (first occurrence, then the window's summary).
 * Its URL is read from its own secret once per cold start.
 */
export function webhookDestinationSink(
  destination: Destination & { readonly target: { readonly kind: 'webhook' } },
  opts: WebhookDestinationOptions,
): AlertSink {
  const ref = destination.target.webhook;
  const slack = new SlackSink({
    webhookUrl: memoizeUntilRejected(async () =>
      parseWebhookUrl(
        await opts.secrets(ref, { what: `webhook of destination \`${destination.name}\`` }),
        describeSecretLocation(ref),
      ),
    ),
    maxAttempts: opts.maxAttempts,
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });
  return {
    name: destinationSinkName(destination.name),
    async deliver(alert) {
      if (!(await opts.route(alert)).destinations.includes(destination.name)) return;
      await slack.deliver(alert);
    },
  };
}

export interface ChannelDestinationOptions {
  readonly route: AlertRouter;
  readonly api: SlackWebApi;
  readonly threads: ThreadStore;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  /** Least seconds between two counter updates of one message (Slack rate-limits `chat.update`). */
  readonly minUpdateSeconds?: number;
}

/**
 * A channel the Slack app posts to. The first occurrence of a fingerprint
 * posts the diagnosis (with its fix) and remembers the message; repeats in
 * the window update a counter on it and reply in its thread once; the
 * window's end updates the counter a last time instead of posting a summary.
 * Security alerts are posted as they come (one per enumeration window).
 */
export function channelDestinationSink(
  destination: Destination & { readonly target: { readonly kind: 'channel' } },
  opts: ChannelDestinationOptions,
): AlertSink {
  const channel = destination.target.channel;
  const now = () => Math.floor(opts.clock() / 1000);
  const routed = async (alert: Alert) =>
    (await opts.route(alert)).destinations.includes(destination.name);
  return {
    name: destinationSinkName(destination.name),
    async deliver(alert) {
      if (!(await routed(alert))) return;
      const payload = slackPayload(alert);
      if (alert.kind === 'security') {
        await opts.api.postMessage(channel, payload);
        return;
      }
      const fp = alert.kind === 'summary' ? alert.fingerprint : fingerprint(alert.diagnosis);
      if (alert.kind === 'summary') {
        const thread = await opts.threads.get(destination.name, fp);
        if (thread !== null) {
          await opts.api.update(
            thread.channel,
            thread.ts,
            counterPayload(thread, alert.repeats + 1, alert.windowEnd, true),
          );
          return;
        }
        // No message of this window here (routing changed, or it expired): post the summary.
        await opts.api.postMessage(channel, payload);
        return;
      }
      const posted = await opts.api.postMessage(channel, payload);
      await opts.threads.save(
        {
          destination: destination.name,
          fingerprint: fp,
          channel: posted.channel,
          ts: posted.ts,
          text: payload.text,
          blocks: JSON.stringify(payload.blocks),
          firstAt: now(),
          count: 1,
        },
        now(),
      );
    },
    async repeated(notice: RepeatNotice) {
      if (!(await routed({ kind: 'diagnosis', diagnosis: notice.diagnosis }))) return;
      const turn = await opts.threads.repeat(
        destination.name,
        notice.fingerprint,
        now(),
        opts.minUpdateSeconds ?? 30,
      );
      if (turn === null) return;
      const { thread, reply, update } = turn;
      if (reply)
        await opts.api.postMessage(
          thread.channel,
          repeatReply(thread.count, notice.windowEnd),
          thread.ts,
        );
      if (update || reply) {
        await opts.api.update(
          thread.channel,
          thread.ts,
          counterPayload(thread, thread.count, new Date(opts.clock()).toISOString(), false),
        );
      }
    },
  };
}
