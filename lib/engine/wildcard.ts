/**
 * Glob matching for IAM strings. A pattern is in the engine's *escaped* form:
 * `*` matches any run of characters (also empty, also across `:` and `/`),
 * `?` matches exactly one character, and `\` makes the next character literal
 * (so a policy-variable value or a `${*}` escape can carry a literal `*`).
 * Raw policy text becomes a pattern with {@link globFromRaw}; a value that
 * must match only itself with {@link globFromLiteral}.
 *
 * Matching is iterative with single-star backtracking: linear memory, no
 * regular expressions built from policy text, no catastrophic backtracking.
 */

type Token =
  | { readonly t: 'lit'; readonly c: string }
  | { readonly t: 'star' }
  | { readonly t: 'one' };

/** Raw policy text → pattern: `*` and `?` stay wildcards, a backslash is literal. */
export function globFromRaw(raw: string): string {
  return raw.replace(/\\/g, '\\\\');
}

/** Any text → pattern that matches exactly that text. */
export function globFromLiteral(text: string): string {
  return text.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** Pattern → the plain text it spells, treating wildcards as ordinary characters. */
export function globToText(pattern: string): string {
  return pattern.replace(/\\(.)/gs, '$1');
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

function tokenize(pattern: string, ignoreCase: boolean): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      i++;
      const lit = pattern[i] as string;
      tokens.push({ t: 'lit', c: ignoreCase ? lit.toLowerCase() : lit });
    } else if (c === '*') {
      if (tokens.at(-1)?.t !== 'star') tokens.push({ t: 'star' });
    } else if (c === '?') {
      tokens.push({ t: 'one' });
    } else {
      tokens.push({ t: 'lit', c: ignoreCase ? c.toLowerCase() : c });
    }
  }
  return tokens;
}

/**
 * Does `text` match the escaped glob `pattern` as a whole?
 * Characters are compared as UTF-16 code units (IAM strings are matched the same way
 * for every character a policy can realistically contain).
 */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const tokens = tokenize(pattern, ignoreCase);
  const s = ignoreCase ? text.toLowerCase() : text;
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < s.length) {
    const tok = tokens[ti];
    if (tok !== undefined && (tok.t === 'one' || (tok.t === 'lit' && tok.c === s[si]))) {
      ti++;
      si++;
    } else if (tok !== undefined && tok.t === 'star') {
      starTi = ti;
      starSi = si;
      ti++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      starSi++;
      si = starSi;
    } else {
      return false;
    }
  }
  while (tokens[ti]?.t === 'star') ti++;
  return ti === tokens.length;
}
