import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readSnapshotText } from '../../lib/snapshot/loadSnapshot.js';

/**
 * Run by scaleBench in a fresh process per snapshot file, as the CLI loads
 * one: prints `<first load ms> <second load ms>` (the second with the loader
 * compiled, as a long-running process or a warm Lambda sees it).
 */
const file = process.argv[2] as string;
const text = readFileSync(file, 'utf8');
const times: number[] = [];
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  readSnapshotText(text, file);
  times.push(performance.now() - t);
}
process.stdout.write(`${times.map((t) => t.toFixed(1)).join(' ')}\n`);
