import { BoundedCache } from '../validation/BoundedCache.js';

/**
 * Glob matching for IAM strings. A pattern is in the engine's *escaped* form:
 * `*` matches any run of characters (also empty, also across `:` and `/`),
 * `?` matches exactly one character, and `\` makes the next character literal
 * (so a policy-variable value or a `${*}` escape can carry a literal `*`).
 * Raw policy text becomes a pattern with {@link globFromRaw}; a value that
 * must match only itself with {@link globFromLiteral}.
 *
 * A pattern is compiled once ({@link compileGlob}, cached and bounded) into
 * the fixed-length pieces between its stars; matching anchors the first piece
 * at the start, the last at the end and finds each middle piece at its
 * leftmost position, which is exact for globs and linear in practice: no
 * regular expressions built from policy text, no catastrophic backtracking.
 */

/** Raw policy text → pattern: `*` and `?` stay wildcards, a backslash is literal. */
export function globFromRaw(raw: string): string {
  return raw.includes('\\') ? raw.replace(/\\/g, '\\\\') : raw;
}

const SPECIAL = /[\\*?]/;

/** Any text → pattern that matches exactly that text. */
export function globFromLiteral(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[\\*?]/g, (c) => `\\${c}`) : text;
}

/** Pattern → the plain text it spells, treating wildcards as ordinary characters. */
export function globToText(pattern: string): string {
  return pattern.includes('\\') ? pattern.replace(/\\(.)/gs, '$1') : pattern;
}

/** True when the pattern contains an unescaped `*` or `?`. */
export function globHasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
  }
  return false;
}

/**
 * A run of pattern characters between two stars: `lit` holds the literal
 * characters (already lower-cased for case-insensitive patterns) and, when the
 * run contains `?`, `one[i]` is true at each position that matches any character.
 */
class Piece {
  readonly length: number;
  constructor(
    readonly lit: string,
    readonly one: readonly boolean[] | undefined,
  ) {
    this.length = lit.length;
  }

  /** Does the piece match `s` at position `at` (the caller checked that it fits)? */
  at(s: string, at: number): boolean {
    const one = this.one;
    if (one === undefined) return s.startsWith(this.lit, at);
    const lit = this.lit;
    for (let i = 0; i < lit.length; i++) {
      if (!one[i] && lit.charCodeAt(i) !== s.charCodeAt(at + i)) return false;
    }
    return true;
  }

  /** Leftmost position `>= from` where the piece matches and ends at or before `limit`, or -1. */
  find(s: string, from: number, limit: number): number {
    const last = limit - this.length;
    if (this.one === undefined) {
      const i = s.indexOf(this.lit, from);
      return i >= 0 && i <= last ? i : -1;
    }
    for (let i = from; i <= last; i++) if (this.at(s, i)) return i;
    return -1;
  }
}

/** A compiled glob pattern. Immutable; obtain one with {@link compileGlob}. */
export class GlobMatcher {
  /** Shortest text the pattern can match. */
  private readonly minLength: number;
  /** The only text the pattern matches, when it has no wildcard. */
  private readonly exact: string | undefined;

  constructor(
    /** Before the first star (the whole pattern when there is no star). */
    private readonly head: Piece,
    /** Between stars. */
    private readonly middle: readonly Piece[],
    /** After the last star; `undefined` when the pattern has no star. */
    private readonly tail: Piece | undefined,
    readonly ignoreCase: boolean,
    /** A pattern that can never match (see `compileGlob`). */
    private readonly never: boolean,
  ) {
    let min = head.length + (tail?.length ?? 0);
    for (const m of middle) min += m.length;
    this.minLength = min;
    this.exact = tail === undefined && head.one === undefined && !never ? head.lit : undefined;
  }

  /** Does the whole of `text` match? */
  matches(text: string): boolean {
    const s = this.ignoreCase ? text.toLowerCase() : text;
    if (this.exact !== undefined) return s === this.exact;
    return this.range(s, 0, s.length);
  }

  /** Like `matches`, for text the caller already lower-cased (`text.toLowerCase()`). */
  matchesLowered(lowered: string): boolean {
    if (this.exact !== undefined) return lowered === this.exact;
    return this.range(lowered, 0, lowered.length);
  }

  /** Does `s.slice(from, to)` match? `s` must already be lower-cased for a case-insensitive pattern. */
  range(s: string, from: number, to: number): boolean {
    if (this.never || to - from < this.minLength) return false;
    const head = this.head;
    const tail = this.tail;
    if (tail === undefined) return to - from === head.length && head.at(s, from);
    if (head.length > 0 && !head.at(s, from)) return false;
    const end = to - tail.length;
    if (tail.length > 0 && !tail.at(s, end)) return false;
    let pos = from + head.length;
    const middle = this.middle;
    for (let m = 0; m < middle.length; m++) {
      const piece = middle[m] as Piece;
      const i = piece.find(s, pos, end);
      if (i < 0) return false;
      pos = i + piece.length;
    }
    return true;
  }
}

