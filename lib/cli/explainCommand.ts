import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CALL_BUDGET, MAX_CALL_BUDGET } from '../aws/callBudget.js';
import { ConfigError, InputError, SnapshotError } from '../errors/TrustwatchError.js';
import { explainAll } from '../explain/explainEvent.js';
import { liveStateLabel, type StateLabel } from '../iam/StateLabel.js';
import type { DenialEvent, IntakeResult, SkippedRecord } from '../intake/DenialEvent.js';
import { dropDuplicateEvents, readInputText } from '../intake/readInput.js';
import { renderJson, skippedJson } from '../render/renderJson.js';
import { renderSlack } from '../render/renderSlack.js';
import { renderText } from '../render/renderText.js';
import { DEMO_SNAPSHOT_FILE, demoSnapshot } from '../snapshot/demoSnapshot.js';
import { readSnapshotText } from '../snapshot/loadSnapshot.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import { SnapshotStateSource } from '../state/SnapshotStateSource.js';
import {
  AWS_OPTIONS,
  type AwsOptionValues,
  anyAwsOption,
  awsValuesOf,
  EXIT_INTERNAL_LINE,
  EXIT_USAGE_LINE,
  formatOptions,
  formatValue,
  liveOptionsFrom,
  useColor,
} from './awsOptions.js';
import type { CliIo, Command } from './CliIo.js';
import { type CommandDef, parseCommandLine, renderHelp } from './commandLine.js';
import { requireOneState } from './commandStateSource.js';
import { describeReadError } from './describeReadError.js';
import { readRoutingFile, renderRoutesText, routeDiagnoses } from './routesCommand.js';

export const EXPLAIN_FORMATS = ['text', 'json', 'slack'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

/** `trustwatch explain`'s command line: the parser and the help both come from it. */
export const EXPLAIN_COMMAND = {
  name: 'explain',
  summary: 'explain denied AssumeRole events from a file (offline or --live)',
  synopsis:
    '(--demo | --snapshot FILE | --live [AWS options]) [options] (<file|dir|-> | --message TEXT)',
  description:
    'Explains denied sts:AssumeRole* calls: why each was denied and what to change.\nThe IAM state is named, never implicit: --demo, --snapshot FILE or --live.',
  positionals: {
    label: '<file|dir|->',
    name: 'input',
    what: 'a file, a directory or -',
    help: 'an event file (EventBridge event, CloudTrail record or log file, lookup-events\noutput, or an array of them; gzip-compressed too, as CloudTrail delivers to S3),\na directory of *.json and *.json.gz files, - for standard input, or the text of\nan AccessDenied error (Terraform, AWS CLI, SDK, GitHub Actions log): anything\nthat is not JSON is read as error text',
    min: 0,
    max: 1,
  },
  options: {
    demo: {
      type: 'boolean',
      help: 'explain against the embedded demo organization (lib/snapshot/DEMO.md)',
    },
    snapshot: { type: 'string', value: 'FILE', help: 'IAM snapshot to explain against' },
    live: { type: 'boolean', help: 'read IAM and Organizations live (AWS credentials needed)' },
    message: {
      type: 'string',
      value: 'TEXT',
      help: 'the text of an AccessDenied error, instead of a file',
    },
    ...formatOptions(EXPLAIN_FORMATS),
    routes: {
      type: 'string',
      value: 'FILE',
      help: 'print where each diagnosis would go under this routing file\n(rule, destinations, and why earlier rules did not match); text or json',
    },
    'call-budget': {
      type: 'string',
      value: 'N',
      help: `AWS calls one diagnosis may make with --live (default ${DEFAULT_CALL_BUDGET}, at most ${MAX_CALL_BUDGET});\npast it, what it could not read is reported as INSUFFICIENT_DATA`,
    },
    ...AWS_OPTIONS,
  },
  exitCodes: [
    [0, 'every record was read (records that are not denied role assumptions are skipped)'],
    EXIT_USAGE_LINE,
    EXIT_INTERNAL_LINE,
  ],
} as const satisfies CommandDef;

export interface ExplainArgs {
  readonly snapshot?: string;
  readonly live: boolean;
  /** Explain against the embedded demo organization (never implicit). */
  readonly demo: boolean;
  /** The text of an error message, instead of an input file. */
  readonly message?: string;
  /** The AWS options (`--live` only), `--account-profile` among them. */
  readonly aws: AwsOptionValues;
  readonly format: ExplainFormat;
  readonly input: string;
  readonly help: boolean;
  /** A routing file: print where each diagnosis would go instead of the explanation. */
  readonly routes?: string;
  /** AWS calls one diagnosis may make (`--live` only). */
  readonly callBudget: number;
}

/** Parses `explain`'s arguments; throws `ConfigError` for anything it does not know. */
export function parseExplainArgs(argv: readonly string[]): ExplainArgs {
  const { values, positionals, help } = parseCommandLine(EXPLAIN_COMMAND, argv);
  const format = formatValue(EXPLAIN_FORMATS, values.format);
  const live = values.live === true;
  const demo = values.demo === true;
  const message = values.message;
  if (!help && message !== undefined && positionals.length > 0) {
    throw new ConfigError('use either `--message TEXT` or an input file, not both');
  }
  if (!help && message === undefined && positionals.length === 0) {
    throw new ConfigError('missing input: a file, a directory, - or `--message TEXT`');
  }
  requireOneState({ demo, snapshot: values.snapshot !== undefined, live }, help, 'explain against');
  const aws = awsValuesOf(values);
  if (!live && anyAwsOption(aws)) {
    throw new ConfigError(
      'the AWS options (`--profile`, `--region`, `--account-profile`, …) only apply with `--live`',
    );
  }
  const budgetText = values['call-budget'];
  if (!live && budgetText !== undefined)
    throw new ConfigError('`--call-budget` only applies with `--live`');
  const callBudget = budgetText === undefined ? DEFAULT_CALL_BUDGET : Number(budgetText);
  if (!Number.isInteger(callBudget) || callBudget < 1 || callBudget > MAX_CALL_BUDGET)
    throw new ConfigError(
      `\`--call-budget\` must be an integer from 1 to ${MAX_CALL_BUDGET}, got \`${budgetText}\``,
    );
  if (values.routes !== undefined && format === 'slack') {
    throw new ConfigError('`--routes` prints text or json, not slack');
  }
  return {
    live,
    demo,
    help,
    aws,
    format,
    callBudget,
    input: positionals[0] ?? '',
    ...(message === undefined ? {} : { message }),
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
    ...(values.routes === undefined ? {} : { routes: values.routes }),
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
    const source = await createLiveStateSource(await liveOptionsFrom(args.aws, io));
    return { source, state: { kind: 'live', label: liveStateLabel(args.aws.profile, io.env) } };
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
    io.stdout(renderHelp(EXPLAIN_COMMAND));
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
  // Live, a diagnosis never fans out past its budget (the Lambda's TRUSTWATCH_CALL_BUDGET).
  const budget = args.live ? { callBudget: args.callBudget } : {};
  const out = { ...(await explainAll(intake, source, undefined, budget)), state };
  if (routes !== undefined && args.routes !== undefined) {
    const routed = await routeDiagnoses(routes, out.diagnoses, source);
    io.stdout(
      args.format === 'json'
        ? `${JSON.stringify({ state, routes: routed, skipped: skippedJson(out.skipped) }, null, 2)}\n`
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
      io.stdout(renderText(out, { color: useColor(io) }));
  }
  return 0;
};
