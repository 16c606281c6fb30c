import { describe, expect, it } from 'vitest';
import { formatErrorLine, PolicyError } from '../../../lib/errors/TrustwatchError.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';

const BASE = 'accounts.222222222222.RoleDetailList[3].AssumeRolePolicyDocument';
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Ci',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:role/ci-deployer' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'a+b 100%' } },
    },
  ],
};

function errorOf(input: unknown): { message: string; path: unknown } {
  try {
    parsePolicyDocument(input, BASE);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    const e = err as PolicyError;
    return { message: e.message, path: e.context.path };
  }
  throw new Error('expected a PolicyError');
}

const stmt = (extra: object) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', ...extra });

describe('parsePolicyDocument: accepted forms', () => {
  const expected = parsePolicyDocument(TRUST, BASE);

  it.each([
    { why: 'AWS CLI prints documents as JSON objects', input: TRUST },
    { why: 'some APIs return plain JSON text', input: JSON.stringify(TRUST) },
    {
      why: 'aws-notes: GetRole returns AssumeRolePolicyDocument URL-encoded',
      input: encodeURIComponent(JSON.stringify(TRUST)),
    },
    {
      why: 'form-style encoding writes spaces as `+` (a literal plus is %2B)',
      input: encodeURIComponent(JSON.stringify(TRUST)).replace(/%20/g, '+'),
    },
    {
      why: 'JSON text with surrounding whitespace',
      input: `\n  ${JSON.stringify(TRUST, null, 2)}\n`,
    },
  ])('$why', ({ input }) => {
    expect(parsePolicyDocument(input, BASE)).toEqual(expected);
  });

  it('keeps a `%` in plain JSON text instead of URL-decoding it', () => {
    const doc = parsePolicyDocument(
      '{"Statement":{"Effect":"Allow","Action":"s3:*","Condition":{"StringLike":{"s3:prefix":"100%25"}}}}',
      BASE,
    );
    expect(doc.statements[0]?.conditions[0]?.values).toEqual(['100%25']);
  });

  it('normalizes to the PolicyDocument model (arrays, strings, one statement object)', () => {
    const doc = parsePolicyDocument(
      {
        Version: '2012-10-17',
        Id: 'trust',
        Statement: {
          Effect: 'Deny',
          NotPrincipal: { AWS: ['111111111111'], Service: 'ec2.amazonaws.com' },
          NotAction: 'iam:*',
          NotResource: ['arn:aws:s3:::b'],
          Condition: {
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
            Bool: { 'aws:MultiFactorAuthPresent': true },
            'ForAnyValue:StringLike': { 'aws:TagKeys': ['a*', 'b'] },
          },
        },
      },
      BASE,
    );
    expect(doc).toEqual({
      version: '2012-10-17',
      id: 'trust',
      statements: [
        {
          index: 0,
          effect: 'Deny',
          notPrincipal: {
            kind: 'map',
            AWS: ['111111111111'],
            Service: ['ec2.amazonaws.com'],
            Federated: [],
            CanonicalUser: [],
          },
          notAction: ['iam:*'],
          notResource: ['arn:aws:s3:::b'],
          conditions: [
            { operator: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', values: ['3600'] },
            { operator: 'Bool', key: 'aws:MultiFactorAuthPresent', values: ['true'] },
            { operator: 'ForAnyValue:StringLike', key: 'aws:TagKeys', values: ['a*', 'b'] },
          ],
        },
      ],
    });
  });

  it('reads "*" as any principal and {"AWS":"*"} as a map the engine treats the same', () => {
    const doc = parsePolicyDocument(
      { Statement: [stmt({ Principal: '*' }), stmt({ Principal: { AWS: '*' } })] },
      BASE,
    );
    expect(doc.statements[0]?.principal).toEqual({ kind: 'any' });
    expect(doc.statements[1]?.principal).toMatchObject({ kind: 'map', AWS: ['*'] });
    expect(doc.version).toBeUndefined();
  });

  it('accepts a trust statement without Resource and numbers statements in order', () => {
    const doc = parsePolicyDocument(
      { Statement: [stmt({ Principal: '*' }), stmt({ Sid: 'Two', Principal: '*' })] },
      BASE,
    );
    expect(doc.statements.map((s) => [s.index, s.sid, s.resource])).toEqual([
      [0, undefined, undefined],
      [1, 'Two', undefined],
    ]);
  });
});

const S = `${BASE}.Statement`;
const errorRows: { why: string; input: unknown; message: string; path: string }[] = [
  {
    why: 'snapshot spec: unreadable text is "not valid JSON" at the document path',
    input: '{"Version": "2012-10-17", ',
    message: 'not valid JSON (line 1, column 26: unexpected end of input, expected a string)',
    path: BASE,
  },
  {
    why: 'URL-encoded text that does not decode to JSON',
    input: '%7B%22Version%22',
    message:
      'not valid JSON (once URL-decoded, line 1, column 11: unexpected end of input, expected `:`)',
    path: BASE,
  },
  {
    why: 'broken percent-encoding',
    input: '%7B%E0%A4%A',
    message: 'not valid JSON (bad URL encoding)',
    path: BASE,
  },
  {
    why: 'plain words are not JSON',
    input: 'allow everything',
    message: 'not valid JSON (line 1, column 1: unexpected `a`, expected a value)',
    path: BASE,
  },
  {
    why: 'a JSON array is not a policy',
    input: '[]',
    message: 'policy document must be a JSON object, got an empty array',
    path: BASE,
  },
  {
    why: 'a number is not a policy',
    input: 42,
    message: 'policy document must be a JSON object, got `42`',
    path: BASE,
  },
  {
    why: 'null is not a policy',
    input: null,
    message: 'policy document must be a JSON object, got `null`',
    path: BASE,
  },
  {
    why: 'IAM grammar: Effect is Allow or Deny',
    input: { Statement: [stmt({}), stmt({ Effect: 'Alow' })] },
    message: '`Effect` must be `Allow` or `Deny`, got `Alow`',
    path: `${S}[1].Effect`,
  },
  {
    why: 'IAM grammar: Effect is required',
    input: { Statement: [{ Action: 'sts:AssumeRole' }] },
    message: '`Effect` is required',
    path: `${S}[0].Effect`,
  },
  {
    why: 'a single statement object has no index in its path',
    input: { Statement: stmt({ Effect: 'allow' }) },
    message: '`Effect` must be `Allow` or `Deny`, got `allow`',
    path: `${S}.Effect`,
  },
  {
    why: 'IAM rejects unknown statement elements',
    input: { Statement: [stmt({ Resources: '*' })] },
    message: 'unknown statement element `Resources`',
    path: `${S}[0].Resources`,
  },
  {
    why: 'element names are case-sensitive: `action` is unknown',
    input: { Statement: [{ Effect: 'Allow', action: 'sts:AssumeRole' }] },
    message: 'unknown statement element `action`',
    path: `${S}[0].action`,
  },
  {
    why: 'IAM rejects unknown top-level elements',
    input: { Version: '2012-10-17', Statemnt: [] },
    message: 'unknown policy element `Statemnt`',
    path: `${BASE}.Statemnt`,
  },
  {
    why: 'IAM grammar: Statement is required',
    input: { Version: '2012-10-17' },
    message: '`Statement` is required',
    path: S,
  },
  {
    why: 'IAM grammar: Statement is an object or an array',
    input: { Statement: 'allow' },
    message: '`Statement` must be an object or an array of objects, got `allow`',
    path: S,
  },
  {
    why: 'each statement is an object',
    input: { Statement: [stmt({}), 3] },
    message: 'statement must be an object, got `3`',
    path: `${S}[1]`,
  },
  {
    why: 'IAM grammar: not both Action and NotAction',
    input: { Statement: [stmt({ NotAction: 'iam:*' })] },
    message: 'statement must not have both `Action` and `NotAction`',
    path: `${S}[0].NotAction`,
  },
  {
    why: 'IAM grammar: Action or NotAction is required',
    input: { Statement: [{ Effect: 'Allow', Principal: '*' }] },
    message: 'statement needs `Action` or `NotAction`',
    path: `${S}[0]`,
  },
  {
    why: 'IAM grammar: not both Resource and NotResource',
    input: { Statement: [stmt({ Resource: '*', NotResource: '*' })] },
    message: 'statement must not have both `Resource` and `NotResource`',
    path: `${S}[0].NotResource`,
  },
  {
    why: 'IAM grammar: not both Principal and NotPrincipal',
    input: { Statement: [stmt({ Principal: '*', NotPrincipal: '*' })] },
    message: 'statement must not have both `Principal` and `NotPrincipal`',
    path: `${S}[0].NotPrincipal`,
  },
  {
    why: 'Action is a string or an array of strings',
    input: { Statement: [stmt({ Action: 3 })] },
    message: '`Action` must be a string or a non-empty array of strings, got `3`',
    path: `${S}[0].Action`,
  },
  {
    why: 'Action may not be an empty list',
    input: { Statement: [stmt({ Action: [] })] },
    message: '`Action` must be a string or a non-empty array of strings, got an empty array',
    path: `${S}[0].Action`,
  },
  {
    why: 'the path points at the bad array entry',
    input: { Statement: [stmt({ Action: ['sts:AssumeRole', 3] })] },
    message: '`Action` entries must be strings, got `3`',
    path: `${S}[0].Action[1]`,
  },
  {
    why: 'Resource entries too',
    input: { Statement: [stmt({ Resource: ['*', null] })] },
    message: '`Resource` entries must be strings, got `null`',
    path: `${S}[0].Resource[1]`,
  },
  {
    why: 'IAM grammar: Principal is "*" or a map',
    input: { Statement: [stmt({ Principal: 'arn:aws:iam::111111111111:root' })] },
    message:
      '`Principal` must be `*` or an object of principal types (`AWS`, `Service`, `Federated`, `CanonicalUser`), got `arn:aws:iam::111111111111:root`',
    path: `${S}[0].Principal`,
  },
  {
    why: 'IAM grammar: principal types are AWS, Service, Federated, CanonicalUser',
    input: { Statement: [stmt({ Principal: { Aws: 'x' } })] },
    message:
      'unknown `Principal` type `Aws` (expected `AWS`, `Service`, `Federated` or `CanonicalUser`)',
    path: `${S}[0].Principal.Aws`,
  },
  {
    why: 'an empty principal map names nobody',
    input: { Statement: [stmt({ Principal: {} })] },
    message: '`Principal` must name at least one principal',
    path: `${S}[0].Principal`,
  },
  {
    why: 'principal entries are strings',
    input: { Statement: [stmt({ Principal: { AWS: 111111111111 } })] },
    message: '`Principal.AWS` must be a string or a non-empty array of strings, got `111111111111`',
    path: `${S}[0].Principal.AWS`,
  },
  {
    why: 'NotPrincipal follows the same grammar',
    input: { Statement: [stmt({ NotPrincipal: { Service: ['ec2.amazonaws.com', 1] } })] },
    message: '`NotPrincipal.Service` entries must be strings, got `1`',
    path: `${S}[0].NotPrincipal.Service[1]`,
  },
  {
    why: 'IAM grammar: Condition is a map of operators',
    input: { Statement: [stmt({ Condition: 'x' })] },
    message: '`Condition` must be an object of condition operators, got `x`',
    path: `${S}[0].Condition`,
  },
  {
    why: 'IAM grammar: an operator maps keys to values',
    input: { Statement: [stmt({ Condition: { StringEquals: 'x' } })] },
    message: 'condition operator must map condition keys to values, got `x`',
    path: `${S}[0].Condition.StringEquals`,
  },
  {
    why: 'condition keys with `:` are written as ["…"] in the path',
    input: { Statement: [stmt({ Condition: { StringEquals: { 'sts:ExternalId': null } } })] },
    message: 'condition value must be a string, number, boolean or an array of them, got `null`',
    path: `${S}[0].Condition.StringEquals["sts:ExternalId"]`,
  },
  {
    why: 'the path points at the bad condition value in a list',
    input: {
      Statement: [
        stmt({ Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['a', { b: 1 }] } } }),
      ],
    },
    message: 'condition values must be strings, numbers or booleans, got an object',
    path: `${S}[0].Condition["ForAnyValue:StringLike"]["aws:TagKeys"][1]`,
  },
  {
    why: 'an operator with no key is malformed',
    input: { Statement: [stmt({ Condition: { StringEquals: {} } })] },
    message: 'condition operator `StringEquals` names no condition key',
    path: `${S}[0].Condition.StringEquals`,
  },
  {
    why: 'IAM grammar: Version is 2012-10-17 or 2008-10-17',
    input: { Version: '2012-10-18', Statement: [] },
    message: '`Version` must be `2012-10-17` or `2008-10-17`, got `2012-10-18`',
    path: `${BASE}.Version`,
  },
  {
    why: 'Sid is a string',
    input: { Statement: [stmt({ Sid: 1 })] },
    message: '`Sid` must be a string, got `1`',
    path: `${S}[0].Sid`,
  },
  {
    why: 'errors in URL-encoded documents carry the same paths',
    input: encodeURIComponent(JSON.stringify({ Statement: [stmt({}), stmt({ Effect: 'Alow' })] })),
    message: '`Effect` must be `Allow` or `Deny`, got `Alow`',
    path: `${S}[1].Effect`,
  },
  {
    why: 'long or multi-line user text is cut to one short line',
    input: { Statement: [stmt({ Effect: `Allow\n${'x'.repeat(100)}` })] },
    message: `\`Effect\` must be \`Allow\` or \`Deny\`, got \`Allow ${'x'.repeat(51)}...\``,
    path: `${S}[0].Effect`,
  },
];

describe('parsePolicyDocument: malformed policies', () => {
  it.each(errorRows)('$why', ({ input, message, path }) => {
    const e = errorOf(input);
    expect(e).toEqual({ message, path });
    expect(message).not.toMatch(/\n/);
    expect(message.charAt(0)).not.toMatch(/[A-Z]/);
  });

  it('formats as the snapshot spec example', () => {
    try {
      parsePolicyDocument('{nope', BASE);
      expect.unreachable();
    } catch (err) {
      expect(formatErrorLine(err)).toBe(
        'not valid JSON (line 1, column 2: unexpected `n`, expected a string) (at `accounts.222222222222.RoleDetailList[3].AssumeRolePolicyDocument`)',
      );
    }
  });
});
