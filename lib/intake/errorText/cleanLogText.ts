/**
 * A log as a person or a CI system captured it, reduced to the text the tool
 * printed: colour codes, carriage returns, per-line timestamps and CI
 * prefixes removed, and lines that a terminal cut at its width (inside an
 * ARN as anywhere) joined again. Pure; linear in the input.
 */
export interface CleanText {
  /** The cleaned lines joined by `\n`. */
  readonly text: string;
  /** For each line of `text`, the 1-based line of the input it starts on. */
  readonly lineOfInput: readonly number[];
}

/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and two-byte escapes. */
const ANSI =
  /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]|\u009B[0-?]*[ -/]*[@-~]/g;
/**
 * Other control characters (tab and line breaks excepted) and bidirectional
 * overrides: binary noise never reaches a regex, and no text is reordered.
 */
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Prefixes CI systems and loggers put on every line, removed repeatedly from
 * the start of a line: ISO-8601 timestamps (GitHub Actions' raw logs:
 * `2024-06-30T12:34:56.1234567Z `), bracketed clock times, Go's logger, GitHub's
 * `##[error]` workflow commands, GitLab's section markers, log levels, and
 * Terraform's diagnostic box (`╷`, `│ `, `╵`).
 */
const LINE_PREFIXES: readonly RegExp[] = [
  /^\uFEFF/,
  // One space after the stamp: the rest (indentation of `with:` inputs) is the tool's.
  /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]? ?/,
  /^\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s+/,
  // Go's standard logger: `2026/03/02 09:14:07 `.
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?\s+/,
  /^##\[(?:error|warning|notice|debug|group|endgroup|command)\]/,
  /^section_(?:start|end):\d+:\S+\s*/,
  /^\[?(?:ERROR|ERR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL)\]?:?\s+/,
  /^[│║|]\s?/,
  /^[╷╵]\s*$/,
];

/** All of them as one anchored alternation: one regex run per prefix removed, whatever the count. */
const ANY_PREFIX = new RegExp(
  `^(?:${LINE_PREFIXES.map((re) => `(?:${re.source.slice(1)})`).join('|')})`,
);

function stripPrefixes(line: string): string {
  let out = line;
  for (let m = ANY_PREFIX.exec(out); m !== null && m[0] !== ''; m = ANY_PREFIX.exec(out))
    out = out.slice(m[0].length);
  return out.trimEnd();
}

/** Lines around a line whose longest gives the width a terminal wrapped them at. */
const WIDTH_WINDOW = 4;

/**
 * Whether line `i` is a piece of a longer line that a terminal cut at its
 * width (a copy of a terminal window; a CI runner with a fixed width): it is
 * filled to the width that another neighbouring line is filled to as well (a
 * terminal cuts every line of a long text at the same column; one long line
 * alone is just long), and the next line goes on without a space. Such a cut
 * falls anywhere, inside an ARN or a word, so the pieces are joined as they
 * were. A tool that word-wraps (Terraform) breaks at spaces, which stay spaces.
 */
function cutAtWidth(lines: readonly string[], i: number): boolean {
  const line = lines[i] as string;
  const next = lines[i + 1];
  if (next === undefined || next === '' || /^\s/.test(next) || line.length < 40) return false;
  let width = 0;
  let atWidth = 0;
  for (
    let j = Math.max(0, i - WIDTH_WINDOW);
    j <= Math.min(lines.length - 1, i + WIDTH_WINDOW);
    j++
  ) {
    const n = (lines[j] as string).length;
    if (n > width) {
      width = n;
      atWidth = 1;
    } else if (n === width) atWidth++;
  }
  return line.length === width && atWidth >= 2;
}

/** Cleans a captured log (see {@link CleanText}). */
export function cleanLogText(input: string): CleanText {
  const raw = input
    .replace(ANSI, '')
    .replace(CONTROL, '')
    .split(/\r\n|\r|\n/);
  const stripped = raw.map(stripPrefixes);
  const lines: string[] = [];
  const lineOfInput: number[] = [];
  for (let i = 0; i < stripped.length; i++) {
    let line = stripped[i] as string;
    const start = i + 1;
    while (cutAtWidth(stripped, i)) {
      i++;
      line += stripped[i] as string;
    }
    lines.push(line);
    lineOfInput.push(start);
  }
  return { text: lines.join('\n'), lineOfInput };
}
