import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { PipelineConfig } from '../config/pipelineConfig.js';
import type { AlertSink } from './Alert.js';
import type { DestinationSetup } from './destinations/createDestinationSinks.js';
import { EventBridgeSink } from './eventBridgeSink.js';
import type { ReadSecret } from './readSecret.js';
import { SlackSink } from './slackSink.js';
import { SnsSink } from './snsSink.js';
import { cachedWebhookUrl } from './webhookUrl.js';

export interface SinkClients {
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
  readonly readSecret: ReadSecret;
}

/**
 * The sinks of a deployment: SNS and EventBridge always; with routing, one
 * Slack sink per destination (and the `destination` SNS attribute), else
 * Slack when a webhook secret is configured.
 */
export function createSinks(
  config: PipelineConfig,
  clients: SinkClients,
  routing?: DestinationSetup,
): AlertSink[] {
  const sinks: AlertSink[] = [
    new SnsSink(clients.sns, config.topicArn, routing?.snsAttributes),
    new EventBridgeSink(clients.eventBridge, config.eventBusName),
  ];
  if (routing !== undefined) {
    sinks.push(...routing.sinks);
  } else if (config.slack !== undefined) {
    sinks.push(
      new SlackSink({
        webhookUrl: cachedWebhookUrl(config.slack, clients.readSecret),
        maxAttempts: config.slackMaxAttempts,
      }),
    );
  }
  return sinks;
}
