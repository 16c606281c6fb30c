/**
 * trustwatch as a library: explain denied `sts:AssumeRole*` calls against a
 * snapshot or any {@link IamStateSource}, and render the result, without
 * shelling out to the CLI. This file is the package's `exports` entry; what
 * it does not export is internal and may change in any release.
 *
 * ```ts
 * import { explain, render, snapshotSource } from 'trustwatch';
 * const out = await explain(cloudTrailRecord, { source: snapshotSource(snapshotJson) });
 * process.stdout.write(render(out, 'text'));
 * ```
 *
 * @packageDocumentation
 */
import type { LiveSourceOptions } from './aws/createLiveStateSource.js';
import type { ExplainOutput } from './diagnosis/Diagnosis.js';
import { explainAll } from './explain/explainEvent.js';
import { liveStateLabel, type StateLabel } from './iam/StateLabel.js';
import { readInput, readInputText } from './intake/readInput.js';
import { renderJson } from './render/renderJson.js';
import { renderSlack } from './render/renderSlack.js';
import { renderText } from './render/renderText.js';
import { loadSnapshot, readSnapshotText } from './snapshot/loadSnapshot.js';
import type { IamStateSource } from './state/IamStateSource.js';
import { SnapshotStateSource } from './state/SnapshotStateSource.js';

export { VERSION } from './cli/version.js';
export type { Cause, Diagnosis, ExplainOutput, Fix } from './diagnosis/Diagnosis.js';
export {
  ConfigError,
  InputError,
  SnapshotError,
  TrustwatchError,
} from './errors/TrustwatchError.js';
export type { StateKind, StateLabel } from './iam/StateLabel.js';
export type { Snapshot } from './snapshot/Snapshot.js';
export type { IamStateSource } from './state/IamStateSource.js';
export type { LiveSourceOptions };

/** Where the IAM and Organizations state comes from. */
export interface ExplainOptions {
  /** A snapshot ({@link snapshotSource}), the live source ({@link liveSource}) or your own. */
  readonly source: IamStateSource;
  /** Name of the input in error messages (`file` of an `InputError`); default `input`. */
  readonly file?: string;
  /**
   * The IAM state the output names (`state`, as the CLI's outputs do). Default:
   * what {@link snapshotSource} or {@link liveSource} made the source from; for
   * a source of your own, a snapshot labelled `your state source`.
   */
  readonly state?: StateLabel;
}

/** The state label of each source this module made. */
const STATE_OF = new WeakMap<IamStateSource, StateLabel>();

/**
 * Explains every denied role assumption in `input`: a CloudTrail record, an
 * EventBridge event, a CloudTrail log file, `lookup-events` output or an array
 * of those, given as a parsed value or as text. Records that are not denied
 * role assumptions come back in `skipped` with a reason; input holding no
 * record at all throws an `InputError` naming the file and JSON path.
 */
export async function explain(input: unknown, options: ExplainOptions): Promise<ExplainOutput> {
  const file = options.file ?? 'input';
  const intake = typeof input === 'string' ? readInputText(input, file) : readInput(input, file);
  const state = options.state ??
    STATE_OF.get(options.source) ?? { kind: 'snapshot', label: 'your state source' };
  return { ...(await explainAll(intake, options.source)), state };
}

/**
 * A state source over a snapshot (`shared/spec/snapshot.md`), given as its
 * JSON text or parsed value; it is validated first (a `SnapshotError` names the
 * file and JSON path of the first problem).
 */
export function snapshotSource(snapshot: unknown, file = 'snapshot'): IamStateSource {
  const loaded =
    typeof snapshot === 'string' ? readSnapshotText(snapshot, file) : loadSnapshot(snapshot, file);
  const source = new SnapshotStateSource(loaded);
  STATE_OF.set(source, { kind: 'snapshot', label: file });
  return source;
}

/**
 * The live state source: reads IAM and Organizations through the trustwatch
 * reader role of each account, with the caller's AWS credentials (the SDK's
 * standard chain, `profile` and `region` as the AWS CLI reads them). Loads the
 * AWS SDK only when called.
 */
export async function liveSource(options: LiveSourceOptions = {}): Promise<IamStateSource> {
  const { createLiveStateSource } = await import('./aws/createLiveStateSource.js');
  const source = await createLiveStateSource(options);
  STATE_OF.set(source, {
    kind: 'live',
    label: liveStateLabel(options.profile, options.env ?? process.env),
  });
  return source;
}

/** The output formats of {@link render}; `json` follows `explain-output.schema.json`. */
export type RenderFormat = 'text' | 'json' | 'slack';

/**
 * Renders an explanation: `text` as the CLI prints it (ANSI colours only when
 * `color` is true), `json` as the documented JSON contract, `slack` as one
 * Block Kit payload per diagnosis (a JSON array).
 */
export function render(
  out: ExplainOutput,
  format: RenderFormat,
  options: { readonly color?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return renderJson(out);
    case 'slack':
      return `${JSON.stringify(
        out.diagnoses.map((d) =>
          renderSlack(d, out.state === undefined ? {} : { state: out.state }),
        ),
        null,
        2,
      )}\n`;
    case 'text':
      return renderText(out, { color: options.color === true });
  }
}
