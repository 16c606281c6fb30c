import { describe, expect, it } from 'vitest';
import { progressLine, withAccountProgress } from '../../../lib/cli/progress.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { fakeIo } from './fakeIo.js';

describe('progress on stderr', () => {
  it.each([
    [{ isTty: true }, ['\rone\u001B[K', '\rtwo\u001B[K', '\n']],
    [{ isTty: true, stderrIsTty: false }, []],
    [{ isTty: false, stderrIsTty: true }, ['\rone\u001B[K', '\rtwo\u001B[K', '\n']],
    [{ isTty: false }, []],
  ])('%j', (tty, expected) => {
    const io = { ...fakeIo({ isTty: tty.isTty }), ...tty };
    const err: string[] = [];
    io.stderr = (t) => {
      err.push(t);
    };
    const p = progressLine(io);
    p.update('one');
    p.update('two');
    p.done();
    p.done();
    expect(err).toEqual(expected);
  });

  it('counts each account once, when its roles have been read, and passes everything through', async () => {
    const source = new SnapshotStateSource(demoSnapshot());
    const seen: string[] = [];
    const wrapped = withAccountProgress(source, (n, id) => seen.push(`${n}:${id}`));
    await wrapped.roles('222222222222');
    await wrapped.roles('222222222222');
    await wrapped.roles('111111111111');
    expect(seen).toEqual(['1:222222222222', '2:111111111111']);
    expect(await wrapped.organization()).toEqual(await source.organization());
  });
});
