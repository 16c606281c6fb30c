import { messageUnknownsNote } from '../diagnosis/causeProse.js';
import type { Cause, Diagnosis, ExplainOutput, Fix } from '../diagnosis/Diagnosis.js';
import { describeState } from '../iam/StateLabel.js';
import { isPlainBlock, quotesLineBreak, terminalBlock, terminalLine } from './safeText.js';
import { untrustedLineFeedValues } from './untrustedValues.js';

export interface TextRenderOptions {
  /** ANSI colours (the CLI asks for them when stdout is a terminal). */
  readonly color: boolean;
}

const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;
type Style = keyof typeof ANSI;

type Painter = (style: Style, text: string) => string;

/** Text as it is: what {@link painter} gives when colour is off. */
const plain: Painter = (_style, text) => text;

function painter(color: boolean): Painter {
  return color ? (style, text) => `\u001B[${ANSI[style]}m${text}\u001B[0m` : plain;
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

/**
 * The evidence lines of a cause, each prefixed with `pad`, appended to `lines`
 * (its values are sanitized: one line each, so no second pass to indent them).
 */
function pushEvidence(c: Cause, pad: string, lines: string[]): void {
  for (const [k, v] of Object.entries(c.evidence)) {
    if (v === undefined || k === 'awsMessage') continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      lines.push(
        `${pad}${k}: ${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}`,
      );
    } else if (typeof v === 'object' && v !== null) {
      lines.push(`${pad}${k}: ${JSON.stringify(v)}`);
    } else {
      lines.push(`${pad}${k}: ${String(v)}`);
    }
  }
}

/**
 * A fix's IAM policy as pretty JSON, every key and string value escaped by
 * {@link terminalLine} as {@link sanitize} does. Fast path: JSON escapes every
 * control, tab, line break but U+0085/U+2028/U+2029, and lone surrogates with
 * a backslash, and {@link isPlainBlock} catches those three and every other
 * invisible code point; so pretty JSON with neither holds only plain strings,
 * which escaping leaves as they are: one stringify, no walk of the policy.
 */
function policyJson(policy: Record<string, unknown>): string {
  const pretty = JSON.stringify(policy, null, 2);
  if (!pretty.includes('\\') && isPlainBlock(pretty)) return pretty;
  return JSON.stringify(sanitize(policy), null, 2);
}

/**
 * A command or Terraform to paste (indented by `pad`), or why it is not shown
 * (it quotes event text holding a line break), appended to `lines`.
 */
function pushPasteBlock(
  label: string,
  text: string,
  untrusted: readonly string[],
  pad: string,
  lines: string[],
): void {
  if (quotesLineBreak(text, untrusted)) {
    lines.push(
      `${pad}${label}: not shown (it quotes event text that holds a line break, which would run as a command of its own); \`--format json\` has it`,
    );
    return;
  }
  lines.push(`${pad}${label}:`, indent(text, `${pad}  `));
}

/** A fix's lines, indented by `pad`, appended to `lines`. */
function pushFix(
  f: Fix,
  paint: Painter,
  untrusted: readonly string[],
  pad: string,
  lines: string[],
): void {
  lines.push(
    `${pad}${paint('green', 'fix')} for ${f.cause}: ${f.title}${f.verified ? paint('dim', ' (verified)') : ''}`,
  );
  if (f.appliesTo !== undefined) lines.push(`${pad}  applies to: ${f.appliesTo}`);
  const policy = f.iamPolicy;
  if (policy !== undefined)
    lines.push(`${pad}  IAM policy:`, indent(policyJson(policy), `${pad}    `));
  const cli = f.awsCli;
  if (cli !== undefined)
    pushPasteBlock('AWS CLI', terminalBlock(cli), untrusted, `${pad}  `, lines);
  const tf = f.terraform;
  if (tf !== undefined)
    pushPasteBlock('Terraform', terminalBlock(tf), untrusted, `${pad}  `, lines);
}

const CONFIDENCE_STYLE = { confirmed: 'red', likely: 'yellow', possible: 'dim' } as const;

