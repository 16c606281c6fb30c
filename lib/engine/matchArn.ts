import { BoundedCache } from '../validation/BoundedCache.js';
import { compileGlob, type GlobMatcher, globMatch } from './wildcard.js';

/**
 * ARN matching. Patterns are in the escaped glob form of `wildcard.ts` (use
 * `globFromRaw` for text written in a policy, or the result of policy-variable
 * substitution).
 */

/** Scratch space for {@link arnColons}: the hot path splits without allocating. */
const COLONS = new Int32Array(5);

/**
 * Positions of the first five `:` not escaped with `\` (patterns may escape
 * characters) into `COLONS`; false when there are fewer than five.
 */
function arnColons(s: string): boolean {
  if (!s.includes('\\')) {
    let at = -1;
    for (let i = 0; i < 5; i++) {
      at = s.indexOf(':', at + 1);
      if (at < 0) return false;
      COLONS[i] = at;
    }
    return true;
  }
  let n = 0;
  for (let i = 0; i < s.length && n < 5; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 58 /* : */) COLONS[n++] = i;
  }
  return n === 5;
}

/** Splits an ARN into its six parts: `arn`, partition, service, region, account, resource. */
export function splitArn(
  arn: string,
): readonly [string, string, string, string, string, string] | undefined {
  if (!arnColons(arn)) return undefined;
  const c0 = COLONS[0] as number;
  const c1 = COLONS[1] as number;
  const c2 = COLONS[2] as number;
  const c3 = COLONS[3] as number;
  const c4 = COLONS[4] as number;
  return [
    arn.slice(0, c0),
    arn.slice(c0 + 1, c1),
    arn.slice(c1 + 1, c2),
    arn.slice(c2 + 1, c3),
    arn.slice(c3 + 1, c4),
    arn.slice(c4 + 1),
  ];
}

/**
 * An ARN pattern compiled part by part (see {@link matchArnLike}). Build one
 * with {@link compileArnPattern}; `matches` splits the value without allocating.
 */
export class ArnMatcher {
  constructor(
    /**
     * The pattern up to and including its fifth `:` when its first five parts
     * hold no wildcard or escape (the usual case): a value matches those parts
     * exactly when it starts with this text.
     */
    private readonly prefix: string | undefined,
    /** With `prefix`, the resource part alone; else the six parts; `undefined`: not an ARN. */
    private readonly parts: readonly GlobMatcher[] | undefined,
  ) {}

  matches(value: string): boolean {
    const parts = this.parts;
    if (parts === undefined) return false;
    const prefix = this.prefix;
    if (prefix !== undefined) {
      return (
        value.startsWith(prefix) &&
        (parts[0] as GlobMatcher).range(value, prefix.length, value.length)
      );
    }
    if (!arnColons(value)) return false;
    let from = 0;
    for (let i = 0; i < 5; i++) {
      const to = COLONS[i] as number;
      if (!(parts[i] as GlobMatcher).range(value, from, to)) return false;
      from = to + 1;
    }
    return (parts[5] as GlobMatcher).range(value, from, value.length);
  }
}

/** Upper bound on the number of compiled ARN patterns kept; the cache is emptied when full. */
export const ARN_CACHE_LIMIT = 4096;

const arnCache = new BoundedCache<string, ArnMatcher>(ARN_CACHE_LIMIT);

/**
 * Compiles an escaped ARN pattern (from a bounded cache); a pattern that is
 * not a six-part ARN matches nothing.
 */
export function compileArnPattern(pattern: string): ArnMatcher {
  return arnCache.get(pattern, buildArnMatcher);
}

/** A literal text: no wildcard, no escape. */
const LITERAL = /^[^*?\\]*$/;

function buildArnMatcher(pattern: string): ArnMatcher {
  if (!arnColons(pattern)) return new ArnMatcher(undefined, undefined);
  const c4 = COLONS[4] as number;
  const prefix = pattern.slice(0, c4 + 1);
  if (LITERAL.test(prefix)) return new ArnMatcher(prefix, [compileGlob(pattern.slice(c4 + 1))]);
  // The six parts, from the colon positions (no tuple of slices as `splitArn` builds).
  const parts = new Array<GlobMatcher>(6);
  let from = 0;
  for (let i = 0; i < 5; i++) {
    // `compileGlob` does not use the `COLONS` scratch space.
    const to = COLONS[i] as number;
    parts[i] = compileGlob(pattern.slice(from, to));
    from = to + 1;
  }
  parts[5] = compileGlob(pattern.slice(from));
  return new ArnMatcher(undefined, parts);
}

