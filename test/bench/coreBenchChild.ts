/**
 * One cold process of the core benchmark (test/bench/coreBench.ts): after
 * its imports, explains the input file's records as `trustwatch explain`
 * does a batch (or simulates each same request with iam-simulate), and
 * prints the process's CPU time for that work in µs.
 * Usage: `tsx coreBenchChild.ts trustwatch|trustwatch-json|trustwatch-text|iam-simulate <dir>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Core } from './coreBench.js';

const [mode, dir] = process.argv.slice(2) as [string, string];
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

if (mode === 'iam-simulate') {
  const sims = read('simulations.json') as unknown[];
  const entry = join(dir, 'node_modules/@cloud-copilot/iam-simulate/dist/esm/index.js');
  const { runSimulation } = (await import(pathToFileURL(entry).href)) as {
    runSimulation: (s: unknown, o: unknown) => Promise<{ resultType: string }>;
  };
  const start = process.cpuUsage();
  let errors = 0;
  for (const s of sims) if ((await runSimulation(s, {})).resultType === 'error') errors++;
  const cpu = process.cpuUsage(start);
  process.stdout.write(JSON.stringify({ cpuUs: cpu.user + cpu.system, n: sims.length, errors }));
} else {
  const core = (await import(pathToFileURL(join(dir, 'core.mjs')).href)) as Core;
  const source = new core.SnapshotStateSource(
    core.loadSnapshot(read('snapshot.json'), 'snapshot.json'),
  );
  const records = read('events.json') as unknown[];
  const start = process.cpuUsage();
  const out = await core.explainAll(core.readInput(records, 'events.json'), source);
  if (mode === 'trustwatch-json') core.renderJson(out);
  if (mode === 'trustwatch-text') core.renderText(out, { color: false });
  const cpu = process.cpuUsage(start);
  let verified = 0;
  for (const d of out.diagnoses) verified += d.fixes.filter((f) => f.verified === true).length;
  process.stdout.write(
    JSON.stringify({ cpuUs: cpu.user + cpu.system, n: out.diagnoses.length, verified }),
  );
}
