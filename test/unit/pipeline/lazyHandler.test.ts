import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lazyHandler } from '../../../lib/alerts/lazyHandler.js';

const context = {} as Context;

describe('lazyHandler', () => {
  it('builds nothing at creation, builds once at the first invocation and reuses it', async () => {
    let builds = 0;
    const handler = lazyHandler(
      async () => {
        builds++;
        return { prefix: `build ${builds}` };
      },
      (deps) => async (event: string) => `${deps.prefix}: ${event}`,
    );
    expect(builds).toBe(0);
    expect(await handler('a', context)).toBe('build 1: a');
    expect(await handler('b', context)).toBe('build 1: b');
    expect(builds).toBe(1);
  });

  it('fails the invocation whose build fails and builds again at the next one', async () => {
    let builds = 0;
    const handler = lazyHandler(
      async () => {
        builds++;
        if (builds === 1) throw new Error('TRUSTWATCH_TABLE_NAME is not set');
        return builds;
      },
      (n) => async (_event: unknown, ctx: Context) => ({ n, sameContext: ctx === context }),
    );
    await expect(handler({}, context)).rejects.toThrow('TRUSTWATCH_TABLE_NAME is not set');
    expect(await handler({}, context)).toEqual({ n: 2, sameContext: true });
    expect(await handler({}, context)).toEqual({ n: 2, sameContext: true });
    expect(builds).toBe(2);
  });
});
