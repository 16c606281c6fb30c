#!/usr/bin/env node
// Builds the npm package into dist/ (run by `prepare`: on `npm ci` in a
// checkout and on `npm pack`/`npm publish`):
//   dist/cli.js, dist/index.js  ESM bundles of the CLI and of the library API
//                                (lib/index.ts), their lazily loaded parts in
//                                dist/cli/ and dist/lib/; npm dependencies but zod
//                                stay imports (package.json `dependencies`), the
//                                Lambda stack is not reached
//   dist/types/                  type declarations of the library API (tsc)
// Why esbuild for the JavaScript: a bundle loads in a handful of file reads
// instead of the ~200 modules of lib/, which is most of the CLI's start-up,
// and it builds in well under a second. tsc only writes the declarations
// (esbuild cannot). `--no-types` skips them (the install check, `npm run bench`).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const withTypes = !process.argv.includes('--no-types');

rmSync(join(root, 'dist'), { recursive: true, force: true });

// zod is bundled (its ~80 ESM files cost more to resolve and load than the CLI's
// own code) with only its English messages, as the Lambda bundles do; it stays a
// dependency for the library's type declarations. Everything else from npm stays
// an import. The CLI and the library are built apart so that each loads few chunks.
const require = createRequire(import.meta.url);
const [zodEnglishOnly] = require(join(root, 'lib/deploy/esbuildPlugins.cjs'));
const bundled = new Set(['zod']);
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      return bundled.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};
const packageOf = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
const common = {
  absWorkingDir: root,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: `node${pkg.engines.node.replace(/^>=\s*/, '')}`,
  plugins: [zodEnglishOnly, externalPackages],
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
};
const results = await Promise.all([
  build({ ...common, entryPoints: { cli: 'lib/cli/cli.ts' }, chunkNames: 'cli/[name]-[hash]' }),
  build({ ...common, entryPoints: { index: 'lib/index.ts' }, chunkNames: 'lib/[name]-[hash]' }),
]);

const runtime = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
]);
const missing = new Set();
for (const output of results.flatMap((r) => Object.values(r.metafile.outputs))) {
  for (const imp of output.imports) {
    if (!imp.external || imp.path.startsWith('node:')) continue;
    if (!runtime.has(packageOf(imp.path))) missing.add(packageOf(imp.path));
  }
}
if (missing.size > 0) {
  process.stderr.write(
    `build: dist/ imports ${[...missing].join(', ')}, which package.json does not list in dependencies\n`,
  );
  process.exit(1);
}

if (withTypes) {
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'lib/build/tsconfig.json')], {
    stdio: 'inherit',
  });
}
