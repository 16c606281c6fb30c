// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written `${key}` inside plain strings.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../lib/engine/evaluatePolicy.js';
import type { RequestContext, Tri } from '../../../lib/engine/RequestContext.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import { CALLERS, makeContext } from './engineFixtures.js';

const TRUST = { principal: true, resource: false } as const;
const IDENTITY = { principal: false, resource: true } as const;
const ROLE = 'arn:aws:iam::111111111111:role/ci-deployer';
const TARGET = 'arn:aws:iam::222222222222:role/DeployRole';

function policy(...statements: object[]) {
  return parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, 'test');
}
const trustAllow = (extra: object = {}) => ({
  Effect: 'Allow',
  Principal: { AWS: ROLE },
  Action: 'sts:AssumeRole',
  ...extra,
});
const identityAllow = (extra: object = {}) => ({
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Resource: TARGET,
  ...extra,
});

interface Row {
  why: string;
  statements: object[];
  opts: { principal: boolean; resource: boolean };
  ctx?: RequestContext;
  allow: Tri;
  deny: Tri;
}

const rows: Row[] = [
  {
    why: 'IAM UG, evaluation logic: a trust statement naming the caller role allows',
    statements: [trustAllow()],
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, evaluation logic: a trust policy not naming the caller does not allow',
    statements: [trustAllow({ Principal: { AWS: 'arn:aws:iam::111111111111:role/other' } })],
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Action: another action does not apply',
    statements: [trustAllow({ Action: 'sts:AssumeRoleWithWebIdentity' })],
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Action: action names are case-insensitive',
    statements: [trustAllow({ Action: 'STS:assumerole' })],
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, NotAction: matches every action not listed',
    statements: [identityAllow({ Action: undefined, NotAction: 'iam:*' })],
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, NotAction: a listed action is excluded',
    statements: [identityAllow({ Action: undefined, NotAction: ['sts:*'] })],
    opts: IDENTITY,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Resource: an identity allow on the role ARN',
    statements: [identityAllow()],
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, Resource: an identity allow on another role',
    statements: [identityAllow({ Resource: 'arn:aws:iam::222222222222:role/Other' })],
    opts: IDENTITY,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Resource: wildcards in the resource',
    statements: [identityAllow({ Resource: 'arn:aws:iam::*:role/Deploy*' })],
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, NotResource: every resource except the listed ones',
    statements: [
      identityAllow({ Resource: undefined, NotResource: 'arn:aws:iam::222222222222:role/Other' }),
    ],
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, NotResource: the listed resource is excluded',
    statements: [identityAllow({ Resource: undefined, NotResource: TARGET })],
    opts: IDENTITY,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, evaluation logic: an explicit deny applies alongside the allow (deny wins later)',
    statements: [trustAllow(), { Effect: 'Deny', Principal: '*', Action: 'sts:*' }],
    opts: TRUST,
    allow: 'yes',
    deny: 'yes',
  },
  {
    why: 'IAM UG, NotPrincipal: a Deny with NotPrincipal does not apply to the listed principal',
    statements: [trustAllow(), { Effect: 'Deny', NotPrincipal: { AWS: ROLE }, Action: '*' }],
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, NotPrincipal: a Deny with NotPrincipal applies to everyone else',
    statements: [
      trustAllow(),
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/other' },
        Action: '*',
      },
    ],
    opts: TRUST,
    allow: 'yes',
    deny: 'yes',
  },
  {
    why: 'IAM UG, Condition: several keys are AND-ed',
    statements: [
      trustAllow({
        Condition: { StringEquals: { 'sts:ExternalId': 'abc', 'aws:PrincipalOrgID': 'o-1' } },
      }),
    ],
    ctx: makeContext({ 'sts:externalid': ['abc'], 'aws:principalorgid': ['o-2'] }),
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Condition: several operators are AND-ed',
    statements: [
      trustAllow({
        Condition: {
          StringEquals: { 'sts:ExternalId': 'abc' },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      }),
    ],
    ctx: makeContext({ 'sts:externalid': ['abc'], 'aws:multifactorauthpresent': ['true'] }),
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'three-valued: yes ∧ unknown = unknown',
    statements: [trustAllow({ Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } })],
    ctx: makeContext({}, ['sts:externalid']),
    opts: TRUST,
    allow: 'unknown',
    deny: 'no',
  },
  {
    why: 'three-valued: no ∧ unknown = no',
    statements: [
      trustAllow({
        Condition: {
          StringEquals: { 'sts:ExternalId': 'abc' },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      }),
    ],
    ctx: makeContext({ 'aws:multifactorauthpresent': ['false'] }, ['sts:externalid']),
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'three-valued: unknown ∨ yes = yes over statements',
    statements: [
      trustAllow({ Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }),
      trustAllow(),
    ],
    ctx: makeContext({}, ['sts:externalid']),
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'three-valued: unknown ∨ no = unknown over statements',
    statements: [
      trustAllow({ Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }),
      trustAllow({ Action: 'iam:PassRole' }),
    ],
    ctx: makeContext({}, ['sts:externalid']),
    opts: TRUST,
    allow: 'unknown',
    deny: 'no',
  },
  {
    why: 'three-valued: a Deny on an unlogged key may apply',
    statements: [
      trustAllow(),
      {
        Effect: 'Deny',
        Principal: '*',
        Action: '*',
        Condition: { StringNotEquals: { 'sts:ExternalId': 'abc' } },
      },
    ],
    ctx: makeContext({}, ['sts:externalid']),
    opts: TRUST,
    allow: 'yes',
    deny: 'unknown',
  },
  {
    why: 'a trust statement without a principal names nobody',
    statements: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }],
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Variables: ${aws:username} in Resource',
    statements: [identityAllow({ Resource: 'arn:aws:iam::222222222222:role/${aws:username}' })],
    ctx: makeContext({ 'aws:username': ['DeployRole'] }),
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, Policy variables with no value: a Resource using it matches nothing',
    statements: [identityAllow({ Resource: 'arn:aws:iam::222222222222:role/${aws:username}' })],
    opts: IDENTITY,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Policy variables with no value ("any attempt to match it fails and causes the statement to be invalid"): a NotResource with a missing variable does not turn an Allow into "allow everything"',
    statements: [
      identityAllow({ Resource: undefined, NotResource: 'arn:aws:iam::*:role/${aws:username}' }),
    ],
    opts: IDENTITY,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Policy variables with no value: a Deny with a missing variable in NotResource is invalid and denies nothing',
    statements: [
      identityAllow({ Resource: '*' }),
      {
        Effect: 'Deny',
        Action: 'sts:AssumeRole',
        NotResource: 'arn:aws:iam::222222222222:role/${aws:username}-*',
      },
    ],
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, Policy variables with no value: the statement is invalid as a whole, so another Resource entry does not rescue it',
    statements: [
      identityAllow({ Resource: ['arn:aws:iam::222222222222:role/${aws:username}', TARGET] }),
    ],
    opts: IDENTITY,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Policy variables with a default: a NotResource variable with a default is resolved, not invalid',
    statements: [
      identityAllow({
        Resource: undefined,
        NotResource: "arn:aws:iam::222222222222:role/${aws:username, 'nobody'}",
      }),
    ],
    opts: IDENTITY,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'Access Analyzer, "Variable unsupported in element": a NotPrincipal entry with a policy variable is never resolved, so the Deny does not apply to everyone else',
    statements: [
      trustAllow(),
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/${aws:username}' },
        Action: 'sts:AssumeRole',
      },
    ],
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, Single-valued vs multivalued context keys: ForAllValues is true when the key is absent, so an Allow pairs it with Null false (absent key: no)',
    statements: [
      trustAllow({
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] },
          Null: { 'aws:TagKeys': 'false' },
        },
      }),
    ],
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Single-valued vs multivalued context keys: ForAllValues with Null false allows when every present tag key is listed',
    statements: [
      trustAllow({
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] },
          Null: { 'aws:TagKeys': 'false' },
        },
      }),
    ],
    ctx: makeContext({ 'aws:tagkeys': ['team'] }),
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, Single-valued vs multivalued context keys: ForAllValues alone over an absent key is true (fails open)',
    statements: [
      trustAllow({ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } }),
    ],
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
  {
    why: 'IAM UG, Single-valued vs multivalued context keys: ForAnyValue over an absent key is false',
    statements: [
      trustAllow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } } }),
    ],
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'a Resource variable whose key was not logged is unknown',
    statements: [
      identityAllow({ Resource: 'arn:aws:iam::222222222222:role/${aws:PrincipalTag/role}' }),
    ],
    ctx: makeContext({}, ['aws:principaltag/']),
    opts: IDENTITY,
    allow: 'unknown',
    deny: 'no',
  },
  {
    why: 'an empty policy allows and denies nothing',
    statements: [],
    opts: TRUST,
    allow: 'no',
    deny: 'no',
  },
  {
    why: 'IAM UG, Principal: a federated caller matches a Federated statement',
    statements: [
      {
        Effect: 'Allow',
        Principal: { Federated: CALLERS.github.federatedProvider },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app:*' } },
      },
    ],
    ctx: makeContext(
      { 'token.actions.githubusercontent.com:sub': ['repo:acme/app:ref:refs/heads/main'] },
      [],
      { principal: CALLERS.github, action: 'sts:AssumeRoleWithWebIdentity' },
    ),
    opts: TRUST,
    allow: 'yes',
    deny: 'no',
  },
];

