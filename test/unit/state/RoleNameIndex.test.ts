import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, maxSuggestDistance } from '../../../lib/diagnosis/suggestions.js';
import type { RoleSummary } from '../../../lib/state/IamStateSource.js';
import { RoleNameIndex, withinEditDistance } from '../../../lib/state/RoleNameIndex.js';

function role(accountId: string, name: string, i: number): RoleSummary {
  return {
    arn: `arn:aws:iam::${accountId}:role/${name}-${i}`,
    name,
    path: '/',
    roleId: `AROA${i}`,
    accountId,
  };
}

/** Names from a small alphabet, so that near misses are common. */
const name = fc.string({
  unit: fc.constantFrom('a', 'b', 'C', '-', 'd'),
  minLength: 0,
  maxLength: 12,
});

describe('RoleNameIndex', () => {
  it('finds every role of the account within the edit distance, and every same-name role elsewhere', () => {
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 40 }),
        fc.array(name, { maxLength: 10 }),
        name,
        fc.integer({ min: 0, max: 3 }),
        (mine, theirs, wanted, k) => {
          const roles = new Map([
            ['111111111111', mine.map((n, i) => role('111111111111', n, i))],
            ['222222222222', theirs.map((n, i) => role('222222222222', n, i))],
          ]);
          const index = new RoleNameIndex(
            (a) => roles.get(a),
            () => roles.keys(),
          );
          const found = new Set(
            index
              .similar({ accountId: '111111111111', name: wanted, path: '/', maxDistance: k }, k)
              .map((r) => r.arn),
          );
          for (const r of roles.get('111111111111') ?? []) {
            const near = editDistance(r.name.toLowerCase(), wanted.toLowerCase()) <= k;
            expect(found.has(r.arn)).toBe(near || r.name.toLowerCase() === wanted.toLowerCase());
          }
          for (const r of roles.get('222222222222') ?? []) {
            expect(found.has(r.arn)).toBe(r.name.toLowerCase() === wanted.toLowerCase());
          }
        },
      ),
    );
  });

  it('agrees with the full edit distance on whether two names are within k edits', () => {
    fc.assert(
      fc.property(name, name, fc.integer({ min: 0, max: 3 }), (a, b, k) => {
        expect(withinEditDistance(a, b, k)).toBe(editDistance(a, b) <= k);
      }),
    );
  });

  it('returns only the names within the distance, not the whole account', () => {
    // Distinct pseudo-random names: few are within 3 edits of one another.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed.toString(16).padStart(8, '0');
    };
    const roles = Array.from({ length: 2_000 }, (_, i) =>
      role('111111111111', `svc-${next()}-role`, i),
    );
    const index = new RoleNameIndex(
      (a) => (a === '111111111111' ? roles : undefined),
      () => ['111111111111'],
    );
    const meant = roles[1234]?.name as string;
    const wanted = `${meant.slice(0, 6)}${meant.slice(7)}`; // one letter dropped
    const k = maxSuggestDistance(wanted);
    const found = index.similar(
      { accountId: '111111111111', name: wanted, path: '/', maxDistance: k },
      k,
    );
    expect(found.map((r) => r.name)).toContain(meant);
    const within = roles.filter((r) => editDistance(r.name, wanted) <= k).length;
    expect(found.length).toBe(within);
  });
});
