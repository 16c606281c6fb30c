/**
 * A TTL cache of reads with request coalescing: while a read is in flight,
 * every caller of the same key shares its promise, so 50 concurrent lookups of
 * one role cost one AWS call. Settled values stay for a TTL that the caller
 * picks from the value itself (shorter for negative results).
 *
 * The module holds one shared instance ({@link sharedReadCache}) so that a warm
 * Lambda keeps what it read across invocations; tests inject their own or
 * clear it.
 */
export interface ReadCacheOptions {
  /** Clock in epoch milliseconds; injected by tests. */
  readonly now?: () => number;
  /** Entries kept at most; the oldest are dropped first. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly promise: Promise<unknown>;
  /** `undefined` while in flight. */
  expiresAt: number | undefined;
  settled: boolean;
  value: unknown;
}

export class ReadCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #maxEntries: number;
  #generation = 0;

  constructor(opts: ReadCacheOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#maxEntries = opts.maxEntries ?? 50_000;
  }

  /**
   * The cached value of `key`, or the result of `read()` cached for
   * `ttlMs(value)` milliseconds (0 or less: not kept). A rejected read is not
   * cached.
   */
  get<T>(key: string, read: () => Promise<T>, ttlMs: (value: T) => number): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      if (hit.expiresAt === undefined || hit.expiresAt > this.#now()) {
        return hit.promise as Promise<T>;
      }
      this.#entries.delete(key);
      this.#generation++;
    }
    const promise = read();
    const entry: Entry = { promise, expiresAt: undefined, settled: false, value: undefined };
    this.#entries.set(key, entry);
    this.#evict();
    promise.then(
      (value) => {
        entry.settled = true;
        entry.value = value;
        const ttl = ttlMs(value);
        if (this.#entries.get(key) !== entry) return;
        if (ttl > 0) entry.expiresAt = this.#now() + ttl;
        else {
          this.#entries.delete(key);
          this.#generation++;
        }
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        this.#generation++;
      },
    );
    return promise;
  }

  /** The settled, unexpired value of `key`, without reading; `undefined` otherwise. */
  peek<T>(key: string): T | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined || !hit.settled) return undefined;
    if (hit.expiresAt !== undefined && hit.expiresAt <= this.#now()) return undefined;
    return hit.value as T;
  }

  /** Drops every entry whose key starts with `prefix` (all entries without one). */
  clear(prefix = ''): void {
    this.#generation++;
    if (prefix === '') {
      this.#entries.clear();
      return;
    }
    for (const key of [...this.#entries.keys()])
      if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  /**
   * Bumped whenever a value read before may be read again differently (an
   * entry expired, was dropped or was never kept): a first read of a new key
   * leaves it as it is, since no earlier answer changes.
   */
  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#entries.size;
  }

  #evict(): void {
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) return;
      this.#entries.delete(oldest.value);
      this.#generation++;
    }
  }
}

/** The cache shared by every live source of this process (a warm Lambda's memory). */
export const sharedReadCache = new ReadCache();
