import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrorLine, InputError } from '../../../lib/errors/TrustwatchError.js';
import { dropDuplicateEvents, readInput } from '../../../lib/intake/readInput.js';

/**
 * Intake's half of "bad input is first-class": a document with no record in
 * it throws one `InputError` naming the JSON path; a malformed part beside
 * good records is skipped with a reason naming its path. A row per shape.
 */
const EVENT = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../../events/01-trust-policy-lacks-principal.json'),
    'utf8',
  ),
) as Record<string, unknown> & { detail: Record<string, unknown> };
const RECORD = EVENT.detail;
const { detail: _detail, ...NO_DETAIL } = EVENT;

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('readInput: documents with no record in them', () => {
  it.each([
    [
      'an envelope without detail',
      NO_DETAIL,
      'detail',
      'missing required key (an eventbridge event carries its cloudtrail record there)',
    ],
    ['Records as a string', { Records: 'x' }, 'Records', 'expected an array, got a string'],
    [
      'Records as an object',
      { Records: { a: RECORD } },
      'Records',
      'expected an array, got an object',
    ],
    ['Records: null', { Records: null }, 'Records', 'expected an array, got null'],
    ['Events as a number', { Events: 3 }, 'Events', 'expected an array, got a number'],
    [
      'arrays nested 40 deep',
      JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`),
      '[0]'.repeat(32),
      'arrays nested more than 32 deep',
    ],
    [
      'an array of envelopes without detail',
      [NO_DETAIL, NO_DETAIL],
      '[0].detail',
      'missing required key (an eventbridge event carries its cloudtrail record there)',
    ],
  ])('%s: InputError at `%s`', (_name, input, path, message) => {
    const err = thrown(() => readInput(input, 'in.json'));
    expect(err.message).toBe(`no cloudtrail record found: ${message}`);
    expect(err.context).toEqual({ file: 'in.json', path });
    expect(formatErrorLine(err)).toBe(
      `no cloudtrail record found: ${message} (file \`in.json\`, at \`${path}\`)`,
    );
  });

  it('a 100k-deep array is reported, not a stack overflow', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(thrown(() => readInput(deep)).message).toBe(
      'no cloudtrail record found: arrays nested more than 32 deep',
    );
  });
});

describe('readInput: a malformed part beside a good record is skipped with its path', () => {
  const bad = (patch: Record<string, unknown>) => ({ ...RECORD, eventID: 'bad', ...patch });
  it.each([
    [
      'an envelope without detail',
      [EVENT, NO_DETAIL],
      '[1].detail',
      '`[1].detail`: missing required key (an eventbridge event carries its cloudtrail record there)',
    ],
    [
      'Records that is not an array',
      [EVENT, { Records: 'x' }],
      '[1].Records',
      '`[1].Records`: expected an array, got a string',
    ],
    [
      'a record with userIdentity: null',
      { Records: [RECORD, bad({ userIdentity: null })] },
      'Records[1]',
      'denied `AssumeRole` cannot be read: `Records[1].userIdentity`: expected an object, got null',
    ],
    [
      'a record with eventTime: 42',
      { Records: [RECORD, bad({ eventTime: 42 })] },
      'Records[1]',
      'denied `AssumeRole` cannot be read: `Records[1].eventTime`: expected a string, got a number',
    ],
    [
      'a record with an errorMessage that is not a string',
      { Records: [RECORD, bad({ errorMessage: ['x'] })] },
      'Records[1]',
      'denied `AssumeRole` cannot be read: `Records[1].errorMessage`: expected a string, got an array',
    ],
    [
      'a record with requestParameters as a string',
      { Records: [RECORD, bad({ requestParameters: 'x' })] },
      'Records[1]',
      'denied `AssumeRole` cannot be read: `Records[1].requestParameters`: expected an object, got a string',
    ],
    [
      'a record with resources that is not an array',
      { Records: [RECORD, bad({ resources: {} })] },
      'Records[1]',
      'denied `AssumeRole` cannot be read: `Records[1].resources`: expected an array, got an object',
    ],
    [
      'a CloudTrailEvent that is not JSON',
      { Events: [{ CloudTrailEvent: '{"a": tru' }, { CloudTrailEvent: JSON.stringify(RECORD) }] },
      'Events[0].CloudTrailEvent',
      '`Events[0].CloudTrailEvent`: not valid JSON at line 1, column 7: unexpected `t`, expected a value',
    ],
    [
      'a CloudTrailEvent that is a number',
      { Events: [{ CloudTrailEvent: 7 }, { CloudTrailEvent: JSON.stringify(RECORD) }] },
      'Events[0].CloudTrailEvent',
      '`Events[0].CloudTrailEvent`: expected a JSON string, got a number',
    ],
    [
      'a lookup entry that is not an object',
      { Events: ['x', { CloudTrailEvent: JSON.stringify(RECORD) }] },
      'Events[0]',
      '`Events[0]`: expected a lookup-events entry object, got a string',
    ],
  ])('%s', (_name, input, path, reason) => {
    const result = readInput(input, 'in.json');
    expect(result.events).toHaveLength(1);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]?.reason).toBe(reason);
    expect(result.skipped[0]?.origin).toEqual({ file: 'in.json', path });
  });
});

describe('readInput: the same event twice', () => {
  it.each([
    ['two envelopes', [EVENT, EVENT], '[1].detail', '[0].detail'],
    ['a log file', { Records: [RECORD, RECORD] }, 'Records[1]', 'Records[0]'],
    [
      'an envelope and its lookup-events copy',
      [EVENT, { Events: [{ CloudTrailEvent: JSON.stringify(RECORD) }] }],
      '[1].Events[0].CloudTrailEvent',
      '[0].detail',
    ],
  ])('%s: read once, the repeat skipped naming the first', (_name, input, dup, first) => {
    const result = readInput(input, 'in.json');
    expect(result.events.map((e) => e.origin.path)).toEqual([first]);
    expect(result.skipped).toEqual([
      {
        eventId: RECORD.eventID,
        reason: `\`${dup}\` of \`in.json\`: duplicate of event \`${RECORD.eventID}\` already read at \`${first}\` of \`in.json\``,
        origin: { file: 'in.json', path: dup },
      },
    ]);
  });

  it('leaves a result without repeats as it is', () => {
    const result = readInput([EVENT]);
    expect(dropDuplicateEvents(result)).toBe(result);
  });
});
