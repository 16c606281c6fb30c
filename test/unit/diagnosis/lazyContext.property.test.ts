import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildRequestContext,
  type ContextFacts,
} from '../../../lib/diagnosis/buildRequestContext.js';
import { copyContext, KeyScope, lookupKey } from '../../../lib/engine/contextKeys.js';
import { evaluatePolicy } from '../../../lib/engine/evaluatePolicy.js';
import type { RequestContext } from '../../../lib/engine/RequestContext.js';
import type { Caller, DenialEvent } from '../../../lib/intake/DenialEvent.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';

/**
 * The request context is built on demand, group of keys by group of keys,
 * in whatever order the engine reads them; a web identity caller's claim keys
 * are routed by its provider host. Whatever the event and the order of the
 * reads, every answer is the one the whole table (`values`, `unknownKeys`)
 * gives, and so is every policy evaluation.
 */

const ROLE = 'arn:aws:iam::222222222222:role/Target';
const HOSTS = [
  'token.actions.githubusercontent.com',
  'Token.Example.COM',
  'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
  'auth.example.com/realms/x:y',
  'aws',
  'sts',
  'saml',
  'aws:principaltag',
  'AWS:RequestTag/team',
  'a',
  '',
];
const host = fc.constantFrom(...HOSTS);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const tag = fc.record({
  key: fc.constantFrom('team', 'Team', 'env', ''),
  value: fc.constantFrom('a', 'b', ''),
});

