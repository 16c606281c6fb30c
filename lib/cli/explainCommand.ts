import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAccountProfiles } from '../aws/credentials/accountProfileOption.js';
import { ConfigError, InputError, SnapshotError } from '../errors/TrustwatchError.js';
import { explainAll } from '../explain/explainEvent.js';
import { liveStateLabel, noStateMessage, type StateLabel } from '../iam/StateLabel.js';
import type { DenialEvent, IntakeResult, SkippedRecord } from '../intake/DenialEvent.js';
import { dropDuplicateEvents, readInputText } from '../intake/readInput.js';
import { renderJson } from '../render/renderJson.js';
import { renderSlack } from '../render/renderSlack.js';
import { renderText } from '../render/renderText.js';
import { DEMO_SNAPSHOT_FILE, demoSnapshot } from '../snapshot/demoSnapshot.js';
import { readSnapshotText } from '../snapshot/loadSnapshot.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import { SnapshotStateSource } from '../state/SnapshotStateSource.js';
import type { CliIo, Command } from './CliIo.js';
import { describeReadError } from './describeReadError.js';
import { readRoutingFile, renderRoutesText, routeDiagnoses } from './routesCommand.js';

export const EXPLAIN_FORMATS = ['text', 'json', 'slack'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

export interface ExplainArgs {
  readonly snapshot?: string;
  readonly live: boolean;
  /** Explain against the embedded demo organization (never implicit). */
  readonly demo: boolean;
  /** The text of an error message, instead of an input file. */
  readonly message?: string;
  readonly profile?: string;
  /** `--account-profile ACCOUNT=PROFILE`: accounts read with the user's own profile. */
  readonly accountProfiles?: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly format: ExplainFormat;
  readonly input: string;
  readonly help: boolean;
  /** A routing file: print where each diagnosis would go instead of the explanation. */
  readonly routes?: string;
}

export const EXPLAIN_USAGE = `usage: trustwatch explain (--snapshot FILE | --live [--profile P] [--region R] | --demo)
                         [--format text|json|slack] (<file|dir|-> | --message TEXT)

Explains denied sts:AssumeRole* calls: why each was denied and what to change.
  <file|dir|->        an event file (EventBridge event, CloudTrail record or log file,
                      lookup-events output, or an array of them; gzip-compressed too, as
                      CloudTrail delivers to S3), a directory of *.json and *.json.gz
                      files, - for standard input, or the text of an AccessDenied error
                      (Terraform, AWS CLI, SDK, GitHub Actions log): anything that is
                      not JSON is read as error text
  --message TEXT      the text of an AccessDenied error, instead of a file
  --snapshot FILE     IAM snapshot to explain against
  --live              read IAM and Organizations live (AWS credentials needed)
  --demo              explain against the embedded demo organization (lib/snapshot/DEMO.md)
  --profile P         AWS profile for --live (the caller's side; reader roles are assumed with it)
  --account-profile ACCOUNT=PROFILE
                      with --live, read ACCOUNT with your own PROFILE (repeatable); an
                      account whose reader role cannot be assumed is otherwise read with the
                      profile of your AWS config whose sso_account_id (or role_arn) is it
  --region R          AWS region for --live
  --format F          text (default), json or slack
  --routes FILE       print where each diagnosis would go under this routing file
                      (rule, destinations, and why earlier rules did not match)
`;

const VALUE_FLAGS = new Set([
  '--snapshot',
  '--profile',
  '--region',
  '--format',
  '--message',
  '--account-profile',
  '--routes',
]);

/** Parses `explain`'s arguments; throws `ConfigError` for anything it does not know. */
export function parseExplainArgs(argv: readonly string[]): ExplainArgs {
  const values: Record<string, string> = {};
  let live = false;
  let demo = false;
  let help = false;
  const positional: string[] = [];
  const accountProfiles: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--live') {
      live = true;
    } else if (arg === '--demo') {
      demo = true;
    } else if (arg.startsWith('--') && arg.includes('=')) {
      const [flag, ...rest] = arg.split('=');
      if (!VALUE_FLAGS.has(flag as string)) throw new ConfigError(`unknown option \`${flag}\``);
      if (rest.join('=') === '') throw new ConfigError(`option \`${flag}\` needs a value`);
      if (flag === '--account-profile') accountProfiles.push(rest.join('='));
      else values[flag as string] = rest.join('=');
    } else if (VALUE_FLAGS.has(arg)) {
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith('--') && v !== '-')) {
        throw new ConfigError(`option \`${arg}\` needs a value`);
      }
      if (arg === '--account-profile') accountProfiles.push(v);
      else values[arg] = v;
      i++;
    } else if (arg.startsWith('--') || (arg.startsWith('-') && arg !== '-')) {
      throw new ConfigError(`unknown option \`${arg}\``);
    } else {
      positional.push(arg);
    }
  }
  const format = values['--format'] ?? 'text';
  if (!(EXPLAIN_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`unknown format \`${format}\` (expected text, json or slack)`);
  }
  const message = values['--message'];
  if (!help && message !== undefined && positional.length > 0) {
    throw new ConfigError('use either `--message TEXT` or an input file, not both');
  }
  if (!help && message === undefined && positional.length !== 1) {
    throw new ConfigError(
      positional.length === 0
        ? 'missing input: a file, a directory, - or `--message TEXT`'
        : `expected one input, got ${positional.length}`,
    );
  }
  const stateFlags = [values['--snapshot'] !== undefined, live, demo].filter(Boolean).length;
  if (stateFlags > 1) {
    throw new ConfigError('use one of `--snapshot`, `--live` and `--demo`, not several');
  }
  if (!help && stateFlags === 0) throw new ConfigError(noStateMessage('explain against'));
  if (
    !live &&
    (values['--profile'] !== undefined ||
      values['--region'] !== undefined ||
      accountProfiles.length > 0)
  ) {
    throw new ConfigError(
      '`--profile`, `--account-profile` and `--region` only apply with `--live`',
    );
  }
  if (values['--routes'] !== undefined && format === 'slack') {
    throw new ConfigError('`--routes` prints text or json, not slack');
  }
  return {
    live,
    demo,
    help,
    format: format as ExplainFormat,
    input: positional[0] ?? '',
    ...(message === undefined ? {} : { message }),
    ...(values['--snapshot'] === undefined ? {} : { snapshot: values['--snapshot'] }),
    ...(values['--profile'] === undefined ? {} : { profile: values['--profile'] }),
    ...(accountProfiles.length === 0
      ? {}
      : { accountProfiles: parseAccountProfiles(accountProfiles) }),
    ...(values['--region'] === undefined ? {} : { region: values['--region'] }),
    ...(values['--routes'] === undefined ? {} : { routes: values['--routes'] }),
  };
}

