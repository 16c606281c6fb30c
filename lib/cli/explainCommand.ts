import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { explainAll } from '../diagnosis/explainEvent.js';
import { ConfigError, InputError, SnapshotError } from '../errors/TrustwatchError.js';
import type { DenialEvent, IntakeResult, SkippedRecord } from '../intake/DenialEvent.js';
import { dropDuplicateEvents, readInputText } from '../intake/readInput.js';
import { renderJson } from '../render/renderJson.js';
import { renderSlack } from '../render/renderSlack.js';
import { renderText } from '../render/renderText.js';
import { demoSnapshot } from '../snapshot/demoSnapshot.js';
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
import { describeReadError } from './describeReadError.js';

export const EXPLAIN_FORMATS = ['text', 'json', 'slack'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

/** `trustwatch explain`'s command line: the parser and the help both come from it. */
export const EXPLAIN_COMMAND = {
  name: 'explain',
  summary: 'explain denied AssumeRole events from a file (offline or --live)',
  synopsis:
    '[--demo | --snapshot FILE | --live [AWS options]] [--format text|json|slack] <file|dir|->',
  description: 'Explains denied sts:AssumeRole* events: why each was denied and what to change.',
  positionals: {
    label: '<file|dir|->',
    name: 'input',
    what: 'a file, a directory or -',
    help: 'an event file (EventBridge event, CloudTrail record or log file, lookup-events\noutput, or an array of them; gzip-compressed too, as CloudTrail delivers to S3),\na directory of *.json and *.json.gz files, or - for standard input',
    min: 1,
    max: 1,
  },
  options: {
    demo: {
      type: 'boolean',
      help: 'explain against the embedded demo organization (lib/snapshot/DEMO.md)',
    },
    snapshot: { type: 'string', value: 'FILE', help: 'IAM snapshot to explain against' },
    live: { type: 'boolean', help: 'read IAM and Organizations live (AWS credentials needed)' },
    ...formatOptions(EXPLAIN_FORMATS),
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
  readonly demo: boolean;
  readonly aws: AwsOptionValues;
  readonly format: ExplainFormat;
  readonly input: string;
  readonly help: boolean;
}

/** Parses `explain`'s arguments; throws `ConfigError` for anything it does not know. */
export function parseExplainArgs(argv: readonly string[]): ExplainArgs {
  const { values, positionals, help } = parseCommandLine(EXPLAIN_COMMAND, argv);
  const format = formatValue(EXPLAIN_FORMATS, values.format);
  const live = values.live === true;
  const demo = values.demo === true;
  const sources = [
    demo && '`--demo`',
    values.snapshot !== undefined && '`--snapshot`',
    live && '`--live`',
  ].filter((s) => s !== false);
  if (sources.length > 1) throw new ConfigError(`use only one of ${sources.join(' and ')}`);
  const aws = awsValuesOf(values);
  if (!live && anyAwsOption(aws)) {
    throw new ConfigError('the AWS options (`--profile`, `--region`, …) only apply with `--live`');
  }
  return {
    live,
    demo,
    help,
    aws,
    format,
    input: positionals[0] ?? '',
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
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
  // `*.json.gz` as CloudTrail delivers its log files to S3.
  const names = (await readdir(input, { withFileTypes: true }))
    .filter((e) => !e.isDirectory() && /\.json(\.gz)?$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  if (names.length === 0)
    throw new InputError('no *.json or *.json.gz file in directory', { context: { file: input } });
  return names.map((n) => join(input, n));
}

async function stateSource(args: ExplainArgs, io: CliIo): Promise<IamStateSource> {
  if (args.live) {
    const { createLiveStateSource } = await import('../aws/createLiveStateSource.js');
    return createLiveStateSource(await liveOptionsFrom(args.aws, io));
  }
  if (args.snapshot === undefined) return new SnapshotStateSource(demoSnapshot());
  const text = await readText(io, args.snapshot, 'snapshot');
  return new SnapshotStateSource(readSnapshotText(text, args.snapshot));
}

/** `trustwatch explain`: explains every denied role assumption in the input. */
export const explainCommand: Command = async (argv, io) => {
  const args = parseExplainArgs(argv);
  if (args.help) {
    io.stdout(renderHelp(EXPLAIN_COMMAND));
    return 0;
  }
  const files = await inputFiles(args.input);
  const events: DenialEvent[] = [];
  const skipped: SkippedRecord[] = [];
  for (const file of files) {
    const text = await readText(io, file, 'input');
    const result = readInputText(text, file === '-' ? 'stdin' : file);
    events.push(...result.events);
    skipped.push(...result.skipped);
  }
  // The same CloudTrail event in two files (an EventBridge copy and the
  // lookup-events export of it) is explained once; the repeat is skipped
  // with a reason naming both files.
  const intake: IntakeResult = dropDuplicateEvents({ events, skipped });
  const source = await stateSource(args, io);
  const out = await explainAll(intake, source);
  switch (args.format) {
    case 'json':
      io.stdout(renderJson(out));
      break;
    case 'slack': {
      const payloads = out.diagnoses.map((d) => renderSlack(d));
      io.stdout(`${JSON.stringify(payloads.length === 1 ? payloads[0] : payloads, null, 2)}\n`);
      break;
    }
    default:
      io.stdout(renderText(out, { color: useColor(io) }));
  }
  return 0;
};
