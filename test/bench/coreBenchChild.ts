/**
 * One cold process of the core benchmark (test/bench/coreBench.ts): after
 * its imports, diagnoses (or simulates with iam-simulate) every request of
 * the input file once, and prints the CPU time of that work in µs.
 * Usage: `tsx coreBenchChild.ts trustwatch|trustwatch-json|iam-simulate <dir>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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
  const { explainEvent } = await import('../../lib/explain/explainEvent.js');
  const { readInput } = await import('../../lib/intake/readInput.js');
  const { loadSnapshot } = await import('../../lib/snapshot/loadSnapshot.js');
  const { SnapshotStateSource } = await import('../../lib/state/SnapshotStateSource.js');
  const { renderJson } = await import('../../lib/render/renderJson.js');
  const source = new SnapshotStateSource(loadSnapshot(read('snapshot.json'), 'snapshot.json'));
  const records = read('events.json') as unknown[];
  const start = process.cpuUsage();
  const { events } = readInput(records, 'events.json');
  let verified = 0;
  for (const e of events) {
    const d = await explainEvent(e, source);
    if (mode === 'trustwatch-json') renderJson({ diagnoses: [d], skipped: [] });
    verified += d.fixes.filter((f) => f.verified === true).length;
  }
  const cpu = process.cpuUsage(start);
  process.stdout.write(
    JSON.stringify({ cpuUs: cpu.user + cpu.system, n: events.length, verified }),
  );
}