const caller: fc.Arbitrary<Caller> = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom(
        'AssumedRole',
        'IAMUser',
        'Root',
        'FederatedUser',
        'AWSAccount',
        'Unknown',
      ),
      arn: fc.constantFrom(
        'arn:aws:sts::111111111111:assumed-role/ci/sess',
        'arn:aws:iam::111111111111:user/bob',
        'arn:aws:iam::111111111111:root',
      ),
      accountId: fc.constant('111111111111'),
      principalId: fc.constant('AIDAEXAMPLE'),
      userName: fc.constant('bob'),
      issuerArn: fc.constant('arn:aws:iam::111111111111:role/ci'),
      issuerUniqueId: fc.constant('AROAEXAMPLE'),
      sessionName: fc.constant('sess'),
      mfaAuthenticated: fc.boolean(),
      sessionCreatedAt: fc.constantFrom('2026-03-02T09:00:00Z', 'not a date'),
      sessionSourceIdentity: fc.constant('alice'),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({
    type: fc.constant('WebIdentityUser' as const),
    webIdentity: fc.record(
      {
        providerArn: host.map((h) => `arn:aws:iam::222222222222:oidc-provider/${h}`),
        provider: host,
        aud: fc.constant('sts.amazonaws.com'),
        sub: fc.constant('repo:o/r:ref:refs/heads/main'),
        claims: fc.dictionary(
          fc.constantFrom('sub', 'Ref', 'amr', 'principaltag/team'),
          fc.constantFrom('x', 'y'),
        ),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    type: fc.constant('SAMLUser' as const),
    saml: fc.record(
      {
        providerArn: fc.constant('arn:aws:iam::222222222222:saml-provider/Okta'),
        subject: fc.constant('alice'),
        aud: fc.constant('x'),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    type: fc.constant('AWSService' as const),
    invokedBy: maybe(fc.constant('ec2.amazonaws.com')),
  }),
) as fc.Arbitrary<Caller>;

const event: fc.Arbitrary<DenialEvent> = fc
  .record({
    caller,
    eventName: fc.constantFrom('AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'),
    eventTime: fc.constantFrom('2026-03-02T09:14:07Z', ''),
    sourceIp: maybe(
      fc.constantFrom('10.0.0.1', '2001:db8::1', 'lambda.amazonaws.com', 'AWS Internal'),
    ),
    userAgent: maybe(fc.constant('aws-cli/2')),
    vpcEndpointId: maybe(fc.constant('vpce-1')),
    request: fc.oneof(
      fc.constant({ logged: false }),
      fc.record(
        {
          logged: fc.constant(true),
          roleSessionName: fc.constant('s'),
          externalId: fc.constant('x'),
          serialNumber: fc.constant('arn:aws:iam::111111111111:mfa/bob'),
          sourceIdentity: fc.constant('bob'),
          tags: fc.array(tag, { maxLength: 2 }),
          transitiveTagKeys: fc.array(fc.constant('team'), { maxLength: 1 }),
        },
        { requiredKeys: ['logged'] },
      ),
    ),
  })
  .map((e) => {
    const out: Record<string, unknown> = {
      eventId: 'e',
      errorCode: 'AccessDenied',
      errorMessage: { raw: '', kind: 'none' },
      target: { roleArn: ROLE, source: 'errorMessage' },
      origin: { path: '$' },
      awsRegion: 'eu-west-1',
    };
    for (const [k, v] of Object.entries(e)) if (v !== undefined) out[k] = v;
    return out as unknown as DenialEvent;
  });

const ORG = { ok: true as const, value: { id: 'o-1', managementAccountId: '4', accounts: [] } };
const PATH = {
  ok: true as const,
  value: { path: ['r-1'], orgPath: 'o-1/r-1/', scpLevels: [], rcpLevels: [] },
};
const facts: fc.Arbitrary<ContextFacts> = fc
  .record({
    organization: fc.constantFrom<ContextFacts['organization']>(
      ORG,
      { ok: true, value: null },
      { ok: false, reason: 'x' },
    ),
    callerOrgPath: maybe(
      fc.constantFrom<NonNullable<ContextFacts['callerOrgPath']>>(PATH, { ok: false, reason: 'x' }),
    ),
    principalTags: maybe(fc.array(tag, { maxLength: 2 })),
    resourceTags: maybe(fc.array(tag, { maxLength: 2 })),
    resourceOrgPath: maybe(
      fc.constantFrom<NonNullable<ContextFacts['resourceOrgPath']>>(PATH, {
        ok: true,
        value: null,
      }),
    ),
  })
  .map((f) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v;
    return out as unknown as ContextFacts;
  });

/** Keys every group answers for, claim keys of every host, and keys no group knows. */
const KEYS = [
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principaltag/team',
  'aws:principaltag/',
  'aws:principalisawsservice',
  'aws:principalservicename',
  'aws:sourcearn',
  'aws:principaltype',
  'aws:userid',
  'aws:username',
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:sourceip',
  'aws:vpcsourceip',
  'aws:sourcevpc',
  'aws:useragent',
  'aws:viaawsservice',
  'aws:calledvia',
  'aws:currenttime',
  'aws:tokenissuetime',
  'aws:resourceaccount',
  'aws:resourcetag/team',
  'aws:resourceorgid',
  'sts:externalid',
  'sts:rolesessionname',
  'aws:requesttag/team',
  'aws:requesttag/',
  'aws:tagkeys',
  'aws:sourceidentity',
  'sts:sourceidentity',
  'aws:federatedprovider',
  'saml:sub',
  'saml:aud',
  'saml:namequalifier',
  'aws:nosuchkey',
  'constructor',
  ...HOSTS.flatMap((h) =>
    ['sub', 'aud', 'amr', 'ref', 'principaltag/team'].map((c) => `${h}:${c}`.toLowerCase()),
  ),
];

function tableOf(ctx: RequestContext): RequestContext {
  const table: RequestContext = {
    principal: ctx.principal,
    action: ctx.action,
    resource: ctx.resource,
    values: ctx.values,
    unknownKeys: ctx.unknownKeys,
  };
  return ctx.candidates === undefined ? table : { ...table, candidates: ctx.candidates };
}

describe('request context built on demand (fast-check)', () => {
  it('answers every sequence of reads as the whole table does', () => {
    fc.assert(
      fc.property(
        event,
        facts,
        fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 12 }),
        (e, f, reads) => {
          const table = tableOf(buildRequestContext(e, ROLE, f));
          const lazy = buildRequestContext(e, ROLE, f);
          const scope = new KeyScope(buildRequestContext(e, ROLE, f));
          for (const key of reads) {
            expect(lookupKey(lazy, key), key).toEqual(lookupKey(table, key));
            const tableScope = new KeyScope(table);
            expect([scope.values(key), scope.isUnknown(key)], key).toEqual([
              tableScope.values(key),
              tableScope.isUnknown(key),
            ]);
          }
          // A copy for another action reads the same keys.
          const copy = copyContext(lazy, { action: 'sts:TagSession' });
          for (const key of reads) expect(lookupKey(copy, key), key).toEqual(lookupKey(table, key));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('evaluates a policy on the lazy context as on the table', () => {
    const keys = fc.constantFrom(
      'aws:PrincipalTag/Team',
      'aws:RequestTag/team',
      'sts:ExternalId',
      'aws:MultiFactorAuthPresent',
      'aws:SourceIp',
      'saml:sub',
      ...HOSTS.map((h) => `${h}:sub`),
    );
    const clause = fc.record({
      op: fc.constantFrom(
        'StringEquals',
        'StringLike',
        'StringNotEquals',
        'Null',
        'BoolIfExists',
        'ForAllValues:StringLike',
      ),
      key: keys,
      value: fc.constantFrom('a', 'x', '*', 'true', 'false', 'repo:o/r:*', '10.0.0.0/8'),
    });
    fc.assert(
      fc.property(
        event,
        facts,
        fc.array(clause, { minLength: 1, maxLength: 4 }),
        (e, f, clauses) => {
          const doc = parsePolicyDocument(
            {
              Version: '2012-10-17',
              Statement: clauses.map((c) => ({
                Effect: 'Allow',
                Action: 'sts:*',
                Resource: '*',
                Condition: { [c.op]: { [c.key]: c.value } },
              })),
            },
            'identity',
          );
          const opts = { principal: false, resource: true };
          const lazy = evaluatePolicy(doc, buildRequestContext(e, ROLE, f), opts);
          expect(lazy).toEqual(evaluatePolicy(doc, tableOf(buildRequestContext(e, ROLE, f)), opts));
        },
      ),
      { numRuns: 300 },
    );
  });
});
