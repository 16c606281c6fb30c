import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PipelineConfig } from '../config/pipelineConfig.js';
import { createDynamoNoiseStores } from '../dedup/createDynamoNoiseStores.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import { AlertPipeline } from './AlertPipeline.js';
import { createSinks } from './createSinks.js';
import { createDestinationSinks } from './destinations/createDestinationSinks.js';
import type { RoutingConfig } from './destinations/routingConfig.js';
import { pipelineLogger, pipelineMetrics } from './powertoolsAdapters.js';
import { powertoolsReadSecret } from './readSecret.js';

export interface AwsPipeline {
  readonly pipeline: AlertPipeline;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The production alert pipeline: DynamoDB noise store, SNS + EventBridge (+
 * Slack) sinks, Powertools logger and metrics. SDK clients use the default
 * credential chain and honour `AWS_ENDPOINT_URL`.
 */
export function createAwsPipeline(
  config: PipelineConfig,
  functionName: string,
  routing?: { readonly config: RoutingConfig; readonly source: () => Promise<IamStateSource> },
): AwsPipeline {
  const logger = new Logger({ serviceName: 'trustwatch' });
  const metrics = new Metrics({ namespace: 'trustwatch', serviceName: functionName });
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const pipeline = new AlertPipeline({
    stores: createDynamoNoiseStores(doc, config.tableName),
    sinks: createSinks(
      config,
      {
        sns: new SNSClient({}),
        eventBridge: new EventBridgeClient({}),
        readSecret: powertoolsReadSecret(),
      },
      routing?.config.table === undefined
        ? undefined
        : createDestinationSinks(routing.config.table, {
            source: routing.source,
            secrets: powertoolsReadSecret(),
            doc,
            tableName: config.tableName,
            slackApiUrl: routing.config.slackApiUrl,
            slackMaxAttempts: config.slackMaxAttempts,
            clock: () => Date.now(),
          }),
    ),
    settings: config,
    clock: () => Date.now(),
    log: pipelineLogger(logger),
    metrics: pipelineMetrics(metrics),
  });
  return { pipeline, logger, metrics };
}
