import { performance } from 'node:perf_hooks';
import { readErrorText } from '../../lib/intake/errorText/readErrorText.js';
import { TERRAFORM_V5 } from '../unit/intake/errorText/errorTextFixtures.js';

/** Size of the synthetic CI log (a long job's raw log with one Terraform failure at its end). */
const LOG_LINES = 200_000;

function ciLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < LOG_LINES; i++) {
    const t = `2026-03-02T09:${String((i >> 6) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.4125127Z`;
    lines.push(
      i % 50 === 0
        ? `${t} ##[group]Run step ${i}`
        : `${t} \u001b[32m[INFO]\u001b[0m uploading chunk ${i}: arn:aws:s3:::artifacts-bucket/build/${i}.tar.gz (${i * 17} bytes)`,
    );
  }
  lines.push(TERRAFORM_V5);
  return lines.join('\n');
}

function best(times: number, f: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/**
 * Reading a multi-megabyte CI log as error text, in one pass, beside the floor
 * of any line-based reader (splitting the same text into lines).
 */
export async function run(): Promise<void> {
  const log = ciLog();
  const mb = Buffer.byteLength(log) / 1024 / 1024;
  let found = 0;
  const readMs = best(3, () => {
    found = readErrorText(log, 'ci.log').events.length;
  });
  const splitMs = best(3, () => {
    log.split(/\r\n|\r|\n/);
  });
  const lines = [
    `error text: ${mb.toFixed(1)} MB CI log, ${LOG_LINES.toLocaleString('en-US')} lines, ${found} denial found`,
    `  read in ${readMs.toFixed(0)} ms: ${(mb / (readMs / 1000)).toFixed(0)} MB/s (target ≥ 20 MB/s: a 50 MB log in under 2.5 s)`,
    `  ${(readMs / splitMs).toFixed(1)}× the time of only splitting it into lines (${splitMs.toFixed(0)} ms)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
