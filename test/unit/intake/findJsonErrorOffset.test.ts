import { describe, expect, it } from 'vitest';
import { findJsonErrorOffset } from '../../../lib/validation/findJsonErrorOffset.js';

describe('findJsonErrorOffset', () => {
  it.each([
    ['{"a": 1,}', 8, 'unexpected `}`, expected a string'],
    ['[1, 2', 5, 'unexpected end of input, expected `,` or `]`'],
    ['{"a" 1}', 5, 'unexpected `1`, expected `:`'],
    ['{"a": tru}', 6, 'unexpected `t`, expected a value'],
    ['{"a": "x\ny"}', 8, 'control character in a string'],
    ['{"a": "\\q"}', 8, 'bad escape'],
    ['{"a": "\\u12"}', 8, 'bad unicode escape'],
    ['{"a": "open', 11, 'unterminated string'],
    ['{} {}', 3, 'unexpected `{` after the end of the document'],
    ['-', 0, 'unexpected `-`, expected a value'],
    ["{'a': 1}", 1, "unexpected `'`, expected a string"],
  ])('%j fails at %i: %s', (text, offset, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonErrorOffset(text)).toEqual({ offset, reason });
  });

  it.each(['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]} ', '"x"', '0'])(
    'accepts valid JSON %j',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonErrorOffset(text)).toBeUndefined();
    },
  );

  it('finds the end of a document nested 200k deep without overflowing the stack', () => {
    const text = '['.repeat(200_000);
    expect(findJsonErrorOffset(text)).toEqual({
      offset: 200_000,
      reason: 'unexpected end of input, expected a value',
    });
    expect(findJsonErrorOffset(`${'{"a":'.repeat(100_000)}1${'}'.repeat(99_999)}`)).toEqual({
      offset: 600_000,
      reason: 'unexpected end of input, expected `,` or `}`',
    });
  });
});