/** How many compiled ARN patterns the cache holds (for tests of its bound). */
export function arnCacheSize(): number {
  return arnCache.size;
}

/**
 * `ArnLike` / `ArnEquals` (IAM UG, condition operators, "Amazon Resource Name
 * (ARN) condition operators"): case-sensitive; each of the six colon-delimited
 * parts is matched separately and may hold `*` / `?`, so a wildcard in the
 * first five parts never spans a `:`; the resource part (the sixth, which may
 * itself contain `:` and `/`) is matched as a whole. A value that is not a
 * six-part ARN matches nothing. `ArnEquals` behaves exactly like `ArnLike`.
 */
export function matchArnLike(pattern: string, value: string): boolean {
  return compileArnPattern(pattern).matches(value);
}

/**
 * A `Resource` / `NotResource` pattern prepared for matching (see
 * {@link matchResource}): `*`, a six-part ARN pattern, or a pattern matched
 * against the whole string. Preparing it costs one scan of the text: every
 * match starts with the pattern's literal head (the text before its first
 * `*`, `?` or `\`), so a resource without it is no match, and a pattern that
 * is its head and one trailing `*` (`arn:aws:iam::111122223333:role/*`,
 * `arn:aws:s3:::bucket/*`) matches exactly the resources that start with it
 * (the head then holds the first five ARN parts whole, or the pattern is not
 * an ARN). Any other pattern is compiled when a resource first passes the
 * head check, so that a pattern no request comes near (most `Resource`
 * patterns of an identity policy, against a role ARN) is never compiled. The
 * compiled form is set at most once and depends on the pattern alone.
 */
export class ResourceMatcher {
  /** The compiled pattern, once some resource passed the head check. */
  private compiled: ArnMatcher | GlobMatcher | undefined;
  /** The literal head; `undefined` when it is the whole pattern (no wildcard, no escape). */
  private readonly head: string | undefined;
  /** The pattern is its head and one trailing `*`. */
  private readonly prefix: boolean;

  constructor(private readonly pattern: string) {
    const n = literalHeadLength(pattern);
    this.head = n === pattern.length ? undefined : pattern.slice(0, n);
    this.prefix = n === pattern.length - 1 && pattern.charCodeAt(n) === 42; /* * */
  }

  matches(resource: string): boolean {
    const head = this.head;
    // A pattern without wildcards matches only itself (part by part, that is the whole text).
    if (head === undefined) return resource === this.pattern;
    if (!resource.startsWith(head)) return false;
    if (this.prefix) return true;
    const pattern = this.pattern;
    this.compiled ??= arnColons(pattern) ? compileArnPattern(pattern) : compileGlob(pattern);
    return this.compiled.matches(resource);
  }
}

/** Length of the text before the first `*`, `?` or `\\` (all of it when there is none). */
function literalHeadLength(pattern: string): number {
  let n = pattern.indexOf('*');
  if (n < 0) n = pattern.length;
  const one = pattern.indexOf('?');
  if (one >= 0 && one < n) n = one;
  const backslash = pattern.indexOf('\\');
  if (backslash >= 0 && backslash < n) n = backslash;
  return n;
}

const ANY_RESOURCE = new ResourceMatcher('*');

export function compileResourcePattern(pattern: string): ResourceMatcher {
  return pattern === '*' ? ANY_RESOURCE : new ResourceMatcher(pattern);
}

/**
 * `Resource` / `NotResource` element matching (IAM UG, "IAM JSON policy
 * elements: Resource"): `*` alone matches every resource; an ARN pattern is
 * matched part by part like `ArnLike` (wildcards allowed in every part, never
 * spanning the `:` between the first five parts), case-sensitively. A pattern
 * that is not a six-part ARN is compared to the whole resource string.
 */
export function matchResource(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  if (!arnColons(pattern)) return globMatch(pattern, resource);
  return compileArnPattern(pattern).matches(resource);
}
