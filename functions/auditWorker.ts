import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lazyHandler } from '../lib/alerts/lazyHandler.js';
import { powertoolsHandler } from '../lib/alerts/powertoolsHandler.js';
import { parseAuditMessage } from '../lib/audit/aws/auditMessage.js';
import type { AuditStore } from '../lib/audit/store/AuditStore.js';
import { formatErrorLine } from '../lib/errors/TrustwatchError.js';
import type { AccountResult } from '../lib/findings/AuditRun.js';
import type { AuditDigest } from '../lib/findings/buildDigest.js';

export interface AuditWorkerDeps {
  /** Audits one account (roles and blind spots) for a run. */
  readonly auditAccount: (runId: string, accountId: string) => Promise<AccountResult>;
  readonly store: AuditStore;
  /** Builds and delivers the run's digest (lib/audit/aws/finishRun.ts); `null` when another worker does. */
  readonly finishRun: (runId: string) => Promise<AuditDigest | null>;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * SQS → audit one account per message → store its result and count the run
 * down; the worker that records the last account builds the digest. A record
 * that fails (unreadable message, store or delivery error) is reported as a
 * partial batch failure: SQS retries it, a redelivered account is not
 * counted twice, and after `maxReceiveCount` it lands in the DLQ. An account
 * that cannot be read is not a failure: its result says so.
 */
export function createHandler(
  deps: AuditWorkerDeps,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    try {
      const msg = parseAuditMessage(record.body, `sqs:${record.messageId}`);
      const result = await deps.auditAccount(msg.runId, msg.accountId);
      const { recorded, remaining } = await deps.store.recordAccount(result);
      deps.metrics.addMetric('AuditAccountsDone', MetricUnit.Count, recorded ? 1 : 0);
      deps.metrics.addMetric('AuditFindings', MetricUnit.Count, result.findings.length);
      if (result.error !== undefined)
        deps.metrics.addMetric('AuditAccountsUnreadable', MetricUnit.Count, 1);
      deps.logger.info('account audited', {
        runId: msg.runId,
        accountId: msg.accountId,
        findings: result.findings.length,
        blindSpots: result.blindSpots.length,
        warnings: result.warnings,
        error: result.error,
        recorded,
        remaining,
      });
      if (remaining === 0) {
        const digest = await deps.finishRun(msg.runId);
        if (digest !== null) {
          deps.logger.info('audit digest delivered', {
            runId: msg.runId,
            new: digest.new.length,
            resolved: digest.resolved.length,
            stillOpen: digest.stillOpen.length,
          });
        }
      }
    } catch (err) {
      deps.metrics.addMetric('AuditRecordFailed', MetricUnit.Count, 1);
      deps.logger.error('audit record failed; sqs retries it, then moves it to the dlq', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: formatErrorLine(err),
      });
      throw err;
    }
  };
  return async (event) =>
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
}

export function wrapHandler(deps: AuditWorkerDeps) {
  return powertoolsHandler(createHandler(deps), {
    logger: deps.logger,
    metrics: deps.metrics,
    captureColdStartMetric: true,
  });
}

