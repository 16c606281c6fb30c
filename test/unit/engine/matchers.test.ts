// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written `${key}` inside plain strings.
import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr, parseIp } from '../../../lib/engine/ipAddress.js';
import { matchAction } from '../../../lib/engine/matchAction.js';
import {
  compileResourcePattern,
  matchArnLike,
  matchResource,
  splitArn,
} from '../../../lib/engine/matchArn.js';
import { substituteVariables } from '../../../lib/engine/policyVariables.js';
import { globFromLiteral, globFromRaw, globMatch } from '../../../lib/engine/wildcard.js';
import { makeContext } from './engineFixtures.js';

describe('matchAction', () => {
  it.each([
    {
      why: 'IAM UG, Action: exact action',
      patterns: ['sts:AssumeRole'],
      action: 'sts:AssumeRole',
      expected: true,
    },
    {
      why: 'IAM UG, Action: prefix and action name are case-insensitive',
      patterns: ['STS:assumerole'],
      action: 'sts:AssumeRole',
      expected: true,
    },
    {
      why: 'IAM UG, Action: `*` matches any run of characters',
      patterns: ['sts:Assume*'],
      action: 'sts:AssumeRoleWithWebIdentity',
      expected: true,
    },
    {
      why: 'IAM UG, Action: service wildcard',
      patterns: ['sts:*'],
      action: 'sts:TagSession',
      expected: true,
    },
    {
      why: 'IAM UG, Action: "*" is every action',
      patterns: ['*'],
      action: 'iam:PassRole',
      expected: true,
    },
    {
      why: 'IAM UG, Action: `?` is exactly one character',
      patterns: ['sts:AssumeRol?'],
      action: 'sts:AssumeRole',
      expected: true,
    },
    {
      why: 'IAM UG, Action: `?` does not match nothing',
      patterns: ['sts:AssumeRole?'],
      action: 'sts:AssumeRole',
      expected: false,
    },
    {
      why: 'IAM UG, Action: AssumeRole does not cover AssumeRoleWithSAML',
      patterns: ['sts:AssumeRole'],
      action: 'sts:AssumeRoleWithSAML',
      expected: false,
    },
    {
      why: 'IAM UG, Action: another service prefix does not match',
      patterns: ['iam:*'],
      action: 'sts:AssumeRole',
      expected: false,
    },
    {
      why: 'IAM UG, Action: the list is OR-ed',
      patterns: ['iam:*', 'sts:TagSession', 'sts:AssumeRole'],
      action: 'sts:AssumeRole',
      expected: true,
    },
    {
      why: 'an empty list matches nothing',
      patterns: [],
      action: 'sts:AssumeRole',
      expected: false,
    },
    {
      why: 'a wildcard in the middle',
      patterns: ['sts:*Session'],
      action: 'sts:TagSession',
      expected: true,
    },
  ])('$why', ({ patterns, action, expected }) => {
    expect(matchAction(patterns, action)).toBe(expected);
  });
});

