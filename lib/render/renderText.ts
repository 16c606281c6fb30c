import { messageUnknownsNote } from '../diagnosis/causeProse.js';
import type { Cause, Diagnosis, ExplainOutput, Fix } from '../diagnosis/Diagnosis.js';
import { describeState } from '../iam/StateLabel.js';
import { quotesLineBreak, terminalBlock, terminalLine } from './safeText.js';
import { untrustedValues } from './untrustedValues.js';

export interface TextRenderOptions {
  /** ANSI colours (the CLI asks for them when stdout is a terminal). */
  readonly color: boolean;
}

const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;
type Style = keyof typeof ANSI;

function painter(color: boolean): (style: Style, text: string) => string {
  return (style, text) => (color ? `\u001B[${ANSI[style]}m${text}\u001B[0m` : text);
}

/** A line break followed by a non-empty line. */
const BREAK_BEFORE_TEXT = /\n(?=[^\n])/g;

/**
 * Prefixes every non-empty line of `text` with `pad` (one native pass, no
 * array of lines). `pad` is spaces and `|`: no `$` replacement pattern in it.
 */
function indent(text: string, pad: string): string {
  const tail = text.replace(BREAK_BEFORE_TEXT, `\n${pad}`);
  return text === '' || text.startsWith('\n') ? tail : `${pad}${tail}`;
}

function evidenceText(c: Cause): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(c.evidence)) {
    if (v === undefined || k === 'awsMessage') continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      parts.push(
        `${k}: ${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}`,
      );
    } else if (typeof v === 'object' && v !== null) {
      parts.push(`${k}: ${JSON.stringify(v)}`);
    } else {
      parts.push(`${k}: ${String(v)}`);
    }
  }
  return parts.join('\n');
}

/** A command or Terraform to paste, or why it is not shown (it quotes event text holding a line break). */
function pasteBlock(label: string, text: string, untrusted: readonly string[]): string[] {
  if (quotesLineBreak(text, untrusted)) {
    return [
      `  ${label}: not shown (it quotes event text that holds a line break, which would run as a command of its own); \`--format json\` has it`,
    ];
  }
  return [`  ${label}:`, indent(text, '    ')];
}

function fixText(f: Fix, paint: ReturnType<typeof painter>, untrusted: readonly string[]): string {
  const lines = [
    `${paint('green', 'fix')} for ${f.cause}: ${f.title}${f.verified ? paint('dim', ' (verified)') : ''}`,
  ];
  if (f.appliesTo !== undefined) lines.push(`  applies to: ${f.appliesTo}`);
  if (f.iamPolicy !== undefined)
    lines.push('  IAM policy:', indent(JSON.stringify(f.iamPolicy, null, 2), '    '));
  if (f.awsCli !== undefined) lines.push(...pasteBlock('AWS CLI', f.awsCli, untrusted));
  if (f.terraform !== undefined) lines.push(...pasteBlock('Terraform', f.terraform, untrusted));
  return lines.join('\n');
}

const CONFIDENCE_STYLE = { confirmed: 'red', likely: 'yellow', possible: 'dim' } as const;

function diagnosisText(
  d: Diagnosis,
  paint: ReturnType<typeof painter>,
  untrusted: readonly string[],
): string {
  const lines: string[] = [];
  lines.push(
    paint('bold', `${d.eventName} denied`) +
      `  event ${d.eventId}${d.eventTime === undefined ? '' : `  at ${d.eventTime}`}`,
  );
  lines.push(
    `  caller  ${d.caller.arn ?? `${d.caller.type}${d.caller.sessionName === undefined ? '' : ` ${d.caller.sessionName}`}`}${d.caller.accountId === undefined ? '' : `  (account ${d.caller.accountId})`}`,
  );
  lines.push(
    `  role    ${d.target.roleArn ?? 'unknown'}${d.target.accountId === undefined ? '' : `  (account ${d.target.accountId})`}`,
  );
  if (d.input === 'message') {
    lines.push(
      `  ${paint('dim', 'explained from an error message')}: ${terminalLine(messageUnknownsNote(d.eventName))}`,
    );
  }
  d.causes.forEach((c, i) => {
    lines.push('');
    lines.push(
      `  ${i + 1}. ${paint('bold', c.code)}  ${paint(CONFIDENCE_STYLE[c.confidence], c.confidence)}, ${c.side} side`,
    );
    lines.push(indent(c.summary, '     '));
    const ev = evidenceText(c);
    if (ev !== '') lines.push(indent(ev, '     | '));
  });
  for (const f of d.fixes) {
    lines.push('');
    lines.push(indent(fixText(f, paint, untrusted), '  '));
  }
  return lines.join('\n');
}

/** The diagnoses for a person, plain unless `color` is asked for. */
export function renderText(out: ExplainOutput, opts: TextRenderOptions): string {
  const paint = painter(opts.color);
  const header =
    out.state === undefined
      ? ''
      : `${paint('dim', `explained against ${terminalLine(describeState(out.state))}`)}\n\n`;
  const parts = out.diagnoses.map((d) =>
    // Event values as they appear in the terminal-safe fix text (same per-code-point mapping).
    // Only values holding a line break can make a paste block unsafe (quotesLineBreak).
    diagnosisText(sanitize(d), paint, untrustedValues(d).filter(hasLineFeed).map(terminalBlock)),
  );
  if (out.skipped.length > 0) {
    parts.push(
      [
        paint('dim', `skipped ${out.skipped.length} record${out.skipped.length === 1 ? '' : 's'}:`),
        ...out.skipped.map(
          (s) => `  ${terminalLine(s.eventId ?? '(no event id)')}: ${terminalLine(s.reason)}`,
        ),
      ].join('\n'),
    );
  }
  if (parts.length === 0) return `${header}no denied role assumption found\n`;
  return `${header}${parts.join(`\n\n${'─'.repeat(72)}\n\n`)}\n`;
}

/** After terminalBlock a value holds a line break exactly when it held a `\n` (alone or in CR LF). */
const hasLineFeed = (v: string): boolean => v.includes('\n');

/** Fields whose line breaks are trustwatch's own (multi-line commands and Terraform). */
const MULTILINE = new Set(['awsCli', 'terraform']);

/**
 * A diagnosis with every string made terminal-safe (and one line, outside
 * code). Copy on write: only the objects and arrays on the way to a string
 * that changes are copied, so a diagnosis without such a string (nearly all)
 * comes back as itself.
 */
function sanitize<T>(value: T, key = ''): T {
  if (typeof value === 'string') {
    return (MULTILINE.has(key) ? terminalBlock(value) : terminalLine(value)) as T;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const safe = sanitize(value[i], key);
      if (safe === value[i]) continue;
      copy ??= [...value];
      copy[i] = safe;
    }
    return (copy ?? value) as T;
  }
  const fields = value as Record<string, unknown>;
  const keys = Object.keys(fields);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    // Keys are policy text too (a condition key, a tag key): escaped like values.
    const safeKey = terminalLine(k);
    const safe = sanitize(fields[k], k);
    if (copy === undefined) {
      if (safe === fields[k] && safeKey === k) continue;
      // No prototype: a key such as `__proto__` (a policy's condition key) stays a plain key.
      copy = Object.create(null) as Record<string, unknown>;
      for (let j = 0; j < i; j++) copy[keys[j] as string] = fields[keys[j] as string];
    }
    copy[safeKey] = safe;
  }
  return (copy ?? value) as T;
}
