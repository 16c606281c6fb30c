import type { KeySource, KeyTable, RequestContext, RequestPrincipal } from './RequestContext.js';

/**
 * How a condition key stands in a request: known with values, known to be
 * absent, or not logged (its value cannot be known from CloudTrail).
 * Key names are case-insensitive (IAM UG, "IAM JSON policy elements:
 * Condition": condition key names are not case-sensitive).
 */
export type KeyLookup =
  | { readonly state: 'present'; readonly values: readonly string[] }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown' };

/** True when `lowerKey` is listed in `ctx.unknownKeys`, exactly or under a `…/` or `…:` prefix entry. */
export function isUnknownKey(ctx: RequestContext, lowerKey: string): boolean {
  const source = sources.get(ctx);
  if (source !== undefined) return source.isUnknown(lowerKey);
  return unknownIn(lowerEntries(ctx.unknownKeys), lowerKey);
}

function unknownIn(entries: readonly string[], lowerKey: string): boolean {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as string;
    if (e === lowerKey) return true;
    if ((e.endsWith('/') || e.endsWith(':')) && lowerKey.startsWith(e)) return true;
  }
  return false;
}

/** The entries lower-cased; the same array when they already are (as the contract asks). */
function lowerEntries(entries: readonly string[]): readonly string[] {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as string;
    if (e.toLowerCase() !== e) return entries.map((x) => x.toLowerCase());
  }
  return entries;
}

const ABSENT: KeyLookup = { state: 'absent' };
const UNKNOWN: KeyLookup = { state: 'unknown' };

/** Looks a condition key up in the request. Known values win over an `unknownKeys` entry. */
export function lookupKey(ctx: RequestContext, key: string): KeyLookup {
  const lowerKey = key.toLowerCase();
  const source = sources.get(ctx);
  const values = source !== undefined ? source.valuesOf(lowerKey) : ownValues(ctx, lowerKey);
  if (values !== undefined) return { state: 'present', values };
  return isUnknownKey(ctx, lowerKey) ? UNKNOWN : ABSENT;
}

function ownValues(ctx: RequestContext, lowerKey: string): readonly string[] | undefined {
  const values = ctx.values;
  const found = values[lowerKey];
  // Only own keys count (not `constructor` & co. from the prototype).
  return found === undefined || Object.hasOwn(values, lowerKey) ? found : undefined;
}

/**
 * One request as seen during one evaluation: key lookups by already
 * lower-cased name, with `ctx.unknownKeys` lower-cased at most once and the
 * lower-cased action computed at most once. Create one per evaluation; it
 * reads `ctx` lazily and never changes it.
 */
export class KeyScope {
  private unknownEntries: readonly string[] | undefined;
  private loweredAction: string | undefined;
  /** The context's own key source, when it builds its keys on demand. */
  private readonly source: KeySource | undefined;

  constructor(readonly ctx: RequestContext) {
    this.source = sources.get(ctx);
  }

  /** The key's values when the request carries it, else `undefined` (absent or not logged). */
  values(lowerKey: string): readonly string[] | undefined {
    const source = this.source;
    return source !== undefined ? source.valuesOf(lowerKey) : ownValues(this.ctx, lowerKey);
  }

  /** Is the key (without known values) listed as not logged? */
  isUnknown(lowerKey: string): boolean {
    const source = this.source;
    if (source !== undefined) return source.isUnknown(lowerKey);
    const list = this.ctx.unknownKeys;
    if (list.length === 0) return false;
    this.unknownEntries ??= lowerEntries(list);
    return unknownIn(this.unknownEntries, lowerKey);
  }

  /** The values a not-logged key can only have (`null`: absent), when the request bounds them. */
  candidates(lowerKey: string): readonly (readonly string[] | null)[] | undefined {
    const source = this.source;
    if (source !== undefined) return source.candidatesOf(lowerKey);
    const all = this.ctx.candidates;
    return all !== undefined && Object.hasOwn(all, lowerKey) ? all[lowerKey] : undefined;
  }

  /** `ctx.action` lower-cased. */
  get lowerAction(): string {
    this.loweredAction ??= this.ctx.action.toLowerCase();
    return this.loweredAction;
  }
}

/**
 * The key source of each context `lazyRequestContext` built. A `WeakMap`
 * keyed on contexts, which are immutable, whose source answers exactly what
 * their fields hold: referentially transparent. A copy made by spreading is
 * not in it, and is read through its own fields.
 */
const sources = new WeakMap<RequestContext, KeySource>();

/** The source of the context's keys when they are built on demand. */
export function keySourceOf(ctx: RequestContext): KeySource | undefined {
  return sources.get(ctx);
}

/**
 * A request context whose condition keys `source` builds on demand: the
 * engine asks `source` key by key; `values`, `unknownKeys` and `candidates`
 * are own enumerable getters that build every key when read, so a copy made
 * by spreading holds them all (and is read through its own fields).
 */
export function lazyRequestContext(
  principal: RequestPrincipal,
  action: string,
  resource: string,
  source: KeySource,
): RequestContext {
  const ctx = { principal, action, resource } as RequestContext;
  // Getters shared by every such context keep them one shape (a literal's own getters would not).
  Object.defineProperty(ctx, 'values', VALUES);
  Object.defineProperty(ctx, 'unknownKeys', UNKNOWN_KEYS);
  Object.defineProperty(ctx, 'candidates', CANDIDATES);
  sources.set(ctx, source);
  return ctx;
}

/** The full key table of a context built by `lazyRequestContext`. */
function tableOf(ctx: RequestContext): KeyTable {
  return (sources.get(ctx) as KeySource).table();
}

const VALUES: PropertyDescriptor = {
  get(this: RequestContext) {
    return tableOf(this).values;
  },
  enumerable: true,
};
const UNKNOWN_KEYS: PropertyDescriptor = {
  get(this: RequestContext) {
    return tableOf(this).unknownKeys;
  },
  enumerable: true,
};
const CANDIDATES: PropertyDescriptor = {
  get(this: RequestContext) {
    return tableOf(this).candidates;
  },
  enumerable: true,
};
