import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DenialEvent } from '../../../lib/intake/DenialEvent.js';
import { readInputText } from '../../../lib/intake/readInput.js';

/** The sample events every checkout has beside it (`../shared/events`, see shared/README.md). */
const EVENTS_DIR = fileURLToPath(new URL('../../../../shared/events/', import.meta.url));

function read(name: string): DenialEvent {
  const result = readInputText(readFileSync(`${EVENTS_DIR}${name}`, 'utf8'), name);
  expect(result.skipped).toEqual([]);
  expect(result.events).toHaveLength(1);
  const event = result.events[0]!;
  expect(event.origin).toEqual({ file: name, path: 'detail' });
  expect(event.errorCode).toBe('AccessDenied');
  return event;
}

const CI_DEPLOYER = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::111111111111:assumed-role/ci-deployer/i-0a1b2c3d4e5f60789',
  accountId: '111111111111',
  issuerArn: 'arn:aws:iam::111111111111:role/ci-deployer',
  issuerUniqueId: 'AROAEXAMPLECIDEPLOY1',
  sessionName: 'i-0a1b2c3d4e5f60789',
  mfaAuthenticated: false,
};
const BOB = {
  type: 'IAMUser',
  arn: 'arn:aws:iam::111111111111:user/bob',
  accountId: '111111111111',
  principalId: 'AIDAEXAMPLEBOBUSER01',
  userName: 'bob',
};

describe('shared sample events', () => {
  it('01: ci-deployer → DeployRole, role ARN only in the message, no reason', () => {
    const e = read('01-trust-policy-lacks-principal.json');
    expect(e.eventId).toBe('e0f1a2b3-0001-4c5d-9e6f-7a8b9c0d1e01');
    expect(e.caller).toMatchObject(CI_DEPLOYER);
    expect(e.target).toEqual({
      roleArn: 'arn:aws:iam::222222222222:role/DeployRole',
      accountId: '222222222222',
      roleName: 'DeployRole',
      rolePath: '/',
      source: 'errorMessage',
    });
    expect(e.errorMessage.kind).toBe('not-authorized');
    expect(e.errorMessage.reason).toBeUndefined();
    expect(e.request).toEqual({ logged: false });
    expect(e.recordedInAccount).toBe('111111111111');
  });

  it('02: data-pipeline, no identity-based policy allows', () => {
    const e = read('02-caller-lacks-sts-assumerole.json');
    expect(e.caller).toMatchObject({
      type: 'AssumedRole',
      issuerArn: 'arn:aws:iam::111111111111:role/data-pipeline',
      issuerUniqueId: 'AROAEXAMPLEDATAPIPE1',
      sessionName: 'etl-run-20260302',
    });
    expect(e.target.roleArn).toBe('arn:aws:iam::222222222222:role/AnalyticsReader');
    expect(e.errorMessage.reason).toEqual({ policyType: 'identity', explicitDeny: false });
  });

  it('03: IAM user bob, no MFA state, global endpoint', () => {
    const e = read('03-mfa-required-not-present.json');
    expect(e.caller).toEqual(BOB);
    expect(e.caller.mfaAuthenticated).toBeUndefined();
    expect(e.target.roleArn).toBe('arn:aws:iam::222222222222:role/BreakGlassAdmin');
    expect(e.awsRegion).toBe('us-east-1');
  });

  it('03b: invalid MFA code, no target', () => {
    const e = read('03b-mfa-invalid-code.json');
    expect(e.caller).toEqual(BOB);
    expect(e.errorMessage).toMatchObject({ kind: 'mfa-failed', mfaFailure: 'invalid-code' });
    expect(e.target).toEqual({ source: 'none' });
  });

  it('04: vendor-connector, ExternalId not logged', () => {
    const e = read('04-externalid-missing-or-wrong.json');
    expect(e.caller.issuerArn).toBe('arn:aws:iam::111111111111:role/vendor-connector');
    expect(e.target).toMatchObject({
      roleArn: 'arn:aws:iam::222222222222:role/ThirdPartyAuditRole',
      source: 'errorMessage',
    });
    expect(e.request).toEqual({ logged: false });
  });

  it('04b: requestParameters logged, role ARN from them', () => {
    const e = read('04b-externalid-wrong-requestparameters-populated.json');
    expect(e.target).toMatchObject({
      roleArn: 'arn:aws:iam::222222222222:role/ThirdPartyAuditRole',
      source: 'requestParameters',
    });
    expect(e.request).toEqual({
      logged: true,
      roleSessionName: 'scan-7f3a',
      externalId: 'wrong-tenant-id-0001',
      durationSeconds: 3600,
    });
  });

  it('05: mistyped role name kept as sent', () => {
    const e = read('05-role-does-not-exist-typo.json');
    expect(e.caller).toMatchObject(CI_DEPLOYER);
    expect(e.target).toMatchObject({ roleName: 'DeplyRole', accountId: '222222222222' });
  });

  it('06: SSO developer, explicit SCP deny with the policy ARN', () => {
    const e = read('06-scp-explicit-deny.json');
    expect(e.caller).toMatchObject({
      type: 'AssumedRole',
      issuerArn:
        'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef',
      issuerUniqueId: 'AROAEXAMPLESSODEVEL1',
      sessionName: 'alice@example.com',
    });
    expect(e.target.roleArn).toBe('arn:aws:iam::222222222222:role/ProdAdmin');
    expect(e.errorMessage.reason).toEqual({
      policyType: 'scp',
      explicitDeny: true,
      policyArn:
        'arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-examplescp1',
    });
  });

  it('07: GitHub OIDC, sub/aud/provider from principalId, no role ARN', () => {
    const e = read('07-github-oidc-webidentity-denied.json');
    expect(e.eventName).toBe('AssumeRoleWithWebIdentity');
    expect(e.caller.type).toBe('WebIdentityUser');
    expect(e.caller.webIdentity).toEqual({
      providerArn: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
      provider: 'token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: 'repo:example-org/payments-api:ref:refs/heads/feature/new-checkout',
    });
    expect(e.errorMessage.kind).toBe('web-identity-not-authorized');
    expect(e.target).toEqual({ source: 'none' });
    expect(e.recordedInAccount).toBe('222222222222');
  });

  it('reads all of them as one array', () => {
    const names = [
      '01-trust-policy-lacks-principal.json',
      '05-role-does-not-exist-typo.json',
      '07-github-oidc-webidentity-denied.json',
    ];
    const text = `[${names.map((n) => readFileSync(`${EVENTS_DIR}${n}`, 'utf8')).join(',')}]`;
    const result = readInputText(text, 'all.json');
    expect(result.events.map((e) => e.origin.path)).toEqual([
      '[0].detail',
      '[1].detail',
      '[2].detail',
    ]);
  });
});
