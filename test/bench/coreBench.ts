/**
 * The explanation core against iam-simulate (`@cloud-copilot/iam-simulate`,
 * installed here at bench time into a temp dir, never a dependency). Both run
 * as shipped: trustwatch from an esbuild bundle of lib/ made here with the
 * package build's options (test/bench/coreEntry.ts), iam-simulate from its
 * published dist/.
 * - cold: a fresh process explains a few hundred distinct (caller, role)
 *   pairs once each, as `trustwatch explain` does with a batch (intake,
 *   `explainAll`; every fix verified by the engine), against one
 *   `runSimulation` per same request in another fresh process; all the
 *   process's CPU time (JIT and GC threads too) after imports;
 * - repeats: one denial again and again through the injected memo;
 * - steady state: fresh diagnoses per second on one core, fixes verified;
 * - memo hits per second.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Diagnosis } from '../../lib/diagnosis/Diagnosis.js';
import type { DenialEvent } from '../../lib/intake/DenialEvent.js';
import { eventJson, simulationOf, snapshotJson } from './coreFixture.js';

/** The bundle's exports (test/bench/coreEntry.ts). */
export type Core = typeof import('./coreEntry.js');

/** The iam-simulate release compared against (pinned: figures must be reproducible). */
const IAM_SIMULATE = '@cloud-copilot/iam-simulate@0.1.173';
const COLD_EVENTS = 400;
const COLD_RUNS = 3;
const WARM_PAIRS = 300;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function cpuUs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

async function cpuUsAsync(run: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/** Bundles test/bench/coreEntry.ts as lib/build/build.mjs bundles the CLI. */
async function bundleCore(dir: string): Promise<string> {
  const outfile = join(dir, 'core.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'coreEntry.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

async function prepare(): Promise<string> {
  const dir = join(tmpdir(), 'trustwatch-core-bench');
  mkdirSync(dir, { recursive: true });
  await bundleCore(dir);
  if (!existsSync(join(dir, 'node_modules/@cloud-copilot/iam-simulate/package.json'))) {
    process.stdout.write(`installing ${IAM_SIMULATE} into ${dir} (bench only)\n`);
    writeFileSync(join(dir, 'package.json'), '{"name":"trustwatch-core-bench","private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', IAM_SIMULATE], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const n = COLD_EVENTS;
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snapshotJson(n)));
  writeFileSync(
    join(dir, 'events.json'),
    JSON.stringify(Array.from({ length: n }, (_, i) => eventJson(i, n))),
  );
  writeFileSync(
    join(dir, 'simulations.json'),
    JSON.stringify(Array.from({ length: n }, (_, i) => simulationOf(i, n))),
  );
  return dir;
}

interface ChildResult {
  readonly cpuUs: number;
  readonly n: number;
  readonly verified?: number;
  readonly errors?: number;
}

function child(mode: string, dir: string): ChildResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'coreBenchChild.ts'), mode, dir],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as ChildResult;
}

