import type { IamStateSource } from '../state/IamStateSource.js';
import type { CliIo } from './CliIo.js';

/**
 * A progress line for long work: written to stderr, over itself (`\r`), and
 * only when stderr is a terminal, so it never mixes with `--format json` on
 * stdout nor fills a CI log. `done()` ends the line if anything was written.
 */
export function progressLine(io: CliIo): { update(text: string): void; done(): void } {
  const on = io.stderrIsTty ?? io.isTty;
  let written = false;
  return {
    update(text) {
      if (!on) return;
      io.stderr(`\r${text}\u001B[K`);
      written = true;
    },
    done() {
      if (written) io.stderr('\n');
      written = false;
    },
  };
}

/**
 * The same state source, calling `onAccount(n, accountId)` the first time the
 * roles of each account have been read (n: accounts read so far): a live
 * audit spends most of its time there.
 */
export function withAccountProgress(
  source: IamStateSource,
  onAccount: (n: number, accountId: string) => void,
): IamStateSource {
  const seen = new Set<string>();
  return new Proxy(source, {
    get(target, prop, receiver) {
      if (prop === 'roles') {
        return async (accountId: string) => {
          const result = await target.roles(accountId);
          if (!seen.has(accountId)) {
            seen.add(accountId);
            onAccount(seen.size, accountId);
          }
          return result;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
