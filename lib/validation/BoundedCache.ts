/**
 * Values computed from their keys, kept up to `limit` entries and emptied
 * when full: the bound that keeps a working set without bookkeeping per
 * entry. For the pure answers the engine and the ARN parser keep at module
 * level (compiled patterns, parsed ARNs, classified principals): each entry
 * is a function of its key alone, so a module-level cache changes no answer
 * and cannot grow with what it is fed.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly limit: number) {}

  /** The value of `key`, computed by `make` the first time (and again after the cache was emptied). */
  get(key: K, make: (key: K) => V): V {
    let value = this.#entries.get(key);
    if (value === undefined && !this.#entries.has(key)) {
      value = make(key);
      if (this.#entries.size >= this.limit) this.#entries.clear();
      this.#entries.set(key, value);
    }
    return value as V;
  }

  /** How many entries it holds (for tests of its bound). */
  get size(): number {
    return this.#entries.size;
  }
}
