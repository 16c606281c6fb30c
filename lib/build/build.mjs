#!/usr/bin/env node
// Builds the npm package into dist/ (run by `prepare`: on `npm ci` in a
// checkout and on `npm pack`/`npm publish`):
//   dist/cli.js, dist/index.js  ESM bundles of the CLI and of the library API
//                                (lib/index.ts), sharing chunks in dist/chunks/;
//                                npm dependencies stay imports (package.json
//                                `dependencies`), the Lambda stack is not reached
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

const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'lib/cli/cli.ts', index: 'lib/index.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: `node${pkg.engines.node.replace(/^>=\s*/, '')}`,
  // Every npm package stays an import: the CLI's are `dependencies`; a
  // devDependency reached from here is a packaging bug, checked below.
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});

const runtime = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
]);
const packageOf = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
const missing = new Set();
for (const output of Object.values(result.metafile.outputs)) {
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
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'lib/build/tsconfig.json')], {
    stdio: 'inherit',
  });
}
