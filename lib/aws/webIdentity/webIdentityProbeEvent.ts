import { parseRoleArn } from '../../iam/parseIamArn.js';
import type { DenialEvent } from '../../intake/DenialEvent.js';
import { parseErrorMessage } from '../../intake/parseErrorMessage.js';
import { roleTarget } from '../../intake/roleTarget.js';
import type { TokenClaims } from './decodeTokenClaims.js';

/** What `trustwatch probe --web-identity-token-file` sent and what came back. */
export interface WebIdentityAttempt {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly token: TokenClaims;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly region: string;
  readonly at: Date;
}

/**
 * The `DenialEvent` of a probe's own failed `AssumeRoleWithWebIdentity`:
 * unlike a CloudTrail record (which logs none of the token's claims), every
 * claim is known, so conditions on `<issuer>:environment`,
 * `<issuer>:job_workflow_ref`, … are evaluated, not guessed.
 */
export function buildWebIdentityProbeEvent(a: WebIdentityAttempt): DenialEvent {
  const role = parseRoleArn(a.roleArn);
  const aud = a.token.claims.aud;
  return {
    eventId: `probe-${a.at.toISOString()}`,
    eventName: 'AssumeRoleWithWebIdentity',
    eventTime: a.at.toISOString(),
    awsRegion: a.region,
    errorCode: a.errorCode,
    errorMessage: parseErrorMessage(a.errorMessage),
    caller: {
      type: 'WebIdentityUser',
      webIdentity: {
        provider: a.token.issuerHost,
        // STS looks the issuer up among the IAM OIDC providers of the role's account.
        ...(role === undefined
          ? {}
          : {
              providerArn: `arn:${role.partition}:iam::${role.accountId}:oidc-provider/${a.token.issuerHost}`,
            }),
        ...(aud === undefined ? {} : { aud: typeof aud === 'string' ? aud : (aud[0] ?? '') }),
        ...(a.token.sub === undefined ? {} : { sub: a.token.sub }),
        claims: a.token.claims,
      },
    },
    target: roleTarget(a.roleArn, 'requestParameters'),
    request: { logged: true, roleSessionName: a.roleSessionName },
    origin: { path: 'probe' },
  };
}
