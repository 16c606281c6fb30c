import { describe, expect, it } from 'vitest';
import {
  buildRequestContext,
  type ContextFacts,
} from '../../../lib/diagnosis/buildRequestContext.js';
import { copyContext, lookupKey } from '../../../lib/engine/contextKeys.js';
import type { RequestContext } from '../../../lib/engine/RequestContext.js';
import type { DenialEvent } from '../../../lib/intake/DenialEvent.js';

const ORG = {
  ok: true as const,
  value: { id: 'o-1', managementAccountId: '444444444444', accounts: [] },
};
const PATH = {
  ok: true as const,
  value: { path: ['r-1', 'ou-1'], orgPath: 'o-1/r-1/ou-1/', scpLevels: [], rcpLevels: [] },
};
const ROLE = 'arn:aws:iam::222222222222:role/Target';

function event(over: Partial<DenialEvent> = {}): DenialEvent {
  return {
    eventId: 'e',
    eventName: 'AssumeRole',
    eventTime: '2026-03-02T09:14:07Z',
    awsRegion: 'eu-west-1',
    sourceIp: '10.0.0.1',
    errorCode: 'AccessDenied',
    errorMessage: { raw: '', kind: 'none' },
    caller: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111111111111:assumed-role/ci/sess',
      accountId: '111111111111',
      issuerArn: 'arn:aws:iam::111111111111:role/ci',
      issuerUniqueId: 'AROAEXAMPLE000000001',
      sessionName: 'sess',
      mfaAuthenticated: true,
      sessionCreatedAt: '2026-03-02T09:00:00Z',
    },
    target: { roleArn: ROLE, source: 'errorMessage' },
    request: { logged: false },
    origin: { path: '$' },
    ...over,
  };
}

