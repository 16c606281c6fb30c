import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export interface PowertoolsHandlerOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Emit Powertools' `ColdStart` metric (the functions invoked per event or per run do). */
  readonly captureColdStartMetric?: boolean;
}

/**
 * The one wiring of every Lambda function: middy with the Powertools logger
 * (Lambda context on every line) and metrics (EMF flush after each invocation)
 * middleware.
 */
export function powertoolsHandler<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  opts: PowertoolsHandlerOptions,
) {
  return middy(handler)
    .use(injectLambdaContext(opts.logger))
    .use(
      logMetrics(
        opts.metrics,
        opts.captureColdStartMetric === true ? { captureColdStartMetric: true } : undefined,
      ),
    );
}
