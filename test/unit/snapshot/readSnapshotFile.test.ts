import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrorLine, SnapshotError } from '../../../lib/errors/TrustwatchError.js';
import { readSnapshotFile } from '../../../lib/snapshot/readSnapshotFile.js';

const dir = mkdtempSync(join(tmpdir(), 'trustwatch-snapshot-'));

describe('readSnapshotFile', () => {
  it('reads and loads a snapshot file', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ snapshotVersion: 1, accounts: { '111111111111': {} } }));
    const snap = await readSnapshotFile(file);
    expect(snap.file).toBe(file);
    expect([...snap.accounts.keys()]).toEqual(['111111111111']);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /^cannot read snapshot file: no such file$/],
    ['a directory', () => dir, /^cannot read snapshot file: it is a directory$/],
    [
      'invalid JSON',
      () => {
        const file = join(dir, 'bad.json');
        writeFileSync(file, '{"snapshotVersion": 1,\n "accounts": }');
        return file;
      },
      /^snapshot is not valid JSON at line 2, column 14: /,
    ],
  ])('fails with one line naming the file for %s', async (_name, makeFile, message) => {
    const file = makeFile();
    const err = await readSnapshotFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as SnapshotError).message).toMatch(message);
    expect((err as SnapshotError).context.file).toBe(file);
    const line = formatErrorLine(err);
    expect(line).toContain(`file \`${file}\``);
    expect(line).not.toContain('\n');
  });
});
