import type { Credentials } from '../aws/clients.js';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import { InputError } from '../errors/TrustwatchError.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import type { CliIo } from './CliIo.js';

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
