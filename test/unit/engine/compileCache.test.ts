// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written `${key}` inside plain strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONDITION_CACHE_LIMIT, evaluateCondition } from '../../../lib/engine/evaluateCondition.js';
import { evaluatePolicy, PATTERN_LISTS_LIMIT } from '../../../lib/engine/evaluatePolicy.js';
import {
  ARN_CACHE_LIMIT,
  arnCacheSize,
  compileArnPattern,
  matchArnLike,
} from '../../../lib/engine/matchArn.js';
import { CLASSIFIED_LIMIT } from '../../../lib/engine/matchPrincipal.js';
import type { RequestContext } from '../../../lib/engine/RequestContext.js';
import {
  compileGlob,
  GLOB_CACHE_LIMIT,
  globCacheSize,
  globFromRaw,
  globMatch,
} from '../../../lib/engine/wildcard.js';
import { isParsed } from '../../../lib/policy/isParsed.js';
import type { PolicyDocument, PolicyStatement } from '../../../lib/policy/PolicyDocument.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import { CALLERS, makeContext } from './engineFixtures.js';

/**
 * The engine keeps the compiled form of parsed documents and their statements
 * (by identity), compiles any other document per evaluation (reusing the
 * compiled statements it shares with a parsed one), and compiles each glob /
 * ARN pattern once (bounded caches). These tests pin that the caches only
 * ever hold what does not depend on the request.
 */

const POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TeamExternalId',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::111111111111:role/ci-deployer', '111111111111'] },
      Action: ['sts:AssumeRole', 'sts:Tag*'],
      Resource: 'arn:aws:iam::*:role/${aws:username}',
      Condition: {
        StringEquals: { 'sts:ExternalId': '${aws:PrincipalTag/team}' },
        StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci-*' },
      },
    },
    {
      Effect: 'Deny',
      Principal: '*',
      NotAction: 'sts:TagSession',
      Resource: '*',
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['secret*', 'x?y'] } },
    },
  ],
};

const fresh = (): PolicyDocument => parsePolicyDocument(POLICY, 'policy');

const CONTEXTS: Record<string, RequestContext> = {
  matching: makeContext(
    {
      'sts:externalid': ['blue'],
      'aws:principaltag/team': ['blue'],
      'aws:principalarn': ['arn:aws:iam::111111111111:role/ci-deployer'],
      'aws:username': ['DeployRole'],
    },
    [],
    { resource: 'arn:aws:iam::222222222222:role/DeployRole' },
  ),
  otherTeam: makeContext(
    {
      'sts:externalid': ['blue'],
      'aws:principaltag/team': ['red'],
      'aws:principalarn': ['arn:aws:iam::111111111111:role/ci-deployer'],
      'aws:tagkeys': ['Secret-Key'],
      'aws:username': ['Other'],
    },
    [],
    { resource: 'arn:aws:iam::222222222222:role/DeployRole' },
  ),
  teamNotLogged: makeContext(
    {
      'sts:externalid': ['blue'],
      'aws:principalarn': ['arn:aws:iam::111111111111:role/ci-deployer'],
      'aws:tagkeys': ['xzy', 'secretive'],
    },
    ['aws:principaltag/', 'aws:username'],
    { resource: 'arn:aws:iam::222222222222:role/DeployRole', action: 'STS:TAGSESSION' },
  ),
  service: makeContext({}, [], { principal: CALLERS.service, action: 'iam:PassRole' }),
};

