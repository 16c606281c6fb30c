import type { DenialEvent } from '../intake/DenialEvent.js';
import type { Diagnosis } from './Diagnosis.js';

/** The diagnosis header's caller, from the event itself. */
export function callerHeader(event: DenialEvent): Diagnosis['caller'] {
  const c = event.caller;
  const sessionName =
    event.request.roleSessionName ??
    c.sessionName ??
    (c.type === 'WebIdentityUser' ? c.webIdentity?.sub : undefined);
  return {
    type: c.type,
    ...(c.arn === undefined ? {} : { arn: c.arn }),
    ...(c.accountId === undefined ? {} : { accountId: c.accountId }),
    ...(sessionName === undefined ? {} : { sessionName }),
    ...(event.sourceIp === undefined ? {} : { sourceIp: event.sourceIp }),
    ...(event.userAgent === undefined ? {} : { userAgent: event.userAgent }),
  };
}
