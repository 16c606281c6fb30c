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
 * `osls package`): ESM `.mjs`, minified, tree-shaken, node22, code
 * splitting with each function's chunks beside it, zod's unused locales
 * dropped. Variants: the SDK bundled with splitting (what serverless.yml
 * ships), the same without splitting (one file; the credential providers a
 * Lambda never reaches and the SSM / Secrets Manager clients are then parsed
 * at every cold start), and the SDK left external (resolved at import from an
 * unbundled node_modules, as the nodejs22.x runtime's copy would be). The
 * output folder is zipped (`zip -9`, as the deployment package) and the entry
 * is imported in a fresh `node` process several times; the median wall time
 * of the import is reported. With splitting, the probe then imports the SSM
 * client chunk too, which the default configuration (webhook in SSM Parameter
 * Store) loads on its first Slack delivery, and reports that time separately.
 * With splitting, the live state source (the IAM, Organizations and STS
 * clients) is a chunk of its own, imported at the first event; its import
 * time is reported too. Targets: ≤ 1 MB zipped, ≤ 80 ms import (issue 13).
 */
const root = resolve(import.meta.dirname, '../..');
const outRoot = join(root, 'test/bench/out/bundle');
const RUNS = 9;
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
  readonly splitting: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'shipped (sdk bundled, split)', external: [], splitting: true },
  { name: 'sdk bundled, one file', external: [], splitting: false },
  { name: 'sdk external', external: ['@aws-sdk/*'], splitting: true },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

interface Measured {
  readonly raw: number;
  readonly zipped: number;
  readonly files: number;
  readonly importMs: number;
  /** Import of the SSM client chunk after the entry (split builds only). */
  readonly ssmMs: number | undefined;
  /** Import of the live source chunk (IAM, Organizations, STS) at the first event (split builds only). */
  readonly liveMs: number | undefined;
}

async function measure(v: Variant, dir: string): Promise<Measured> {
  rmSync(dir, { recursive: true, force: true });
  const outdir = join(dir, 'functions');
  mkdirSync(outdir, { recursive: true });
  const result = await build({
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
    splitting: v.splitting,
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    banner: {
      js: "import { createRequire as __trustwatchCreateRequire } from 'module'; const require = __trustwatchCreateRequire(import.meta.url);",
    },
    plugins,
    logLevel: 'silent',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = join(outdir, 'explainDenial.mjs');
  // The SSM reader (Powertools parameters, imported on first use by lib/alerts/readSecret.ts, the one secret port).
  const ssmChunk = outputs.find(([, o]) =>
    /@aws-lambda-powertools\/parameters\/lib\/esm\/ssm\/index\.js$/.test(o.entryPoint ?? ''),
  )?.[0];
  const liveChunk = outputs.find(([, o]) =>
    o.entryPoint?.endsWith('lib/aws/createLiveStateSource.ts'),
  )?.[0];
  const zip = join(dir, 'explainDenial.zip');
  const z = spawnSync('zip', ['-q', '-9', '-r', zip, 'functions'], { cwd: dir });
  if (z.status !== 0) throw new Error(`zip failed: ${z.stderr}`);
  // Import from a script file so the timing covers only process start + import.
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    [
      'const t0 = performance.now();',
      `await import(${JSON.stringify(entry)});`,
      'const t1 = performance.now();',
      ssmChunk === undefined ? '' : `await import(${JSON.stringify(join(root, ssmChunk))});`,
      'const t2 = performance.now();',
      liveChunk === undefined ? '' : `await import(${JSON.stringify(join(root, liveChunk))});`,
      'const t3 = performance.now();',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of the child's script, not a template of ours
      'process.stdout.write(`${t1 - t0} ${t2 - t1} ${t3 - t2}`);',
    ].join('\n'),
  );
  const times: number[] = [];
  const ssmTimes: number[] = [];
  const liveTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [probe], {
      env: { ...process.env, ...ENV },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`import of ${v.name} bundle failed: ${r.stderr}`);
    const [imp, ssm, live] = r.stdout.split(' ').map(Number);
    times.push(imp ?? Number.NaN);
    ssmTimes.push(ssm ?? Number.NaN);
    liveTimes.push(live ?? Number.NaN);
  }
  return {
    raw: outputs.reduce((n, [, o]) => n + o.bytes, 0),
    zipped: statSync(zip).size,
    files: outputs.length,
    importMs: median(times),
    ssmMs: ssmChunk === undefined ? undefined : median(ssmTimes),
    liveMs: liveChunk === undefined ? undefined : median(liveTimes),
  };
}

export async function run(): Promise<void> {
  for (const [i, v] of VARIANTS.entries()) {
    const m = await measure(v, join(outRoot, `variant-${i}`));
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const okSize = m.zipped <= 1024 * 1024 ? 'ok' : 'OVER 1 MB';
    // Issue 13: the IAM and Organizations clients load at the first event, not at cold import.
    const okTime = m.importMs <= 80 ? 'ok' : 'OVER 80 ms';
    const ssm =
      m.ssmMs === undefined
        ? ''
        : `; +${m.ssmMs.toFixed(1)} ms for the SSM client chunk on the first Slack delivery`;
    const live =
      m.liveMs === undefined
        ? ''
        : `; +${m.liveMs.toFixed(1)} ms for the live source chunk (IAM, Organizations, STS) at the first event`;
    process.stdout.write(
      `explainDenial ${v.name}: ${m.files} file(s) ${kb(m.raw)}, zipped ${kb(m.zipped)} (${okSize}), cold import median of ${RUNS} ${m.importMs.toFixed(1)} ms (target ≤ 80: ${okTime})${ssm}${live}\n`,
    );
  }
}
