import {
  ACCOUNT_ID,
  commaList,
  LIVE_OPTION_SPEC,
  LIVE_OPTIONS_USAGE,
  liveOptionsFrom,
  parseCommandArgs,
} from '../aws/cliOptions.js';
import type { AccountBlockJson } from '../aws/collectSnapshot.js';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import { ConfigError, SnapshotError } from '../errors/TrustwatchError.js';
import type { CliIo, Command } from './CliIo.js';

export const SNAPSHOT_USAGE = `usage: trustwatch snapshot --out FILE [--accounts ID,ID | --all] [--resume] [--concurrency N] [options]

Writes an IAM snapshot (shared/spec/snapshot.md) of the organization, read through
the trustwatch reader role of each account. Accounts that cannot be read are named
on stderr and left out of the file (the explainer then says it lacks their state);
the exit status is 1 when any was left out.
  --out FILE               where to write the snapshot
  --accounts ID,ID         only these accounts (default: every account, as --all)
  --all                    every account of the organization
  --resume                 keep the accounts FILE already holds, read only the others
  --concurrency N          accounts read at the same time (default 4, at most 16)
${LIVE_OPTIONS_USAGE}
`;

const SPEC = {
  ...LIVE_OPTION_SPEC,
  out: { type: 'string' },
  accounts: { type: 'string' },
  all: { type: 'boolean' },
  resume: { type: 'boolean' },
  concurrency: { type: 'string' },
} as const;

export interface SnapshotArgs {
  readonly out: string;
  readonly accounts?: readonly string[];
  readonly resume: boolean;
  readonly concurrency: number;
  readonly live: LiveSourceOptions;
}

export function parseSnapshotArgs(argv: readonly string[]): SnapshotArgs | 'help' {
  const { values } = parseCommandArgs(argv, SPEC);
  if (values.help === true) return 'help';
  if (values.out === undefined || values.out === '') throw new ConfigError('missing `--out FILE`');
  if (values.accounts !== undefined && values.all === true) {
    throw new ConfigError('use either `--accounts` or `--all`, not both');
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    throw new ConfigError(
      `\`--concurrency\` must be an integer from 1 to 16, got \`${values.concurrency}\``,
    );
  }
  return {
    out: values.out,
    ...(values.accounts === undefined
      ? {}
      : { accounts: commaList(values.accounts, 'accounts', ACCOUNT_ID) }),
    resume: values.resume === true,
    concurrency,
    live: liveOptionsFrom(values),
  };
}

/** Accounts a previous (partial) snapshot in `file` already holds. */
async function previousAccounts(
  io: CliIo,
  file: string,
): Promise<Record<string, AccountBlockJson>> {
  let text: string;
  try {
    text = await io.readText(file);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw new SnapshotError('cannot read the snapshot to resume', {
      cause: err,
      context: { file },
    });
  }
  const { loadSnapshot } = await import('../snapshot/loadSnapshot.js');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError('the snapshot to resume is not json', {
      cause: err,
      context: { file },
    });
  }
  // Validate it as a whole: resuming from a broken file would spread the damage.
  loadSnapshot(json, file);
  return (json as { accounts: Record<string, AccountBlockJson> }).accounts;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} accounts`;
}

/** `trustwatch snapshot`: writes the organization's IAM state to a snapshot file. */
export const snapshotCommand: Command = async (argv, io) => {
  const args = parseSnapshotArgs(argv);
  if (args === 'help') {
    io.stdout(SNAPSHOT_USAGE);
    return 0;
  }
  const done = args.resume ? await previousAccounts(io, args.out) : {};
  const { createLiveStateSource } = await import('../aws/createLiveStateSource.js');
  const { collectSnapshot } = await import('../aws/collectSnapshot.js');
  const source = await createLiveStateSource({ ...args.live, purpose: 'snapshot' });
  const result = await collectSnapshot(source, {
    ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
    done,
    concurrency: args.concurrency,
    now: () => io.now(),
    ...(io.isTty
      ? { onProgress: (n: number, total: number) => io.stderr(progressBar(n, total)) }
      : {}),
  });
  if (io.isTty) io.stderr('\n');
  if (result.organizationFailure !== undefined) {
    io.stderr(`trustwatch snapshot: organization not read: ${result.organizationFailure}\n`);
  }
  for (const f of result.failures) {
    io.stderr(`trustwatch snapshot: account \`${f.accountId}\` left out: ${f.reason}\n`);
  }
  await io.writeText(args.out, `${JSON.stringify(result.snapshot, null, 2)}\n`);
  const kept = Object.keys(result.snapshot.accounts).length;
  const resumed = Object.keys(done).filter((a) => a in result.snapshot.accounts).length;
  io.stdout(
    `wrote \`${args.out}\`: ${kept} account${kept === 1 ? '' : 's'}` +
      (resumed > 0 ? ` (${resumed} kept from the previous run)` : '') +
      (result.failures.length > 0
        ? `, ${result.failures.length} left out (run again with --resume)`
        : '') +
      `, ${source.callCount()} AWS calls\n`,
  );
  return result.failures.length > 0 || result.organizationFailure !== undefined ? 1 : 0;
};
