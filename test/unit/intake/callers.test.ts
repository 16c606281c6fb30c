import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../lib/intake/DenialEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';

function callerOf(userIdentity: unknown, eventName = 'AssumeRole', extra: object = {}): Caller {
  const result = readInput({
    eventID: 'e1',
    eventTime: '2026-03-02T09:14:07Z',
    eventSource: 'sts.amazonaws.com',
    eventName,
    errorCode: 'AccessDenied',
    userIdentity,
    requestParameters: null,
    ...extra,
  });
  expect(result.skipped).toEqual([]);
  return result.events[0]!.caller;
}

const GH = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';

describe('caller types', () => {
  it('IAMUser with long-term keys: no MFA state', () => {
    expect(
      callerOf({
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEBOBUSER01',
        arn: 'arn:aws:iam::111111111111:user/bob',
        accountId: '111111111111',
        accessKeyId: 'AKIAEXAMPLEBOBKEY001',
        userName: 'bob',
      }),
    ).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111111111111:user/bob',
      accountId: '111111111111',
      principalId: 'AIDAEXAMPLEBOBUSER01',
      userName: 'bob',
    });
  });

  it('AssumedRole: issuer role ARN with its path, session name, MFA, source identity', () => {
    expect(
      callerOf({
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLESSODEVEL1:alice@example.com',
        arn: 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com',
        accountId: '111111111111',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLESSODEVEL1',
            arn: 'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef',
            accountId: '111111111111',
            userName: 'AWSReservedSSO_Developer_0123456789abcdef',
          },
          attributes: { creationDate: '2026-03-02T08:55:10Z', mfaAuthenticated: 'true' },
          sourceIdentity: 'alice',
        },
      }),
    ).toEqual({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com',
      accountId: '111111111111',
      principalId: 'AROAEXAMPLESSODEVEL1:alice@example.com',
      issuerArn:
        'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef',
      issuerType: 'Role',
      issuerUniqueId: 'AROAEXAMPLESSODEVEL1',
      sessionName: 'alice@example.com',
      mfaAuthenticated: true,
      sessionCreatedAt: '2026-03-02T08:55:10Z',
      sessionSourceIdentity: 'alice',
    });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['maybe', undefined],
  ])('mfaAuthenticated %j → %j', (value, expected) => {
    const caller = callerOf({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111111111111:assumed-role/r/s',
      sessionContext: { attributes: { mfaAuthenticated: value } },
    });
    expect(caller.mfaAuthenticated).toBe(expected);
  });

  it('Root: account from the ARN when accountId is absent', () => {
    expect(
      callerOf({
        type: 'Root',
        principalId: '111111111111',
        arn: 'arn:aws:iam::111111111111:root',
      }),
    ).toEqual({
      type: 'Root',
      arn: 'arn:aws:iam::111111111111:root',
      accountId: '111111111111',
      principalId: '111111111111',
    });
  });

  it('FederatedUser: issuer user, no assumed-role session name', () => {
    const caller = callerOf({
      type: 'FederatedUser',
      principalId: '111111111111:carol-fed',
      arn: 'arn:aws:sts::111111111111:federated-user/carol-fed',
      accountId: '111111111111',
      sessionContext: {
        sessionIssuer: {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLECAROLUSR1',
          arn: 'arn:aws:iam::111111111111:user/carol',
          accountId: '111111111111',
          userName: 'carol',
        },
        attributes: { mfaAuthenticated: 'false' },
      },
    });
    expect(caller).toMatchObject({
      type: 'FederatedUser',
      issuerArn: 'arn:aws:iam::111111111111:user/carol',
      issuerType: 'IAMUser',
      mfaAuthenticated: false,
    });
    expect(caller.sessionName).toBeUndefined();
  });

  it('WebIdentityUser (GitHub): provider ARN, host, aud and a sub full of colons', () => {
    const sub = 'repo:example-org/payments-api:environment:production';
    expect(
      callerOf(
        {
          type: 'WebIdentityUser',
          principalId: `${GH}:sts.amazonaws.com:${sub}`,
          userName: sub,
          identityProvider: GH,
        },
        'AssumeRoleWithWebIdentity',
      ).webIdentity,
    ).toEqual({
      providerArn: GH,
      provider: 'token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub,
    });
  });

  it('WebIdentityUser without identityProvider: provider taken from the front of principalId', () => {
    const sub = 'repo:example-org/payments-api:ref:refs/heads/main';
    expect(
      callerOf(
        { type: 'WebIdentityUser', principalId: `${GH}:sts.amazonaws.com:${sub}` },
        'AssumeRoleWithWebIdentity',
      ).webIdentity,
    ).toEqual({
      providerArn: GH,
      provider: 'token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub,
    });
  });

  it('WebIdentityUser with an EKS provider that has a path', () => {
    const eks =
      'arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123';
    const sub = 'system:serviceaccount:payments:api';
    expect(
      callerOf(
        {
          type: 'WebIdentityUser',
          principalId: `${eks}:sts.amazonaws.com:${sub}`,
          userName: sub,
          identityProvider: eks,
        },
        'AssumeRoleWithWebIdentity',
      ).webIdentity,
    ).toEqual({
      providerArn: eks,
      provider: 'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123',
      aud: 'sts.amazonaws.com',
      sub,
    });
  });

  it('WebIdentityUser with a non-IAM provider (Cognito): aud with colons, no provider ARN', () => {
    const aud = 'us-east-1:11111111-2222-3333-4444-555555555555';
    const sub = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    expect(
      callerOf(
        {
          type: 'WebIdentityUser',
          principalId: `cognito-identity.amazonaws.com:${aud}:${sub}`,
          userName: sub,
          identityProvider: 'cognito-identity.amazonaws.com',
        },
        'AssumeRoleWithWebIdentity',
      ).webIdentity,
    ).toEqual({ provider: 'cognito-identity.amazonaws.com', aud, sub });
  });

  it('SAMLUser: subject from userName, provider ARN from requestParameters when logged', () => {
    const caller = callerOf(
      {
        type: 'SAMLUser',
        principalId: 'SampleUkh1i4+ExamplexL/jEvs=:alice@example.com',
        userName: 'alice@example.com',
        identityProvider: 'bdGOnTesti4+ExampleGYYlrw=',
      },
      'AssumeRoleWithSAML',
      {
        requestParameters: {
          roleArn: 'arn:aws:iam::222222222222:role/SamlFederatedAdmin',
          principalArn: 'arn:aws:iam::222222222222:saml-provider/ExampleIdP',
        },
      },
    );
    expect(caller.type).toBe('SAMLUser');
    expect(caller.saml).toEqual({
      providerArn: 'arn:aws:iam::222222222222:saml-provider/ExampleIdP',
      subject: 'alice@example.com',
    });
  });

  it('AWSService: invokedBy', () => {
    expect(callerOf({ type: 'AWSService', invokedBy: 'ec2.amazonaws.com' })).toEqual({
      type: 'AWSService',
      invokedBy: 'ec2.amazonaws.com',
    });
  });

  it('AWSAccount', () => {
    expect(
      callerOf({
        type: 'AWSAccount',
        principalId: 'AIDAEXAMPLEXACCOUNT1',
        accountId: '999999999999',
      }),
    ).toEqual({
      type: 'AWSAccount',
      principalId: 'AIDAEXAMPLEXACCOUNT1',
      accountId: '999999999999',
    });
  });

  it('IdentityCenterUser', () => {
    expect(
      callerOf({
        type: 'IdentityCenterUser',
        accountId: '111111111111',
        onBehalfOf: {
          userId: '906745e6-f0c1-4a8c-9c2e-1a1b1c1d1e1f',
          identityStoreArn: 'arn:aws:identitystore::111111111111:identitystore/d-1234567890',
        },
      }).type,
    ).toBe('IdentityCenterUser');
  });

  it.each([undefined, 'Unknown', 'SomethingNew'])('type %j → Unknown', (type) => {
    expect(callerOf({ type, principalId: 'x' }).type).toBe('Unknown');
  });
});
