import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure, EXIT_INTERNAL, EXIT_UNUSABLE, main } from '../../../lib/cli/main.js';
import { ConfigError, InputError, SnapshotError } from '../../../lib/errors/TrustwatchError.js';
import { fakeIo } from './fakeIo.js';

const ROOT = join(import.meta.dirname, '../../..');
const SAMPLE = join(ROOT, 'events/01-trust-policy-lacks-principal.json');
const BUG = '(a bug in trustwatch; please report it with the command and input)';

function withStack(err: Error): Error {
  err.stack = `${err.name}: ${err.message}\n    at walk (lib/intake/readInput.ts:1:1)`;
  return err;
}

describe('describeFailure: one line and an exit status for anything thrown', () => {
  it.each([
    [
      'an input error',
      new InputError('input is empty', { context: { file: 'e.json', path: '' } }),
      'input is empty (file `e.json`)',
      EXIT_UNUSABLE,
    ],
    [
      'a snapshot error with a path',
      new SnapshotError('missing required key', {
        context: { file: 's.json', path: 'snapshotVersion' },
      }),
      'missing required key (file `s.json`, at `snapshotVersion`)',
      EXIT_UNUSABLE,
    ],
    [
      'a bad option',
      new ConfigError('unknown option `--x`'),
      'unknown option `--x`',
      EXIT_UNUSABLE,
    ],
    [
      'a stack overflow',
      withStack(new RangeError('Maximum call stack size exceeded')),
      `internal error: maximum call stack size exceeded ${BUG}`,
      EXIT_INTERNAL,
    ],
    [
      'a TypeError with a multi-line message',
      withStack(new TypeError("Cannot read properties of undefined (reading 'x')\nmore")),
      `internal error: cannot read properties of undefined (reading 'x') ${BUG}`,
      EXIT_INTERNAL,
    ],
    [
      'an AWS SDK error',
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'InvalidClientTokenId',
      }),
      'the security token included in the request is invalid.',
      EXIT_UNUSABLE,
    ],
    ['a thrown string', 'boom', 'boom', EXIT_UNUSABLE],
    ['an error with no message', new Error(''), 'error', EXIT_UNUSABLE],
  ])('%s', (_name, err, line, status) => {
    expect(describeFailure(err)).toEqual({ line, status });
  });

  it('bounds a huge message to one short line', () => {
    const { line } = describeFailure(new Error('x'.repeat(10_000)));
    expect(line).toHaveLength(301);
    expect(line).not.toContain('\n');
  });
});

describe('one line even when the input holds line breaks or terminal escapes', () => {
  it.each([
    [
      'an account id with a newline',
      new SnapshotError('account id `1\n2` is not 12 digits', {
        context: { file: 's.json', path: 'accounts["1\\n2"]' },
      }),
      'account id `1\\n2` is not 12 digits (file `s.json`, at `accounts["1\\n2"]`)',
    ],
    [
      'a file name with a newline and a terminal escape',
      new InputError('input is empty', { context: { file: 'a\nb\u001b[31m.json' } }),
      'input is empty (file `a\\nb\\u001b[31m.json`)',
    ],
    ['a runtime error', new TypeError('x\ty'), `internal error: x\\ty ${BUG}`],
  ])('%s', (_name, err, line) => {
    const got = describeFailure(err).line;
    expect(got).toBe(line);
    expect(got).not.toMatch(/[\u0000-\u001f]/);
  });

  it('an unknown command is one line naming the commands', async () => {
    const io = fakeIo();
    expect(await main(['explian\n', SAMPLE], io)).toBe(2);
    expect(io.err.join('')).toBe(
      'trustwatch: unknown command `explian\\n` (expected explain, snapshot, probe, backfill, audit, routes; see `trustwatch --help`)\n',
    );
    expect(io.out).toEqual([]);
  });
});

describe('main: an unexpected error inside a command', () => {
  it('is one line with exit 3, never a stack trace', async () => {
    const io = fakeIo();
    io.stdout = () => {
      throw withStack(new TypeError('Cannot write to a closed stream'));
    };
    const code = await main(['explain', '--demo', '--format', 'json', SAMPLE], io);
    expect(code).toBe(3);
    expect(io.err.join('')).toBe(
      `trustwatch explain: internal error: cannot write to a closed stream ${BUG}\n`,
    );
  });
});

describe('the trustwatch process (lib/cli/cli.ts, bundled into the bin)', () => {
  // On the sources, as the tests are; test/install/checkInstall.sh runs the built bin.
  const cli = ['--import', 'tsx', join(ROOT, 'lib/cli/cli.ts')];
  it.each([
    [
      ['explain', '--demo', '--format', 'json', join(ROOT, 'no-such-file.json')],
      2,
      /^trustwatch explain: no such file \(file `.+no-such-file\.json`\)\n$/,
    ],
    [
      ['explain', '--demo', '--format', 'xml', SAMPLE],
      2,
      /^trustwatch explain: unknown format `xml` \(expected text, json or slack\)\n$/,
    ],
  ])('%j exits %i with one line on stderr', (argv, status, line) => {
    const r = spawnSync(process.execPath, [...cli, ...argv], { encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(line);
  });
});
