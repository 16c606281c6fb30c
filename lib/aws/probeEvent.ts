import { parseSessionArn } from '../iam/parseIamArn.js';
import { callerOfArn } from '../intake/callerOfArn.js';
import type { Caller, DenialEvent } from '../intake/DenialEvent.js';
import { parseErrorMessage } from '../intake/parseErrorMessage.js';
import { roleTarget } from '../intake/roleTarget.js';

/** What `trustwatch probe` sent and what came back. */
export interface ProbeAttempt {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly externalId?: string;
  readonly serialNumber?: string;
  /** Sent, never shown: CloudTrail does not log it either. */
  readonly tokenCodeSent: boolean;
  readonly durationSeconds?: number;
  /** `GetCallerIdentity` of the credentials that made the attempt. */
  readonly identity: { readonly arn: string; readonly account: string; readonly userId: string };
  /** IAM role ARN (with its path) of an assumed-role caller, when it could be looked up. */
  readonly issuerArn?: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly region: string;
  readonly at: Date;
}

function callerOf(a: ProbeAttempt): Caller {
  const { arn, account, userId } = a.identity;
  const caller = callerOfArn(arn, { accountId: account, userId });
  if (caller.type !== 'AssumedRole') return caller;
  const session = parseSessionArn(arn);
  return {
    ...caller,
    issuerType: 'Role',
    issuerArn:
      a.issuerArn ??
      (session === undefined
        ? arn
        : `arn:${session.partition}:iam::${session.accountId}:role/${session.name}`),
  };
}

/**
 * The `DenialEvent` of a probe's own failed AssumeRole. Unlike a CloudTrail
 * record, every request input is known (`request.logged: true`), so the
 * conditions on them are evaluated, not guessed.
 */
export function buildProbeEvent(a: ProbeAttempt): DenialEvent {
  return {
    eventId: `probe-${a.at.toISOString()}`,
    eventName: 'AssumeRole',
    eventTime: a.at.toISOString(),
    awsRegion: a.region,
    recordedInAccount: a.identity.account,
    errorCode: a.errorCode,
    errorMessage: parseErrorMessage(a.errorMessage),
    caller: callerOf(a),
    target: roleTarget(a.roleArn, 'requestParameters'),
    request: {
      logged: true,
      roleSessionName: a.roleSessionName,
      ...(a.externalId === undefined ? {} : { externalId: a.externalId }),
      ...(a.serialNumber === undefined ? {} : { serialNumber: a.serialNumber }),
      ...(a.durationSeconds === undefined ? {} : { durationSeconds: a.durationSeconds }),
    },
    origin: { path: 'probe' },
  };
}
