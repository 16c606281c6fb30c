// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written `${key}` inside plain strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONDITION_OPERATORS } from '../../../lib/engine/conditionOperators.js';
import { evaluatePolicy } from '../../../lib/engine/evaluatePolicy.js';
import type { RequestContext, RequestPrincipal } from '../../../lib/engine/RequestContext.js';
import { globFromLiteral, globFromRaw, globMatch } from '../../../lib/engine/wildcard.js';
import { PolicyError } from '../../../lib/errors/TrustwatchError.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import { CALLERS } from './engineFixtures.js';

const TRI = ['yes', 'no', 'unknown'];

// Small alphabets so that random patterns and values actually collide.
const word = fc.stringMatching(/^[a-c*?${}:/]{0,6}$/);
const key = fc.constantFrom(
  'sts:ExternalId',
  'aws:PrincipalTag/team',
  'aws:TagKeys',
  'aws:SourceIp',
  'aws:CurrentTime',
  'aws:username',
);
const operatorName = fc
  .tuple(
    fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:'),
    fc.constantFrom(...Object.keys(CONDITION_OPERATORS), 'Bogus'),
    fc.constantFrom('', 'IfExists'),
  )
  .map(([a, b, c]) => `${a}${b}${c}`);
const conditionValue = fc.oneof(
  word,
  fc.constantFrom(
    '10.0.0.0/8',
    '2026-01-01T00:00:00Z',
    'true',
    '3600',
    'QQ==',
    'arn:aws:iam::1:role/*',
    '${aws:username}',
    "${aws:PrincipalTag/team, 'x'}",
  ),
);
const principalEntry = fc.constantFrom(
  '*',
  '111111111111',
  'arn:aws:iam::111111111111:root',
  'arn:aws:iam::111111111111:role/ci-deployer',
  'arn:aws:iam::111111111111:role/team/ci-deployer',
  'arn:aws:sts::111111111111:assumed-role/ci-deployer/build-42',
  'AROAEXAMPLEROLEID0001',
  'arn:aws:iam::111111111111:role/ci-*',
);
const principal = fc.oneof(
  fc.constant('*' as const),
  fc.record({ AWS: fc.array(principalEntry, { minLength: 1, maxLength: 3 }) }),
  fc.record({ Service: fc.constantFrom('ec2.amazonaws.com', 'lambda.amazonaws.com') }),
);
const statement = fc.record(
  {
    Sid: fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
    Effect: fc.constantFrom('Allow', 'Deny'),
    Principal: principal,
    Action: fc.array(
      fc.constantFrom('sts:AssumeRole', 'sts:*', '*', 'iam:*', 'sts:Assume?ole', 'STS:ASSUMEROLE'),
      { minLength: 1, maxLength: 3 },
    ),
    Resource: fc.array(
      fc.constantFrom(
        '*',
        'arn:aws:iam::222222222222:role/*',
        'arn:aws:iam::*:role/${aws:username}',
        'arn:aws:iam:*',
      ),
      { minLength: 1, maxLength: 2 },
    ),
    Condition: fc.dictionary(
      operatorName,
      fc.dictionary(key, fc.oneof(conditionValue, fc.array(conditionValue, { maxLength: 3 })), {
        minKeys: 1,
        maxKeys: 2,
      }),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: ['Effect', 'Action'] },
);
const policyJson = fc.record({
  Version: fc.constantFrom('2012-10-17', '2008-10-17'),
  Statement: fc.array(statement, { maxLength: 4 }),
});

const callerArb = fc.constantFrom(...(Object.values(CALLERS) as RequestPrincipal[]));
const contextArb: fc.Arbitrary<RequestContext> = fc.record({
  principal: callerArb,
  action: fc.constantFrom('sts:AssumeRole', 'sts:TagSession', 'sts:AssumeRoleWithWebIdentity'),
  resource: fc.constantFrom(
    'arn:aws:iam::222222222222:role/DeployRole',
    'arn:aws:iam::222222222222:role/a*b',
  ),
  values: fc.dictionary(
    key.map((k) => k.toLowerCase()),
    fc.array(conditionValue, { maxLength: 3 }),
    { maxKeys: 4 },
  ),
  unknownKeys: fc.subarray(['sts:externalid', 'aws:principaltag/', 'aws:tagkeys', 'aws:username']),
});
const optsArb = fc.record({ principal: fc.boolean(), resource: fc.boolean() });

describe('engine properties (fast-check)', () => {
  it('random policies and requests never throw and always give three-valued answers', () => {
    fc.assert(
      fc.property(policyJson, contextArb, optsArb, (json, ctx, opts) => {
        const ev = evaluatePolicy(parsePolicyDocument(json, 'p'), ctx, opts);
        expect(TRI).toContain(ev.allow);
        expect(TRI).toContain(ev.deny);
        expect(ev.statements).toHaveLength(json.Statement.length);
        for (const s of ev.statements) {
          expect(TRI).toContain(s.applies);
          for (const c of s.conditions) expect(TRI).toContain(c.result);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('adding a Deny statement that matches the request makes deny `yes`, whatever else the policy says', () => {
    fc.assert(
      fc.property(policyJson, contextArb, optsArb, (json, ctx, opts) => {
        const withDeny = {
          ...json,
          Statement: [
            ...json.Statement,
            { Effect: 'Deny', Principal: '*', Action: ctx.action, Resource: '*' },
          ],
        };
        const ev = evaluatePolicy(parsePolicyDocument(withDeny, 'p'), ctx, opts);
        expect(ev.deny).toBe('yes');
      }),
      { numRuns: 300 },
    );
  });

  it('a Deny whose only condition is on an unlogged key never lets deny be `no`', () => {
    fc.assert(
      fc.property(policyJson, contextArb, optsArb, (json, ctx, opts) => {
        const withDeny = {
          ...json,
          Statement: [
            ...json.Statement,
            {
              Effect: 'Deny',
              Principal: '*',
              Action: '*',
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:RequestTag/x': 'y' } },
            },
          ],
        };
        const ev = evaluatePolicy(
          parsePolicyDocument(withDeny, 'p'),
          { ...ctx, unknownKeys: [...ctx.unknownKeys, 'aws:requesttag/'] },
          opts,
        );
        expect(ev.deny).not.toBe('no');
      }),
      { numRuns: 200 },
    );
  });

  it('evaluation is deterministic and the same for every encoding of a document', () => {
    fc.assert(
      fc.property(policyJson, contextArb, optsArb, (json, ctx, opts) => {
        const text = JSON.stringify(json);
        const a = evaluatePolicy(parsePolicyDocument(json, 'p'), ctx, opts);
        const b = evaluatePolicy(parsePolicyDocument(text, 'p'), ctx, opts);
        const c = evaluatePolicy(parsePolicyDocument(encodeURIComponent(text), 'p'), ctx, opts);
        const d = evaluatePolicy(parsePolicyDocument(json, 'p'), ctx, opts);
        expect(b).toEqual(a);
        expect(c).toEqual(a);
        expect(d).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('removing a statement never turns allow from `no` into something else (monotone OR)', () => {
    fc.assert(
      fc.property(policyJson, contextArb, optsArb, (json, ctx, opts) => {
        fc.pre(json.Statement.length > 0);
        const full = evaluatePolicy(parsePolicyDocument(json, 'p'), ctx, opts);
        const fewer = evaluatePolicy(
          parsePolicyDocument({ ...json, Statement: json.Statement.slice(1) }, 'p'),
          ctx,
          opts,
        );
        if (full.allow === 'no') expect(fewer.allow).toBe('no');
        if (full.deny === 'no') expect(fewer.deny).toBe('no');
      }),
      { numRuns: 200 },
    );
  });

  it('three-valued soundness: a definite answer stays the same whatever the unlogged keys turn out to be', () => {
    const concrete = fc.dictionary(
      fc.constantFrom('sts:externalid', 'aws:principaltag/team', 'aws:tagkeys', 'aws:username'),
      fc.array(conditionValue, { maxLength: 2 }),
    );
    fc.assert(
      fc.property(policyJson, contextArb, optsArb, concrete, (json, ctx, opts, assignment) => {
        const doc = parsePolicyDocument(json, 'p');
        const before = evaluatePolicy(doc, ctx, opts);
        // Fill in only keys that were unknown (and not already known), then forget the unknowns.
        const values: Record<string, readonly string[]> = { ...ctx.values };
        for (const [k, v] of Object.entries(assignment)) {
          const covered = ctx.unknownKeys.some(
            (u) => u === k || (u.endsWith('/') && k.startsWith(u)),
          );
          if (covered && !Object.hasOwn(ctx.values, k)) values[k] = v;
        }
        const after = evaluatePolicy(doc, { ...ctx, values, unknownKeys: [] }, opts);
        before.statements.forEach((s, i) => {
          if (s.applies !== 'unknown') expect(after.statements[i]?.applies).toBe(s.applies);
        });
        if (before.allow !== 'unknown') expect(after.allow).toBe(before.allow);
        if (before.deny !== 'unknown') expect(after.deny).toBe(before.deny);
      }),
      { numRuns: 500 },
    );
  });

  it('any JSON input either parses or fails with a one-line PolicyError that has a path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          policyJson.map((p) => mangle(p)),
          fc.string(),
        ),
        (input) => {
          try {
            parsePolicyDocument(input, 'doc');
          } catch (err) {
            expect(err).toBeInstanceOf(PolicyError);
            const e = err as PolicyError;
            expect(e.message).not.toMatch(/[\n\r]/);
            // No default zod wording leaks out: every message is one of ours (lower-case start or a `backticked` element).
            expect(e.message).toMatch(/^([a-z]|`)/);
            expect(String(e.context.path)).toMatch(/^doc/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a literal glob matches exactly its text, and `*` matches everything', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(globMatch(globFromLiteral(a), a)).toBe(true);
        expect(globMatch(globFromLiteral(a), b)).toBe(a === b);
        expect(globMatch(globFromRaw('*'), b)).toBe(true);
      }),
    );
  });
});

/** Breaks a valid policy in one random-ish place (deterministic per input). */
function mangle(p: { Statement: object[] }): unknown {
  const json = JSON.parse(JSON.stringify(p)) as { Statement: Record<string, unknown>[] };
  const s = json.Statement[0];
  if (s === undefined) return { ...json, Statement: 7 };
  const n = JSON.stringify(p).length % 6;
  if (n === 0) s.Effect = 'Maybe';
  else if (n === 1) s.Principal = { Bad: 'x' };
  else if (n === 2) s.Condition = { StringEquals: { k: [null] } };
  else if (n === 3) s.Action = [];
  else if (n === 4) s.NotAction = 'x';
  else s.Extra = true;
  return json;
}
