import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadRoutingConfig,
  singleDestinationTable,
} from '../../../lib/alerts/destinations/routingConfig.js';
import { formatErrorLine } from '../../../lib/errors/TrustwatchError.js';

const routes = readFileSync(
  resolve(import.meta.dirname, '../../../lib/deploy/examples/routes.json'),
  'utf8',
);

describe('loadRoutingConfig (cold start)', () => {
  it("reads no table from the stack's default `{}` or an unset variable", () => {
    expect(loadRoutingConfig({ TRUSTWATCH_ROUTES: '{}' }, {})).toEqual({
      slackApiUrl: 'https://slack.com/api/',
    });
    expect(loadRoutingConfig({}, {}).table).toBeUndefined();
  });

  it('reads the routing file and the Slack API URL', () => {
    const c = loadRoutingConfig(
      { TRUSTWATCH_ROUTES: routes, TRUSTWATCH_SLACK_API_URL: 'http://127.0.0.1:9/api/' },
      {},
    );
    expect(c.table?.rules).toHaveLength(6);
    expect(c.slackApiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('fails with one line naming the variable, the path and the rule', () => {
    const bad = JSON.parse(routes);
    bad.rules[2].to = ['dta'];
    let line = '';
    try {
      loadRoutingConfig({ TRUSTWATCH_ROUTES: JSON.stringify(bad) }, {});
    } catch (err) {
      line = formatErrorLine(err);
    }
    expect(line).toBe(
      '`TRUSTWATCH_ROUTES` is invalid: rule `data-roles`: unknown destination `dta` (defined: platform, data, payments, security, data-oncall) (at `$.rules[2].to[0]`)',
    );
  });

  it('refuses routing beside the single webhook, and a plain-http Slack API off loopback', () => {
    expect(() =>
      loadRoutingConfig({ TRUSTWATCH_ROUTES: routes }, { slack: { kind: 'ssm', name: '/x' } }),
    ).toThrow(/unset the single webhook/);
    expect(() =>
      loadRoutingConfig({ TRUSTWATCH_SLACK_API_URL: 'http://slack.example.com/api/' }, {}),
    ).toThrow(/must be an https URL/);
  });

  it('makes the single webhook the one destination of an unrouted deployment', () => {
    const t = singleDestinationTable({ slack: { kind: 'secretsmanager', id: 'hook' } });
    expect([...t.destinations.values()]).toEqual([
      {
        name: 'default',
        target: { kind: 'webhook', webhook: { kind: 'secretsmanager', id: 'hook' } },
      },
    ]);
    expect(t.default).toEqual(['default']);
  });
});