function diagnosisText(d: Diagnosis, paint: Painter, untrusted: readonly string[]): string {
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
    // Sanitized: one line (an empty summary stays an empty line).
    lines.push(c.summary === '' ? '' : `     ${c.summary}`);
    pushEvidence(c, '     | ', lines);
  });
  for (const f of d.fixes) {
    lines.push('');
    pushFix(f, paint, untrusted, '  ', lines);
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
  const parts = out.diagnoses.map((d) => {
    const plain = plainOutsideFixes(d);
    // Event values as they appear in the terminal-safe fix text (same per-code-point mapping).
    // Only values holding a line break can make a paste block unsafe (quotesLineBreak).
    const untrusted = plain ? NONE : untrustedLineFeedValues(d).map(terminalBlock);
    return diagnosisText(safeDiagnosis(d, plain), paint, untrusted);
  });
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

/** Fields whose line breaks are trustwatch's own (multi-line commands and Terraform). */
const MULTILINE = new Set(['awsCli', 'terraform']);

/** A diagnosis's fixes: sanitized one by one ({@link safeDiagnosis}). */
const FIXES = new Set(['fixes']);
/** A fix's texts: {@link pushFix} escapes them (the policy with one stringify, not a walk). */
const FIX_TEXTS = new Set(['iamPolicy', 'awsCli', 'terraform']);

const NONE: readonly string[] = [];

/**
 * Every field of a diagnosis that {@link sanitize} walks (all but its fixes),
 * each required: a field added to `Diagnosis` does not compile until
 * {@link plainOutsideFixes} reads it, so it cannot go unescaped.
 */
type OutsideFixes = {
  readonly [K in Exclude<keyof Diagnosis, 'fixes'>]-?: Diagnosis[K] | undefined;
};

/**
 * True when no key or string of the diagnosis outside its fixes needs
 * escaping, found with one native JSON pass instead of a walk, as
 * {@link policyJson} does: JSON escapes quotes, backslashes, controls (tab
 * and `\n` among them) and lone surrogates, and {@link isPlainBlock} catches
 * the rest {@link terminalLine} changes. Then {@link sanitize} would give the
 * diagnosis back as it is, and no event value holds a line break
 * (untrustedLineFeedValues finds none).
 */
function plainOutsideFixes(d: Diagnosis): boolean {
  const outside: OutsideFixes = {
    eventId: d.eventId,
    input: d.input,
    eventName: d.eventName,
    eventTime: d.eventTime,
    caller: d.caller,
    target: d.target,
    causes: d.causes,
  };
  const json = JSON.stringify(outside);
  return !json.includes('\\') && isPlainBlock(json);
}

/**
 * {@link sanitize} of a diagnosis, but for its fixes' texts, which
 * {@link pushFix} escapes as it prints them (the same escape: terminalLine for
 * the policy's keys and strings, terminalBlock for commands and Terraform).
 * `plain`: {@link plainOutsideFixes} holds, so only the fixes are walked.
 */
function safeDiagnosis(d: Diagnosis, plain: boolean): Diagnosis {
  const safe = plain ? d : sanitize(d, '', FIXES);
  let fixes: Fix[] | undefined;
  for (let i = 0; i < d.fixes.length; i++) {
    const f = d.fixes[i] as Fix;
    const safeFix = sanitize(f, '', FIX_TEXTS);
    if (safeFix === f) continue;
    fixes ??= [...d.fixes];
    fixes[i] = safeFix;
  }
  if (fixes === undefined) return safe;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(safe)) copy[k] = (safe as unknown as Record<string, unknown>)[k];
  copy.fixes = fixes;
  return copy as unknown as Diagnosis;
}

/**
 * A diagnosis with every string made terminal-safe (and one line, outside
 * code). Copy on write: only the objects and arrays on the way to a string
 * that changes are copied, so a diagnosis without such a string (nearly all)
 * comes back as itself. The values of the keys in `skip` (of this object
 * only, not of the objects in it) are kept as they are.
 */
function sanitize<T>(value: T, key = '', skip?: ReadonlySet<string>): T {
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
    const raw = fields[k];
    const safe = skip?.has(k) ? raw : sanitize(raw, k);
    if (copy === undefined) {
      if (safe === raw && safeKey === k) continue;
      // No prototype: a key such as `__proto__` (a policy's condition key) stays a plain key.
      copy = Object.create(null) as Record<string, unknown>;
      for (let j = 0; j < i; j++) copy[keys[j] as string] = fields[keys[j] as string];
    }
    copy[safeKey] = safe;
  }
  return (copy ?? value) as T;
}
