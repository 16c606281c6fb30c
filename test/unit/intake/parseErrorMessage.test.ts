import { describe, expect, it } from 'vitest';
import type { PolicyTypeInMessage } from '../../../lib/intake/DenialEvent.js';
import {
  ERROR_MESSAGE_TRUNCATION_LENGTH,
  parseErrorMessage,
} from '../../../lib/intake/parseErrorMessage.js';

const USER = 'arn:aws:sts::111111111111:assumed-role/ci-deployer/i-0a1b2c3d4e5f60789';
const ROLE = 'arn:aws:iam::222222222222:role/DeployRole';
const HEAD = `User: ${USER} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;
const SCP_ARN =
  'arn:aws:organizations::444444444444:policy/o-exampleorg1/service_control_policy/p-examplescp1';
const IAM_POLICY_ARN = 'arn:aws:iam::111111111111:policy/DenyProd';

// Wording: IAM User Guide, "Troubleshoot access denied error messages".
const SUFFIXES: readonly [string, PolicyTypeInMessage, boolean][] = [
  ['because no identity-based policy allows the sts:AssumeRole action', 'identity', false],
  ['with an explicit deny in an identity-based policy', 'identity', true],
  ['with an explicit deny in a service control policy', 'scp', true],
  ['because no service control policy allows the sts:AssumeRole action', 'scp', false],
  ['with an explicit deny in a resource control policy', 'rcp', true],
  ['with an explicit deny in a permissions boundary', 'boundary', true],
  ['because no permissions boundary allows the sts:AssumeRole action', 'boundary', false],
  ['with an explicit deny in a session policy', 'session', true],
  ['because no session policy allows the sts:AssumeRole action', 'session', false],
  ['because no resource-based policy allows the sts:AssumeRole action', 'resource', false],
  ['with an explicit deny in a resource-based policy', 'resource', true],
  ['because no VPC endpoint policy allows the sts:AssumeRole action', 'vpce', false],
  ['with an explicit deny in a VPC endpoint policy', 'vpce', true],
];

describe('parseErrorMessage: not authorized', () => {
  it('reads principal, action and resource of the plain trust-deny text, with no reason', () => {
    expect(parseErrorMessage(HEAD)).toEqual({
      raw: HEAD,
      kind: 'not-authorized',
      principalArn: USER,
      action: 'sts:AssumeRole',
      resourceArn: ROLE,
    });
  });

  it.each(SUFFIXES)('suffix `%s` → %s (explicit %s)', (suffix, policyType, explicitDeny) => {
    const parsed = parseErrorMessage(`${HEAD} ${suffix}`);
    expect(parsed.kind).toBe('not-authorized');
    expect(parsed.resourceArn).toBe(ROLE);
    expect(parsed.reason).toEqual({ policyType, explicitDeny });
  });

  it.each(SUFFIXES)(
    'suffix `%s` with the 2026 `: <policy-arn>` ending',
    (suffix, policyType, explicitDeny) => {
      const arn = policyType === 'scp' || policyType === 'rcp' ? SCP_ARN : IAM_POLICY_ARN;
      const parsed = parseErrorMessage(`${HEAD} ${suffix}: ${arn}`);
      expect(parsed.reason).toEqual({ policyType, explicitDeny, policyArn: arn });
      expect(parsed.resourceArn).toBe(ROLE);
    },
  );

  it('accepts the older `due to an explicit deny in a Service Control Policy` wording', () => {
    const parsed = parseErrorMessage(`${HEAD} due to an explicit deny in a Service Control Policy`);
    expect(parsed.reason).toEqual({ policyType: 'scp', explicitDeny: true });
  });

  it('keeps an unknown suffix as no reason, not an error', () => {
    const parsed = parseErrorMessage(`${HEAD} because the moon is full`);
    expect(parsed.kind).toBe('not-authorized');
    expect(parsed.resourceArn).toBe(ROLE);
    expect(parsed.reason).toBeUndefined();
  });

  it('reads a message with no `on resource:` part', () => {
    const msg = `User: ${USER} is not authorized to perform: sts:TagSession`;
    expect(parseErrorMessage(msg)).toEqual({
      raw: msg,
      kind: 'not-authorized',
      principalArn: USER,
      action: 'sts:TagSession',
    });
  });
});

describe('parseErrorMessage: truncated at 1 KB', () => {
  // A role path long enough to push the message over CloudTrail's 1 KB limit.
  const longPath = `/${'team-a/'.repeat(140)}`;
  const longRole = `arn:aws:iam::222222222222:role${longPath}DeployRole`;

  it('drops a resource ARN that is the cut last token', () => {
    const raw =
      `User: ${USER} is not authorized to perform: sts:AssumeRole on resource: ${longRole}`.slice(
        0,
        1024,
      );
    expect(raw.length).toBeGreaterThanOrEqual(ERROR_MESSAGE_TRUNCATION_LENGTH);
    const parsed = parseErrorMessage(raw);
    expect(parsed.kind).toBe('not-authorized');
    expect(parsed.principalArn).toBe(USER);
    expect(parsed.action).toBe('sts:AssumeRole');
    expect(parsed.resourceArn).toBeUndefined();
  });

  it('keeps the resource and the policy type when the cut falls inside the reason phrase', () => {
    const role = `arn:aws:iam::222222222222:role/${'p/'.repeat(470)}R`;
    const full = `User: ${USER} is not authorized to perform: sts:AssumeRole on resource: ${role} with an explicit deny in a service control policy: ${SCP_ARN}`;
    const cutAt = full.indexOf('service con') + 'service con'.length;
    const raw = full.slice(0, cutAt);
    expect(raw.length).toBeGreaterThanOrEqual(ERROR_MESSAGE_TRUNCATION_LENGTH);
    const parsed = parseErrorMessage(raw);
    expect(parsed.resourceArn).toBe(role);
    expect(parsed.reason).toEqual({ policyType: 'scp', explicitDeny: true });
  });

  it('drops a policy ARN that the cut may have shortened', () => {
    const build = (n: number) =>
      `User: ${USER} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/${'p'.repeat(n)} with an explicit deny in a service control policy: ${SCP_ARN}`;
    const n = 1000 - build(0).indexOf(SCP_ARN);
    const full = build(n);
    expect(full.indexOf(SCP_ARN)).toBe(1000);
    const raw = full.slice(0, 1024); // cut inside the SCP ARN
    const parsed = parseErrorMessage(raw);
    expect(parsed.reason).toEqual({ policyType: 'scp', explicitDeny: true });
    expect(parsed.reason?.policyArn).toBeUndefined();
  });

  it('gives no policy type when the cut leaves an ambiguous phrase', () => {
    const role = `arn:aws:iam::222222222222:role/${'p/'.repeat(470)}R`;
    const full = `User: ${USER} is not authorized to perform: sts:AssumeRole on resource: ${role} with an explicit deny in a resource control policy`;
    const raw = full.slice(0, full.indexOf('resource control') + 'resource'.length);
    expect(raw.length).toBeGreaterThanOrEqual(ERROR_MESSAGE_TRUNCATION_LENGTH);
    const parsed = parseErrorMessage(raw);
    expect(parsed.resourceArn).toBe(role);
    expect(parsed.reason).toBeUndefined();
  });

  it('keeps the principal but not a possibly cut action when the cut falls inside the action', () => {
    const longUser = `arn:aws:iam::111111111111:user/${'division/'.repeat(105)}u`;
    const raw = `User: ${longUser} is not authorized to perform: sts:Assu`;
    expect(raw.length).toBeGreaterThanOrEqual(ERROR_MESSAGE_TRUNCATION_LENGTH);
    expect(parseErrorMessage(raw)).toEqual({ raw, kind: 'not-authorized', principalArn: longUser });
  });
});

describe('parseErrorMessage: other texts', () => {
  it.each([
    ['MultiFactorAuthentication failed with invalid MFA one time pass code.', 'invalid-code'],
    [
      'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.',
      'invalid-serial',
    ],
    ['MultiFactorAuthentication failed, MFA device is locked.', 'other'],
  ] as const)('MFA: %s → %s', (raw, mfaFailure) => {
    expect(parseErrorMessage(raw)).toEqual({ raw, kind: 'mfa-failed', mfaFailure });
  });

  it('recognizes the web identity text', () => {
    const raw = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
    expect(parseErrorMessage(raw)).toEqual({
      raw,
      kind: 'web-identity-not-authorized',
      action: 'sts:AssumeRoleWithWebIdentity',
    });
  });

  it('recognizes the SAML text', () => {
    const raw = 'Not authorized to perform sts:AssumeRoleWithSAML';
    expect(parseErrorMessage(raw)).toEqual({
      raw,
      kind: 'saml-not-authorized',
      action: 'sts:AssumeRoleWithSAML',
    });
  });

  it.each([
    'Access denied',
    'Roles may not be assumed by root accounts.',
    'User: is not authorized',
    '<script>alert(1)</script>',
  ])('keeps `%s` verbatim as unrecognized', (raw) => {
    expect(parseErrorMessage(raw)).toEqual({ raw, kind: 'unrecognized' });
  });

  it.each([undefined, '', '   '])('an absent message (%j) is kind none', (raw) => {
    expect(parseErrorMessage(raw).kind).toBe('none');
  });
});