describe('matchResource', () => {
  const role = 'arn:aws:iam::222222222222:role/DeployRole';
  it.each([
    { why: 'IAM UG, Resource: "*" is every resource', pattern: '*', expected: true },
    { why: 'IAM UG, Resource: exact ARN', pattern: role, expected: true },
    {
      why: 'IAM UG, Resource: ARNs are case-sensitive',
      pattern: 'arn:aws:iam::222222222222:role/deployrole',
      expected: false,
    },
    {
      why: 'IAM UG, Resource: wildcard in the resource part',
      pattern: 'arn:aws:iam::222222222222:role/Deploy*',
      expected: true,
    },
    {
      why: 'IAM UG, Resource: wildcard for the account part',
      pattern: 'arn:aws:iam::*:role/DeployRole',
      expected: true,
    },
    {
      why: 'IAM UG, Resource: `?` wildcard',
      pattern: 'arn:aws:iam::22222222222?:role/DeployRole',
      expected: true,
    },
    {
      why: 'a pattern that is not a six-part ARN is compared to the whole ARN (arn:aws:iam:* covers all of IAM)',
      pattern: 'arn:aws:iam:*',
      expected: true,
    },
    {
      why: 'IAM UG, Resource: `role/*` covers roles with paths',
      pattern: 'arn:aws:iam::222222222222:role/*',
      expected: true,
    },
    {
      why: 'another account',
      pattern: 'arn:aws:iam::333333333333:role/DeployRole',
      expected: false,
    },
    {
      why: 'another partition',
      pattern: 'arn:aws-us-gov:iam::222222222222:role/DeployRole',
      expected: false,
    },
  ])('$why', ({ pattern, expected }) => {
    expect(matchResource(globFromRaw(pattern), role)).toBe(expected);
    // The prepared pattern (compiled only once a resource passes its literal head) agrees.
    const prepared = compileResourcePattern(globFromRaw(pattern));
    expect(prepared.matches(role)).toBe(expected);
    expect(prepared.matches(role)).toBe(expected);
  });

  it.each([
    ['arn:aws:iam::*:role/DeployRole', 'arn:aws:iam::1:role/DeployRole', true],
    ['arn:aws:iam::*:role/DeployRole', 'arn:aws:s3:::DeployRole', false],
    ['arn:aws:s3:::builds-7/*', 'arn:aws:s3:::builds-7', false],
    ['arn:aws:s3:::builds-7/*', 'arn:aws:s3:::builds-7/', true],
    ['arn:aws:s3:::builds-7/a', 'arn:aws:s3:::builds-7/a', true],
    ['arn:aws:s3:::builds-7/a', 'arn:aws:s3:::builds-7/ab', false],
    ['arn:aws:s3:::a?c/*', 'arn:aws:s3:::abc/x', true],
    ['arn:aws:s3:::a?c/*', 'arn:aws:s3:::ac/x', false],
    ['key\\*', 'key\\abc', true],
    ['key\\*', 'key*', false],
    ['arn:aws:iam::1:role/*', 'arn:aws:iam::1:role/', true],
    ['arn:aws:iam::1:role/*', 'arn:aws:iam::1:role/a:b/c', true],
    ['arn:aws:iam::1:*', 'arn:aws:iam::1:x', true],
    ['arn:aws:iam::1*', 'arn:aws:iam::12:x', true],
    ['arn:aws:iam::1*', 'arn:aws:iam::1', true],
    ['arn:aws:iam:*', 'arn:aws:iam:us:1:x', true],
    ['arn:aws:iam::1:role/*', 'arn:aws:iam::1:rol', false],
    ['plain', 'plain', true],
    ['plain', 'plainer', false],
  ])('prepared pattern %j against %j: %s (as matchResource)', (raw, resource, expected) => {
    const pattern = globFromRaw(raw);
    expect(matchResource(pattern, resource)).toBe(expected);
    expect(compileResourcePattern(pattern).matches(resource)).toBe(expected);
  });

  it('matches six-part patterns part by part: a wildcard in the account part does not eat a colon', () => {
    const odd = 'arn:aws:iam::222222222222:extra:role/DeployRole';
    expect(matchResource(globFromRaw('arn:aws:iam::*:role/DeployRole'), odd)).toBe(false);
    expect(matchResource(globFromRaw('arn:aws:iam::*:*role/DeployRole'), odd)).toBe(true);
  });

  it('matches a path role only with the path or a wildcard', () => {
    const pathRole = 'arn:aws:iam::222222222222:role/team/DeployRole';
    expect(matchResource(globFromRaw('arn:aws:iam::222222222222:role/DeployRole'), pathRole)).toBe(
      false,
    );
    expect(
      matchResource(globFromRaw('arn:aws:iam::222222222222:role/*/DeployRole'), pathRole),
    ).toBe(true);
  });
});

describe('ARN parts', () => {
  it('splits six parts and keeps colons in the resource part', () => {
    expect(splitArn('arn:aws:logs:us-east-1:1:log-group:/a:*')).toEqual([
      'arn',
      'aws',
      'logs',
      'us-east-1',
      '1',
      'log-group:/a:*',
    ]);
    expect(splitArn('arn:aws:iam::1')).toBeUndefined();
  });

  it('needs six parts on both sides for ArnLike', () => {
    expect(matchArnLike(globFromRaw('arn:aws:s3:::bucket'), 'arn:aws:s3:::bucket')).toBe(true);
    expect(matchArnLike(globFromRaw('arn:aws:s3:::*'), 'arn:aws:s3')).toBe(false);
  });
});

