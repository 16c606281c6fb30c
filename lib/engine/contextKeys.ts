import type { KeySource, RequestContext, RequestPrincipal } from './RequestContext.js';

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

/**
 * The context's key source when its keys are built on demand. A spread copy
 * of such a context has neither its getters nor its class: it is refused
 * here rather than read as a request carrying no keys.
 */
function sourceOf(ctx: RequestContext): KeySource | undefined {
  if (ctx instanceof LazyRequestContext) return ctx.keySource;
  if (ctx.values === undefined) {
    throw new TypeError(
      'request context without values (a spread copy of a LazyRequestContext?): derive contexts with copyContext',
    );
  }
  return undefined;
}

/** True when `lowerKey` is listed in `ctx.unknownKeys`, exactly or under a `…/` or `…:` prefix entry. */
export function isUnknownKey(ctx: RequestContext, lowerKey: string): boolean {
  const source = sourceOf(ctx);
  if (source !== undefined) return source.isUnknown(lowerKey);
  return unknownIn(lowerEntries(ctx.unknownKeys), lowerKey);
}

function unknownIn(entries: readonly string[], lowerKey: string): boolean {
  for (let i = 0; i < entries.length; i++)
    if (unknownEntryCovers(entries[i] as string, lowerKey)) return true;
  return false;
}

/**
 * Does one `unknownKeys` entry (lower-cased) cover `lowerKey`: the key itself,
 * or a prefix ending in `/` or `:` (`aws:principaltag/`, `<provider>:`)?
 */
export function unknownEntryCovers(entry: string, lowerKey: string): boolean {
  return (
    entry === lowerKey ||
    ((entry.endsWith('/') || entry.endsWith(':')) && lowerKey.startsWith(entry))
  );
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
  const source = sourceOf(ctx);
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
 * One request object as the engine reads it: key lookups by already
 * lower-cased name (through the context's `KeySource` when it builds its keys
 * on demand), with `ctx.unknownKeys` lower-cased at most once and the
 * lower-cased action computed at most once. Every evaluation of one request
 * object may share one (`PolicyEvaluations` does); a context for another
 * action is another request object, with its own. It reads `ctx` lazily and
 * never changes it.
 */
export class KeyScope {
  private unknownEntries: readonly string[] | undefined;
  private loweredAction: string | undefined;
  /** The context's own key source, when it builds its keys on demand. */
  private readonly source: KeySource | undefined;

  constructor(readonly ctx: RequestContext) {
    this.source = sourceOf(ctx);
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
    const all = this.ctx.candidates;
    return all !== undefined && Object.hasOwn(all, lowerKey) ? all[lowerKey] : undefined;
  }

  /** `ctx.action` lower-cased. */
  get lowerAction(): string {
    const action = this.ctx.action;
    this.loweredAction ??= action.toLowerCase();
    return this.loweredAction;
  }
}

/**
 * A request context whose condition keys `keySource` builds on demand: the
 * engine asks it key by key (`KeyScope`), and `values` and `unknownKeys` are
 * getters that build every key when read. Being getters of the class, they
 * are not copied by spreading: derive a changed context with `copyContext`.
 */
export class LazyRequestContext implements RequestContext {
  constructor(
    readonly principal: RequestPrincipal,
    readonly action: string,
    readonly resource: string,
    readonly keySource: KeySource,
    readonly candidates: RequestContext['candidates'],
  ) {}

  get values(): RequestContext['values'] {
    return this.keySource.table().values;
  }

  get unknownKeys(): RequestContext['unknownKeys'] {
    return this.keySource.table().unknownKeys;
  }
}

/**
 * `ctx` with some fields changed. A context whose keys are built on demand
 * stays so while its keys are not changed; otherwise the copy holds every
 * key. Use it rather than spreading a context (see `LazyRequestContext`).
 */
export function copyContext(ctx: RequestContext, change: Partial<RequestContext>): RequestContext {
  const principal = change.principal ?? ctx.principal;
  const action = change.action ?? ctx.action;
  const resource = change.resource ?? ctx.resource;
  const candidates = 'candidates' in change ? change.candidates : ctx.candidates;
  if (
    ctx instanceof LazyRequestContext &&
    change.values === undefined &&
    change.unknownKeys === undefined
  ) {
    return new LazyRequestContext(principal, action, resource, ctx.keySource, candidates);
  }
  const copy = {
    principal,
    action,
    resource,
    values: change.values ?? ctx.values,
    unknownKeys: change.unknownKeys ?? ctx.unknownKeys,
  };
  return candidates === undefined ? copy : { ...copy, candidates };
}
