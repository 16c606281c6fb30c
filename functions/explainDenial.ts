import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AlertPipeline } from '../lib/alerts/AlertPipeline.js';
import { createAwsPipeline } from '../lib/alerts/createAwsPipeline.js';
import { memoizeUntilRejected } from '../lib/alerts/destinations/memoizeUntilRejected.js';
import { loadRoutingConfig, type RoutingConfig } from '../lib/alerts/destinations/routingConfig.js';
import { pipelineMetrics } from '../lib/alerts/powertoolsAdapters.js';
import { powertoolsHandler } from '../lib/alerts/powertoolsHandler.js';
import { withCallBudget } from '../lib/aws/callBudget.js';
import { loadPipelineConfig, type PipelineConfig } from '../lib/config/pipelineConfig.js';
import type { Diagnosis } from '../lib/diagnosis/Diagnosis.js';
import { formatErrorLine, InputError } from '../lib/errors/TrustwatchError.js';
import { DiagnosisMemo } from '../lib/explain/DiagnosisMemo.js';
import { explainEvent } from '../lib/explain/explainEvent.js';
import type { DenialEvent } from '../lib/intake/DenialEvent.js';
import { readInput } from '../lib/intake/readInput.js';
import type { IamStateSource } from '../lib/state/IamStateSource.js';

export interface ExplainDenialDeps {
  /** Called once per cold start (the promise is reused): the IAM state the explainer reads. */
  readonly stateSource: () => Promise<IamStateSource>;
  readonly explain: (event: DenialEvent, source: IamStateSource) => Promise<Diagnosis>;
  readonly pipeline: AlertPipeline;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Parses one SQS record body (an EventBridge event forwarded from a member
 * account) into denial events. A body that is not JSON or holds no CloudTrail
 * record throws {@link InputError}: the record fails and goes to the DLQ
 * after the queue's retries, instead of vanishing.
 */
export function parseRecord(record: SQSRecord): ReturnType<typeof readInput> {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new InputError('sqs message body is not json', {
      context: { file: `sqs:${record.messageId}`, path: '$' },
    });
  }
  return readInput(json, `sqs:${record.messageId}`);
}

/**
 * The SQS handler without middleware: parse → explain → noise control →
 * sinks, per record, reporting failed records as partial batch failures so
 * SQS retries only those (and moves them to the DLQ after `maxReceiveCount`).
 */
export function createHandler(
  deps: ExplainDenialDeps,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  let source: Promise<IamStateSource> | undefined;
  const getSource = (): Promise<IamStateSource> => {
    if (source === undefined) {
      source = deps.stateSource();
      source.catch(() => {
        source = undefined;
      });
    }
    return source;
  };
  const counters = pipelineMetrics(deps.metrics);

  const recordHandler = async (record: SQSRecord, remaining?: () => number): Promise<void> => {
    try {
      const intake = parseRecord(record);
      for (const skipped of intake.skipped) {
        counters.countNamed('RecordSkipped');
        deps.logger.info('record skipped', {
          messageId: record.messageId,
          eventId: skipped.eventId,
          reason: skipped.reason,
        });
      }
      for (const event of intake.events) {
        const outcome = await deps.pipeline.process(
          event.eventId,
          async () => deps.explain(event, await getSource()),
          remaining,
        );
        deps.logger.info('denial processed', {
          messageId: record.messageId,
          eventId: event.eventId,
          outcome,
        });
      }
    } catch (err) {
      counters.countNamed('RecordFailed');
      deps.logger.error('record failed; sqs retries it, then moves it to the dlq', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: formatErrorLine(err),
      });
      throw err;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    // The pipeline starts no event, and calls no sink, without enough of the invocation left.
    const remaining =
      typeof context?.getRemainingTimeInMillis === 'function'
        ? () => context.getRemainingTimeInMillis()
        : undefined;
    // Records one after another: a batch of identical denials then hits the
    // noise table in order (one alert, the rest counted) and IAM reads of a
    // batch are spread out rather than fired ten at once into IAM's
    // account-wide rate limit. Concurrency comes from the event source
    // (maximumConcurrency), not from within a batch.
    return processPartialResponse(event, (r: SQSRecord) => recordHandler(r, remaining), processor, {
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
  };
}

/** Wraps a handler with the Powertools logger (Lambda context) and metrics (EMF flush) middleware. */
export function wrapHandler(deps: ExplainDenialDeps) {
  return powertoolsHandler(createHandler(deps), {
    logger: deps.logger,
    metrics: deps.metrics,
    captureColdStartMetric: true,
  });
}

/** Production dependencies from the validated environment. */
export function defaultDeps(config: PipelineConfig, routing: RoutingConfig): ExplainDenialDeps {
  // One live source for the diagnosis and the routing of its alerts (one cache
  // of reads), loaded at the first event, not at cold import: the IAM,
  // Organizations and STS clients (and the role index) are needed only once
  // there is a denial.
  const stateSource = memoizeUntilRejected(async () => {
    const [{ createLiveStateSource }, roleIndex] = await Promise.all([
      import('../lib/aws/createLiveStateSource.js'),
      config.roleIndexTableName === undefined
        ? undefined
        : import('../lib/aws/createSharedRoleIndex.js'),
    ]);
    return createLiveStateSource({
      readerRoleName: config.readerRoleName,
      readerRolePath: config.readerRolePath,
      ...(config.orgReaderRoleArn !== undefined
        ? { orgReaderRoleArn: config.orgReaderRoleArn }
        : {}),
      ...(roleIndex === undefined || config.roleIndexTableName === undefined
        ? {}
        : {
            roleIndex: roleIndex.sharedRoleIndexFromTable({
              tableName: config.roleIndexTableName,
            }),
          }),
    });
  });
  const { pipeline, logger, metrics } = createAwsPipeline(config, 'explainDenial', {
    config: routing,
    source: stateSource,
  });
  // One memo per warm container: repeats of a denial under the same state are not diagnosed again.
  const memo = new DiagnosisMemo();
  return {
    stateSource,
    // A diagnosis never runs into the function's timeout: past its call
    // budget, what it could not read is reported (INSUFFICIENT_DATA).
    explain: (event, source) =>
      withCallBudget(config.callBudget, () => explainEvent(event, source, memo)),
    pipeline,
    logger,
    metrics,
  };
}

/** Validated at cold start: a misconfigured deployment fails here with the variable's name. */
const config = loadPipelineConfig(process.env);

export const handler = wrapHandler(defaultDeps(config, loadRoutingConfig(process.env, config)));
