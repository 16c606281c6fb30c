import type { IamStateSource } from './IamStateSource.js';

/** A read of `IamStateSource`, answered at once instead of through a promise. */
type Answered<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;

/**
 * The reads of a source that holds its whole state in memory (a snapshot):
 * the same answers as its `IamStateSource` methods, without a promise, so a
 * diagnosis over it reads without async machinery (lib/explain/gatherBundle.ts).
 */
export type InMemoryReads = {
  readonly [K in Exclude<keyof IamStateSource, 'version'>]: Answered<IamStateSource[K]>;
};

/**
 * The in-memory reads of each source that registered them. Keyed on the
 * source object itself: a wrapper around it (a proxy or decorator that
 * counts, fails or budgets reads) is another object, has none, and is read
 * through its async methods, so what it overrides is always honoured. A
 * source registers only answers that never change for it (its `version` is
 * fixed), so this `WeakMap` is referentially transparent.
 */
const registered = new WeakMap<IamStateSource, InMemoryReads>();

/** Registers `reads` as `source`'s own answers (called by the source, for itself). */
export function answerInMemory(source: IamStateSource, reads: InMemoryReads): void {
  registered.set(source, reads);
}

/** The synchronous reads of this very source object, when it holds its state in memory. */
export function inMemoryReads(source: IamStateSource): InMemoryReads | undefined {
  return registered.get(source);
}
