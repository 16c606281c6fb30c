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
const { dirname, join } = require('node:path');

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

module.exports = [zodEnglishOnly];