describe('buildRequestContext', () => {
  it('sets the principal keys of a role session from the role, not the session', () => {
    const ctx = buildRequestContext(event(), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
      principalTags: [{ key: 'Team', value: 'platform' }],
    });
    expect(ctx.values['aws:principalarn']).toEqual(['arn:aws:iam::111111111111:role/ci']);
    expect(ctx.values['aws:principalaccount']).toEqual(['111111111111']);
    expect(ctx.values['aws:principalorgid']).toEqual(['o-1']);
    expect(ctx.values['aws:principalorgpaths']).toEqual(['o-1/r-1/ou-1/']);
    expect(ctx.values['aws:principaltag/team']).toEqual(['platform']);
    expect(ctx.values['aws:userid']).toEqual(['AROAEXAMPLE000000001:sess']);
    expect(ctx.values['aws:principaltype']).toEqual(['AssumedRole']);
    expect(ctx.values['aws:multifactorauthpresent']).toEqual(['true']);
    expect(ctx.values['aws:multifactorauthage']).toEqual(['847']);
    expect(ctx.values['aws:currenttime']).toEqual(['2026-03-02T09:14:07Z']);
    expect(ctx.values['aws:sourceip']).toEqual(['10.0.0.1']);
    expect(ctx.principal).toMatchObject({
      kind: 'AssumedRole',
      roleArn: 'arn:aws:iam::111111111111:role/ci',
    });
  });

  it('marks what CloudTrail did not log as unknown, never as absent', () => {
    const ctx = buildRequestContext(event(), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
      principalTags: [],
    });
    for (const k of [
      'sts:externalid',
      'sts:rolesessionname',
      'aws:requesttag/',
      'aws:tagkeys',
      'sts:sourceidentity',
    ]) {
      expect(ctx.unknownKeys).toContain(k);
    }
    expect(ctx.values['sts:externalid']).toBeUndefined();
  });

  it('uses logged request parameters as known values', () => {
    const ctx = buildRequestContext(
      event({
        request: {
          logged: true,
          roleSessionName: 'r',
          externalId: 'x-1',
          tags: [{ key: 'team', value: 'a' }],
        },
      }),
      ROLE,
      { organization: ORG, callerOrgPath: PATH, principalTags: [] },
    );
    expect(ctx.values['sts:externalid']).toEqual(['x-1']);
    expect(ctx.values['aws:requesttag/team']).toEqual(['a']);
    expect(ctx.values['aws:tagkeys']).toEqual(['team']);
    expect(ctx.unknownKeys).not.toContain('sts:externalid');
  });

  it.each([
    ['not logged', { logged: false }, 'unknown'],
    ['logged without a serial number', { logged: true }, 'absent'],
    [
      'logged with a serial number',
      { logged: true, serialNumber: 'arn:aws:iam::1:mfa/bob' },
      'true',
    ],
  ] as const)('MFA of an IAM user with long-term keys, request %s', (_what, request, expected) => {
    const ctx = buildRequestContext(
      event({
        caller: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111111111111:user/bob',
          accountId: '111111111111',
          userName: 'bob',
          principalId: 'AIDAEXAMPLE',
        },
        request,
      }),
      ROLE,
      { organization: ORG, callerOrgPath: PATH, principalTags: [] },
    );
    const v = ctx.values['aws:multifactorauthpresent'];
    if (expected === 'unknown') expect(ctx.unknownKeys).toContain('aws:multifactorauthpresent');
    else if (expected === 'absent') {
      expect(v).toBeUndefined();
      expect(ctx.unknownKeys).not.toContain('aws:multifactorauthpresent');
    } else expect(v).toEqual(['true']);
    expect(ctx.values['aws:username']).toEqual(['bob']);
  });

  it('through a VPC endpoint sets aws:VpcSourceIp and leaves aws:SourceIp out of the context', () => {
    // IAM User Guide, aws:SourceIp: not present when the request comes through a VPC endpoint.
    const ctx = buildRequestContext(event({ vpcEndpointId: 'vpce-0abc' }), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
    });
    expect(ctx.values['aws:sourceip']).toBeUndefined();
    expect(ctx.unknownKeys).not.toContain('aws:sourceip');
    expect(ctx.values['aws:vpcsourceip']).toEqual(['10.0.0.1']);
    expect(ctx.values['aws:sourcevpce']).toEqual(['vpce-0abc']);
  });

  it("sets the role's account and tags as resource keys, unknown when the role was not read", () => {
    // ABAC on role assumption: identity policies compare aws:ResourceTag/… of the role.
    const known = buildRequestContext(event(), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
      resourceTags: [{ key: 'Team', value: 'platform' }],
    });
    expect(known.values['aws:resourcetag/team']).toEqual(['platform']);
    expect(known.values['aws:resourceaccount']).toEqual(['222222222222']);
    expect(known.unknownKeys).not.toContain('aws:resourcetag/');
    const unread = buildRequestContext(event(), ROLE, { organization: ORG, callerOrgPath: PATH });
    expect(unread.values['aws:resourcetag/team']).toBeUndefined();
    expect(unread.unknownKeys).toContain('aws:resourcetag/');
  });

  it("sets the role account's organization as aws:ResourceOrgID/Paths, unknown outside the organization", () => {
    const inOrg = buildRequestContext(event(), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
      resourceOrgPath: PATH,
    });
    expect(inOrg.values['aws:resourceorgid']).toEqual(['o-1']);
    expect(inOrg.values['aws:resourceorgpaths']).toEqual(['o-1/r-1/ou-1/']);
    const outside = buildRequestContext(event(), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
      resourceOrgPath: { ok: true, value: null },
    });
    expect(outside.values['aws:resourceorgid']).toBeUndefined();
    expect(outside.unknownKeys).toContain('aws:resourceorgid');
  });

  it("marks a call made through an AWS service (FAS) and leaves a service caller's source unknown", () => {
    const direct = buildRequestContext(event(), ROLE, { organization: ORG, callerOrgPath: PATH });
    expect(direct.values['aws:viaawsservice']).toEqual(['false']);
    const via = buildRequestContext(event({ sourceIp: 'cloudformation.amazonaws.com' }), ROLE, {
      organization: ORG,
      callerOrgPath: PATH,
    });
    expect(via.values['aws:viaawsservice']).toEqual(['true']);
    expect(via.values['aws:calledvia']).toEqual(['cloudformation.amazonaws.com']);
    expect(via.values['aws:sourceip']).toBeUndefined();
    const service = buildRequestContext(
      event({ caller: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } }),
      ROLE,
      { organization: ORG },
    );
    // Confused-deputy conditions (aws:SourceAccount, aws:SourceArn) depend on what was not logged.
    expect(service.unknownKeys).toEqual(
      expect.arrayContaining(['aws:sourceaccount', 'aws:sourcearn']),
    );
  });

  it('leaves org keys unknown when the caller account cannot be read', () => {
    const ctx = buildRequestContext(event(), ROLE, {
      organization: ORG,
      callerOrgPath: { ok: false, reason: 'no access' },
    });
    expect(ctx.unknownKeys).toEqual(
      expect.arrayContaining(['aws:principalorgid', 'aws:principalorgpaths', 'aws:principaltag/']),
    );
  });

  it('sets OIDC claim keys from the web identity principal', () => {
    const ctx = buildRequestContext(
      event({
        eventName: 'AssumeRoleWithWebIdentity',
        caller: {
          type: 'WebIdentityUser',
          webIdentity: {
            providerArn:
              'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
            provider: 'token.actions.githubusercontent.com',
            aud: 'sts.amazonaws.com',
            sub: 'repo:o/r:ref:refs/heads/main',
          },
        },
      }),
      ROLE,
      { organization: ORG },
    );
    expect(ctx.action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(ctx.values['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:o/r:ref:refs/heads/main',
    ]);
    expect(ctx.values['token.actions.githubusercontent.com:aud']).toEqual(['sts.amazonaws.com']);
    expect(ctx.values['aws:principalarn']).toBeUndefined();
    expect(ctx.principal).toMatchObject({ kind: 'WebIdentity' });
  });
});