describe('compiled-policy caches', () => {
  it('one document evaluated against many requests, in any order, answers like a fresh parse each time', () => {
    const doc = fresh();
    const order = ['matching', 'otherTeam', 'teamNotLogged', 'service', 'matching', 'service'];
    for (const opts of [
      { principal: true, resource: false },
      { principal: false, resource: true },
    ]) {
      for (const name of [...order, ...order.reverse()]) {
        const ctx = CONTEXTS[name] as RequestContext;
        expect(evaluatePolicy(doc, ctx, opts)).toEqual(evaluatePolicy(fresh(), ctx, opts));
      }
    }
  });

  it('request-dependent parts really differ between requests of the same document', () => {
    const doc = fresh();
    const opts = { principal: true, resource: true };
    const results = Object.fromEntries(
      Object.entries(CONTEXTS).map(([name, ctx]) => [name, evaluatePolicy(doc, ctx, opts)]),
    );
    const allowOf = (name: string) => results[name]?.statements[0];
    expect(allowOf('matching')).toMatchObject({ resource: 'yes', conditionsResult: 'yes' });
    expect(allowOf('matching')?.conditions[0]?.expected).toEqual(['blue']);
    expect(allowOf('otherTeam')).toMatchObject({ resource: 'no', conditionsResult: 'no' });
    expect(allowOf('otherTeam')?.conditions[0]?.expected).toEqual(['red']);
    expect(allowOf('teamNotLogged')).toMatchObject({
      action: 'yes',
      resource: 'unknown',
      conditionsResult: 'unknown',
    });
    expect(allowOf('teamNotLogged')?.conditions[0]).toMatchObject({
      expected: ['${aws:PrincipalTag/team}'],
      result: 'unknown',
      unknownReason: 'variable-not-logged',
    });
    expect(results.teamNotLogged?.unknownKeys).toEqual(['aws:principaltag/team', 'aws:username']);
    expect(allowOf('service')).toMatchObject({ principal: 'no', action: 'no' });
    // The Deny: NotAction and ForAnyValue:StringLike per request.
    expect(results.matching?.deny).toBe('no');
    expect(results.otherTeam?.deny).toBe('no'); // `Secret-Key`: StringLike is case-sensitive
    expect(results.teamNotLogged?.statements[1]).toMatchObject({ action: 'no' });
    expect(results.teamNotLogged?.statements[1]?.conditions[0]?.result).toBe('yes');
    // ForAnyValue: on an absent key is false, so the Deny names the service but does not apply.
    expect(results.service?.statements[1]).toMatchObject({
      principal: 'yes',
      action: 'yes',
      conditionsResult: 'no',
    });
    expect(results.service?.deny).toBe('no');
  });

  it('statements shared by a 2012-10-17 and a 2008-10-17 document keep their own variable rules', () => {
    const modern = fresh();
    const legacy: PolicyDocument = { ...modern, version: '2008-10-17' };
    const ctx = CONTEXTS.matching as RequestContext;
    const opts = { principal: true, resource: true };
    for (let round = 0; round < 2; round++) {
      const m = evaluatePolicy(modern, ctx, opts).statements[0];
      const l = evaluatePolicy(legacy, ctx, opts).statements[0];
      expect(m).toMatchObject({ resource: 'yes', conditionsResult: 'yes' });
      // Without variables `${aws:username}` is literal text and matches no real role name.
      expect(l).toMatchObject({ resource: 'no', conditionsResult: 'no' });
      expect(l?.conditions[0]?.expected).toEqual(['${aws:PrincipalTag/team}']);
    }
  });

  it('a fix built from a parsed document answers for itself and leaves the original untouched', () => {
    const doc = fresh();
    const ctx = CONTEXTS.matching as RequestContext;
    const opts = { principal: true, resource: false };
    const before = evaluatePolicy(doc, ctx, opts);
    const [first, ...rest] = doc.statements;
    if (first === undefined) throw new Error('fixture has statements');
    // The caller's role is no longer named: the Allow stops applying.
    const fixed: PolicyDocument = {
      ...doc,
      statements: [
        {
          ...first,
          principal: {
            kind: 'map',
            AWS: ['arn:aws:iam::333333333333:role/other'],
            Service: [],
            Federated: [],
            CanonicalUser: [],
          },
        },
        ...rest,
      ],
    };
    for (let round = 0; round < 3; round++) {
      const f = evaluatePolicy(fixed, ctx, opts);
      expect(f.statements[0]).toMatchObject({ principal: 'no', applies: 'no' });
      expect(f.statements[1]).toEqual(before.statements[1]);
      expect(f.allow).toBe('no');
      expect(evaluatePolicy(doc, ctx, opts)).toEqual(before);
    }
    expect(before.allow).toBe('yes');
  });

  it('marks what parsePolicyDocument returns as parsed, and nothing else', () => {
    const doc = fresh();
    expect(isParsed(doc)).toBe(true);
    expect(doc.statements.every(isParsed)).toBe(true);
    expect(isParsed({ ...doc })).toBe(false);
    expect(isParsed({ ...(doc.statements[0] as PolicyStatement) })).toBe(false);
  });

  it('one condition clause compiled with and without variables keeps both answers', () => {
    const [clause] = fresh().statements[0]?.conditions ?? [];
    if (clause === undefined) throw new Error('fixture has a condition');
    const ctx = CONTEXTS.matching as RequestContext;
    for (let round = 0; round < 2; round++) {
      expect(evaluateCondition(clause, ctx, { variables: true }).trace.result).toBe('yes');
      expect(evaluateCondition(clause, ctx, { variables: false }).trace.result).toBe('no');
    }
  });
});

