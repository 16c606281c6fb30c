import { formatErrorLine } from '../errors/TrustwatchError.js';
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
} as const;

type CommandName = keyof typeof COMMANDS;

const USAGE = `usage: trustwatch <command> [options]

commands:
  explain   explain denied AssumeRole events from a file (offline or --live)
  snapshot  write an IAM snapshot of the organization (live)
  probe     try an AssumeRole now and explain the denial
  backfill  report past AssumeRole denials from CloudTrail (live)
  audit     audit trust policies (offline or --live)

run \`trustwatch <command> --help\` for a command's options`;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.stderr(`trustwatch: unknown command \`${name}\`\n${USAGE}\n`);
    return 2;
  }
  try {
    const command = await COMMANDS[name as CommandName]();
    return await command(rest, io);
  } catch (err) {
    io.stderr(`trustwatch ${name}: ${formatErrorLine(err)}\n`);
    return 2;
  }
}
