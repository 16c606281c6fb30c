import type { TrustwatchError, TrustwatchErrorOptions } from '../errors/TrustwatchError.js';
import { findJsonErrorOffset } from './findJsonErrorOffset.js';

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
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const found = findJsonErrorOffset(body);
    const where = found === undefined ? undefined : lineColumnAt(body, found.offset);
    const at = where === undefined ? '' : ` at line ${where.line}, column ${where.column}`;
    const detail = found?.reason ?? (err.message.split('\n')[0] ?? '').toLowerCase();
    const message =
      body.trim() === '' ? `${what} is empty` : `${what} is not valid JSON${at}: ${detail}`;
    throw makeError(message, {
      cause: err,
      context: { file, path: '', line: where?.line, column: where?.column },
    });
  }
}