/** ASCII text without `\\` or `?`: its pieces are the text between its stars. */
const PLAIN = /^[\x00-\x3e\x40-\x5b\x5d-\x7f]*$/;

function buildMatcher(pattern: string, ignoreCase: boolean): GlobMatcher {
  return PLAIN.test(pattern) ? buildPlain(pattern, ignoreCase) : buildEscaped(pattern, ignoreCase);
}

/**
 * A plain pattern (see `PLAIN`) split at its stars, without the character
 * loop of {@link buildEscaped}: ASCII lower-cases the same as a whole string
 * or unit by unit, and no piece has a `?`.
 */
function buildPlain(pattern: string, ignoreCase: boolean): GlobMatcher {
  const parts = (ignoreCase ? pattern.toLowerCase() : pattern).split('*');
  const head = plainPiece(parts[0] as string);
  if (parts.length === 1) return new GlobMatcher(head, NO_PIECES, undefined, ignoreCase, false);
  let middle: Piece[] | undefined;
  // Empty pieces between consecutive stars match anywhere: drop them.
  for (let i = 1; i < parts.length - 1; i++) {
    const lit = parts[i] as string;
    if (lit.length === 0) continue;
    middle ??= [];
    middle.push(new Piece(lit, undefined));
  }
  const tail = plainPiece(parts[parts.length - 1] as string);
  return new GlobMatcher(head, middle ?? NO_PIECES, tail, ignoreCase, false);
}

/** Pieces are immutable: the empty one (before a leading or after a trailing star) is shared. */
const EMPTY_PIECE = new Piece('', undefined);
const NO_PIECES: readonly Piece[] = [];

function plainPiece(lit: string): Piece {
  return lit.length === 0 ? EMPTY_PIECE : new Piece(lit, undefined);
}

function buildEscaped(pattern: string, ignoreCase: boolean): GlobMatcher {
  const pieces: Piece[] = [];
  let lit = '';
  let one: boolean[] | undefined;
  let stars = 0;
  let never = false;
  const push = (c: string, wild: boolean): void => {
    if (wild) {
      one ??= Array.from({ length: lit.length }, () => false);
      one.push(true);
      lit += '?';
      return;
    }
    // Lower-casing is per UTF-16 code unit (as the text is compared code unit by code unit);
    // a code unit whose lower case is longer than one unit can never be matched.
    const low = ignoreCase ? c.toLowerCase() : c;
    if (low.length !== 1) never = true;
    one?.push(false);
    lit += low;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      i++;
      push(pattern[i] as string, false);
    } else if (c === '*') {
      pieces.push(new Piece(lit, one));
      lit = '';
      one = undefined;
      stars++;
    } else if (c === '?') {
      push(c, true);
    } else {
      push(c, false);
    }
  }
  pieces.push(new Piece(lit, one));
  const head = pieces[0] as Piece;
  if (stars === 0) return new GlobMatcher(head, [], undefined, ignoreCase, never);
  const tail = pieces[pieces.length - 1] as Piece;
  // Empty pieces between consecutive stars match anywhere: drop them.
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  return new GlobMatcher(head, middle, tail, ignoreCase, never);
}

/** Upper bound on the number of compiled patterns kept per case mode; the cache is emptied when full. */
export const GLOB_CACHE_LIMIT = 4096;

const sensitiveCache = new BoundedCache<string, GlobMatcher>(GLOB_CACHE_LIMIT);
const insensitiveCache = new BoundedCache<string, GlobMatcher>(GLOB_CACHE_LIMIT);
const buildSensitive = (pattern: string): GlobMatcher => buildMatcher(pattern, false);
const buildInsensitive = (pattern: string): GlobMatcher => buildMatcher(pattern, true);

/** The compiled form of an escaped glob pattern, from a bounded cache. */
export function compileGlob(pattern: string, ignoreCase = false): GlobMatcher {
  return ignoreCase
    ? insensitiveCache.get(pattern, buildInsensitive)
    : sensitiveCache.get(pattern, buildSensitive);
}

/** How many compiled patterns the cache holds (for tests of its bound). */
export function globCacheSize(): number {
  return sensitiveCache.size + insensitiveCache.size;
}

/**
 * Does `text` match the escaped glob `pattern` as a whole?
 * Characters are compared as UTF-16 code units (IAM strings are matched the same way
 * for every character a policy can realistically contain).
 */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  return compileGlob(pattern, ignoreCase).matches(text);
}
