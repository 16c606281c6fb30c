import type { PipelineConfig } from '../../config/pipelineConfig.js';
import { ConfigError } from '../../errors/TrustwatchError.js';
import { parseRoutingTable } from '../../routing/parseRoutingTable.js';
import type { Destination, RoutingTable } from '../../routing/RoutingTable.js';
import { parseWebhookUrl } from '../webhookUrl.js';
import { SLACK_API_URL } from './slackWebApi.js';

export interface RoutingConfig {
  /** `undefined`: no routing; the single webhook of the pipeline configuration, as before. */
  readonly table?: RoutingTable;
  readonly slackApiUrl: string;
}

const VARIABLE = 'TRUSTWATCH_ROUTES';

/**
 * The table of a deployment without routing: one destination, `default`,
 * the single webhook when one is configured (else SNS only).
 */
export function singleDestinationTable(pipeline: Pick<PipelineConfig, 'slack'>): RoutingTable {
  const s = pipeline.slack;
  const destination: Destination = {
    name: 'default',
    target:
      s === undefined
        ? { kind: 'sns' }
        : {
            kind: 'webhook',
            webhook:
              s.kind === 'ssm'
                ? { kind: 'ssm', name: s.name }
                : { kind: 'secretsmanager', id: s.id },
          },
  };
  return {
    destinations: new Map([['default', destination]]),
    rules: [],
    also: [],
    default: ['default'],
  };
}

/**
 * Reads `TRUSTWATCH_ROUTES` (the routing file as compact JSON) and
 * `TRUSTWATCH_SLACK_API_URL`, at cold start: a mistake stops the function
 * with one line naming the variable and the rule.
 */
export function loadRoutingConfig(
  env: Readonly<Record<string, string | undefined>>,
  pipeline: Pick<PipelineConfig, 'slack'>,
): RoutingConfig {
  const apiUrl = env.TRUSTWATCH_SLACK_API_URL?.trim() || SLACK_API_URL;
  const slackApiUrl = parseWebhookUrl(apiUrl, 'TRUSTWATCH_SLACK_API_URL').toString();
  const text = env[VARIABLE]?.trim();
  if (text === undefined || text === '' || text === '{}') return { slackApiUrl };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`\`${VARIABLE}\` is not valid JSON`, {
      context: { variable: VARIABLE, path: '$' },
    });
  }
  let table: RoutingTable;
  try {
    table = parseRoutingTable(json, VARIABLE);
  } catch (err) {
    const path = String((err as ConfigError).context?.path ?? '$');
    throw new ConfigError(`\`${VARIABLE}\` is invalid: ${(err as Error).message}`, {
      cause: err,
      context: { variable: VARIABLE, path },
    });
  }
  if (pipeline.slack !== undefined) {
    throw new ConfigError(
      `\`${VARIABLE}\` names the Slack destinations: unset the single webhook (deploy with slackWebhookParameter='' and slackWebhookSecretName='')`,
      { context: { variable: VARIABLE } },
    );
  }
  return { table, slackApiUrl };
}
