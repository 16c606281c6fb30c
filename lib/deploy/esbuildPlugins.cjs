/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild `plugins` option
 * and test/bench/bundleBench.ts).
 *
 * `zodEnglishOnly`: zod 4 re-exports every locale (`z.locales`), and a
 * namespace re-export defeats tree shaking, so ~300 KB of translations end up
 * in each bundle although trustwatch only uses English error messages (the
 * default, imported by zod directly from `locales/en.js`). The plugin swaps
 * the locales index for one exporting only `en`, which halves the bundle and
 * its cold-start parse time.
 */
const { basename, dirname, join } = require('node:path');

const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * `chunksBesideEntry`: with `splitting: true`, esbuild writes the chunks of
 * every function into the same folder, and serverless-esbuild would zip all
 * of them into every function. Naming each build's chunks
 * `<entry>.chunks/[name]-[hash].mjs` (next to `<entry>.mjs`) makes them
 * belong to their function: serverless-esbuild leaves any file starting with
 * another function's bundle name plus `.` out of a zip, the same rule that
 * keeps `foo.mjs.map` with `foo.mjs`.
 */
const chunksBesideEntry = {
  name: 'chunks-beside-entry',
  setup(build) {
    const options = build.initialOptions;
    if (!options.splitting) return;
    const entries = Array.isArray(options.entryPoints)
      ? options.entryPoints
      : Object.values(options.entryPoints ?? {});
    if (entries.length !== 1) return;
    const entry = typeof entries[0] === 'string' ? entries[0] : entries[0].in;
    options.chunkNames = `${basename(entry).replace(/\.[^.]+$/, '')}.chunks/[name]-[hash]`;
  },
};

module.exports = [zodEnglishOnly, chunksBesideEntry];
