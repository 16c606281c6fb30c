import {
  escapeControlCharacters,
  formatErrorLine,
  TrustwatchError,
} from '../errors/TrustwatchError.js';
import type { CliIo } from './CliIo.js';

/**
 * `trustwatch <command> [options]`. Each command lives in its own module and is
 * imported only when used, so the offline path never loads the AWS SDK.
 */
const COMMANDS = {
  explain: () => import('./explainCommand.js').then((m) => m.explainCommand),
  snapshot: () => import('./snapshotCommand.js').then((m) => m.snapshotCommand),
  probe: () => import('./probeCommand.js').then((m) => m.probeCommand),
  backfill: () => import('./backfillCommand.js').then((m) => m.backfillCommand),
  audit: () => import('./auditCommand.js').then((m) => m.auditCommand),
  routes: () => import('./routesCommand.js').then((m) => m.routesCommand),
} as const;

type CommandName = keyof typeof COMMANDS;

const USAGE = `usage: trustwatch <command> [options]

commands:
  explain   explain denied AssumeRole events from a file (offline or --live)
  snapshot  write an IAM snapshot of the organization (live)
  probe     try an AssumeRole now and explain the denial
  backfill  report past AssumeRole denials from CloudTrail (live)
  audit     audit trust policies (offline or --live)
  routes    check an alert routing file (\`routes check FILE\`)

run \`trustwatch <command> --help\` for a command's options

exit status: 0 done (records that are not denied role assumptions are skipped, not errors),
  1 \`audit --fail-on\` met (or \`snapshot\` left an account out), 2 unusable input, options
  or AWS access (one line on stderr naming the file and JSON path), 3 internal error (a bug
  in trustwatch, not in the input: please report it)`;

/** Exit status of an unusable input, a bad option or a refused AWS read. */
export const EXIT_UNUSABLE = 2;
/** Exit status of a bug in trustwatch itself (a JavaScript runtime error). */
export const EXIT_INTERNAL = 3;

/** JavaScript's own errors: thrown by a bug in trustwatch, never by a user's input on purpose. */
const INTERNAL_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/** The first line of an error's message, trimmed and bounded, starting lower-case. */
function oneLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const first = (raw.split(/\r?\n/)[0] ?? '').trim();
  const bounded = escapeControlCharacters(first.length > 300 ? `${first.slice(0, 300)}…` : first);
  if (bounded === '') return err instanceof Error ? err.name.toLowerCase() : 'unknown error';
  return bounded.charAt(0).toLowerCase() + bounded.slice(1);
}

/**
 * The one line printed for an error that escaped a command, and its exit
 * status: a `TrustwatchError` is the user's to fix (2); a JavaScript runtime
 * error is ours (3); anything else (an AWS SDK error, a network failure) is
 * reported as it is, with 2. Never a stack trace.
 */
export function describeFailure(err: unknown): { line: string; status: number } {
  if (err instanceof TrustwatchError) return { line: formatErrorLine(err), status: EXIT_UNUSABLE };
  if (INTERNAL_ERRORS.some((E) => err instanceof E)) {
    return {
      line: `internal error: ${oneLine(err)} (a bug in trustwatch; please report it with the command and input)`,
      status: EXIT_INTERNAL,
    };
  }
  return { line: oneLine(err), status: EXIT_UNUSABLE };
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.stderr(
      `trustwatch: unknown command \`${escapeControlCharacters(name)}\` (expected ${Object.keys(COMMANDS).join(', ')}; see \`trustwatch --help\`)\n`,
    );
    return 2;
  }
  try {
    const command = await COMMANDS[name as CommandName]();
    return await command(rest, io);
  } catch (err) {
    const { line, status } = describeFailure(err);
    io.stderr(`trustwatch ${name}: ${line}\n`);
    return status;
  }
}
