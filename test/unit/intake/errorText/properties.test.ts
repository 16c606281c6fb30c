import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrustwatchError } from '../../../../lib/errors/TrustwatchError.js';
import { readInputText } from '../../../../lib/intake/readInput.js';
import * as F from './errorTextFixtures.js';

const FIXTURES = Object.values(F).filter((v): v is string => typeof v === 'string');

/** Pieces real logs are made of, cut anywhere: fixtures, escapes, prefixes, line breaks. */
const piece = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\u001b[31m',
    '\u001b]8;;http://x\u0007',
    '\r\n',
    '\n',
    '│ ',
    '##[error]',
    '2026-03-02T09:14:07.4125127Z ',
    'User: ',
    ' is not authorized to perform: ',
    'sts:AssumeRole',
    ' on resource: ',
    'arn:aws:iam::222222222222:role/',
    ' because no ',
    'RequestID: ',
    '{',
  ),
  fc
    .tuple(fc.constantFrom(...FIXTURES), fc.nat(), fc.nat())
    .map(([f, a, b]) => f.slice(Math.min(a, b) % (f.length + 1), Math.max(a, b) % (f.length + 1))),
);

describe('readInputText on arbitrary text', () => {
  it('returns denials or fails with one TrustwatchError line, never anything else', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        try {
          const out = readInputText(text, 'fuzz.log');
          for (const e of out.events) {
            expect(e.eventName).toMatch(/^AssumeRole/);
            expect(e.origin.file).toBe('fuzz.log');
          }
        } catch (err) {
          expect(err).toBeInstanceOf(TrustwatchError);
          expect((err as Error).message).not.toContain('\n');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('finds the same denials whatever noise surrounds a fixture', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(F.TERRAFORM_V5, F.GO_V2, F.JAVA_V2),
        fc.string(),
        (fixture, noise) => {
          const clean = readInputText(fixture, 'a.log').events.map((e) => e.eventId);
          const noisy = readInputText(
            `${noise.replace(/\S+/g, 'x')}\n${fixture}\n`,
            'a.log',
          ).events.map((e) => e.eventId);
          expect(noisy).toEqual(clean);
        },
      ),
      { numRuns: 100 },
    );
  });
});
