import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The installed CLI as a user gets it: `npm pack` → `npm i -g` into an empty
 * prefix (test/install/checkInstall.sh --keep), then its start-up against a
 * bare `node -e 0`, alternating the three commands run after run so machine
 * noise hits them alike, medians compared. Targets: `--version` ≤ 1.6×, a
 * one-event offline `explain` ≤ 2.5×, installed size ≤ 45 MB.
 */
const root = resolve(import.meta.dirname, '../..');
const RUNS = 21;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timed(cmd: string, args: readonly string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function line(what: string, measured: string, target: string): void {
  process.stdout.write(`${what.padEnd(58)} ${measured.padEnd(26)} target ${target}\n`);
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tw-cli-bench-'));
  try {
    const prefix = join(work, 'prefix');
    const check = spawnSync(
      'bash',
      [join(root, 'test/install/checkInstall.sh'), '--keep', prefix],
      {
        encoding: 'utf8',
      },
    );
    if (check.status !== 0) throw new Error(`install check failed: ${check.stderr}`);
    const size = /installed size: ([\d.]+) MB/.exec(check.stdout)?.[1] ?? '?';
    const bin = join(prefix, 'bin/trustwatch');
    const event = join(root, 'events/01-trust-policy-lacks-principal.json');
    const commands = {
      node: [process.execPath, ['-e', '0']],
      version: [bin, ['--version']],
      explain: [bin, ['explain', '--demo', event]],
    } as const;
    const times: Record<keyof typeof commands, number[]> = { node: [], version: [], explain: [] };
    for (const [cmd, args] of Object.values(commands)) timed(cmd, args, work); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      for (const [name, [cmd, args]] of Object.entries(commands)) {
        times[name as keyof typeof commands].push(timed(cmd, args, work));
      }
    }
    const base = median(times.node);
    const ratio = (name: 'version' | 'explain') => median(times[name]) / base;
    process.stdout.write(
      `installed CLI (npm pack → npm i -g), medians of ${RUNS} alternating runs\n`,
    );
    line('`node -e 0`', `${base.toFixed(1)} ms`, '(baseline)');
    line(
      '`trustwatch --version`',
      `${median(times.version).toFixed(1)} ms = ${ratio('version').toFixed(2)}×`,
      '≤ 1.6×',
    );
    line(
      '`trustwatch explain --demo <one event>` (offline)',
      `${median(times.explain).toFixed(1)} ms = ${ratio('explain').toFixed(2)}×`,
      '≤ 2.5×',
    );
    line('installed size (the package and its dependencies)', `${size} MB`, '≤ 45 MB');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
