import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PipelineLogger, PipelineMetricName, PipelineMetrics } from './AlertPipeline.js';

/** Adapts a Powertools logger to the pipeline's small logging interface. */
export function pipelineLogger(logger: Logger): PipelineLogger {
  return {
    info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
  };
}

/** Adapts Powertools metrics (EMF, flushed by the middy middleware) to the pipeline's counters. */
export function pipelineMetrics(metrics: Metrics): PipelineMetrics & {
  countNamed(name: string, value?: number): void;
} {
  return {
    count: (name: PipelineMetricName, value = 1) =>
      metrics.addMetric(name, MetricUnit.Count, value),
    countNamed: (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
  };
}
