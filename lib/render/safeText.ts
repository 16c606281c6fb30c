/**
 * The one rule for untrusted text (role session names, user agents, source
 * identities, OIDC subjects, requested role names, anything else an event
 * carries) in every renderer:
 *
 * 1. **clip first**, on code-point boundaries (a surrogate pair is never
 *    split), measured in the units of the output it lands in;
 * 2. **escape once**, for the exact context it lands in, one code point at a
 *    time, so that clipping can never cut an escape or leave a span open.
 *
 * {@link escapeClipped} is the engine: it maps each code point of the raw
 * text to its escaped form and stops before the output would pass its limit.
 * The per-context mappers live next to their renderer (lib/render/escapeSlack.ts
 * for Slack, {@link terminalLine}/{@link terminalBlock} here for terminals).
 */

/** Line breaks in every form Unicode and terminals know (CR LF counts once). */
export const LINE_BREAK = /\r\n|[\n\r\u000B\u000C\u0085\u2028\u2029]/g;

/**
 * Code points that draw nothing, reorder the text around them, or drive a
 * terminal: C0/C1 controls (but tab and line breaks, handled on their own),
 * soft hyphen, joiners and zero-width spaces, bidirectional marks, embeddings,
 * overrides and isolates (Trojan Source), invisible operators, variation
 * selectors, Hangul fillers, interlinear annotation, tag characters, and
 * unpaired surrogates.
 */
const INVISIBLE_RANGES =
  '\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF9-\\uFFFB\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}\\uD800-\\uDFFF';
const INVISIBLE_CLASS = `[${INVISIBLE_RANGES}]`;

/** Line breaks as a character class (CR LF is two of them, which is all a test needs). */
const BREAK_CLASS = '\\n\\r\\u000B\\u000C\\u0085\\u2028\\u2029';

/** Matches one invisible code point (see {@link INVISIBLE_CLASS}). */
export const INVISIBLE = new RegExp(INVISIBLE_CLASS, 'u');
/** Every invisible code point, for `replace`/`match`. */
export const INVISIBLE_ALL = new RegExp(INVISIBLE_CLASS, 'gu');

const SINGLE_BREAK = new RegExp(`^[${BREAK_CLASS}]$`);
const ANY_BREAK = new RegExp(`[${BREAK_CLASS}]`);

/**
 * A code point {@link terminalLine} changes (tab, line break, invisible), and
 * one {@link terminalBlock} changes (the same but tab and `\n`): text without
 * one is its own escape, which is what nearly every string is. One character
 * class each (not an alternation of two): one test per code point.
 */
const LINE_ESCAPED = new RegExp(`[\\t${BREAK_CLASS}${INVISIBLE_RANGES}]`, 'u');
const BLOCK_ESCAPED = new RegExp(
  `[\\r\\u000B\\u000C\\u0085\\u2028\\u2029${INVISIBLE_RANGES}]`,
  'u',
);

/** True when `raw` holds no tab, line break or invisible code point: one-line escapers keep it as it is. */
export function isPlainLine(raw: string): boolean {
  return !LINE_ESCAPED.test(raw);
}

/** True when `raw` holds no line break but `\n` and no invisible code point: block escapers keep it as it is. */
export function isPlainBlock(raw: string): boolean {
  return !BLOCK_ESCAPED.test(raw);
}

/** True for one code point that is a line break (see {@link LINE_BREAK}). */
export function isLineBreak(cp: string): boolean {
  return SINGLE_BREAK.test(cp);
}

/** True for one code point that is invisible (see {@link INVISIBLE}). */
export function isInvisible(cp: string): boolean {
  return INVISIBLE.test(cp);
}

/** An invisible or control code point made visible, e.g. `\u{200b}`. */
export function visibleEscape(cp: string): string {
  return `\\u{${(cp.codePointAt(0) ?? 0).toString(16)}}`;
}

/** The mark shown in place of a line break in one-line output. */
export const LINE_MARK = ' ⏎ ';
/** The mark appended to clipped text. */
export const ELLIPSIS = '…';

/**
 * Maps one code point of the raw text (with its neighbours, for the few
 * escapes that depend on context) to its escaped form.
 */
export type CodePointMapper = (cps: readonly string[], i: number) => string;

/**
 * Escapes `raw` code point by code point with `map`, clipping so that the
 * result (including the ellipsis when clipped) is at most `max` UTF-16 units
 * (the strictest way Slack and terminals count characters). CR LF is one line
 * break. The cut always falls between two code points of the raw text, so no
 * escape, entity or surrogate pair is ever split.
 */
export function escapeClipped(raw: string, map: CodePointMapper, max = Infinity): string {
  const cps = Array.from(raw.replace(/\r\n/g, '\n'));
  const parts: string[] = [];
  let used = 0;
  for (let i = 0; i < cps.length; i++) {
    const out = map(cps, i);
    if (used + out.length > max) {
      // Make room for the ellipsis by dropping whole escaped code points.
      while (parts.length > 0 && used + ELLIPSIS.length > max) {
        used -= (parts.pop() as string).length;
      }
      return used + ELLIPSIS.length <= max ? `${parts.join('')}${ELLIPSIS}` : parts.join('');
    }
    parts.push(out);
    used += out.length;
  }
  return parts.join('');
}

/** Clips text to at most `max` UTF-16 units on a code-point boundary, marking the cut. */
export function clipText(raw: string, max: number): string {
  return escapeClipped(raw, (cps, i) => cps[i] as string, max);
}

const terminalLineMap: CodePointMapper = (cps, i) => {
  const cp = cps[i] as string;
  if (cp === '\t') return ' ';
  if (isLineBreak(cp)) return LINE_MARK;
  if (isInvisible(cp)) return visibleEscape(cp);
  return cp;
};

const terminalBlockMap: CodePointMapper = (cps, i) => {
  const cp = cps[i] as string;
  if (cp === '\n' || cp === '\t') return cp;
  if (isLineBreak(cp) || isInvisible(cp)) return visibleEscape(cp);
  return cp;
};

/**
 * Untrusted text for a terminal, on one line: no escape sequence (ESC, CSI,
 * OSC are controls), no bidirectional reordering, no invisible character (each
 * is shown as `\u{…}`), and a line break is shown as ` ⏎ ` so it cannot forge
 * an output line.
 */
export function terminalLine(raw: string, max = Infinity): string {
  if (raw.length <= max && isPlainLine(raw)) return raw;
  return escapeClipped(raw, terminalLineMap, max);
}

/**
 * Multi-line text for a terminal (trustwatch's own commands and Terraform):
 * `\n` and tab stay, every other line break, control or invisible character
 * is shown as `\u{…}`.
 */
export function terminalBlock(raw: string): string {
  if (isPlainBlock(raw)) return raw;
  return escapeClipped(raw, terminalBlockMap);
}

/**
 * True when `text` (a command or Terraform trustwatch wrote) quotes one of
 * the `untrusted` values and that value holds a line break: the lines it
 * adds are the caller's, so the text must not be shown as something to
 * paste.
 */
export function quotesLineBreak(text: string, untrusted: readonly string[]): boolean {
  return untrusted.some((v) => ANY_BREAK.test(v) && text.includes(v));
}
