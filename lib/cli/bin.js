#!/usr/bin/env node
// The `trustwatch` bin: runs the TypeScript CLI through tsx's loader, so a
// checkout needs no build step. Whatever fails, the user sees one line on
// stderr, never a stack trace (exit 3: a bug in trustwatch, see `main.ts`).

/** @param {unknown} err */
function internalError(err) {
  const message = err instanceof Error ? err.message : String(err);
  // JSON.stringify escapes control characters: the line cannot break or carry terminal escapes.
  const first =
    JSON.stringify((message.split(/\r?\n/)[0] ?? '').trim().slice(0, 300)).slice(1, -1) ||
    'unknown error';
  process.stderr.write(
    `trustwatch: internal error: ${first.charAt(0).toLowerCase()}${first.slice(1)} (a bug in trustwatch; please report it with the command and input)\n`,
  );
  process.exit(3);
}

process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

try {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  const { processIo } = await import('./CliIo.ts');
  process.exitCode = await main(process.argv.slice(2), processIo());
} catch (err) {
  internalError(err);
}
