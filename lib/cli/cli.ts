#!/usr/bin/env node
/**
 * The `trustwatch` process: runs {@link main} with the real process, and
 * whatever fails, the user sees one line on stderr, never a stack trace
 * (exit 3: a bug in trustwatch). The build (lib/build/build.mjs) bundles this
 * file into `dist/cli.js`, the package's bin.
 */
import { processIo } from './CliIo.js';
import { EXIT_INTERNAL, main } from './main.js';

function internalError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // JSON.stringify escapes control characters: the line cannot break or carry terminal escapes.
  const first =
    JSON.stringify((message.split(/\r?\n/)[0] ?? '').trim().slice(0, 300)).slice(1, -1) ||
    'unknown error';
  process.stderr.write(
    `trustwatch: internal error: ${first.charAt(0).toLowerCase()}${first.slice(1)} (a bug in trustwatch; please report it with the command and input)\n`,
  );
  process.exit(EXIT_INTERNAL);
}

process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

try {
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (err) {
  internalError(err);
}