async function readText(io: CliIo, file: string, what: 'input' | 'snapshot'): Promise<string> {
  try {
    return await io.readText(file);
  } catch (err) {
    const Err = what === 'snapshot' ? SnapshotError : InputError;
    throw new Err(describeReadError(err), { cause: err, context: { file, path: '' } });
  }
}

/** The files an input argument stands for: itself, or a directory's `*.json`, sorted. */
async function inputFiles(input: string): Promise<string[]> {
  if (input === '-') return ['-'];
  let isDir = false;
  try {
    isDir = (await stat(input)).isDirectory();
  } catch {
    return [input]; // reading it reports the error with the file name
  }
  if (!isDir) return [input];
  // Files only (a sub-directory that happens to be called `x.json` is not an input);
  // `*.json.gz` as CloudTrail delivers its log files to S3. (A saved error text is given as a file.)
  const names = (await readdir(input, { withFileTypes: true }))
    .filter((e) => !e.isDirectory() && /\.json(\.gz)?$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  if (names.length === 0)
    throw new InputError('no *.json or *.json.gz file in directory', { context: { file: input } });
  return names.map((n) => join(input, n));
}

async function stateSource(
  args: ExplainArgs,
  io: CliIo,
): Promise<{ source: IamStateSource; state: StateLabel }> {
  if (args.live) {
    const { createLiveStateSource } = await import('../aws/createLiveStateSource.js');
    const source = await createLiveStateSource({
      ...(args.profile === undefined ? {} : { profile: args.profile }),
      ...(args.region === undefined ? {} : { region: args.region }),
      ownProfiles: true,
      ...(args.accountProfiles === undefined ? {} : { accountProfiles: args.accountProfiles }),
      env: io.env,
    });
    return { source, state: { kind: 'live', label: liveStateLabel(args.profile, io.env) } };
  }
  if (args.snapshot === undefined) {
    return {
      source: new SnapshotStateSource(demoSnapshot()),
      state: { kind: 'demo', label: DEMO_SNAPSHOT_FILE },
    };
  }
  const text = await readText(io, args.snapshot, 'snapshot');
  return {
    source: new SnapshotStateSource(readSnapshotText(text, args.snapshot)),
    state: { kind: 'snapshot', label: args.snapshot },
  };
}

/** `trustwatch explain`: explains every denied role assumption in the input. */
export const explainCommand: Command = async (argv, io) => {
  const args = parseExplainArgs(argv);
  if (args.help) {
    io.stdout(EXPLAIN_USAGE);
    return 0;
  }
  // A broken routing file fails before any event is read or explained.
  const routes = args.routes === undefined ? undefined : await readRoutingFile(io, args.routes);
  const events: DenialEvent[] = [];
  const skipped: SkippedRecord[] = [];
  const inputs: readonly [string, () => Promise<string>][] =
    args.message === undefined
      ? (await inputFiles(args.input)).map((file) => [
          file === '-' ? 'stdin' : file,
          () => readText(io, file, 'input'),
        ])
      : [['--message', async () => args.message as string]];
  for (const [name, read] of inputs) {
    const result = readInputText(await read(), name);
    events.push(...result.events);
    skipped.push(...result.skipped);
  }
  // The same CloudTrail event in two files (an EventBridge copy and the
  // lookup-events export of it) is explained once; the repeat is skipped
  // with a reason naming both files.
  const intake: IntakeResult = dropDuplicateEvents({ events, skipped });
  const { source, state } = await stateSource(args, io);
  const out = { ...(await explainAll(intake, source)), state };
  if (routes !== undefined && args.routes !== undefined) {
    const routed = await routeDiagnoses(routes, out.diagnoses, source);
    io.stdout(
      args.format === 'json'
        ? `${JSON.stringify({ state, routes: routed, skipped: JSON.parse(renderJson(out)).skipped }, null, 2)}\n`
        : renderRoutesText(args.routes, routed),
    );
    return 0;
  }
  switch (args.format) {
    case 'json':
      io.stdout(renderJson(out));
      break;
    case 'slack': {
      const payloads = out.diagnoses.map((d) => renderSlack(d, { state }));
      io.stdout(`${JSON.stringify(payloads.length === 1 ? payloads[0] : payloads, null, 2)}\n`);
      break;
    }
    default:
      io.stdout(renderText(out, { color: io.isTty && io.env.NO_COLOR === undefined }));
  }
  return 0;
};