describe('buildRequestContext: keys built on demand', () => {
  const variants: [string, DenialEvent, ContextFacts][] = [
    ['role session', event(), { organization: ORG, callerOrgPath: PATH, principalTags: [] }],
    [
      'role session with tags, source identity, unreadable org path',
      event({
        caller: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111111111111:assumed-role/ci/sess',
          accountId: '111111111111',
          issuerArn: 'arn:aws:iam::111111111111:role/ci',
          issuerUniqueId: 'AROAEXAMPLE000000001',
          sessionName: 'sess',
          sessionSourceIdentity: 'alice',
        },
      }),
      {
        organization: ORG,
        callerOrgPath: { ok: false, reason: 'no access' },
        principalTags: [{ key: 'Team', value: 'a' }],
        resourceTags: [{ key: 'Env', value: 'prod' }],
        resourceOrgPath: PATH,
      },
    ],
    [
      'IAM user, request logged with every parameter, through a VPC endpoint',
      event({
        caller: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111111111111:user/bob',
          accountId: '111111111111',
          userName: 'bob',
          principalId: 'AIDAEXAMPLE',
        },
        vpcEndpointId: 'vpce-1',
        request: {
          logged: true,
          roleSessionName: 'r',
          externalId: 'x',
          sourceIdentity: 'bob',
          serialNumber: 'arn:aws:iam::1:mfa/bob',
          tags: [{ key: 'Team', value: 'a' }],
          transitiveTagKeys: ['Team'],
        },
      }),
      { organization: { ok: true, value: null } },
    ],
    [
      'IAM user with long-term keys, not logged, no user agent or IP',
      event({
        caller: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111111111111:user/bob',
          accountId: '111111111111',
          userName: 'bob',
        },
        sourceIp: undefined,
        userAgent: undefined,
        eventTime: 'not a time',
      }),
      { organization: ORG, callerOrgPath: PATH },
    ],
    ['root', event({ caller: { type: 'Root', accountId: '111111111111' } }), { organization: ORG }],
    [
      'AWS service through its own endpoint',
      event({
        caller: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
        sourceIp: 'lambda.amazonaws.com',
      }),
      { organization: ORG },
    ],
    ...(
      [
        ['web identity, claims not read', undefined, 'token.actions.githubusercontent.com'],
        ['web identity, token read', { repository: 'o/r', Ref: 'main' }, 'Token.Example.com'],
        ['web identity from a provider named like a global key', undefined, 'aws'],
      ] as const
    ).map(([name, claims, provider]): [string, DenialEvent, ContextFacts] => [
      name,
      event({
        eventName: 'AssumeRoleWithWebIdentity',
        caller: {
          type: 'WebIdentityUser',
          webIdentity: {
            providerArn: `arn:aws:iam::222222222222:oidc-provider/${provider}`,
            provider,
            sub: 'repo:o/r:ref:refs/heads/main',
            ...(claims === undefined ? {} : { claims }),
          },
        },
      }),
      { organization: ORG },
    ]),
    [
      'SAML without an audience',
      event({
        eventName: 'AssumeRoleWithSAML',
        caller: { type: 'SAMLUser', saml: { subject: 'alice' } },
      }),
      { organization: ORG },
    ],
    [
      'role session called via a service',
      event({ sourceIp: 'cloudformation.amazonaws.com' }),
      { organization: { ok: false, reason: 'x' } },
    ],
  ];
  const probes = [
    'aws:principaltag/team',
    'aws:principaltag/other',
    'aws:resourcetag/env',
    'aws:resourcetag/other',
    'aws:requesttag/team',
    'aws:requesttag/other',
    'aws:federatedprovider',
    'saml:sub',
    'token.actions.githubusercontent.com:sub',
    'token.actions.githubusercontent.com:aud',
    'token.actions.githubusercontent.com:amr',
    'token.actions.githubusercontent.com:repository',
    'token.example.com:repository',
    'token.example.com:ref',
    'token.example.com:sub',
    'token.example.com:other',
    'aws:sub',
    'aws:aud',
    'saml:aud',
    'saml:namequalifier',
    'aws:nosuchkey',
    's3:prefix',
    'constructor',
  ];

  it.each(variants)('%s: each key read alone answers as the full table does', (_name, e, facts) => {
    const full = buildRequestContext(e, ROLE, facts);
    const table: RequestContext = {
      principal: full.principal,
      action: full.action,
      resource: full.resource,
      values: full.values,
      unknownKeys: full.unknownKeys,
      ...(full.candidates === undefined ? {} : { candidates: full.candidates }),
    };
    const keys = new Set([...Object.keys(table.values), ...table.unknownKeys, ...probes]);
    for (const key of keys) {
      // A fresh context per key: only the group the key is routed to is built.
      expect(lookupKey(buildRequestContext(e, ROLE, facts), key), key).toEqual(
        lookupKey(table, key),
      );
    }
  });

  it('copies with copyContext; a spread copy is refused, not read as a request without keys', () => {
    const ctx = buildRequestContext(event(), ROLE, { organization: ORG, callerOrgPath: PATH });
    const moved = copyContext(ctx, { resource: 'arn:aws:iam::333333333333:role/Other' });
    expect(lookupKey(moved, 'aws:principalaccount')).toEqual({
      state: 'present',
      values: ['111111111111'],
    });
    const set = copyContext(ctx, { values: { ...ctx.values, 'sts:externalid': ['x'] } });
    expect(lookupKey(set, 'sts:externalid')).toEqual({ state: 'present', values: ['x'] });
    expect(lookupKey(set, 'sts:rolesessionname')).toEqual({ state: 'unknown' });
    expect(() => lookupKey({ ...ctx }, 'aws:principalaccount')).toThrow(/copyContext/);
  });
});
