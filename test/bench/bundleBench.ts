import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Bundle size and cold import time of the explainDenial Lambda.
 *
 * Bundles `functions/explainDenial.ts` with esbuild using the options of
 * `custom.esbuild` in serverless.yml (what serverless-esbuild runs at
 * `osls package`): ESM `.mjs`, minified, tree-shaken, node22, zod's unused
 * locales dropped. Variants: the SDK bundled (what serverless.yml ships,
 * chosen by this measurement), the SDK left external (resolved at import from
 * an unbundled node_modules, as the nodejs22.x runtime's copy would be), and
 * external without the zod-locales plugin. Each bundle
 * is zipped (`zip -9`, as the deployment package) and imported in a fresh
 * `node` process several times; the median wall time of the import is
 * reported. Targets: ≤ 1 MB zipped, ≤ 150 ms import.
 */
const root = resolve(import.meta.dirname, '../..');
const outRoot = join(root, 'test/bench/out/bundle');
const RUNS = 7;
/** The same plugins serverless.yml gives serverless-esbuild. */
const plugins = createRequire(import.meta.url)(
  join(root, 'lib/deploy/esbuildPlugins.cjs'),
) as Plugin[];

const ENV = {
  TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:333333333333:trustwatch-bench',
  TRUSTWATCH_EVENT_BUS_NAME: 'trustwatch-bench',
  TRUSTWATCH_TABLE_NAME: 'trustwatch-bench',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

interface Variant {
  readonly name: string;
  readonly external: string[];
  readonly plugins: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'sdk-external', external: ['@aws-sdk/*'], plugins: true },
  { name: 'sdk-bundled (shipped)', external: [], plugins: true },
  { name: 'sdk-external-all-zod-locales', external: ['@aws-sdk/*'], plugins: false },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function measure(
  v: Variant,
  dir: string,
): Promise<{ raw: number; zipped: number; importMs: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'explainDenial.mjs');
  await build({
    entryPoints: [join(root, 'functions/explainDenial.ts')],
    bundle: true,
    minify: true,
    treeShaking: true,
    sourcemap: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    external: v.external,
    outfile,
    banner: {
      js: "import { createRequire as __trustwatchCreateRequire } from 'module'; const require = __trustwatchCreateRequire(import.meta.url);",
    },
    plugins: v.plugins ? plugins : [],
    logLevel: 'silent',
  });
  const zip = join(dir, 'explainDenial.zip');
  const z = spawnSync('zip', ['-q', '-9', '-j', zip, outfile]);
  if (z.status !== 0) throw new Error(`zip failed: ${z.stderr}`);
  // Import from a script file so the timing covers only process start + import.
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `const t0 = performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - t0));`,
  );
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [probe], {
      env: { ...process.env, ...ENV },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`import of ${v.name} bundle failed: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  return { raw: statSync(outfile).size, zipped: statSync(zip).size, importMs: median(times) };
}

export async function run(): Promise<void> {
  for (const v of VARIANTS) {
    const dir = join(outRoot, v.name.split(' ')[0] ?? v.name);
    const m = await measure(v, dir);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const okSize = m.zipped <= 1024 * 1024 ? 'ok' : 'OVER 1 MB';
    const okTime = m.importMs <= 150 ? 'ok' : 'OVER 150 ms';
    process.stdout.write(
      `explainDenial ${v.name}: bundle ${kb(m.raw)}, zipped ${kb(m.zipped)} (${okSize}), cold import median of ${RUNS} ${m.importMs.toFixed(1)} ms (${okTime})\n`,
    );
  }
}
