import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  DestinationMessage,
  PublishProgress,
} from '../lib/alerts/destinations/destinationPublisher.js';
import {
  buildDenialDigests,
  denialDigestMessage,
} from '../lib/alerts/destinations/weeklyDenialDigest.js';
import type { WeeklyDenial } from '../lib/alerts/destinations/weeklyDenials.js';
import { lazyHandler } from '../lib/alerts/lazyHandler.js';
import { powertoolsHandler } from '../lib/alerts/powertoolsHandler.js';
import { isoWeek } from '../lib/dedup/denialWeek.js';
import { DeliveryError } from '../lib/errors/TrustwatchError.js';
import type { Destination, RoutingTable } from '../lib/routing/RoutingTable.js';
import type { IamStateSource } from '../lib/state/IamStateSource.js';

export interface DenialDigestDeps {
  readonly table: RoutingTable;
  readonly readDenials: (weekStart: number) => Promise<readonly WeeklyDenial[]>;
  readonly source: () => Promise<IamStateSource>;
  readonly publish: (
    destination: Destination,
    message: DestinationMessage,
    progress?: PublishProgress,
  ) => Promise<void>;
  /**
   * Whether a week's digest was already sent to a destination, and recording
   * that it was: `destination` is a name, or `<name>:slack` / `<name>:sns`
   * for one part of it (so a retry re-sends only the part that failed).
   */
  readonly sent: {
    has(week: string, destination: string): Promise<boolean>;
    mark(week: string, destination: string): Promise<void>;
  };
  readonly now: () => Date;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface DenialDigestResult {
  readonly week: string;
  readonly denials: number;
  readonly sent: readonly string[];
}

/**
 * Weekly (Monday morning): last ISO week's denials per destination, routed
 * like their alerts, as top callers, roles and causes with counts, to each
 * destination's Slack and to SNS with the destination named. A destination
 * already sent this week's digest is skipped, and so is the part (Slack,
 * SNS) of one that was, so a retried invocation sends only what failed; a
 * failure throws after trying every destination.
 */
export function createHandler(deps: DenialDigestDeps): () => Promise<DenialDigestResult> {
  return async () => {
    const week = isoWeek(Math.floor(deps.now().getTime() / 1000) - 7 * 86_400);
    const denials = await deps.readDenials(week.start);
    const digests = await buildDenialDigests(deps.table, denials, deps.source, week);
    const sent: string[] = [];
    const failures: string[] = [];
    for (const d of digests) {
      const destination = deps.table.destinations.get(d.destination);
      if (destination === undefined || (await deps.sent.has(week.label, d.destination))) continue;
      const parts = ['slack', 'sns'] as const;
      const done = new Set(
        (
          await Promise.all(
            parts.map(async (p) =>
              (await deps.sent.has(week.label, `${d.destination}:${p}`)) ? p : undefined,
            ),
          )
        ).filter((p) => p !== undefined),
      );
      try {
        await deps.publish(destination, denialDigestMessage(d), {
          delivered: (part) => done.has(part),
          mark: (part) => deps.sent.mark(week.label, `${d.destination}:${part}`),
        });
        await deps.sent.mark(week.label, d.destination);
        sent.push(d.destination);
      } catch (err) {
        failures.push(`${d.destination}: ${(err as Error).message}`);
      }
    }
    deps.metrics.addMetric('DenialDigestsSent', MetricUnit.Count, sent.length);
    deps.logger.info('weekly denial digests', { week: week.label, denials: denials.length, sent });
    if (failures.length > 0) {
      throw new DeliveryError(`weekly denial digest not delivered (${failures.join('; ')})`);
    }
    return { week: week.label, denials: denials.reduce((n, d) => n + d.count, 0), sent };
  };
}

/** Production dependencies from the validated environment (SDK loaded here only). */
export async function defaultDeps(logger: Logger, metrics: Metrics): Promise<DenialDigestDeps> {
  const [
    { loadPipelineConfig },
    { loadRoutingConfig, singleDestinationTable },
    { readWeeklyDenials },
    { destinationPublisher },
    { powertoolsReadSecret },
    { slackAppApi },
    { memoizeUntilRejected },
    ddb,
    lib,
    sns,
  ] = await Promise.all([
    import('../lib/config/pipelineConfig.js'),
    import('../lib/alerts/destinations/routingConfig.js'),
    import('../lib/alerts/destinations/weeklyDenials.js'),
    import('../lib/alerts/destinations/destinationPublisher.js'),
    import('../lib/alerts/readSecret.js'),
    import('../lib/alerts/destinations/createDestinationSinks.js'),
    import('../lib/alerts/destinations/memoizeUntilRejected.js'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('@aws-sdk/client-sns'),
  ]);
  const config = loadPipelineConfig(process.env);
  const routing = loadRoutingConfig(process.env, config);
  const table = routing.table ?? singleDestinationTable(config);
  const secrets = powertoolsReadSecret();
  const api = slackAppApi(table, { ...routing, secrets });
  const doc = lib.DynamoDBDocumentClient.from(new ddb.DynamoDBClient({}));
  const key = (week: string, destination: string) => ({ pk: `dig#${week}#${destination}` });
  return {
    table,
    readDenials: (weekStart) => readWeeklyDenials(doc, config.tableName, weekStart),
    source: memoizeUntilRejected(() =>
      import('../lib/aws/createLiveStateSource.js').then((m) =>
        m.createLiveStateSource({
          readerRoleName: config.readerRoleName,
          readerRolePath: config.readerRolePath,
          ...(config.orgReaderRoleArn === undefined
            ? {}
            : { orgReaderRoleArn: config.orgReaderRoleArn }),
        }),
      ),
    ),
    publish: destinationPublisher({
      secrets,
      ...(api === undefined ? {} : { api }),
      sns: { client: new sns.SNSClient({}), topicArn: config.topicArn },
    }),
    sent: {
      async has(week, destination) {
        const out = await doc.send(
          new lib.GetCommand({ TableName: config.tableName, Key: key(week, destination) }),
        );
        return out.Item !== undefined;
      },
      async mark(week, destination) {
        await doc.send(
          new lib.PutCommand({
            TableName: config.tableName,
            Item: {
              ...key(week, destination),
              sentAt: new Date().toISOString(),
              expiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400,
            },
          }),
        );
      },
    },
    now: () => new Date(),
    logger,
    metrics,
  };
}

const logger = new Logger({ serviceName: 'trustwatch' });
const metrics = new Metrics({ namespace: 'trustwatch', serviceName: 'denialDigest' });

/** Dependencies are built (and the environment validated) at the first invocation. */
export const handler = powertoolsHandler(
  lazyHandler(() => defaultDeps(logger, metrics), createHandler),
  { logger, metrics },
);
