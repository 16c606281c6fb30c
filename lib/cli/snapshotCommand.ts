import { performance } from 'node:perf_hooks';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../aws/accountConcurrency.js';
import { ACCOUNT_ID, commaList } from '../aws/cliOptions.js';
import type { AccountBlockJson, AccountReadStats } from '../aws/collectSnapshot.js';
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

/** Most accounts `--concurrency` reads at once. */
const MAX_CONCURRENCY = 32;

/** `trustwatch snapshot`'s command line: the parser and the help both come from it. */
export const SNAPSHOT_COMMAND = {
  name: 'snapshot',
  summary: 'write an IAM snapshot of the organization (live)',
  synopsis: '--out FILE [--accounts ID,ID | --all] [--resume] [--concurrency N] [AWS options]',
  description: `Writes an IAM snapshot (shared/spec/snapshot.md) of the organization, read through
the trustwatch reader role of each account. Accounts that cannot be read are named
on stderr and left out of the file (the explainer then says it lacks their state).
Each account read is also appended to FILE.partial, so an interrupted run continues
with --resume. The file is streamed at the end through a temporary file: a failed run
leaves no file (and an earlier one as it was). On a terminal, progress goes to stderr;
the AWS calls and wall time per account are reported at the end.`,
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
      help: 'keep the accounts FILE and FILE.partial already hold, read only the others',
    },
    concurrency: {
      type: 'string',
      value: 'N',
      help: `accounts read at the same time (default ${DEFAULT_ACCOUNT_CONCURRENCY}, at most ${MAX_CONCURRENCY})`,
    },
    ...AWS_OPTIONS,
  },
  exitCodes: [
    [0, 'every account was read and written'],
    [
      1,
      'the file was written, but accounts (named on stderr) or the organization were left out: --resume reads only those',
    ],
    [
      2,
      'nothing written: unusable option or file to resume, missing or refused AWS credentials (one line naming the profile)',
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
  const concurrency =
    values.concurrency === undefined ? DEFAULT_ACCOUNT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new ConfigError(
      `\`--concurrency\` must be an integer from 1 to ${MAX_CONCURRENCY}, got \`${values.concurrency}\``,
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

/** Accounts an interrupted run appended to the journal: id → block as JSON text. */
async function journalAccounts(io: CliIo, journal: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = await io.readText(journal);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return out;
    throw new SnapshotError('cannot read the journal to resume', {
      cause: err,
      context: { file: journal },
    });
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as { accountId?: unknown; block?: unknown };
      if (
        typeof entry.accountId === 'string' &&
        typeof entry.block === 'object' &&
        entry.block !== null
      )
        out.set(entry.accountId, JSON.stringify(entry.block));
    } catch {
      // The line being written when the run was interrupted: that account is read again.
    }
  }
  return out;
}

/** The snapshot file, chunk by chunk: one account block at a time, never the whole text. */
function* snapshotChunks(
  head: { capturedAt: string; organization?: unknown },
  order: readonly string[],
  blocks: ReadonlyMap<string, string>,
): Generator<string> {
  yield `{\n  "snapshotVersion": 1,\n  "capturedAt": ${JSON.stringify(head.capturedAt)},\n`;
  if (head.organization !== undefined)
    yield `  "organization": ${JSON.stringify(head.organization)},\n`;
  yield '  "accounts": {';
  let first = true;
  for (const id of order) {
    const block = blocks.get(id);
    if (block === undefined) continue;
    yield `${first ? '' : ','}\n    ${JSON.stringify(id)}: ${block}`;
    first = false;
  }
  yield '\n  }\n}\n';
}

/** `N calls and T ms per account (slowest …)`, for the summary line. */
function perAccount(stats: readonly AccountReadStats[], wallMs: number): string {
  if (stats.length === 0) return '';
  const calls = stats.reduce((n, s) => n + s.calls, 0);
  const ms = stats.reduce((n, s) => n + s.ms, 0);
  const slowest = stats.reduce((a, b) => (b.ms > a.ms ? b : a));
  return `; ${stats.length} account${stats.length === 1 ? '' : 's'} read: ${(calls / stats.length).toFixed(1)} AWS calls and ${(ms / stats.length).toFixed(0)} ms per account (slowest \`${slowest.accountId}\` ${slowest.ms.toFixed(0)} ms), ${(wallMs / 1000).toFixed(1)} s wall in all`;
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
  const started = performance.now();
  const journal = `${args.out}.partial`;
  // Accounts kept from before, as JSON text (the objects are not held).
  const blocks = new Map<string, string>();
  if (args.resume) {
    for (const [id, block] of Object.entries(await previousAccounts(io, args.out)))
      blocks.set(id, JSON.stringify(block));
    for (const [id, block] of await journalAccounts(io, journal)) blocks.set(id, block);
  }
  const resumed = blocks.size;
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
  // A fresh run: a journal left by an earlier one is not this run's.
  if (!args.resume) await io.removeFile?.(journal);
  const source = await createLiveStateSource({ ...live, clients, purpose: 'snapshot' });
  const progress = io.stderrIsTty ?? io.isTty;
  const result = await collectSnapshot(source, {
    ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
    skip: new Set(blocks.keys()),
    concurrency: args.concurrency,
    now: () => io.now(),
    sink: async (accountId, block) => {
      const text = JSON.stringify(block);
      // The journal first: an interrupted run loses at most the accounts in flight.
      await io.appendText?.(journal, `${JSON.stringify({ accountId, block })}\n`);
      blocks.set(accountId, text);
    },
    // Only on a terminal: never mixed into a CI log or a redirected stderr.
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
  const order = result.order.filter((id) => blocks.has(id));
  const head = {
    capturedAt: result.snapshot.capturedAt,
    ...(result.snapshot.organization === undefined
      ? {}
      : { organization: result.snapshot.organization }),
  };
  if (io.writeChunks !== undefined)
    await io.writeChunks(args.out, snapshotChunks(head, order, blocks));
  else await io.writeText(args.out, [...snapshotChunks(head, order, blocks)].join(''));
  await io.removeFile?.(journal);
  const kept = order.length;
  const fromBefore = order.filter((id) => !result.stats.some((s) => s.accountId === id)).length;
  io.stdout(
    `wrote \`${args.out}\`: ${kept} account${kept === 1 ? '' : 's'}` +
      (resumed > 0 && fromBefore > 0 ? ` (${fromBefore} kept from the previous run)` : '') +
      (result.failures.length > 0
        ? `, ${result.failures.length} left out (run again with --resume)`
        : '') +
      `, ${source.callCount()} AWS calls${perAccount(result.stats, performance.now() - started)}\n`,
  );
  return result.failures.length > 0 || result.organizationFailure !== undefined ? 1 : 0;
};
