import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readSnapshotText } from '../../lib/snapshot/loadSnapshot.js';

/**
 * Run by scaleBench in a fresh process per snapshot file, as the CLI loads
 * one: prints `<first load ms> <warm load ms>`, the warm one the fastest of
 * the loads after the first (the loader compiled, as a long-running process
 * or a warm Lambda sees it): five of them for files under 20 MB, one above.
 */
const file = process.argv[2] as string;
const text = readFileSync(file, 'utf8');
const times: number[] = [];
const loads = text.length < 20e6 ? 6 : 2;
for (let i = 0; i < loads; i++) {
  const t = performance.now();
  readSnapshotText(text, file);
  times.push(performance.now() - t);
}
process.stdout.write(
  `${(times[0] as number).toFixed(1)} ${Math.min(...times.slice(1)).toFixed(1)}\n`,
);
