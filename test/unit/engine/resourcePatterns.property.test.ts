import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileResourcePattern,
  matchArnLike,
  matchResource,
} from '../../../lib/engine/matchArn.js';
import { globFromRaw } from '../../../lib/engine/wildcard.js';

/**
 * `Resource` patterns are prepared (a literal head tested first, a head and
 * one trailing `*` matched by prefix, the rest compiled on first use). Against
 * an oracle written from the IAM User Guide ("IAM JSON policy elements:
 * Resource"; `ArnLike`): a six-part ARN pattern is matched part by part, a
 * wildcard never spanning the `:` between the first five parts, the resource
 * part matched whole; any other pattern against the whole string; `*` any
 * run, `?` one character, case-sensitive.
 */

/** Raw policy text (no escapes: `\` is literal) as a regular expression over the whole string. */
function globRegex(raw: string): RegExp {
  let re = '';
  for (const ch of raw) {
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

function sixParts(s: string): string[] | undefined {
  const parts = s.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function oracle(raw: string, resource: string): boolean {
  if (raw === '*') return true;
  const p = sixParts(raw);
  if (p === undefined) return globRegex(raw).test(resource);
  const r = sixParts(resource);
  return r !== undefined && p.every((part, i) => globRegex(part).test(r[i] as string));
}

// Small alphabets so that patterns and resources collide, in every ARN part.
const piece = (chars: string) => fc.stringMatching(new RegExp(`^[${chars}]{0,4}$`));
const patternPart = piece('ab*?\\\\');
const valuePart = piece('ab\\\\*?');
const arnLike = (part: fc.Arbitrary<string>, tail: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.constantFrom('arn', 'ar*', 'a?n'),
      fc.constantFrom('aws', 'aws-us-gov', '*', 'aw?'),
      fc.oneof(fc.constantFrom('iam', 's3', '*'), part),
      fc.oneof(fc.constant(''), part),
      fc.oneof(fc.constantFrom('111111111111', '11111111111?', '*'), part),
      fc.oneof(tail, fc.constantFrom('role/a', 'role/*', 'role/a:b', 'role/*/b*')),
    )
    .map((parts) => parts.join(':'));
const resourceTail = fc
  .array(fc.oneof(valuePart, fc.constantFrom('role/', ':', '/')), {
    maxLength: 4,
  })
  .map((a) => a.join(''));
const patternTail = fc
  .array(fc.oneof(patternPart, fc.constantFrom('role/', ':', '/', '*')), {
    maxLength: 4,
  })
  .map((a) => a.join(''));
const pattern = fc.oneof(
  arnLike(patternPart, patternTail),
  fc.constantFrom('*', 'arn:aws:iam:*', 'arn:aws:iam::1*', 'a*', 'ab', 'arn:*:*:*:*:*'),
  patternTail,
);
/** ARNs have no `\` before their resource part (IAM names, account ids, services, regions). */
function plainHead(r: string): string {
  const parts = r.split(':');
  return parts.map((p, i) => (i < 5 ? p.replace(/\\/g, '') : p)).join(':');
}
const resource = fc
  .oneof(
    arnLike(valuePart, resourceTail).map((r) => r.replace(/[*?]/g, 'a')),
    arnLike(valuePart, resourceTail),
    resourceTail,
  )
  .map(plainHead);

describe('prepared Resource patterns (fast-check)', () => {
  it('match as the oracle does, as matchResource does, on every call', () => {
    fc.assert(
      fc.property(pattern, fc.array(resource, { minLength: 1, maxLength: 4 }), (raw, resources) => {
        const glob = globFromRaw(raw);
        const prepared = compileResourcePattern(glob);
        for (const r of resources) {
          const expected = oracle(raw, r);
          expect(prepared.matches(r), `${raw} ~ ${r}`).toBe(expected);
          expect(matchResource(glob, r), `${raw} ~ ${r}`).toBe(expected);
          if (sixParts(raw) !== undefined) expect(matchArnLike(glob, r)).toBe(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