/** An obviously-correct glob oracle: dynamic programming over the escaped pattern. */
function oracle(pattern: string, text: string, ignoreCase: boolean): boolean {
  type Tok = { star: true } | { star: false; any: boolean; c: string };
  const toks: Tok[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      i++;
      toks.push({ star: false, any: false, c: pattern[i] as string });
    } else if (c === '*') toks.push({ star: true });
    else toks.push({ star: false, any: c === '?', c });
  }
  const s = ignoreCase ? text.toLowerCase() : text;
  // can[j]: the first i tokens match s[0, j).
  let can = Array.from({ length: s.length + 1 }, (_, j) => j === 0);
  for (const t of toks) {
    const next = Array.from({ length: s.length + 1 }, () => false);
    for (let j = 0; j <= s.length; j++) {
      if (t.star) next[j] = Boolean(can[j]) || (j > 0 && Boolean(next[j - 1]));
      else if (j > 0 && can[j - 1]) {
        const want = ignoreCase ? t.c.toLowerCase() : t.c;
        next[j] = t.any || want === s[j - 1];
      }
    }
    can = next;
  }
  return Boolean(can[s.length]);
}

describe('compiled glob matcher', () => {
  const chars = fc.constantFrom('a', 'b', 'A', '*', '?', '\\', ':', '/');
  const str = fc.array(chars, { maxLength: 10 }).map((a) => a.join(''));

  it('agrees with a dynamic-programming oracle, both case modes', () => {
    fc.assert(
      fc.property(str, str, fc.boolean(), (pattern, text, ignoreCase) => {
        expect(globMatch(pattern, text, ignoreCase)).toBe(oracle(pattern, text, ignoreCase));
      }),
      { numRuns: 3000 },
    );
  });

  it('matches ARN parts like the oracle on each part', () => {
    const part = fc.array(fc.constantFrom('a', 'b', '*', '?', '/'), { maxLength: 4 });
    const arn = fc.array(
      part.map((p) => p.join('')),
      { minLength: 6, maxLength: 6 },
    );
    fc.assert(
      fc.property(arn, arn, (p, v) => {
        const want = p.every((x, i) => oracle(x, v[i] as string, false));
        expect(matchArnLike(p.join(':'), v.join(':'))).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns the same compiled object for the same pattern, separately per case mode', () => {
    expect(compileGlob('sts:assume*')).toBe(compileGlob('sts:assume*'));
    expect(compileGlob('sts:assume*', true)).not.toBe(compileGlob('sts:assume*'));
    expect(compileGlob('STS:Assume*', true).matches('sts:ASSUMEROLE')).toBe(true);
    expect(compileGlob('STS:Assume*').matches('sts:ASSUMEROLE')).toBe(false);
  });

  it('keeps the glob and ARN caches bounded and correct after they are emptied', () => {
    const early = compileGlob(globFromRaw('early-*-pattern'));
    for (let i = 0; i < GLOB_CACHE_LIMIT + 10; i++) {
      expect(globMatch(globFromRaw(`p${i}-*`), `p${i}-x`)).toBe(true);
      expect(globCacheSize()).toBeLessThanOrEqual(2 * GLOB_CACHE_LIMIT);
    }
    expect(globCacheSize()).toBeLessThan(GLOB_CACHE_LIMIT + 10);
    expect(early.matches('early-1-pattern')).toBe(true);
    expect(globMatch(globFromRaw('early-*-pattern'), 'early-2-pattern')).toBe(true);

    for (let i = 0; i < ARN_CACHE_LIMIT + 10; i++) {
      compileArnPattern(`arn:aws:iam::${i}:role/*`);
      expect(arnCacheSize()).toBeLessThanOrEqual(ARN_CACHE_LIMIT);
    }
    expect(matchArnLike('arn:aws:iam::7:role/*', 'arn:aws:iam::7:role/x')).toBe(true);
    expect(matchArnLike('arn:aws:iam::7:role/*', 'arn:aws:iam::8:role/x')).toBe(false);
  });

  it('shares the pieces equal statements compile to, and stays right past every bound', () => {
    const stamped = (i: number) =>
      parsePolicyDocument(
        {
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::111111111111:role/runner-${i}` },
            Action: ['sts:AssumeRole', `sts:Tag${i}`],
            Resource: [`arn:aws:iam::222222222222:role/deploy-${i}`, `arn:aws:s3:::b-${i}/*`],
            Condition: { StringEquals: { 'aws:PrincipalAccount': `${i}` } },
          },
        },
        `stamped ${i}`,
      );
    const ctxOf = (i: number) =>
      makeContext({ 'aws:principalaccount': [`${i}`] }, [], {
        principal: { ...CALLERS.role, arn: `arn:aws:iam::111111111111:role/runner-${i}` },
        resource: `arn:aws:iam::222222222222:role/deploy-${i}`,
      });
    const opts = { principal: true, resource: true };
    // Equal clauses compile once: their traces share the expected values.
    const a = evaluatePolicy(stamped(1), ctxOf(1), opts);
    const b = evaluatePolicy(stamped(1), ctxOf(1), opts);
    expect(a).toEqual(b);
    expect(a.statements[0]?.conditions[0]?.expected).toBe(b.statements[0]?.conditions[0]?.expected);
    // Also with several values, and never across lists that only join alike.
    const listing = (values: string[]) =>
      parsePolicyDocument(
        {
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalAccount': values } },
          },
        },
        'listing',
      );
    const two = evaluatePolicy(listing(['a', 'b']), ctxOf(1), opts);
    expect(
      evaluatePolicy(listing(['a', 'b']), ctxOf(1), opts).statements[0]?.conditions[0]?.expected,
    ).toBe(two.statements[0]?.conditions[0]?.expected);
    const joined = makeContext({ 'aws:principalaccount': ['a\nb'] });
    expect(evaluatePolicy(listing(['a\nb']), joined, opts).allow).toBe('yes');
    expect(evaluatePolicy(listing(['a', 'b']), joined, opts).allow).toBe('no');
    expect(evaluatePolicy(listing(['a\nb']), joined, opts).allow).toBe('yes');
    // More distinct pieces than any bound keeps: every answer stays the fresh one.
    const past = Math.max(CONDITION_CACHE_LIMIT, CLASSIFIED_LIMIT, PATTERN_LISTS_LIMIT) + 10;
    for (let i = 0; i < past; i++) {
      const e = evaluatePolicy(stamped(i), ctxOf(i), opts);
      expect(e.allow).toBe('yes');
      expect(evaluatePolicy(stamped(i), ctxOf(i + 1), opts).allow).toBe('no');
    }
    expect(evaluatePolicy(stamped(3), ctxOf(3), opts)).toEqual(
      evaluatePolicy(stamped(3), ctxOf(3), opts),
    );
    expect(evaluatePolicy(stamped(3), ctxOf(3), opts).allow).toBe('yes');
  });
});
