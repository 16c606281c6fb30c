/**
 * Finds where a JSON text stops being valid JSON (RFC 8259), with the reason.
 * Called only after `JSON.parse` failed, because V8 does not always say where
 * (`Unexpected token ']', ..."a": 1}," is not valid JSON`).
 */
export function findJsonErrorOffset(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const describe = (): string =>
    i >= n ? 'unexpected end of input' : `unexpected \`${text[i] === '`' ? "'`'" : text[i]}\``;
  const expect = (ch: string, what: string): void => {
    if (text[i] !== ch) throw new Stop(i, `${describe()}, expected ${what}`);
    i++;
  };
  const string = (): void => {
    expect('"', 'a string');
    while (i < n && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) throw new Stop(i, 'control character in a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
            throw new Stop(i, 'bad unicode escape');
          }
          i += 5;
          continue;
        }
        if (i >= n || !'"\\/bfnrt'.includes(text[i] ?? '')) throw new Stop(i, 'bad escape');
      }
      i++;
    }
    if (i >= n) throw new Stop(i, 'unterminated string');
    i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else throw new Stop(i, `${describe()}, expected a value`);
  };
  const number = (): void => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-')
      throw new Stop(i, `${describe()}, expected a value`);
    i += m[0].length;
  };
  const member = (): void => {
    ws();
    string();
    ws();
    expect(':', '`:`');
  };
  const scalar = (): void => {
    const c = text[i];
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  /**
   * Iterative, with an explicit stack of the brackets still open: a document
   * nested 100k deep must get its line and column, not a stack overflow.
   */
  const document = (): void => {
    const open: ('}' | ']')[] = [];
    let needValue = true;
    for (;;) {
      if (needValue) {
        ws();
        const c = text[i];
        if (c === '{' || c === '[') {
          i++;
          ws();
          const close = c === '{' ? '}' : ']';
          if (text[i] === close) {
            i++;
            needValue = false;
          } else {
            open.push(close);
            if (close === '}') member();
          }
          continue;
        }
        scalar();
        needValue = false;
        continue;
      }
      const close = open[open.length - 1];
      if (close === undefined) return;
      ws();
      if (text[i] === ',') {
        i++;
        if (close === '}') member();
        needValue = true;
        continue;
      }
      expect(close, close === '}' ? '`,` or `}`' : '`,` or `]`');
      open.pop();
    }
  };
  try {
    document();
    ws();
    if (i < n) throw new Stop(i, `${describe()} after the end of the document`);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, reason: err.reason };
    throw err;
  }
}
