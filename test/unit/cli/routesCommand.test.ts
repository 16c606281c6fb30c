import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { fakeIo } from './fakeIo.js';

const ROOT = join(import.meta.dirname, '../../..');
const ROUTES = join(ROOT, 'lib/deploy/examples/routes.json');
const SHARED = join(ROOT, '../shared/events');

async function run(args: string[]) {
  const io = fakeIo({});
  const code = await main(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function tmp(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tw-routes-')), 'routes.json');
  writeFileSync(file, text);
  return file;
}

describe('trustwatch routes check', () => {
  it('summarises a valid routing file', async () => {
    const r = await run(['routes', 'check', ROUTES]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(
      'valid: 5 destination(s) (2 webhook, 2 channel, 1 sns), 6 rule(s), 2 also, default platform, 1104 bytes as the `routes` parameter',
    );
  });

  it('refuses a file too large for the Lambda environment', async () => {
    const rules = Array.from({ length: 40 }, (_, i) => ({
      name: `team-${i}-owned-roles`,
      match: { roleTags: { team: [`team-number-${i}`] } },
      to: ['a'],
    }));
    const r = await run([
      'routes',
      'check',
      tmp(JSON.stringify({ destinations: { a: { sns: true } }, rules, default: 'a' })),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /\d+ bytes as compact JSON: more than the 3000 the `routes` parameter may take/,
    );
  });

  it.each([
    [
      JSON.stringify({
        destinations: { a: { sns: true } },
        rules: [{ name: 'payments', match: { roleAccount: ['12345'] }, to: ['a'] }],
        default: 'a',
      }),
      'rule `payments`: an account id is 12 digits',
      '$.rules[0].match.roleAccount[0]',
    ],
    [
      JSON.stringify({ destinations: { a: { sns: true } }, default: 'b' }),
      'unknown default destination `b`',
      '$.default',
    ],
    [
      JSON.stringify({
        destinations: { payments: { webhook: { ssm: '/trustwatch/payments/webhook' } } },
        default: 'payments',
      }),
      'destination `payments`: SSM parameter `/trustwatch/payments/webhook` is outside `/trustwatch/slack/`',
      '$.destinations.payments.webhook.ssm',
    ],
    ['{"destinations": {\n  "a": {"sns": true},\n}', 'not valid JSON at line 3', '$'],
  ])('exits 2 with one line naming the rule and path', async (text, message, path) => {
    const file = tmp(text);
    const r = await run(['routes', 'check', file]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
    expect(r.err).toContain(`file \`${file}\``);
    if (path !== '$') expect(r.err).toContain(`at \`${path}\``);
  });

  it('names a missing file and refuses unknown usage', async () => {
    const missing = await run(['routes', 'check', '/nonexistent/routes.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('/nonexistent/routes.json');
    expect((await run(['routes', 'lint', ROUTES])).err).toContain('unknown subcommand `lint`');
    expect((await run(['routes', 'check'])).err).toContain('missing routing file');
  });
});

describe('trustwatch explain --routes', () => {
  it('prints where each diagnosis goes and why earlier rules did not match', async () => {
    const r = await run([
      'explain',
      '--demo',
      '--routes',
      ROUTES,
      join(SHARED, '02-caller-lacks-sts-assumerole.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('IDENTITY_NO_ALLOW (high)');
    expect(r.out).toContain('-> data, data-oncall  (rule `data-roles`)');
    expect(r.out).toContain('not `routed-by-tag`: roleTags is team=data');
    expect(r.out).toContain('not `org-guardrails`: cause is IDENTITY_NO_ALLOW');
  });

  it('prints json routes for a directory of events', async () => {
    const r = await run(['explain', '--demo', '--routes', ROUTES, '--format', 'json', SHARED]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      routes: { eventId: string; destinations: string[]; rule: string | null; also: string[] }[];
    };
    const byEvent = new Map(doc.routes.map((x) => [x.eventId.slice(-2), x]));
    expect(byEvent.get('03')).toMatchObject({
      destinations: ['platform', 'security'],
      rule: null,
      also: ['security-sees-break-glass'],
    });
    expect(byEvent.get('06')).toMatchObject({ destinations: ['platform'], rule: 'org-guardrails' });
    expect(doc.routes.length).toBeGreaterThanOrEqual(9);
  });

  it('fails on a broken routing file before reading any event', async () => {
    const r = await run([
      'explain',
      '--demo',
      '--routes',
      tmp('{"destinations": {}}'),
      '/nonexistent/events.json',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('define at least one destination');
    expect(
      (await run(['explain', '--demo', '--routes', ROUTES, '--format', 'slack', SHARED])).err,
    ).toContain('`--routes` prints text or json');
  });
});
