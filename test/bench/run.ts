/**
 * `npm run bench`: runs every benchmark module in turn and prints its figures.
 * Each module exports `run(): Promise<void>` and prints its own lines.
 * Pass names to run a subset: `npm run bench -- diagnosis audit`.
 */
const BENCHMARKS = {
  core: () => import('./coreBench.js'),
  diagnosis: () => import('./diagnosisBench.js'),
  scale: () => import('./scaleBench.js'),
  liveCalls: () => import('./liveCallsBench.js'),
  liveScale: () => import('./liveScaleBench.js'),
  bundle: () => import('./bundleBench.js'),
  audit: () => import('./auditBench.js'),
  routing: () => import('./routingBench.js'),
  errorText: () => import('./errorTextBench.js'),
  cli: () => import('./cliBench.js'),
} as const;

const wanted = process.argv.slice(2);
for (const [name, load] of Object.entries(BENCHMARKS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n== ${name}\n`);
  const mod = (await load()) as { run: () => Promise<void> };
  await mod.run();
}
