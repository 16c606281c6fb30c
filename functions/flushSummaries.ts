import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { AlertPipeline } from '../lib/alerts/AlertPipeline.js';
import { createAwsPipeline } from '../lib/alerts/createAwsPipeline.js';
import { memoizeUntilRejected } from '../lib/alerts/destinations/memoizeUntilRejected.js';
import { loadRoutingConfig } from '../lib/alerts/destinations/routingConfig.js';
import { powertoolsHandler } from '../lib/alerts/powertoolsHandler.js';
import { loadPipelineConfig } from '../lib/config/pipelineConfig.js';

export interface FlushSummariesDeps {
  readonly pipeline: AlertPipeline;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Scheduled (every few minutes): sends the summary of every dedup window that
 * has ended with repeats, so a burst followed by silence still gets its
 * "N more times" message. Throws when a summary could not be delivered; the
 * window stays due and the next run retries it.
 */
export function createHandler(
  deps: FlushSummariesDeps,
): (event?: unknown, context?: Context) => Promise<{ sent: number }> {
  return async (_event, context) => {
    const remaining =
      typeof context?.getRemainingTimeInMillis === 'function'
        ? () => context.getRemainingTimeInMillis()
        : undefined;
    const sent = await deps.pipeline.flushSummaries(100, remaining);
    deps.logger.info('summaries flushed', { sent });
    return { sent };
  };
}

export function wrapHandler(deps: FlushSummariesDeps) {
  return powertoolsHandler(createHandler(deps), deps);
}

const config = loadPipelineConfig(process.env);

/** Summaries are routed like their alerts: OU paths and tags are read live, only when a rule needs them. */
const stateSource = memoizeUntilRejected(() =>
  import('../lib/aws/createLiveStateSource.js').then((m) =>
    m.createLiveStateSource({
      readerRoleName: config.readerRoleName,
      readerRolePath: config.readerRolePath,
      ...(config.orgReaderRoleArn !== undefined
        ? { orgReaderRoleArn: config.orgReaderRoleArn }
        : {}),
    }),
  ),
);

export const handler = wrapHandler(
  createAwsPipeline(config, 'flushSummaries', {
    config: loadRoutingConfig(process.env, config),
    source: stateSource,
  }),
);