/** Production dependencies from the validated environment (SDK loaded here only). */
export async function defaultDeps(logger: Logger, metrics: Metrics): Promise<AuditWorkerDeps> {
  const [
    { loadAuditConfig },
    { createLiveAuditSources },
    { DynamoAuditStore },
    { createAccountAuditor },
    { finishRun },
    { snsDigestSink },
    { slackDigestSink },
    { cachedWebhookUrl },
    { powertoolsReadSecret },
    { dynamoDenialReader },
    { loadRoutingConfig },
    { routedDigestSink },
    { destinationPublisher },
    { slackAppApi },
    ddb,
    lib,
    sns,
  ] = await Promise.all([
    import('../lib/audit/aws/auditConfig.js'),
    import('../lib/audit/live/createLiveAuditSources.js'),
    import('../lib/audit/store/DynamoAuditStore.js'),
    import('../lib/audit/aws/liveAccountAuditor.js'),
    import('../lib/audit/aws/finishRun.js'),
    import('../lib/audit/digest/snsDigestSink.js'),
    import('../lib/audit/digest/slackDigestSink.js'),
    import('../lib/alerts/webhookUrl.js'),
    import('../lib/alerts/readSecret.js'),
    import('../lib/dedup/dynamoDenialReader.js'),
    import('../lib/alerts/destinations/routingConfig.js'),
    import('../lib/alerts/destinations/routeDigest.js'),
    import('../lib/alerts/destinations/destinationPublisher.js'),
    import('../lib/alerts/destinations/createDestinationSinks.js'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('@aws-sdk/client-sns'),
  ]);
  const config = loadAuditConfig(process.env);
  const live = await createLiveAuditSources({
    readerRoleName: config.readerRoleName,
    readerRolePath: config.readerRolePath,
    ...(config.orgReaderRoleArn === undefined ? {} : { orgRoleArn: config.orgReaderRoleArn }),
  });
  const doc = lib.DynamoDBDocumentClient.from(new ddb.DynamoDBClient({}));
  const store = new DynamoAuditStore(doc, config.tableName, config.retentionDays);
  const snsClient = new sns.SNSClient({});
  const routing = loadRoutingConfig(process.env, config);
  const table = routing.table;
  const secrets = powertoolsReadSecret();
  const api = table === undefined ? undefined : slackAppApi(table, { ...routing, secrets });
  const sinks = [
    ...(config.topicArn === undefined ? [] : [snsDigestSink(snsClient, config.topicArn)]),
    ...(config.slack === undefined
      ? []
      : [slackDigestSink({ webhookUrl: cachedWebhookUrl(config.slack, secrets) })]),
    // With routing, each team gets the digest of its own roles (lib/alerts/destinations/routeDigest.ts).
    ...(table === undefined
      ? []
      : [
          routedDigestSink(
            table,
            async () => live.source,
            destinationPublisher({
              secrets,
              ...(api === undefined ? {} : { api }),
              ...(config.topicArn === undefined
                ? {}
                : { sns: { client: snsClient, topicArn: config.topicArn } }),
            }),
          ),
        ]),
  ];
  const now = () => new Date();
  // The explain pipeline's denial summaries (Query on the noise table's `denials` index only).
  const denials =
    config.denialsTableName === undefined
      ? undefined
      : dynamoDenialReader(doc, config.denialsTableName);
  const roleIndex =
    config.roleIndexTableName === undefined
      ? undefined
      : (await import('../lib/aws/createSharedRoleIndex.js')).dynamoRoleIndexStore(
          config.roleIndexTableName,
        );
  return {
    auditAccount: createAccountAuditor({
      source: live.source,
      blindSpots: live.blindSpots,
      suppressions: config.suppressions,
      unusedDays: config.unusedDays,
      regions: config.regions,
      forwardRuleName: config.forwardRuleName,
      now,
      ...(roleIndex === undefined ? {} : { roleIndex }),
      ...(denials === undefined
        ? {}
        : {
            denials,
            denialLookbackDays: config.denialLookbackDays,
            onDenialsUnreadable: (accountId, reason) => {
              metrics.addMetric('AuditDenialsUnreadable', MetricUnit.Count, 1);
              logger.warn('recent denials unreadable; account audited without them', {
                accountId,
                error: reason,
              });
            },
          }),
    }),
    store,
    finishRun: (runId) =>
      finishRun(runId, {
        store,
        sinks,
        now,
        disabled: (sink, message) => {
          metrics.addMetric('SinkDisabled', MetricUnit.Count, 1);
          logger.error('digest sink disabled until an operator acts; digest not sent there', {
            runId,
            sink,
            error: message,
          });
        },
      }),
    logger,
    metrics,
  };
}

const logger = new Logger({ serviceName: 'trustwatch' });
const metrics = new Metrics({ namespace: 'trustwatch', serviceName: 'auditWorker' });

/** Dependencies are built (and the environment validated) at the first invocation. */
export const handler = powertoolsHandler(
  lazyHandler(() => defaultDeps(logger, metrics), createHandler),
  { logger, metrics, captureColdStartMetric: true },
);