const fmt = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function run(): Promise<void> {
  const dir = await prepare();
  const core = (await import(pathToFileURL(join(dir, 'core.mjs')).href)) as Core;
  const {
    DiagnosisMemo,
    explainEvent,
    loadSnapshot,
    memoizeSource,
    readInput,
    SnapshotStateSource,
  } = core;
  const lines: string[] = [];

  // Cold processes: the same requests, once each.
  const tw = Array.from({ length: COLD_RUNS }, () => child('trustwatch', dir));
  const twJson = Array.from({ length: COLD_RUNS }, () => child('trustwatch-json', dir));
  const twText = Array.from({ length: COLD_RUNS }, () => child('trustwatch-text', dir));
  const sim = Array.from({ length: COLD_RUNS }, () => child('iam-simulate', dir));
  const perTw = median(tw.map((r) => r.cpuUs / r.n));
  const perTwJson = median(twJson.map((r) => r.cpuUs / r.n));
  const perTwText = median(twText.map((r) => r.cpuUs / r.n));
  const perSim = median(sim.map((r) => r.cpuUs / r.n));
  lines.push(
    `cold process, ${COLD_EVENTS} distinct (caller, role) pairs, median of ${COLD_RUNS} runs, CPU after imports:`,
    `  trustwatch explain (intake, explainAll; fixes verified: ${tw[0]?.verified}/${tw[0]?.n}): ${fmt(perTw, 1)} µs/event`,
    `  trustwatch explain + JSON output (fix texts built): ${fmt(perTwJson, 1)} µs/event`,
    `  trustwatch explain + text output (the default format; fix texts built): ${fmt(perTwText, 1)} µs/event`,
    `  iam-simulate runSimulation (${sim[0]?.errors ?? 0} errors): ${fmt(perSim, 1)} µs/request`,
    `  ratio: ${fmt(perSim / perTw, 1)}x cheaper (with JSON output ${fmt(perSim / perTwJson, 1)}x, text output ${fmt(perSim / perTwText, 1)}x) (target ≥ 5x)`,
  );

  // Warm, in this process.
  const n = WARM_PAIRS;
  const source = memoizeSource(new SnapshotStateSource(loadSnapshot(snapshotJson(n), 'bench')));
  const fresh = (round: number): readonly DenialEvent[] =>
    readInput(
      Array.from({ length: n }, (_, i) => eventJson(i, n, round)),
      'bench',
    ).events;
  const entry = join(dir, 'node_modules/@cloud-copilot/iam-simulate/dist/esm/index.js');
  const { runSimulation } = (await import(pathToFileURL(entry).href)) as {
    runSimulation: (s: unknown, o: unknown) => Promise<unknown>;
  };
  const sims = Array.from({ length: n }, (_, i) => simulationOf(i, n));
  // Steady state: past the JIT's warm-up (the cold figures above count that).
  for (let r = 0; r < 10; r++) {
    for (const e of fresh(r)) await explainEvent(e, source);
    for (const s of sims) await runSimulation(s, {});
  }
  const events = fresh(7);
  let verified = 0;
  let fixes = 0;
  const rounds = 40;
  const freshUs = await cpuUsAsync(async () => {
    for (let r = 0; r < rounds; r++) {
      for (const e of events) {
        const d: Diagnosis = await explainEvent(e, source);
        fixes += d.fixes.length;
        verified += d.fixes.filter((f) => f.verified === true).length;
      }
    }
  });
  const freshPerSec = (rounds * n) / (freshUs / 1e6);
  const simUs = await cpuUsAsync(async () => {
    for (let r = 0; r < 5; r++) for (const s of sims) await runSimulation(s, {});
  });
  const simPer = simUs / (5 * n);

  // Repeats: one denial, retried with new ids, times and source IPs.
  const memo = new DiagnosisMemo();
  const retries = readInput(
    Array.from({ length: 2_000 }, (_, r) => eventJson(3, n, r + 1)),
    'bench',
  ).events;
  await explainEvent(retries[0] as DenialEvent, source, memo);
  const repeatRounds = 25;
  const repeatUs = await cpuUsAsync(async () => {
    for (let r = 0; r < repeatRounds; r++)
      for (const e of retries) await explainEvent(e, source, memo);
  });
  const perRepeat = repeatUs / (repeatRounds * retries.length);

  // Memo lookups alone.
  let hits = 0;
  const lookups = 200_000;
  const lookupUs = cpuUs(() => {
    for (let i = 0; i < lookups; i++) {
      if (memo.lookup(retries[i % retries.length] as DenialEvent, source.version) !== undefined)
        hits++;
    }
  });

  lines.push(
    `warm, one core, ${n} distinct pairs × ${rounds} rounds (no memo):`,
    `  fresh throughput: ${fmt(freshPerSec)} diagnoses/s, ${fmt(freshUs / (rounds * n), 1)} µs each, ${verified}/${fixes} fixes verified (target ≥ 15,000/s, every fix verified)`,
    `  iam-simulate runSimulation warm: ${fmt(simPer, 1)} µs/request (${fmt(1e6 / simPer)}/s): trustwatch ${fmt(simPer / (freshUs / (rounds * n)), 1)}x cheaper`,
    `repeats of one denial through the memo (explainEvent): ${fmt(perRepeat, 2)} µs each: ${fmt(perSim / perRepeat, 1)}x cheaper than a cold runSimulation, ${fmt(simPer / perRepeat, 1)}x than a warm one (target ≥ 10x)`,
    `memo hits: ${fmt(lookups / (lookupUs / 1e6))}/s (${hits}/${lookups} hits) (target ≥ 100,000/s)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
