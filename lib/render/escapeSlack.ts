import {
  type CodePointMapper,
  ELLIPSIS,
  escapeClipped,
  isInvisible,
  isLineBreak,
  isPlainBlock,
  isPlainLine,
  LINE_MARK,
  quotesLineBreak,
  visibleEscape,
} from './safeText.js';

/**
 * Slack `mrkdwn` for untrusted text, one function per context a string can
 * land in, all following lib/render/safeText.ts (clip first on code points,
 * then escape once, code point by code point):
 *
 * | context | function | what an attacker's string can do there |
 * |---|---|---|
 * | code span (every event value) | {@link slackCode} | nothing: one line, `&<>` as entities, a backtick shown as `ˋ`, invisibles as `\u{…}` |
 * | prose (sentences, titles) | {@link slackProse} | nothing: as above, plus `*~` and word-edge `_` as look-alikes, `@` and `://` broken |
 * | sentence quoting values in backticks | {@link slackSummary} | the template's backticks stay paired: a value holding a backtick is matched before pairing |
 * | code block (text to paste) | {@link slackCodeBlock} | nothing: exact text or no block at all (see there) |
 * | `plain_text` (header) | {@link slackPlain} | nothing: one line, clipped |
 *
 * Slack has no escape for `*`, `_`, `~` or `` ` ``, and a zero-width space
 * is not reliably a word boundary for its formatter, so prose replaces them
 * with look-alike characters: the text reads the same and cannot format. The
 * only invisible character ever written is the zero-width space that breaks
 * `@here`, `://` and `www.` in prose (never in code: code holds exactly the
 * text, and `&<>` as entities already make a link or mention impossible).
 */

/** The longest value quoted in a section (UTF-16 units, escaped, code span included). */
export const VALUE_LIMIT = 300;

const ZWSP = '\u200B';
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Stands for a backtick inside a code span or prose: U+02CB MODIFIER LETTER GRAVE ACCENT. */
export const BACKTICK_LOOKALIKE = 'ˋ';
const PROSE_LOOKALIKES: Readonly<Record<string, string>> = {
  '*': '∗', // U+2217 ASTERISK OPERATOR
  '~': '∼', // U+223C TILDE OPERATOR
  '`': BACKTICK_LOOKALIKE,
  _: 'ˍ', // U+02CD MODIFIER LETTER LOW MACRON
};

const isWordChar = (cp: string | undefined): boolean =>
  cp !== undefined && /^[\p{L}\p{N}]$/u.test(cp);

/** What {@link codeMap} changes besides tabs, line breaks and invisibles. */
const CODE_ESCAPED = /[`&<>]/;

const codeMap: CodePointMapper = (cps, i) => {
  const cp = cps[i] as string;
  if (cp === '`') return BACKTICK_LOOKALIKE;
  if (cp === '\t') return ' ';
  if (isLineBreak(cp)) return LINE_MARK;
  if (isInvisible(cp)) return visibleEscape(cp);
  return ENTITIES[cp] ?? cp;
};

/**
 * What {@link proseMap} may change besides tabs, line breaks and invisibles:
 * an underscore at a word's edge (one inside a word, as in a cause code, is
 * kept), and a superset of the rest (any `://` and `www.`).
 */
const PROSE_ESCAPED = /[&<>*~`@]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|:\/\/|www\./iu;

const proseMap: CodePointMapper = (cps, i) => {
  const cp = cps[i] as string;
  if (cp === '\t') return ' ';
  if (isLineBreak(cp)) return LINE_MARK;
  if (isInvisible(cp)) return '';
  const entity = ENTITIES[cp];
  if (entity !== undefined) return entity;
  // An underscore inside a word (ROLE_NOT_FOUND) never formats; at a word's edge it could.
  if (cp === '_' && isWordChar(cps[i - 1]) && isWordChar(cps[i + 1])) return cp;
  const lookalike = PROSE_LOOKALIKES[cp];
  if (lookalike !== undefined) return lookalike;
  if (cp === '@') return `@${ZWSP}`;
  // Break `://` (auto-linked URLs) and `www.` (auto-linked host names).
  if (cp === '/' && cps[i - 1] === ':' && cps[i + 1] === '/') return `${ZWSP}/`;
  if (
    cp === '.' &&
    cps
      .slice(Math.max(0, i - 3), i)
      .join('')
      .toLowerCase() === 'www'
  ) {
    return `${ZWSP}.`;
  }
  return cp;
};

const plainMap: CodePointMapper = (cps, i) => {
  const cp = cps[i] as string;
  if (cp === '\t') return ' ';
  if (isLineBreak(cp)) return LINE_MARK;
  if (isInvisible(cp)) return '';
  return cp;
};

/**
 * Untrusted text as an inline code span it cannot leave, at most `max` units
 * long including the two backticks. Empty text is a one-space span.
 */
export function slackCode(text: string, max = VALUE_LIMIT): string {
  const limit = Math.max(1, max - 2);
  const inner =
    text.length <= limit && isPlainLine(text) && !CODE_ESCAPED.test(text)
      ? text
      : escapeClipped(text, codeMap, limit);
  return `\`${inner === '' ? ' ' : inner}\``;
}

