import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrorLine } from '../../../lib/errors/TrustwatchError.js';
import { parseRoutingTable, readRoutingText } from '../../../lib/routing/parseRoutingTable.js';
import { ROUTED_SECRET_PREFIXES } from '../../../lib/routing/RoutingTable.js';

const base = () => ({
  destinations: {
    platform: { webhook: { ssm: '/trustwatch/slack/platform' } },
    sec: { sns: true },
  },
  rules: [{ name: 'guardrails', match: { cause: ['SCP_EXPLICIT_DENY'] }, to: ['platform'] }],
  default: 'platform',
});

function errorOf(json: unknown): string {
  try {
    parseRoutingTable(json, 'routes.json');
  } catch (err) {
    return formatErrorLine(err);
  }
  throw new Error('expected an error');
}

describe('parseRoutingTable: one line naming the rule and the JSON path', () => {
  it('accepts a valid table with defaults for rules and also', () => {
    const t = parseRoutingTable(base(), 'routes.json');
    expect(t.rules.map((r) => r.name)).toEqual(['guardrails']);
    expect(t.also).toEqual([]);
    expect(t.default).toEqual(['platform']);
    expect(t.destinations.get('platform')?.target).toEqual({
      kind: 'webhook',
      webhook: { kind: 'ssm', name: '/trustwatch/slack/platform' },
    });
  });

  it.each([
    [
      'an unknown destination',
      (j: ReturnType<typeof base>) => {
        j.rules.push({ name: 'payments', match: { cause: ['ROLE_NOT_FOUND'] }, to: ['paymnts'] });
      },
      'rule `payments`: unknown destination `paymnts` (defined: platform, sec) (file `routes.json`, at `$.rules[1].to[0]`)',
    ],
    [
      'a cause code that does not exist',
      (j: ReturnType<typeof base>) => {
        j.rules.push({ name: 'typo', match: { cause: ['SCP_DENY'] }, to: ['sec'] });
      },
      'rule `typo`',
    ],
    [
      'a rule without any condition',
      (j: ReturnType<typeof base>) => {
        j.rules.push({ name: 'everything', match: {} as never, to: ['sec'] });
      },
      'rule `everything`: a rule needs at least one condition',
    ],
    [
      'a misspelt condition',
      (j: ReturnType<typeof base>) => {
        j.rules.push({
          name: 'acct',
          match: { roleAcount: ['222222222222'] } as never,
          to: ['sec'],
        });
      },
      'rule `acct`',
    ],
    [
      'a name used twice',
      (j: ReturnType<typeof base>) => {
        j.rules.push({ name: 'guardrails', match: { severity: ['high'] } as never, to: ['sec'] });
      },
      'rule `guardrails`: the name is used twice ($.rules[0] and $.rules[1])',
    ],
    [
      'a webhook outside what the functions may read',
      (j: ReturnType<typeof base>) => {
        j.destinations.platform.webhook.ssm = '/other/slack';
      },
      'destination `platform`: SSM parameter `/other/slack` is outside `/trustwatch/slack/`, the only SSM parameters the functions may read (lib/deploy/function-roles.yml) (file `routes.json`, at `$.destinations.platform.webhook.ssm`)',
    ],
    [
      'a webhook elsewhere under /trustwatch/ (the roles grant only /trustwatch/slack/*)',
      (j: ReturnType<typeof base>) => {
        j.destinations.platform.webhook.ssm = '/trustwatch/payments-webhook';
      },
      'destination `platform`: SSM parameter `/trustwatch/payments-webhook` is outside `/trustwatch/slack/`',
    ],
    [
      'a Secrets Manager webhook outside trustwatch/slack/',
      (j: ReturnType<typeof base>) => {
        (j.destinations as Record<string, unknown>).data = {
          webhook: { secret: 'trustwatch/data-webhook' },
        };
      },
      'destination `data`: secret `trustwatch/data-webhook` is outside `trustwatch/slack/`, the only secrets the functions may read (lib/deploy/function-roles.yml) (file `routes.json`, at `$.destinations.data.webhook.secret`)',
    ],
    [
      'a bot token outside what the functions may read',
      (j: ReturnType<typeof base>) => {
        (j as Record<string, unknown>).slackApp = { botToken: { ssm: '/trustwatch/bot-token' } };
      },
      '`slackApp.botToken`: SSM parameter `/trustwatch/bot-token` is outside `/trustwatch/slack/`, the only',
    ],
    [
      'a channel destination without the Slack app',
      (j: ReturnType<typeof base>) => {
        (j.destinations as Record<string, unknown>).payments = { channel: 'C0PAYMENTS1' };
      },
      'destination `payments` posts to channel `C0PAYMENTS1`, which needs `slackApp.botToken`',
    ],
    [
      'an unknown default',
      (j: ReturnType<typeof base>) => {
        j.default = 'nobody';
      },
      'unknown default destination `nobody`',
    ],
  ])('rejects %s', (_what, change, expected) => {
    const json = base();
    change(json);
    const line = errorOf(json);
    expect(line).toContain(expected);
    expect(line).not.toContain('\n');
  });

  it('names the line of a JSON syntax error', () => {
    expect(() => readRoutingText('{\n  "destinations": {,\n}', 'routes.json')).toThrow(
      /^not valid JSON at line 2/,
    );
  });
});

describe('the routing file DEPLOYMENT.md shows', () => {
  it('is the example the tests route with, and valid', () => {
    const root = join(import.meta.dirname, '../../..');
    const doc = readFileSync(join(root, 'lib/deploy/DEPLOYMENT.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Reference: routing alerts'));
    const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
    const example = readFileSync(join(root, 'lib/deploy/examples/routes.json'), 'utf8');
    expect(JSON.parse(block)).toEqual(JSON.parse(example));
    const t = readRoutingText(block, 'DEPLOYMENT.md');
    expect([...t.destinations.keys()]).toEqual([
      'platform',
      'data',
      'payments',
      'security',
      'data-oncall',
    ]);
  });
});

describe('the secret prefixes a routing file may name', () => {
  it('are exactly what the function roles grant', () => {
    const roles = readFileSync(
      join(import.meta.dirname, '../../../lib/deploy/function-roles.yml'),
      'utf8',
    );
    expect(roles).toContain(`:parameter${ROUTED_SECRET_PREFIXES.ssm}*`);
    expect(roles).toContain(`:secret:${ROUTED_SECRET_PREFIXES.secretsmanager}*`);
    expect(roles).not.toMatch(/:parameter\/trustwatch\/\*|:secret:trustwatch\/\*/);
  });
});
