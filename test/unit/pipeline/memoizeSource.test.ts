import { describe, expect, it } from 'vitest';
import { memoizeSource } from '../../../lib/explain/memoizeSource.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

/** A source whose `roles` fails on the first read (a spent call budget), then answers. */
function flakySource(): { source: IamStateSource; reads: () => number } {
  const inner = new SnapshotStateSource(demoSnapshot());
  let reads = 0;
  const source = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'roles')
        return async (accountId: string) => {
          reads += 1;
          return reads === 1
            ? { ok: false, reason: 'not sent: budget spent', accountId }
            : target.roles(accountId);
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as IamStateSource;
  return { source, reads: () => reads };
}

describe('memoizeSource', () => {
  it('does not keep a failed read for the batch, and keeps the answer that follows', async () => {
    const { source, reads } = flakySource();
    const batch = memoizeSource(source);
    const first = await batch.roles('222222222222');
    expect(first.ok).toBe(false);
    // The next ask reads again (two at once share that one read), and its answer is kept.
    const [a, b] = await Promise.all([batch.roles('222222222222'), batch.roles('222222222222')]);
    expect(a.ok && b.ok).toBe(true);
    expect(reads()).toBe(2);
    await batch.roles('222222222222');
    expect(reads()).toBe(2);
  });
});