/** Untrusted (or trusted) text as mrkdwn prose that can format, link or mention nothing. */
export function slackProse(text: string, max = Infinity): string {
  if (text.length <= max && isPlainLine(text) && !PROSE_ESCAPED.test(text)) return text;
  return escapeClipped(text, proseMap, max);
}

/** @deprecated name kept for callers outside lib/render: {@link slackProse}. */
export const escapeSlack = slackProse;

/** Text for a `plain_text` object (a header): one line, nothing invisible, clipped. */
export function slackPlain(text: string, max: number): string {
  if (text.length <= max && isPlainLine(text)) return text;
  return escapeClipped(text, plainMap, max);
}

/** Why a code block was not shown. */
export type CodeBlockOmission = 'too-long' | 'backtick' | 'invisible' | 'quoted-line-break';

export type SlackCodeBlock =
  | { readonly kind: 'block'; readonly mrkdwn: string }
  | { readonly kind: 'omitted'; readonly reason: CodeBlockOmission };

/**
 * Text to paste (a policy, a CLI command, Terraform) as a code block holding
 * exactly that text, or no block at all: Slack has no way to show a backtick
 * run or an invisible character inside a code block faithfully (a fence can
 * be closed from inside; a zero-width space breaks the command it sits in),
 * and clipping would leave a command that runs but does something else. So a
 * text with a backtick, an invisible character or a line break other than
 * `\n`, or one longer than `max` once escaped, is `omitted` and the caller
 * points to the full text instead. So is a text quoting an `untrusted` value
 * that holds a line break: its lines are the caller's, not trustwatch's, and
 * a pasted command would run them (see {@link quotesLineBreak}). `&<>` are entities, which Slack shows (and
 * copies) as the characters themselves.
 */
export function slackCodeBlock(
  text: string,
  max: number,
  untrusted: readonly string[] = [],
): SlackCodeBlock {
  const normalized = text.replace(/\r\n/g, '\n');
  if (quotesLineBreak(normalized, untrusted))
    return { kind: 'omitted', reason: 'quoted-line-break' };
  if (normalized.includes('`')) return { kind: 'omitted', reason: 'backtick' };
  if (!isPlainBlock(normalized)) return { kind: 'omitted', reason: 'invisible' };
  const mrkdwn = `\`\`\`${normalized.replace(/[&<>]/g, (c) => ENTITIES[c] as string)}\`\`\``;
  return mrkdwn.length <= max ? { kind: 'block', mrkdwn } : { kind: 'omitted', reason: 'too-long' };
}

interface Segment {
  code: boolean;
  text: string;
}

/**
 * Splits a sentence that quotes values between backticks into prose and code
 * segments. Values in `untrusted` that hold a backtick are located first and
 * kept whole inside the segment they start in, so their backticks cannot
 * shift the pairing of the template's own; a template with an odd number of
 * backticks ends in a code segment (closed when rendered).
 */
function segments(text: string, untrusted: readonly string[]): Segment[] {
  const risky = [...new Set(untrusted.filter((v) => v.includes('`')))].sort(
    (a, b) => b.length - a.length,
  );
  if (risky.length === 0) {
    // Only the template's own backticks: they alternate prose and code.
    return text
      .split('`')
      .map((part, n) => ({ code: n % 2 === 1, text: part }))
      .filter((seg) => seg.code || seg.text !== '');
  }
  const out: Segment[] = [{ code: false, text: '' }];
  let i = 0;
  while (i < text.length) {
    const current = out[out.length - 1] as Segment;
    const value = risky.find((v) => text.startsWith(v, i));
    if (value !== undefined) {
      current.text += value;
      i += value.length;
    } else if (text[i] === '`') {
      out.push({ code: !current.code, text: '' });
      i++;
    } else {
      current.text += text[i];
      i++;
    }
  }
  return out.filter((s) => s.code || s.text !== '');
}

/**
 * A diagnosis sentence (a cause summary, a fix title): its backtick-quoted
 * parts become code spans, the rest prose, within `max` units. `untrusted`
 * lists the event values the sentence may quote (see `untrustedValues`), so a
 * backtick inside one of them stays inside its span. Clipping happens segment
 * by segment, before escaping, so every span that is opened is closed.
 */
export function slackSummary(
  text: string,
  untrusted: readonly string[] = [],
  max = Infinity,
): string {
  let out = '';
  for (const seg of segments(text, untrusted)) {
    const render = (limit: number) =>
      seg.code ? slackCode(seg.text, limit) : slackProse(seg.text, limit);
    const room = max - out.length;
    const whole = render(Infinity);
    if (whole.length <= room) {
      out += whole;
      continue;
    }
    // Clipped here: the rest of the sentence is dropped (a span needs room for its backticks).
    out += room >= (seg.code ? 3 : 1) ? render(room) : room >= 1 ? ELLIPSIS : '';
    break;
  }
  return out;
}
