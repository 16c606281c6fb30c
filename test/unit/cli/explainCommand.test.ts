import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExplainArgs } from '../../../lib/cli/explainCommand.js';
import { main } from '../../../lib/cli/main.js';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';
import { fakeIo } from './fakeIo.js';

const EVENTS = join(import.meta.dirname, '../../../events');
const SAMPLE = join(EVENTS, '01-trust-policy-lacks-principal.json');

async function run(args: string[], stdin?: string, isTty = false) {
  const io = fakeIo({ ...(stdin === undefined ? {} : { stdin }), isTty });
  const state = args.some((a) => /^--(snapshot|live|demo)\b/.test(a)) ? [] : ['--demo'];
  const code = await main(['explain', ...state, ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function tmp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-explain-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('parseExplainArgs', () => {
  it.each([
    [['--demo', 'x.json'], { format: 'text', live: false, demo: true, input: 'x.json' }],
    [['--demo', '--format', 'json', '-'], { format: 'json', input: '-' }],
    [['--demo', '--format=slack', 'dir'], { format: 'slack', input: 'dir' }],
    [['--demo', '--message', 'User: x'], { message: 'User: x', input: '' }],
    [['--snapshot', 's.json', 'e.json'], { snapshot: 's.json', input: 'e.json' }],
    [
      ['--live', '--profile', 'p', '--region', 'eu-west-1', 'e.json'],
      { live: true, aws: { profile: 'p', region: 'eu-west-1' }, callBudget: 60 },
    ],
    [['--live', '--call-budget', '5', 'e.json'], { live: true, callBudget: 5 }],
  ])('%j', (argv, expected) => {
    expect(parseExplainArgs(argv)).toMatchObject(expected);
  });

  it.each([
    [['--demo', '--format', 'xml', 'e.json'], /unknown format `xml`/],
    [['--bogus', 'e.json'], /unknown option `--bogus`/],
    [['--snapshot'], /needs a value/],
    [['--demo'], /missing input/],
    [['--demo', 'a.json', 'b.json'], /expected one input, got 2/],
    [['--demo', '--message', 'x', 'e.json'], /either `--message TEXT` or an input file/],
    [['--demo', '--profile', 'p', 'e.json'], /only apply with `--live`/],
    [['--demo', '--account-profile', '222222222222=p', 'e.json'], /only apply with `--live`/],
    [['--demo', '--call-budget', '5', 'e.json'], /`--call-budget` only applies with `--live`/],
    [['--live', '--call-budget', '0', 'e.json'], /integer from 1 to 1000, got `0`/],
    [['--live', '--call-budget', '2.5', 'e.json'], /integer from 1 to 1000/],
    [['e.json'], /pass `--snapshot FILE`, `--live` \(your AWS credentials\) or `--demo`/],
    [['--live', '--snapshot', 's.json', 'e.json'], /only one of `--snapshot` and `--live`/],
    [['--demo', '--snapshot', 's.json', 'e.json'], /only one of `--demo` and `--snapshot`/],
    [
      ['--demo', '--routes', 'r.json', '--format', 'slack', 'e.json'],
      /`--routes` prints text or json, not slack/,
    ],
  ])('rejects %j', (argv, message) => {
    expect(() => parseExplainArgs(argv)).toThrow(ConfigError);
    expect(() => parseExplainArgs(argv)).toThrow(message);
  });
});

describe('trustwatch explain', () => {
  it('explains every sample in events/ with the cause each file is named for', async () => {
    const { code, out, err } = await run(['--format', 'json', EVENTS]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const doc = explainOutputSchema.parse(JSON.parse(out));
    const files = readdirSync(EVENTS)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(doc.diagnoses).toHaveLength(files.length);
    files.forEach((f, i) => {
      const m = /^cause-(.+)\.json$/.exec(f);
      const d = doc.diagnoses[i]!;
      if (m) expect(d.causes[0]?.code, f).toBe(m[1]!.toUpperCase().replace(/-/g, '_'));
      for (const fix of d.fixes) expect(fix.verified, `${f}: ${fix.title}`).toBe(true);
    });
  });

  it('explains the same event found in two files of a directory once, and says where the repeat is', async () => {
    const sample = readFileSync(join(EVENTS, '01-trust-policy-lacks-principal.json'), 'utf8');
    const first = tmp('a-event.json', sample);
    const dir = join(first, '..');
    writeFileSync(
      join(dir, 'b-lookup.json'),
      JSON.stringify({ Events: [{ CloudTrailEvent: JSON.stringify(JSON.parse(sample).detail) }] }),
    );
    const { code, out } = await run(['--format', 'json', dir]);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { diagnoses: unknown[]; skipped: { reason: string }[] };
    expect(doc.diagnoses).toHaveLength(1);
    expect(doc.skipped).toHaveLength(1);
    expect(doc.skipped[0]?.reason).toMatch(
      /b-lookup\.json.*duplicate of event .* already read at .*a-event\.json/,
    );
  });

  it('prints plain text when stdout is not a terminal, colours when it is', async () => {
    const plain = await run([SAMPLE]);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(plain.out).not.toContain('\u001b[');
    const tty = await run([SAMPLE], undefined, true);
    expect(tty.out).toContain('\u001b[');
  });

  it('reads standard input with -', async () => {
    const { code, out } = await run(['--format', 'json', '-'], readFileSync(SAMPLE, 'utf8'));
    expect(code).toBe(0);
    expect(JSON.parse(out).diagnoses[0].causes[0].code).toBe('TRUST_PRINCIPAL_NOT_TRUSTED');
  });

  it('prints the Slack payload', async () => {
    const { code, out } = await run(['--format', 'slack', SAMPLE]);
    expect(code).toBe(0);
    const payload = JSON.parse(out);
    expect(payload.blocks[0].type).toBe('header');
  });

  it('skips records that are not denied role assumptions and still exits 0', async () => {
    const record = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    record.detail.eventName = 'GetCallerIdentity';
    const { code, out } = await run([
      '--format',
      'json',
      tmp('other.json', JSON.stringify(record)),
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.diagnoses).toEqual([]);
    expect(doc.skipped).toHaveLength(1);
    expect(Object.keys(doc.skipped[0]).sort()).toEqual(['eventId', 'reason']);
  });

  it.each([
    [
      'an unreadable file',
      () => [join(tmpdir(), 'does-not-exist-tw.json')],
      /does-not-exist-tw\.json/,
    ],
    ['a file that is not JSON', () => [tmp('bad.json', '{"detail": ')], /bad\.json/],
    ['JSON with no record in it', () => [tmp('empty.json', '{"hello": 1}')], /empty\.json/],
    [
      'an invalid snapshot',
      () => [
        '--snapshot',
        tmp('snap.json', JSON.stringify({ snapshotVersion: 1, accounts: { x: 1 } })),
        SAMPLE,
      ],
      /snap\.json/,
    ],
  ])('exits 2 with a one-line error for %s', async (_what, args, file) => {
    const { code, out, err } = await run(args());
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(file);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('names the JSON path of what is wrong in an invalid snapshot', async () => {
    const snap = tmp(
      'snap2.json',
      JSON.stringify({
        snapshotVersion: 1,
        capturedAt: '2026-01-01T00:00:00Z',
        accounts: { '111111111111': { RoleDetailList: [{ RoleName: 'x' }] } },
      }),
    );
    const { code, err } = await run(['--snapshot', snap, SAMPLE]);
    expect(code).toBe(2);
    expect(err).toMatch(/at `accounts\.111111111111/);
  });
});
