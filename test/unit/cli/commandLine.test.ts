import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_COMMAND } from '../../../lib/cli/auditCommand.js';
import {
  AWS_OPTIONS,
  liveOptionsFrom,
  profileRegion,
  useColor,
} from '../../../lib/cli/awsOptions.js';
import { BACKFILL_COMMAND } from '../../../lib/cli/backfillCommand.js';
import { type CommandDef, parseCommandLine, renderHelp } from '../../../lib/cli/commandLine.js';
import { EXPLAIN_COMMAND } from '../../../lib/cli/explainCommand.js';
import { COMMAND_SUMMARIES, main } from '../../../lib/cli/main.js';
import { PROBE_COMMAND } from '../../../lib/cli/probeCommand.js';
import { ROUTES_COMMAND } from '../../../lib/cli/routesCommand.js';
import { SNAPSHOT_COMMAND } from '../../../lib/cli/snapshotCommand.js';
import { fakeIo } from './fakeIo.js';

const ROOT = join(import.meta.dirname, '../../..');
const SAMPLE = join(ROOT, 'events/01-trust-policy-lacks-principal.json');
const COMMANDS: readonly CommandDef[] = [
  EXPLAIN_COMMAND,
  SNAPSHOT_COMMAND,
  PROBE_COMMAND,
  BACKFILL_COMMAND,
  AUDIT_COMMAND,
];

async function run(argv: string[]) {
  const io = fakeIo();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe.each(COMMANDS.map((def) => [def.name, def] as const))('trustwatch %s', (name, def) => {
  it('`help <command>` and `--help` print the help the table makes, exit 0', async () => {
    const viaHelp = await run(['help', name]);
    const viaFlag = await run([name, '--help']);
    expect(viaHelp).toEqual({ code: 0, out: renderHelp(def), err: '' });
    expect(viaFlag).toEqual(viaHelp);
    for (const option of Object.keys(def.options)) expect(viaHelp.out).toContain(`--${option}`);
  });

  it('rejects an unknown option with one line and exit 2', async () => {
    const r = await run([name, '--no-such-option']);
    expect(r).toEqual({
      code: 2,
      out: '',
      err: `trustwatch ${name}: unknown option \`--no-such-option\` (see \`trustwatch help ${name}\`)\n`,
    });
  });

  it('takes every AWS option, spelled and explained as on every other command', () => {
    for (const [option, spec] of Object.entries(AWS_OPTIONS)) {
      expect((def.options as Record<string, unknown>)[option]).toEqual(spec);
    }
  });

  it('documents exit statuses 2 and 3, each once, in order', () => {
    const codes = def.exitCodes.map(([code]) => code);
    expect(codes).toContain(2);
    expect(codes).toContain(3);
    expect([...codes].sort()).toEqual(codes);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is listed by `trustwatch --help` with its summary', async () => {
    expect(COMMAND_SUMMARIES[name as keyof typeof COMMAND_SUMMARIES]).toBe(def.summary);
    expect((await run(['--help'])).out).toContain(`  ${name.padEnd(9)} ${def.summary}\n`);
  });
});

describe('trustwatch routes', () => {
  it('has its help from its table, and is listed by `trustwatch --help`', async () => {
    const viaHelp = await run(['help', 'routes']);
    expect(viaHelp).toEqual({ code: 0, out: renderHelp(ROUTES_COMMAND), err: '' });
    expect(await run(['routes', '--help'])).toEqual(viaHelp);
    expect(viaHelp.out).toContain('usage: trustwatch routes check <routes.json>');
    expect(COMMAND_SUMMARIES.routes).toBe(ROUTES_COMMAND.summary);
    expect((await run(['--help'])).out).toContain(`  routes    ${ROUTES_COMMAND.summary}\n`);
  });
});

describe('exit statuses the help promises are the ones returned', () => {
  it('probe documents 1 for a denied role, snapshot and backfill 1 for a partial run', () => {
    expect(PROBE_COMMAND.exitCodes.find(([c]) => c === 1)?.[1]).toMatch(/denied/);
    expect(SNAPSHOT_COMMAND.exitCodes.find(([c]) => c === 1)?.[1]).toMatch(/left out/);
    expect(BACKFILL_COMMAND.exitCodes.find(([c]) => c === 1)?.[1]).toMatch(/could not be read/);
    expect(EXPLAIN_COMMAND.exitCodes.map(([c]) => c)).toEqual([0, 2, 3]);
  });
});

describe('trustwatch (no command)', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await run(['--version'])).toEqual({ code: 0, out: `trustwatch ${version}\n`, err: '' });
  });

  it.each([
    [['help', 'nope'], 'trustwatch: unknown command `nope`'],
    [['help', 'explain', 'audit'], 'trustwatch help: expected one command name'],
  ])('%j exits 2 with one line', async (argv, line) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err).toContain(line);
  });
});

