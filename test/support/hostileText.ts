import fc from 'fast-check';
import { INVISIBLE } from '../../lib/render/safeText.js';

/**
 * Hostile text for property tests: pieces that try every way a string can
 * escape its place in Slack mrkdwn or a terminal (line breaks of every kind,
 * backticks and fences, formatting markers, mentions, links, entities,
 * zero-width and bidi characters, terminal escapes, halves of surrogate
 * pairs), a forged line, and arbitrary Unicode, joined in any order and at
 * any length (long enough to force clipping).
 */
export const FORGED = 'FORGED';
const PIECES = [
  `\n${FORGED} *Role:* \`arn:aws:iam::999999999999:role/evil\``,
  `\r\n${FORGED}`,
  `\u2028${FORGED}`,
  `\u2029${FORGED}`,
  `\u0085${FORGED}`,
  '`',
  '```',
  '``` rm -rf / ```',
  '*bold*',
  ' *x* ',
  '_it_',
  ' _x_ ',
  '~s~',
  '>quote',
  '<!channel>',
  '<!here|here>',
  '<@U012AB3CD>',
  '<#C123|general>',
  '<https://evil.example|click here>',
  'https://evil.example/x',
  'www.evil.example',
  '@here',
  '@channel',
  '@everyone',
  '&amp;',
  '&lt;!channel&gt;',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\u202E',
  '\u2066',
  '\u00AD',
  '\u001B[31m',
  '\u001B]8;;https://evil.example\u0007',
  '\u009B2J',
  '\t',
  '\uD83D',
  '\uDE00',
  '😀',
  'ˋ',
  '…',
  'a'.repeat(500),
] as const;

export const hostileString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...PIECES) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Slack's own pairing: ``` blocks first, then inline code spans within a line. */
export function splitCode(mrkdwn: string): { outside: string; spans: string[]; blocks: string[] } {
  const blocks: string[] = [];
  const spans: string[] = [];
  const noBlocks = mrkdwn.replace(/```([\s\S]*?)```/g, (_m, inner: string) => {
    blocks.push(inner);
    return '\u0000B';
  });
  const outside = noBlocks.replace(/`([^`\n]*)`/g, (_m, inner: string) => {
    spans.push(inner);
    return '\u0000S';
  });
  return { outside, spans, blocks };
}

/** trustwatch's own formatting: `*Label:*`, `*CAUSE_CODE*`, `_(note)_` with plain ASCII inside. */
const TEMPLATE_TOKEN = /\*[A-Za-z0-9][A-Za-z0-9 _:.,()'-]*\*|_\([A-Za-z0-9 ,.'-]+\)_/g;

export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Problems with one mrkdwn text (section, context element, or top-level `text`). */
export function mrkdwnProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${where}: ${what} in ${JSON.stringify(text)}`);
  if (LONE_SURROGATE.test(text)) say('a lone surrogate');
  if (/[<>]/.test(text)) say('a raw < or > (link, mention or quote syntax)');
  if (/[\r\u000B\u000C\u0085\u2028\u2029]/.test(text)) say('a line break other than \\n');
  const { outside, blocks } = splitCode(text);
  if (outside.includes('`')) say('an unpaired backtick (a span left open)');
  const prose = outside.replace(TEMPLATE_TOKEN, '');
  if (/[*~]/.test(prose)) say('a formatting marker outside the template');
  if (/(^|[^\p{L}\p{N}])_|_($|[^\p{L}\p{N}])/u.test(prose.replace(/\u0000[BS]/g, ' ')))
    say('an underscore at a word edge outside the template');
  if (/@(here|channel|everyone)/i.test(outside)) say('a mention');
  if (/:\/\/|www\./i.test(outside)) say('a link');
  for (const line of outside.split('\n')) {
    if (line.replace(/^[\s•]+/, '').startsWith(FORGED)) say('a forged line');
  }
  for (const b of blocks) {
    if (INVISIBLE.test(b)) say('an invisible character in a code block');
  }
  return problems;
}

interface Block {
  readonly type: string;
  readonly text?: { readonly type: string; readonly text: string };
  readonly elements?: readonly { readonly type: string; readonly text: string }[];
}

/** Every rule a Slack payload built from hostile text must keep. */
export function slackPayloadProblems(payload: {
  readonly text: string;
  readonly blocks: readonly unknown[];
}): string[] {
  const problems: string[] = [];
  if (typeof payload.text !== 'string' || payload.text === '') problems.push('no top-level text');
  if (payload.text.length > 3000) problems.push(`top-level text ${payload.text.length} > 3000`);
  if (payload.text.includes('\n')) problems.push('a new line in the top-level text');
  problems.push(...mrkdwnProblems(payload.text, 'text'));
  if (payload.blocks.length > 50) problems.push(`${payload.blocks.length} blocks > 50`);
  (payload.blocks as Block[]).forEach((b, i) => {
    if (b.type === 'header') {
      const t = b.text?.text ?? '';
      if (b.text?.type !== 'plain_text') problems.push(`block ${i}: header not plain_text`);
      if (t.length === 0 || t.length > 150) problems.push(`block ${i}: header length ${t.length}`);
      if (/[\n\r\u2028\u2029]/.test(t) || INVISIBLE.test(t))
        problems.push(`block ${i}: header holds a line break or invisible character`);
    } else if (b.type === 'section') {
      const t = b.text?.text ?? '';
      if (t.length === 0 || t.length > 3000)
        problems.push(`block ${i}: section length ${t.length}`);
      problems.push(...mrkdwnProblems(t, `block ${i}`));
    } else if (b.type === 'context') {
      const els = b.elements ?? [];
      if (els.length === 0 || els.length > 10) problems.push(`block ${i}: ${els.length} elements`);
      for (const e of els) {
        if (e.text.length === 0 || e.text.length > 3000)
          problems.push(`block ${i}: context length ${e.text.length}`);
        problems.push(...mrkdwnProblems(e.text, `block ${i}`));
      }
    } else if (b.type !== 'divider') {
      problems.push(`block ${i}: unexpected type ${b.type}`);
    }
  });
  return problems;
}
