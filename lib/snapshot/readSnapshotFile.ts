import { readFile } from 'node:fs/promises';
import { SnapshotError } from '../errors/TrustwatchError.js';
import { readSnapshotText } from './loadSnapshot.js';
import type { Snapshot } from './Snapshot.js';

/**
 * Reads, validates and indexes a snapshot file. Every failure is a one-line
 * `SnapshotError` naming the file: unreadable file, invalid JSON (with line
 * and column), or the JSON path of what does not follow the format.
 */
export async function readSnapshotFile(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : ((err as Error).message.split('\n')[0] ?? 'unreadable');
    throw new SnapshotError(`cannot read snapshot file: ${why}`, {
      cause: err,
      context: { file, path: '' },
    });
  }
  return readSnapshotText(text, file);
}
