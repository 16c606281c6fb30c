import {
  escapeControlCharacters,
  formatErrorLine,
  TrustwatchError,
} from '../errors/TrustwatchError.js';
import type { CliIo, Command } from './CliIo.js';
import { type CommandDef, renderHelp } from './commandLine.js';
import { VERSION } from './version.js';

/**
 * `trustwatch <command> [options]`. Each command lives in its own module with
 * its command line as data (a `CommandDef`), and is imported only when used,
 * so the offline path never loads the AWS SDK.
 */
const COMMANDS = {
  explain: () =>
    import('./explainCommand.js').then((m) => ({ run: m.explainCommand, def: m.EXPLAIN_COMMAND })),
  snapshot: () =>
    import('./snapshotCommand.js').then((m) => ({
      run: m.snapshotCommand,
      def: m.SNAPSHOT_COMMAND,
    })),
  probe: () =>
    import('./probeCommand.js').then((m) => ({ run: m.probeCommand, def: m.PROBE_COMMAND })),
  backfill: () =>
    import('./backfillCommand.js').then((m) => ({
      run: m.backfillCommand,
      def: m.BACKFILL_COMMAND,
    })),
  audit: () =>
    import('./auditCommand.js').then((m) => ({ run: m.auditCommand, def: m.AUDIT_COMMAND })),
  routes: () =>
    import('./routesCommand.js').then((m) => ({ run: m.routesCommand, def: m.ROUTES_COMMAND })),
} as const satisfies Record<string, () => Promise<{ run: Command; def: CommandDef }>>;

type CommandName = keyof typeof COMMANDS;

/** One line per command (each equals its `CommandDef.summary`: a test checks). */
export const COMMAND_SUMMARIES: Readonly<Record<CommandName, string>> = {
  explain: 'explain denied AssumeRole events from a file (offline or --live)',
  snapshot: 'write an IAM snapshot of the organization (live)',
  probe: 'try an AssumeRole now and explain the denial',
  backfill: 'report past AssumeRole denials from CloudTrail (live)',
  audit: 'audit trust policies (offline or --live)',
  routes: 'check an alert routing file (`routes check FILE`)',
};

export const USAGE = `usage: trustwatch <command> [options]
       trustwatch help <command> | --help | --version

commands:
${Object.entries(COMMAND_SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(9)} ${summary}`)
  .join('\n')}

run \`trustwatch help <command>\` for a command's options and exit status

exit status: 0 done; 1 the command's own "not clean" result (audit: findings at or above
  --fail-on; snapshot and backfill: accounts or regions left out; probe: the role was
  denied); 2 unusable input, option or AWS access (one line on stderr naming the file and
  JSON path, or the profile); 3 internal error (a bug in trustwatch: please report it)`;

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

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

function unknownCommand(name: string, io: CliIo): number {
  io.stderr(
    `trustwatch: unknown command \`${escapeControlCharacters(name)}\` (expected ${Object.keys(COMMANDS).join(', ')}; see \`trustwatch --help\`)\n`,
  );
  return EXIT_UNUSABLE;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout(`trustwatch ${VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? EXIT_UNUSABLE : 0;
  }
  if (name === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (extra.length > 0) {
      io.stderr('trustwatch help: expected one command name\n');
      return EXIT_UNUSABLE;
    }
    if (!isCommand(topic)) return unknownCommand(topic, io);
    const { def } = await COMMANDS[topic]();
    io.stdout(renderHelp(def));
    return 0;
  }
  if (!isCommand(name)) return unknownCommand(name, io);
  try {
    const { run } = await COMMANDS[name]();
    return await run(rest, io);
  } catch (err) {
    const { line, status } = describeFailure(err);
    io.stderr(`trustwatch ${name}: ${line}\n`);
    return status;
  }
}