describe('--output, the AWS CLI spelling of --format', () => {
  it.each([
    ['explain', ['--demo', SAMPLE]],
    ['audit', ['--demo']],
  ])('%s prints the same with --output json as with --format json', async (name, args) => {
    const a = await run([name, '--output', 'json', ...args]);
    const b = await run([name, '--format=json', ...args]);
    expect(a.code).toBe(0);
    expect(a).toEqual(b);
    expect(() => JSON.parse(a.out)).not.toThrow();
  });

  it('differing --output and --format is an error', () => {
    expect(() =>
      parseCommandLine(EXPLAIN_COMMAND, ['--output', 'json', '--format', 'text', 'x']),
    ).toThrow('`--output` and `--format` give different values');
  });

  it('a boolean option given a value is refused', () => {
    expect(() => parseCommandLine(EXPLAIN_COMMAND, ['--live=yes', 'x'])).toThrow(
      'option `--live` takes no value',
    );
  });
});

describe('colours', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
  ])('tty %s, env %j: %s', (isTty, env, expected) => {
    expect(useColor({ isTty, env })).toBe(expected);
  });
});

describe('AWS settings as the AWS CLI reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-awsconfig-'));
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      '[default]',
      'region = eu-west-1',
      '',
      '[profile dev]  ; a comment',
      'sso_session = corp',
      'region=eu-central-1',
      '[sso-session corp]',
      'region = us-west-2',
    ].join('\n'),
  );
  const env = { AWS_CONFIG_FILE: config };

  it.each([
    ['default', 'eu-west-1'],
    ['dev', 'eu-central-1'],
    ['corp', undefined],
    ['missing', undefined],
  ])('profile %s has region %s', async (profile, region) => {
    expect(await profileRegion(profile, env)).toBe(region);
  });

  it.each([
    [{}, {}, { region: 'eu-west-1' }],
    [{}, { AWS_PROFILE: 'dev' }, { profile: 'dev', region: 'eu-central-1' }],
    [{ profile: 'dev' }, { AWS_PROFILE: 'other' }, { profile: 'dev', region: 'eu-central-1' }],
    [{ profile: 'dev' }, { AWS_REGION: 'ap-south-1' }, { profile: 'dev', region: 'ap-south-1' }],
    [{ region: 'us-east-2' }, { AWS_REGION: 'ap-south-1' }, { region: 'us-east-2' }],
    [{}, { AWS_DEFAULT_REGION: 'sa-east-1' }, { region: 'sa-east-1' }],
    [
      {
        'reader-role': 'r',
        'reader-role-path': '/p/',
        'org-role-arn': 'arn',
        'reader-external-id': 'x',
      },
      {},
      { readerRoleName: 'r', readerRolePath: '/p/', orgRoleArn: 'arn', readerExternalId: 'x' },
    ],
    [
      { 'account-profile': ['222222222222=prod-ro', '333333333333=dev'] },
      {},
      { accountProfiles: { '222222222222': 'prod-ro', '333333333333': 'dev' } },
    ],
  ])('options %j, environment %j', async (values, extraEnv, expected) => {
    const { env: _env, ...got } = await liveOptionsFrom(values, { env: { ...env, ...extraEnv } });
    expect(got).toEqual({ ownProfiles: true, region: 'eu-west-1', ...expected });
  });
});
