import { ACCOUNT_ID, commaList } from '../aws/cliOptions.js';
import type { AccountBlockJson } from '../aws/collectSnapshot.js';
import { ConfigError, SnapshotError } from '../errors/TrustwatchError.js';
import {
  AWS_OPTIONS,
  type AwsOptionValues,
  awsValuesOf,
  EXIT_INTERNAL_LINE,
  liveOptionsFrom,
  profileName,
} from './awsOptions.js';
import type { CliIo, Command } from './CliIo.js';
import { checkCredentials } from './checkCredentials.js';
import { type CommandDef, parseCommandLine, renderHelp } from './commandLine.js';
/** `trustwatch snapshot`'s command line: the parser and the help both come from it. */
export const SNAPSHOT_COMMAND = {
  name: 'snapshot',
  summary: 'write an IAM snapshot of the organization (live)',
  synopsis: '--out FILE [--accounts ID,ID | --all] [--resume] [--concurrency N] [AWS options]',
  description: `Writes an IAM snapshot (shared/spec/snapshot.md) of the organization, read through
the trustwatch reader role of each account. Accounts that cannot be read are named
on stderr and left out of the file (the explainer then says it lacks their state).
The file is written at the end, through a temporary file: a failed run leaves no file
(and an earlier one as it was).`,
  options: {
    out: { type: 'string', value: 'FILE', help: 'where to write the snapshot' },
    accounts: {
      type: 'string',
      value: 'ID,ID',
      help: 'only these accounts (default: every account, as --all)',
    },
    all: { type: 'boolean', help: 'every account of the organization' },
    resume: {
      type: 'boolean',
      help: 'keep the accounts FILE already holds, read only the others',
    },
    concurrency: {
      type: 'string',
      value: 'N',
      help: 'accounts read at the same time (default 4, at most 16)',
    },
    ...AWS_OPTIONS,
  },
  exitCodes: [
    [0, 'every account was read and written'],
    [1, 'the file was written, but accounts (named on stderr) or the organization were left out'],
    [
      2,
      'nothing written: unusable option, missing or refused AWS credentials (one line naming the profile)',
    ],
    EXIT_INTERNAL_LINE,
  ],
} as const satisfies CommandDef;

export interface SnapshotArgs {
  readonly out: string;
  readonly accounts?: readonly string[];
  readonly resume: boolean;
  readonly concurrency: number;
  readonly aws: AwsOptionValues;
}

export function parseSnapshotArgs(argv: readonly string[]): SnapshotArgs | 'help' {
  const { values, help } = parseCommandLine(SNAPSHOT_COMMAND, argv);
  if (help) return 'help';
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
    aws: awsValuesOf(values),
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
    io.stdout(renderHelp(SNAPSHOT_COMMAND));
    return 0;
  }
  const done = args.resume ? await previousAccounts(io, args.out) : {};
  const { createLiveStateSource } = await import('../aws/createLiveStateSource.js');
  const { collectSnapshot } = await import('../aws/collectSnapshot.js');
  const { createClientFactory } = await import('../aws/clients.js');
  const live = await liveOptionsFrom(args.aws, io);
  const clients = createClientFactory({
    env: io.env,
    ...(live.region === undefined ? {} : { region: live.region }),
    ...(live.profile === undefined ? {} : { profile: live.profile }),
  });
  // Missing, expired or refused credentials: one line naming the profile, before any file is touched.
  await checkCredentials(clients, profileName(args.aws, io), io.env);
  const source = await createLiveStateSource({ ...live, clients, purpose: 'snapshot' });
  const progress = io.stderrIsTty ?? io.isTty;
  const result = await collectSnapshot(source, {
    ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
    done,
    concurrency: args.concurrency,
    now: () => io.now(),
    ...(progress
      ? { onProgress: (n: number, total: number) => io.stderr(progressBar(n, total)) }
      : {}),
  });
  if (progress) io.stderr('\n');
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
