import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { lazyHandler } from '../lib/alerts/lazyHandler.js';
import { powertoolsHandler } from '../lib/alerts/powertoolsHandler.js';
import { type AuditMessage, newRunId } from '../lib/audit/aws/auditMessage.js';
import type { AuditStore } from '../lib/audit/store/AuditStore.js';
import { ConfigError, formatErrorLine } from '../lib/errors/TrustwatchError.js';

export interface AuditSchedulerDeps {
  /** Account ids of the organization to audit. */
  readonly listAccounts: () => Promise<readonly string[]>;
  readonly store: AuditStore;
  readonly send: (messages: readonly AuditMessage[]) => Promise<void>;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly runId?: (now: Date) => string;
}

export interface AuditSchedulerResult {
  readonly runId: string;
  readonly accounts: number;
}

/**
 * EventBridge schedule → one run: lists the organization's accounts, records
 * the run with its account count (the workers count it down), then sends one
 * SQS message per account. A failure throws: the scheduled invocation fails
 * (and is retried by Lambda); a run whose messages were not all sent never
 * completes and is never used as the baseline of a later digest; the next
 * run reports it (log and `AuditPreviousRunIncomplete` metric).
 */
export function createHandler(deps: AuditSchedulerDeps): () => Promise<AuditSchedulerResult> {
  return async () => {
    const now = deps.now();
    const accounts = [...new Set(await deps.listAccounts())].sort();
    if (accounts.length === 0) throw new ConfigError('the organization lists no account to audit');
    const runId = (deps.runId ?? newRunId)(now);
    // A run that never completed (messages in the DLQ) sent no digest: say so loudly.
    const previous = await deps.store.latestRunBefore(runId);
    if (previous !== null && previous.remaining > 0) {
      deps.metrics.addMetric('AuditPreviousRunIncomplete', MetricUnit.Count, 1);
      deps.logger.warn('previous audit run did not complete: no digest was sent for it', {
        previousRunId: previous.runId,
        accountsNotRecorded: previous.remaining,
        total: previous.total,
      });
    }
    await deps.store.startRun(runId, now.toISOString(), accounts);
    await deps.send(accounts.map((accountId) => ({ runId, accountId })));
    deps.metrics.addMetric('AuditAccountsQueued', MetricUnit.Count, accounts.length);
    deps.logger.info('audit run started', { runId, accounts: accounts.length });
    return { runId, accounts: accounts.length };
  };
}

export function wrapHandler(deps: AuditSchedulerDeps) {
  return powertoolsHandler(createHandler(deps), {
    logger: deps.logger,
    metrics: deps.metrics,
    captureColdStartMetric: true,
  });
}

/** Production dependencies from the validated environment (SDK loaded here only). */
export async function defaultDeps(logger: Logger, metrics: Metrics): Promise<AuditSchedulerDeps> {
  const [
    { loadAuditConfig },
    { createLiveAuditSources },
    { DynamoAuditStore },
    ddb,
    lib,
    sqs,
    { sendAuditMessages },
  ] = await Promise.all([
    import('../lib/audit/aws/auditConfig.js'),
    import('../lib/audit/live/createLiveAuditSources.js'),
    import('../lib/audit/store/DynamoAuditStore.js'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('@aws-sdk/client-sqs'),
    import('../lib/audit/aws/sqsAuditQueue.js'),
  ]);
  const config = loadAuditConfig(process.env);
  if (config.queueUrl === undefined)
    throw new ConfigError('`TRUSTWATCH_AUDIT_QUEUE_URL` is required by the scheduler', {
      context: { variable: 'TRUSTWATCH_AUDIT_QUEUE_URL' },
    });
  const queueUrl = config.queueUrl;
  const { source, live } = await createLiveAuditSources({
    readerRoleName: config.readerRoleName,
    readerRolePath: config.readerRolePath,
    ...(config.orgReaderRoleArn === undefined ? {} : { orgRoleArn: config.orgReaderRoleArn }),
  });
  const sqsClient = new sqs.SQSClient({});
  return {
    listAccounts: async () => {
      if (config.roleIndexTableName !== undefined) {
        // Walk the organization's tree once per run and keep it for the explainer,
        // whose containers then read it instead of walking ListAccounts each.
        const [{ readOrganizationStructure }, index] = await Promise.all([
          import('../lib/aws/readOrganizationStructure.js'),
          import('../lib/aws/createSharedRoleIndex.js'),
        ]);
        const client = await live.organizationsClient();
        if (!client.ok) throw new ConfigError(`cannot read the organization: ${client.reason}`);
        const structure = await readOrganizationStructure(client.value);
        if (structure === null)
          throw new ConfigError('the audit needs an organization; this account is in none');
        try {
          await index
            .dynamoRoleIndexStore(config.roleIndexTableName)
            .putOrganization(index.indexedOrganization(structure, new Date()));
        } catch (err) {
          // The run goes on: the explainer keeps the previous copy until it expires.
          logger.warn('organization structure not written to the role index', {
            error: formatErrorLine(err),
          });
        }
        return structure.accounts.map((a) => a.id);
      }
      const org = await source.organization();
      if (!org.ok) throw new ConfigError(`cannot list the organization's accounts: ${org.reason}`);
      if (org.value === null)
        throw new ConfigError('the audit needs an organization; this account is in none');
      return org.value.accounts.map((a) => a.id);
    },
    store: new DynamoAuditStore(
      lib.DynamoDBDocumentClient.from(new ddb.DynamoDBClient({})),
      config.tableName,
      config.retentionDays,
    ),
    send: (messages) => sendAuditMessages(sqsClient, queueUrl, messages),
    now: () => new Date(),
    logger,
    metrics,
  };
}

const logger = new Logger({ serviceName: 'trustwatch' });
const metrics = new Metrics({ namespace: 'trustwatch', serviceName: 'auditScheduler' });

/** Dependencies are built (and the environment validated) at the first invocation. */
export const handler = powertoolsHandler(
  lazyHandler(() => defaultDeps(logger, metrics), createHandler),
  { logger, metrics, captureColdStartMetric: true },
);