describe('glob', () => {
  it.each([
    ['*', '', true],
    ['a*', 'a', true],
    ['*a*b*c*', 'xxaxxbxxc', true],
    ['*a*b*c*', 'xxaxxcxxb', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a**b', 'ab', true],
  ])('%j matches %j: %s', (pattern, text, expected) => {
    expect(globMatch(globFromRaw(pattern), text)).toBe(expected);
  });

  it('treats backslashes written in a policy as literal characters', () => {
    expect(globMatch(globFromRaw('a\\*'), 'a\\xyz')).toBe(true);
    expect(globMatch(globFromRaw('a\\*'), 'a*')).toBe(false);
  });

  it('matches literals only against themselves', () => {
    expect(globMatch(globFromLiteral('a*?\\'), 'a*?\\')).toBe(true);
    expect(globMatch(globFromLiteral('a*'), 'abc')).toBe(false);
  });

  it('runs in linear time on adversarial patterns', () => {
    const pattern = globFromRaw(`${'*a'.repeat(50)}b`);
    expect(globMatch(pattern, 'a'.repeat(5000))).toBe(false);
  });
});

describe('substituteVariables', () => {
  const ctx = makeContext(
    { 'aws:username': ['alice'], 'aws:principaltag/team': ['blue'], 'aws:tagkeys': ['a', 'b'] },
    ['aws:requesttag/'],
  );
  it.each([
    {
      why: 'IAM UG, Variables: ${aws:username}',
      raw: 'home/${aws:username}/',
      want: { kind: 'ok', text: 'home/alice/' },
    },
    {
      why: 'IAM UG, Variables: tags as variables',
      raw: 'x-${aws:PrincipalTag/team}',
      want: { kind: 'ok', text: 'x-blue' },
    },
    { why: 'IAM UG, Variables: escapes', raw: '${*}${?}${$}', want: { kind: 'ok', text: '*?$' } },
    {
      why: 'IAM UG, Variables: default value',
      raw: "${aws:PrincipalTag/dept, 'eng'}",
      want: { kind: 'ok', text: 'eng' },
    },
    {
      why: 'IAM UG, Variables: default value with no space after the comma',
      raw: "${aws:PrincipalTag/dept,'eng'}",
      want: { kind: 'ok', text: 'eng' },
    },
    {
      why: 'IAM UG, Policy variables with no value',
      raw: '${aws:PrincipalTag/dept}',
      want: { kind: 'missing', key: 'aws:principaltag/dept' },
    },
    {
      why: 'multivalued keys cannot be variables',
      raw: '${aws:TagKeys}',
      want: { kind: 'missing', key: 'aws:tagkeys' },
    },
    {
      why: 'a variable on a key that was not logged',
      raw: '${aws:RequestTag/x}',
      want: { kind: 'unknown', key: 'aws:requesttag/x' },
    },
    {
      why: 'a missing variable decides even after an unknown one',
      raw: '${aws:RequestTag/x}${aws:PrincipalTag/dept}',
      want: { kind: 'missing', key: 'aws:principaltag/dept' },
    },
    { why: 'an unclosed `${` is literal text', raw: 'a${b', want: { kind: 'ok', text: 'a${b' } },
  ])('$why', ({ raw, want }) => {
    expect(substituteVariables(raw, ctx, true)).toMatchObject(want);
  });

  it('keeps policy wildcards as wildcards and makes substituted text literal', () => {
    const sub = substituteVariables(
      '${aws:username}*',
      makeContext({ 'aws:username': ['a?'] }),
      true,
    );
    expect(sub).toEqual({ kind: 'ok', pattern: 'a\\?*', text: 'a?*' });
  });

  it('takes `${…}` literally when variables are off (Version 2008-10-17)', () => {
    expect(substituteVariables('${aws:username}', ctx, false)).toMatchObject({
      kind: 'ok',
      text: '${aws:username}',
    });
  });
});

describe('IP addresses', () => {
  it.each([
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
  ])('reads %s like %s', (a, b) => {
    expect(parseIp(a)).toEqual(parseIp(b));
  });

  it.each(['256.1.1.1', '1.2.3', '1:2:3:4:5:6:7:8:9', ':::', '1::2::3', 'fe80::1%eth0', 'abc'])(
    'rejects %s',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );

  it.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/x'])('rejects the block %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('checks IPv6 /64 boundaries', () => {
    const block = parseCidr('2001:db8:1:2::/64')!;
    expect(cidrContains(block, parseIp('2001:db8:1:2:ffff:ffff:ffff:ffff')!)).toBe(true);
    expect(cidrContains(block, parseIp('2001:db8:1:3::')!)).toBe(false);
  });
});
