import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { fakeIo } from './fakeIo.js';

/**
 * Bad input, from outside: every row runs the real `main` and asserts the exit
 * status, what stdout holds (nothing, or one JSON document) and the exact
 * stderr line. `F` in an expected line stands for the row's file.
 */

const ROOT = join(import.meta.dirname, '../../..');
const EVENT = JSON.parse(
  readFileSync(join(ROOT, 'events/01-trust-policy-lacks-principal.json'), 'utf8'),
) as { detail: Record<string, unknown> } & Record<string, unknown>;
const RECORD = EVENT.detail;
const DEMO = JSON.parse(readFileSync(join(ROOT, 'lib/snapshot/demo-snapshot.json'), 'utf8'));
const SAMPLE = join(ROOT, 'events/01-trust-policy-lacks-principal.json');

const dir = mkdtempSync(join(tmpdir(), 'tw-bad-input-'));
let n = 0;
function file(text: string, name = `in${++n}.json`): string {
  const sub = join(dir, String(++n));
  mkdirSync(sub);
  const f = join(sub, name);
  writeFileSync(f, text);
  return f;
}
function folder(files: Record<string, string>): string {
  const d = join(dir, `d${++n}`);
  mkdirSync(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
const json = (v: unknown) => JSON.stringify(v);
const rec = (patch: Record<string, unknown>) => ({ ...RECORD, eventID: 'bad-1', ...patch });

const SHAPES =
  'expected an eventbridge event, a cloudtrail record, a log file `{"Records": […]}` or lookup-events output `{"Events": […]}`';

async function run(argv: string[], stdin?: string) {
  const io = fakeIo(stdin === undefined ? {} : { stdin });
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** What every failing run must look like, whatever the input. */
function expectOneCleanLine(err: string, command: string): void {
  expect(err.endsWith('\n')).toBe(true);
  const lines = err.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  const line = lines[0] as string;
  expect(line.startsWith(`trustwatch ${command}: `)).toBe(true);
  const message = line.slice(`trustwatch ${command}: `.length);
  expect(message.charAt(0)).toBe(message.charAt(0).toLowerCase());
  expect(line).not.toMatch(/\bat .*:\d+:\d+|zod|Zod|Invalid input|expected record|ENOENT|EISDIR/);
}

type Stdout = 'empty' | { diagnoses: number; skipped?: readonly (string | RegExp)[] };
interface Row {
  readonly name: string;
  /** Input file (or `-`) and the text piped on stdin. */
  readonly input: () => { path: string; stdin?: string };
  readonly code: number;
  readonly stderr?: string;
  readonly stdout: Stdout;
}

const EVENT_ROWS: readonly Row[] = [
  {
    name: 'an empty file',
    input: () => ({ path: file('') }),
    code: 2,
    stderr: 'input is empty (file `F`)',
    stdout: 'empty',
  },
  {
    name: 'only whitespace',
    input: () => ({ path: file(' \n\t \r\n') }),
    code: 2,
    stderr: 'input is empty (file `F`)',
    stdout: 'empty',
  },
  ...(
    [
      ['null', 'null', 'null'],
      ['{}', '{}', 'an empty object'],
      ['a number', '42', 'a number'],
      ['a string', '"AssumeRole"', 'a string'],
      [
        'an object of another kind',
        '{"hello": 1, "world": 2}',
        'an object with keys `hello`, `world`',
      ],
    ] as const
  ).map(
    ([name, text, got]): Row => ({
      name,
      input: () => ({ path: file(text) }),
      code: 2,
      stderr: `no cloudtrail record found: ${SHAPES}, got ${got} (file \`F\`, at \`$\`)`,
      stdout: 'empty',
    }),
  ),
  {
    name: 'truncated JSON',
    input: () => ({ path: file(json(EVENT).slice(0, 120)) }),
    code: 2,
    stderr: 'input is not valid JSON at line 1, column 121: unterminated string (file `F`)',
    stdout: 'empty',
  },
  {
    name: 'BOM-prefixed JSON',
    input: () => ({ path: file(`\uFEFF${json(EVENT)}`) }),
    code: 0,
    stdout: { diagnoses: 1, skipped: [] },
  },
  {
    name: 'arrays nested 100k deep',
    input: () => ({ path: file(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) }),
    code: 2,
    stderr: `no cloudtrail record found: arrays nested more than 32 deep (file \`F\`, at \`${'[0]'.repeat(32)}\`)`,
    stdout: 'empty',
  },
  {
    name: 'truncated JSON nested 200k deep',
    input: () => ({ path: file('['.repeat(200_000)) }),
    code: 2,
    stderr:
      'input is not valid JSON at line 1, column 200001: unexpected end of input, expected a value (file `F`)',
    stdout: 'empty',
  },
  ...(
    [
      [
        'userIdentity: null',
        { userIdentity: null },
        'userIdentity',
        'expected an object, got null',
      ],
      ['eventTime: 42', { eventTime: 42 }, 'eventTime', 'expected a string, got a number'],
      [
        'errorMessage that is not a string',
        { errorMessage: { text: 'denied' } },
        'errorMessage',
        'expected a string, got an object',
      ],
      [
        'requestParameters as a string',
        { requestParameters: 'roleArn=x' },
        'requestParameters',
        'expected an object, got a string',
      ],
      [
        'resources that is not an array',
        { resources: { ARN: 'x' } },
        'resources',
        'expected an array, got an object',
      ],
    ] as const
  ).map(
    ([name, patch, key, why]): Row => ({
      name: `a record with ${name} beside a good one`,
      input: () => ({ path: file(json({ Records: [RECORD, rec(patch)] })) }),
      code: 0,
      stdout: {
        diagnoses: 1,
        skipped: [`denied \`AssumeRole\` cannot be read: \`Records[1].${key}\`: ${why}`],
      },
    }),
  ),
  {
    name: 'an envelope without detail',
    input: () => {
      const { detail: _, ...envelope } = EVENT;
      return { path: file(json(envelope)) };
    },
    code: 2,
    stderr:
      'no cloudtrail record found: missing required key (an eventbridge event carries its cloudtrail record there) (file `F`, at `detail`)',
    stdout: 'empty',
  },
  {
    name: 'an envelope without detail beside a good one',
    input: () => {
      const { detail: _, ...envelope } = EVENT;
      return { path: file(json([EVENT, envelope])) };
    },
    code: 0,
    stdout: {
      diagnoses: 1,
      skipped: [
        '`[1].detail`: missing required key (an eventbridge event carries its cloudtrail record there)',
      ],
    },
  },
  ...(['"x"', '{"a": 1}', 'null'] as const).map(
    (records): Row => ({
      name: `Records: ${records}`,
      input: () => ({ path: file(`{"Records": ${records}}`) }),
      code: 2,
      stderr: `no cloudtrail record found: expected an array, got ${records === 'null' ? 'null' : records === '"x"' ? 'a string' : 'an object'} (file \`F\`, at \`Records\`)`,
      stdout: 'empty',
    }),
  ),
  {
    name: 'Events: "x"',
    input: () => ({ path: file('{"Events": "x"}') }),
    code: 2,
    stderr: 'no cloudtrail record found: expected an array, got a string (file `F`, at `Events`)',
    stdout: 'empty',
  },
  {
    name: 'a CloudTrailEvent that is not JSON beside a good one',
    input: () => ({
      path: file(
        json({
          Events: [
            { EventId: 'l1', CloudTrailEvent: '{not json' },
            { EventId: 'l2', CloudTrailEvent: json(RECORD) },
          ],
        }),
      ),
    }),
    code: 0,
    stdout: {
      diagnoses: 1,
      skipped: [
        '`Events[0].CloudTrailEvent`: not valid JSON at line 1, column 2: unexpected `n`, expected a string',
      ],
    },
  },
  {
    name: 'the same event twice',
    input: () => ({ path: file(json([EVENT, EVENT])) }),
    code: 0,
    stdout: {
      diagnoses: 1,
      skipped: [
        /^`\[1\]\.detail` of `.+`: duplicate of event `e0f1a2b3-0001-4c5d-9e6f-7a8b9c0d1e01` already read at `\[0\]\.detail` of `.+`$/,
      ],
    },
  },
  {
    name: 'a directory with a *.json file that is not JSON',
    input: () => ({
      path: join(folder({ 'a.json': json(EVENT), 'b.json': 'not json' }), 'b.json'),
    }),
    code: 2,
    stderr:
      'input is not valid JSON at line 1, column 1: unexpected `n`, expected a value (file `F`)',
    stdout: 'empty',
  },
  {
    name: 'a directory of one event and a text file',
    input: () => ({ path: folder({ 'a.json': json(EVENT), 'notes.txt': 'hello' }) }),
    code: 0,
    stdout: { diagnoses: 1, skipped: [] },
  },
  {
    name: 'a directory with a sub-directory called x.json',
    input: () => {
      const d = folder({ 'a.json': json(EVENT) });
      mkdirSync(join(d, 'x.json'));
      return { path: d };
    },
    code: 0,
    stdout: { diagnoses: 1, skipped: [] },
  },
  {
    name: 'a gzip-compressed CloudTrail log file (as delivered to S3)',
    input: () => {
      const f = join(dir, `ct${++n}.json.gz`);
      writeFileSync(f, gzipSync(json({ Records: [RECORD] })));
      return { path: f };
    },
    code: 0,
    stdout: { diagnoses: 1, skipped: [] },
  },
  {
    name: 'a directory of *.json.gz log files',
    input: () => {
      const d = folder({});
      writeFileSync(join(d, 'a.json.gz'), gzipSync(json({ Records: [RECORD] })));
      return { path: d };
    },
    code: 0,
    stdout: { diagnoses: 1, skipped: [] },
  },
  {
    name: 'a truncated gzip file',
    input: () => {
      const f = join(dir, `ct${++n}.json.gz`);
      writeFileSync(f, gzipSync(json({ Records: [RECORD] })).subarray(0, 30));
      return { path: f };
    },
    code: 2,
    stderr: 'gzip-compressed and damaged or truncated (file `F`)',
    stdout: 'empty',
  },
  {
    name: 'a missing file',
    input: () => ({ path: join(dir, 'does-not-exist.json') }),
    code: 2,
    stderr: 'no such file (file `F`)',
    stdout: 'empty',
  },
  {
    name: 'a directory with no *.json or *.json.gz file',
    input: () => ({ path: folder({ 'x.txt': 'x' }) }),
    code: 2,
    stderr: 'no *.json or *.json.gz file in directory (file `F`)',
    stdout: 'empty',
  },
  {
    name: 'stdin with an event',
    input: () => ({ path: '-', stdin: json(EVENT) }),
    code: 0,
    stdout: { diagnoses: 1, skipped: [] },
  },
  {
    name: 'empty stdin',
    input: () => ({ path: '-', stdin: '' }),
    code: 2,
    stderr: 'input is empty (file `stdin`)',
    stdout: 'empty',
  },
  {
    name: 'truncated stdin',
    input: () => ({ path: '-', stdin: '{"Records": [' }),
    code: 2,
    stderr:
      'input is not valid JSON at line 1, column 14: unexpected end of input, expected a value (file `stdin`)',
    stdout: 'empty',
  },
];

async function check(argv: string[], row: Row, command: string, f: string, stdin?: string) {
  const { code, out, err } = await run(argv, stdin);
  expect({ code, err }).toMatchObject({ code: row.code });
  if (row.code === 0) {
    expect(err).toBe('');
  } else {
    expectOneCleanLine(err, command);
    expect(err).toBe(
      `trustwatch ${command}: ${(row.stderr ?? '').replaceAll('`F`', `\`${f}\``)}\n`,
    );
  }
  if (row.stdout === 'empty') {
    expect(out).toBe('');
    return;
  }
  const doc = JSON.parse(out) as { diagnoses: unknown[]; skipped: { reason: string }[] };
  if (command === 'explain') {
    expect(doc.diagnoses).toHaveLength(row.stdout.diagnoses);
    const reasons = doc.skipped.map((s) => s.reason);
    expect(reasons).toHaveLength(row.stdout.skipped?.length ?? 0);
    row.stdout.skipped?.forEach((want, i) => {
      if (typeof want === 'string') expect(reasons[i]).toBe(want);
      else expect(reasons[i]).toMatch(want);
    });
  }
}

describe('trustwatch explain --format json: malformed events', () => {
  it.each(EVENT_ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const { path, stdin } = row.input();
    await check(['explain', '--demo', '--format', 'json', path], row, 'explain', path, stdin);
  });
});

type Patch = (s: typeof DEMO) => void;
const R0 = (s: typeof DEMO) => s.accounts['111111111111'].RoleDetailList[0];
const trust = (statement: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', ...statement }],
});
const ROLE0 = 'accounts.111111111111.RoleDetailList[0]';

interface SnapshotRow {
  readonly name: string;
  readonly text: () => string;
  readonly code: number;
  readonly stderr?: string;
}

function patched(patch: Patch): () => string {
  return () => {
    const s = structuredClone(DEMO);
    patch(s);
    return json(s);
  };
}

const SNAPSHOT_ROWS: readonly SnapshotRow[] = [
  {
    name: 'an empty snapshot file',
    text: () => '',
    code: 2,
    stderr: 'snapshot is empty (file `F`)',
  },
  {
    name: 'a snapshot that is null',
    text: () => 'null',
    code: 2,
    stderr: 'a snapshot must be a JSON object, got null (file `F`, at `$`)',
  },
  {
    name: 'a snapshot that is an array',
    text: () => '[]',
    code: 2,
    stderr: 'a snapshot must be a JSON object, got an array (file `F`, at `$`)',
  },
  {
    name: 'a truncated snapshot',
    text: () => json(DEMO).slice(0, 40),
    code: 2,
    stderr: 'snapshot is not valid JSON at line 1, column 41: unterminated string (file `F`)',
  },
  {
    name: 'a BOM-prefixed snapshot',
    text: () => `\uFEFF${json(DEMO)}`,
    code: 0,
  },
  {
    name: 'missing snapshotVersion',
    text: patched((s) => {
      delete s.snapshotVersion;
    }),
    code: 2,
    stderr: 'missing required key (file `F`, at `snapshotVersion`)',
  },
  {
    name: 'snapshotVersion 2',
    text: patched((s) => {
      s.snapshotVersion = 2;
    }),
    code: 2,
    stderr: 'unsupported snapshot version `2` (expected 1) (file `F`, at `snapshotVersion`)',
  },
  {
    name: 'accounts that is an array',
    text: patched((s) => {
      s.accounts = [];
    }),
    code: 2,
    stderr: 'expected an object, got an array (file `F`, at `accounts`)',
  },
  {
    name: 'an account id that is not 12 digits',
    text: patched((s) => {
      s.accounts['12345'] = s.accounts['555555555555'];
      delete s.accounts['555555555555'];
    }),
    code: 2,
    stderr: 'account id `12345` is not 12 digits (file `F`, at `accounts.12345`)',
  },
  {
    name: 'a role without Arn',
    text: patched((s) => {
      delete R0(s).Arn;
    }),
    code: 2,
    stderr: `missing required key (file \`F\`, at \`${ROLE0}.Arn\`)`,
  },
  {
    name: 'a trust policy with invalid URL encoding',
    text: patched((s) => {
      R0(s).AssumeRolePolicyDocument = '%7B%22Version%22%3A%E0%A4%A';
    }),
    code: 2,
    stderr: `not valid JSON (bad URL encoding) (file \`F\`, at \`${ROLE0}.AssumeRolePolicyDocument\`)`,
  },
  {
    name: 'Effect: "Alow"',
    text: patched((s) => {
      R0(s).AssumeRolePolicyDocument = trust({ Effect: 'Alow' });
    }),
    code: 2,
    stderr: `\`Effect\` must be \`Allow\` or \`Deny\`, got \`Alow\` (file \`F\`, at \`${ROLE0}.AssumeRolePolicyDocument.Statement[0].Effect\`)`,
  },
  {
    // Nothing is ambiguous about an empty statement list: it allows nothing.
    name: 'Statement: [] (allows nothing, not malformed)',
    text: patched((s) => {
      R0(s).AssumeRolePolicyDocument = { Version: '2012-10-17', Statement: [] };
    }),
    code: 0,
  },
  {
    name: 'a statement without Action',
    text: patched((s) => {
      R0(s).AssumeRolePolicyDocument = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' } }],
      };
    }),
    code: 2,
    stderr: `statement needs \`Action\` or \`NotAction\` (file \`F\`, at \`${ROLE0}.AssumeRolePolicyDocument.Statement[0]\`)`,
  },
  {
    name: 'a condition value that is an object',
    text: patched((s) => {
      R0(s).AssumeRolePolicyDocument = trust({
        Condition: { StringEquals: { 'sts:ExternalId': { a: 1 } } },
      });
    }),
    code: 2,
    stderr: `condition value must be a string, number, boolean or an array of them, got an object (file \`F\`, at \`${ROLE0}.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals["sts:ExternalId"]\`)`,
  },
  {
    name: 'Principal: {"AWS": 123}',
    text: patched((s) => {
      R0(s).AssumeRolePolicyDocument = trust({ Principal: { AWS: 123 } });
    }),
    code: 2,
    stderr: `\`Principal.AWS\` must be a string or a non-empty array of strings, got \`123\` (file \`F\`, at \`${ROLE0}.AssumeRolePolicyDocument.Statement[0].Principal.AWS\`)`,
  },
  {
    name: 'an SCP whose content is not JSON',
    text: patched((s) => {
      s.organization.policies[0].content = '{not json';
    }),
    code: 2,
    stderr:
      'not valid JSON (line 1, column 2: unexpected `n`, expected a string) (file `F`, at `organization.policies[0].content`)',
  },
  {
    name: 'an SCP targeting an unknown OU',
    text: patched((s) => {
      s.organization.policies[1].targets = ['ou-zzzz-99999999'];
    }),
    code: 2,
    stderr:
      'unknown target `ou-zzzz-99999999` (not a root, organizational unit or account of the organization) (file `F`, at `organization.policies[1].targets[0]`)',
  },
  {
    name: 'OUs whose parents loop',
    text: patched((s) => {
      s.organization.organizationalUnits.push(
        { id: 'ou-cyc-1', parentId: 'ou-cyc-2' },
        { id: 'ou-cyc-2', parentId: 'ou-cyc-1' },
      );
    }),
    code: 2,
    stderr:
      'organizational unit `ou-cyc-1` is its own ancestor (file `F`, at `organization.organizationalUnits[3].parentId`)',
  },
  {
    name: 'an account whose parentId names no OU',
    text: patched((s) => {
      s.organization.accounts[1].parentId = 'ou-missing-1';
    }),
    code: 2,
    stderr: 'unknown parent `ou-missing-1` (file `F`, at `organization.accounts[1].parentId`)',
  },
  {
    // Loads; the account's SCPs are reported as unknown rather than guessed.
    name: 'an account without parentId',
    text: patched((s) => {
      delete s.organization.accounts[1].parentId;
    }),
    code: 0,
  },
  {
    name: 'capturedAt that is not a date',
    text: patched((s) => {
      s.capturedAt = 'yesterday';
    }),
    code: 2,
    stderr: '`yesterday` is not a date and time (expected ISO 8601) (file `F`, at `capturedAt`)',
  },
  {
    name: 'a management account id that is not 12 digits',
    text: patched((s) => {
      s.organization.managementAccountId = '123';
    }),
    code: 2,
    stderr: '`123` is not a 12-digit account id (file `F`, at `organization.managementAccountId`)',
  },
  {
    name: 'the same role listed twice',
    text: patched((s) => {
      const roles = s.accounts['111111111111'].RoleDetailList;
      roles.push(structuredClone(roles[0]));
    }),
    code: 2,
    stderr:
      'role `arn:aws:iam::111111111111:role/ci-deployer` is listed twice (first at `accounts.111111111111.RoleDetailList[0]`) (file `F`, at `accounts.111111111111.RoleDetailList[9]`)',
  },
];

describe.each(['explain', 'audit'] as const)(
  'trustwatch %s --snapshot: malformed snapshots',
  (command) => {
    it.each(SNAPSHOT_ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
      const f = file(row.text(), 'snapshot.json');
      const argv =
        command === 'explain'
          ? ['explain', '--snapshot', f, '--format', 'json', SAMPLE]
          : ['audit', '--snapshot', f, '--format', 'json'];
      const { code, out, err } = await run(argv);
      const message = (row.stderr ?? '').replaceAll('`F`', `\`${f}\``);
      if (command === 'audit' && message.includes('.AssumeRolePolicyDocument')) {
        // Issue 12.7: one unreadable trust policy is that role's finding, with
        // the same one line; the rest of the snapshot is audited.
        expect({ code, err }).toEqual({ code: 0, err: '' });
        const report = JSON.parse(out) as {
          accounts: { findings: { code: string; summary: string }[] }[];
        };
        const invalid = report.accounts
          .flatMap((a) => a.findings)
          .filter((x) => x.code === 'TRUST_POLICY_INVALID');
        expect(invalid).toHaveLength(1);
        expect(invalid[0]?.summary).toContain(message);
        return;
      }
      expect({ code, err: row.code === 0 ? err : '' }).toEqual({ code: row.code, err: '' });
      if (row.code === 0) {
        expect(() => JSON.parse(out)).not.toThrow();
        return;
      }
      expect(out).toBe('');
      expectOneCleanLine(err, command);
      expect(err).toBe(`trustwatch ${command}: ${message}\n`);
    });

    it('a missing snapshot file', async () => {
      const f = join(dir, 'no-snapshot.json');
      const argv =
        command === 'explain' ? ['explain', '--snapshot', f, SAMPLE] : ['audit', '--snapshot', f];
      const { code, out, err } = await run(argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expectOneCleanLine(err, command);
      expect(err).toBe(
        command === 'explain'
          ? `trustwatch explain: no such file (file \`${f}\`)\n`
          : `trustwatch audit: cannot read snapshot \`${f}\`: no such file\n`,
      );
    });

    it('an account without parentId: its SCPs are unknown, not guessed', async () => {
      if (command !== 'explain') return;
      const row = SNAPSHOT_ROWS.find(
        (r) => r.name === 'an account without parentId',
      ) as SnapshotRow;
      const f = file(row.text(), 'snapshot.json');
      const scpEvent = join(ROOT, 'events/06-scp-explicit-deny.json');
      const { code, out } = await run(['explain', '--snapshot', f, '--format', 'json', scpEvent]);
      expect(code).toBe(0);
      expect(out).toContain(
        'the snapshot does not say where account `111111111111` sits in the organization',
      );
    });
  },
);

describe('trustwatch options', () => {
  it.each([
    [
      ['explain', '--demo', '--bogus', SAMPLE],
      'explain',
      'unknown option `--bogus` (see `trustwatch help explain`)',
    ],
    [
      ['explain', '--demo', '--format', 'xml', SAMPLE],
      'explain',
      'unknown format `xml` (expected text, json or slack)',
    ],
    [
      ['explain', '--demo', '--format=xml', SAMPLE],
      'explain',
      'unknown format `xml` (expected text, json or slack)',
    ],
    [
      ['explain', '--demo', '--format', 'json', SAMPLE, SAMPLE],
      'explain',
      'expected one input, got 2',
    ],
    [
      ['explain', '--demo', '--format', 'json'],
      'explain',
      'missing input: a file, a directory, - or `--message TEXT`',
    ],
    [['explain', '--demo', SAMPLE, '--format'], 'explain', 'option `--format` needs a value'],
    [
      ['explain', '--format', 'json', SAMPLE],
      'explain',
      'no IAM state to explain against: pass `--snapshot FILE`, `--live` (your AWS credentials) or `--demo` (the embedded demo organization)',
    ],
    [['explain', '--snapshot=', SAMPLE], 'explain', 'option `--snapshot` needs a value'],
    [['explain', '--demo', '--format=', SAMPLE], 'explain', 'option `--format` needs a value'],
    [['explain', '--snapshot', ROOT, SAMPLE], 'explain', `it is a directory (file \`${ROOT}\`)`],
    [['audit', '--snapshot='], 'audit', 'option `--snapshot` needs a value'],
    [['audit', '--bogus'], 'audit', 'unknown option `--bogus` (see `trustwatch help audit`)'],
    [
      ['audit', '--demo', '--format', 'xml'],
      'audit',
      'unknown format `xml` (expected text, json or markdown)',
    ],
    [
      ['audit', SAMPLE],
      'audit',
      `unexpected argument \`${SAMPLE}\` (see \`trustwatch help audit\`)`,
    ],
    [
      ['audit', '--format', 'json'],
      'audit',
      'no IAM state to audit: pass `--snapshot FILE`, `--live` (your AWS credentials) or `--demo` (the embedded demo organization)',
    ],
  ])('%j exits 2 with one line', async (argv, command, line) => {
    const { code, out, err } = await run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expectOneCleanLine(err, command);
    expect(err).toBe(`trustwatch ${command}: ${line}\n`);
  });
});
