import { formatErrorLine } from '../errors/TrustwatchError.js';
import type { Readable } from '../state/IamStateSource.js';
import { OrgRoleIndex } from './OrgRoleIndex.js';
import type { RoleIndexStore } from './RoleIndexStore.js';

export interface SharedRoleIndexOptions {
  /** Milliseconds a loaded index is used before it is refreshed (in the background). */
  readonly ttlMs: number;
  /** Partition of the role ARNs the index builds. */
  readonly partition: string;
  readonly now?: () => number;
}

/** An index that could not be read is tried again after this long. */
const RETRY_UNREADABLE_MS = 60_000;

interface Loaded {
  readonly at: number;
  readonly value: Readable<OrgRoleIndex>;
}

/**
 * The organization-wide role index as one container keeps it: loaded from
 * the store on first use, then served from memory to every invocation;
 * once older than the TTL it is still served while a single background read
 * refreshes it (stale-while-revalidate), so no diagnosis waits for the
 * store after the first. A failed load is served as unreadable and retried
 * on the next use.
 */
export class SharedRoleIndex {
  readonly #store: RoleIndexStore;
  readonly #opts: SharedRoleIndexOptions;
  readonly #now: () => number;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;

  constructor(store: RoleIndexStore, opts: SharedRoleIndexOptions) {
    this.#store = store;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** The index now (possibly stale by up to one TTL while a refresh runs). */
  async current(): Promise<Readable<OrgRoleIndex>> {
    const loaded = this.#loaded;
    if (loaded === undefined) return (await this.#load()).value;
    const age = this.#now() - loaded.at;
    if (loaded.value.ok) {
      // Refresh in the background; a failed refresh keeps the last good index.
      if (age >= this.#opts.ttlMs) void this.#load();
      return loaded.value;
    }
    // Unreadable: tried again after a short while, not on every diagnosis.
    if (age >= Math.min(this.#opts.ttlMs, RETRY_UNREADABLE_MS)) return (await this.#load()).value;
    return loaded.value;
  }

  /** The loaded index, without reading (undefined before the first load). */
  peek(): Readable<OrgRoleIndex> | undefined {
    return this.#loaded?.value;
  }

  #load(): Promise<Loaded> {
    this.#loading ??= (async (): Promise<Loaded> => {
      const at = this.#now();
      let value: Readable<OrgRoleIndex>;
      try {
        const contents = await this.#store.read();
        value =
          contents.accounts.length === 0 && contents.organization === undefined
            ? {
                ok: false,
                reason:
                  'the organization-wide role index is empty (the scheduled audit writes it: has it run?)',
              }
            : { ok: true, value: new OrgRoleIndex(contents, this.#opts.partition) };
      } catch (err) {
        value = {
          ok: false,
          reason: `the organization-wide role index could not be read: ${formatErrorLine(err)}`,
        };
      }
      const next = { at, value };
      // Keep a good index over a failed refresh.
      if (value.ok || this.#loaded === undefined || !this.#loaded.value.ok) this.#loaded = next;
      return this.#loaded ?? next;
    })().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }
}
