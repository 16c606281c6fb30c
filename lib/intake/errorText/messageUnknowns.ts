import type { AssumeRoleEventName } from '../DenialEvent.js';

/**
 * What an AWS error message does not carry and a CloudTrail record may: every
 * condition on these is evaluated as unknown, exactly as for an unlogged
 * record field. Listed for the person reading a diagnosis made from a message.
 */
export function messageUnknowns(eventName: AssumeRoleEventName): readonly string[] {
  const common = ['time', 'source IP', 'user agent', 'region'];
  switch (eventName) {
    case 'AssumeRoleWithWebIdentity':
      return [...common, "the token's claims (sub, aud and the rest)", 'session tags'];
    case 'AssumeRoleWithSAML':
      return [...common, "the SAML assertion's attributes", 'session tags'];
    default:
      return [
        ...common,
        'MFA state',
        'ExternalId',
        'session tags',
        'source identity',
        "the caller's session creation time",
      ];
  }
}
