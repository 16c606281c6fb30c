import type { TrustwatchError, TrustwatchErrorOptions } from '../errors/TrustwatchError.js';

/** Line and column (1-based) of a character offset in a text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function syntaxErrorOffset(err: SyntaxError, text: string): number | undefined {
  const pos = /at position (\d+)/.exec(err.message);
  if (pos?.[1] !== undefined) return Number(pos[1]);
  if (/Unexpected end of JSON input/i.test(err.message)) return text.length;
  return undefined;
}

/**
 * `JSON.parse` that fails with one line naming the file, line and column:
 * ``not valid JSON at line 3, column 7: unexpected token `}` ``.
 */
export function parseJsonText(
  text: string,
  file: string | undefined,
  what: string,
  makeError: (message: string, options: TrustwatchErrorOptions) => TrustwatchError,
): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const offset = syntaxErrorOffset(err, text);
    const where = offset === undefined ? undefined : lineColumnAt(text, offset);
    const detail = (err.message.split('\n')[0] ?? '')
      .replace(/\s*in JSON at position \d+.*$/, '')
      .replace(/,\s*".*" is not valid JSON$/, '');
    const at = where === undefined ? '' : ` at line ${where.line}, column ${where.column}`;
    const message =
      text.trim() === ''
        ? `${what} is empty`
        : `${what} is not valid JSON${at}: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
    throw makeError(message, {
      cause: err,
      context: { file, path: '', line: where?.line, column: where?.column },
    });
  }
}
