import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RoutingTable } from '../../routing/RoutingTable.js';
import type { IamStateSource } from '../../state/IamStateSource.js';
import type { Alert, AlertSink } from '../Alert.js';
import type { ReadSecret } from '../readSecret.js';
import { type AlertRouter, createAlertRouter } from './alertRouter.js';
import { DynamoThreadStore } from './DynamoThreadStore.js';
import { channelDestinationSink, webhookDestinationSink } from './destinationSinks.js';
import { memoizeUntilRejected } from './memoizeUntilRejected.js';
import { type SlackWebApi, slackWebApi } from './slackWebApi.js';

export interface DestinationDeps {
  /** The state source the diagnosis reads (routing by OU path and tags reads through it). */
  readonly source: () => Promise<IamStateSource>;
  readonly secrets: ReadSecret;
  /** The noise-control table, which also keeps the Slack threads. */
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly slackApiUrl: string;
  readonly slackMaxAttempts: number;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  readonly fetch?: typeof fetch;
}

export interface DestinationSetup {
  readonly route: AlertRouter;
  /** One sink per Slack destination (`slack:<name>`); SNS-only destinations have none. */
  readonly sinks: readonly AlertSink[];
  /** The SNS `destination` attribute (`String.Array` of names) subscribers filter on. */
  readonly snsAttributes: (alert: Alert) => Promise<Record<string, MessageAttributeValue>>;
}

/** The Slack app's Web API client, when the table names a bot token. */
export function slackAppApi(
  table: RoutingTable,
  deps: Pick<DestinationDeps, 'secrets' | 'slackApiUrl' | 'fetch'> & { slackMaxAttempts?: number },
): SlackWebApi | undefined {
  const botToken = table.slackBotToken;
  if (botToken === undefined) return undefined;
  return slackWebApi({
    token: memoizeUntilRejected(() => deps.secrets(botToken, { what: 'routing slackBotToken' })),
    baseUrl: deps.slackApiUrl,
    ...(deps.slackMaxAttempts === undefined ? {} : { maxAttempts: deps.slackMaxAttempts }),
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
}

/** The sinks and SNS attributes of a routing table. */
export function createDestinationSinks(
  table: RoutingTable,
  deps: DestinationDeps,
): DestinationSetup {
  const route = createAlertRouter(table, deps.source);
  const api = slackAppApi(table, deps);
  const threads = new DynamoThreadStore(deps.doc, deps.tableName);
  const sinks: AlertSink[] = [];
  for (const d of table.destinations.values()) {
    const t = d.target;
    if (t.kind === 'webhook') {
      sinks.push(
        webhookDestinationSink(
          { ...d, target: t },
          {
            route,
            secrets: deps.secrets,
            maxAttempts: deps.slackMaxAttempts,
            ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
          },
        ),
      );
    } else if (t.kind === 'channel' && api !== undefined) {
      sinks.push(
        channelDestinationSink({ ...d, target: t }, { route, api, threads, clock: deps.clock }),
      );
    }
  }
  return {
    route,
    sinks,
    snsAttributes: async (alert) => ({
      destination: {
        DataType: 'String.Array',
        StringValue: JSON.stringify((await route(alert)).destinations),
      },
    }),
  };
}
