import type { Credentials } from '../aws/clients.js';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import { ConfigError, InputError } from '../errors/TrustwatchError.js';
import { noStateMessage } from '../iam/StateLabel.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import type { CliIo } from './CliIo.js';

/**
 * `explain` and `audit` name their IAM state with exactly one of `--demo`,
 * `--snapshot FILE` and `--live` (never the demo by default); throws
 * `ConfigError` for none (unless asking for help) or several.
 */
export function requireOneState(
  given: { readonly demo: boolean; readonly snapshot: boolean; readonly live: boolean },
  help: boolean,
  doing: Parameters<typeof noStateMessage>[0],
): void {
  const named = [
    given.demo && '`--demo`',
    given.snapshot && '`--snapshot`',
    given.live && '`--live`',
  ].filter((s) => s !== false);
  if (named.length > 1) throw new ConfigError(`use only one of ${named.join(' and ')}`);
  if (!help && named.length === 0) throw new ConfigError(noStateMessage(doing));
}

export interface CommandStateSourceOptions {
  /** An injected source (tests) wins over everything else. */
  readonly source?: IamStateSource;
  /** A snapshot file to read instead of live AWS. */
  readonly snapshot?: string;
  readonly live: LiveSourceOptions;
  readonly credentials?: Credentials;
  /** What the live source's session name says trustwatch is doing (`trustwatch-<purpose>`). */
  readonly purpose: string;
}

/**
 * The IAM state source of a live-capable command (`probe`, `backfill`): the
 * injected one, a snapshot file, or live AWS. Modules load only on the path
 * taken, so a snapshot run never imports the AWS SDK.
 */
export async function commandStateSource(
  opts: CommandStateSourceOptions,
  io: CliIo,
): Promise<IamStateSource> {
  if (opts.source !== undefined) return opts.source;
  if (opts.snapshot !== undefined) {
    let text: string;
    try {
      text = await io.readText(opts.snapshot);
    } catch (err) {
      throw new InputError('cannot read the snapshot', {
        cause: err,
        context: { file: opts.snapshot },
      });
    }
    const { readSnapshotText } = await import('../snapshot/loadSnapshot.js');
    const { SnapshotStateSource } = await import('../state/SnapshotStateSource.js');
    return new SnapshotStateSource(readSnapshotText(text, opts.snapshot));
  }
  const { createLiveStateSource } = await import('../aws/createLiveStateSource.js');
  return createLiveStateSource({
    ...opts.live,
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    purpose: opts.purpose,
  });
}