describe('evaluatePolicy', () => {
  it.each(rows)('$why', ({ statements, opts, ctx, allow, deny }) => {
    const ev = evaluatePolicy(policy(...statements), ctx ?? makeContext(), opts);
    expect({ allow: ev.allow, deny: ev.deny }).toEqual({ allow, deny });
  });

  it('traces every statement in full, even after one fails', () => {
    const doc = policy(
      trustAllow({ Sid: 'Ci', Condition: { StringEquals: { 'sts:ExternalId': 'abc' } } }),
      { Effect: 'Deny', Principal: '*', Action: 'iam:*' },
    );
    const ev = evaluatePolicy(doc, makeContext({ 'sts:externalid': ['xyz'] }), TRUST);
    expect(ev.statements).toEqual([
      {
        index: 0,
        sid: 'Ci',
        effect: 'Allow',
        principal: 'yes',
        action: 'yes',
        resource: null,
        conditions: [
          {
            operator: 'StringEquals',
            key: 'sts:ExternalId',
            expected: ['abc'],
            actual: ['xyz'],
            result: 'no',
          },
        ],
        conditionsResult: 'no',
        applies: 'no',
      },
      {
        index: 1,
        effect: 'Deny',
        principal: 'yes',
        action: 'no',
        resource: null,
        conditions: [],
        conditionsResult: 'yes',
        applies: 'no',
      },
    ]);
  });

  it('leaves principal null when principals are not checked and resource null when absent or not checked', () => {
    const ev = evaluatePolicy(policy(identityAllow()), makeContext(), IDENTITY);
    expect(ev.statements[0]).toMatchObject({ principal: null, resource: 'yes' });
    const trust = evaluatePolicy(policy(trustAllow({ Resource: '*' })), makeContext(), TRUST);
    expect(trust.statements[0]).toMatchObject({ principal: 'yes', resource: null });
  });

  it('evaluates the principal even when the action does not match (no short-circuit)', () => {
    const ev = evaluatePolicy(policy(trustAllow({ Action: 'iam:PassRole' })), makeContext(), TRUST);
    expect(ev.statements[0]).toMatchObject({ principal: 'yes', action: 'no', applies: 'no' });
  });

  it('reports the unlogged keys that made results unknown, lower-cased, sorted, once', () => {
    const doc = policy(
      trustAllow({
        Condition: { StringEquals: { 'sts:ExternalId': 'a', 'aws:RequestTag/x': 'b' } },
      }),
      trustAllow({
        Condition: {
          StringEquals: { 'STS:EXTERNALID': 'c', 'sts:RoleSessionName': '${aws:PrincipalTag/t}' },
        },
      }),
    );
    const ev = evaluatePolicy(
      doc,
      makeContext({ 'sts:rolesessionname': ['s'] }, [
        'sts:externalid',
        'aws:requesttag/',
        'aws:principaltag/t',
      ]),
      TRUST,
    );
    expect(ev.unknownKeys).toEqual(['aws:principaltag/t', 'aws:requesttag/x', 'sts:externalid']);
  });

  it('does not list unknown keys whose conditions were decided anyway', () => {
    const doc = policy(
      trustAllow({
        Condition: { StringEquals: { 'sts:RoleSessionName': ['${aws:PrincipalTag/t}', 's'] } },
      }),
    );
    const ev = evaluatePolicy(
      doc,
      makeContext({ 'sts:rolesessionname': ['s'] }, ['aws:principaltag/t']),
      TRUST,
    );
    expect(ev.unknownKeys).toEqual([]);
    expect(ev.allow).toBe('yes');
  });

  it('treats ${…} literally in a 2008-10-17 policy (IAM UG, Variables: they need 2012-10-17)', () => {
    const old = parsePolicyDocument(
      {
        Version: '2008-10-17',
        Statement: [identityAllow({ Resource: 'arn:aws:iam::222222222222:role/${aws:username}' })],
      },
      'p',
    );
    const ctx = makeContext({ 'aws:username': ['DeployRole'] });
    expect(evaluatePolicy(old, ctx, IDENTITY).allow).toBe('no');
    const noVersion = parsePolicyDocument(
      {
        Statement: [identityAllow({ Resource: 'arn:aws:iam::222222222222:role/${aws:username}' })],
      },
      'p',
    );
    expect(evaluatePolicy(noVersion, ctx, IDENTITY).allow).toBe('no');
  });

  it('marks the principal unknown when the caller role path is not known', () => {
    const ev = evaluatePolicy(
      policy(trustAllow()),
      makeContext({}, [], { principal: CALLERS.sessionPathUnknown }),
      TRUST,
    );
    expect(ev.statements[0]?.principal).toBe('unknown');
    expect(ev.allow).toBe('unknown');
  });
});
