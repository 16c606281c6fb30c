import type { DenialEvent } from '../intake/DenialEvent.js';
import type { Draft } from '../validation/Draft.js';
import type { Diagnosis } from './Diagnosis.js';

type Header = Draft<Diagnosis['caller']>;

/** The diagnosis header's caller, from the event itself (keys in output order). */
export function callerHeader(event: DenialEvent): Diagnosis['caller'] {
  const c = event.caller;
  const sessionName =
    event.request.roleSessionName ??
    c.sessionName ??
    (c.type === 'WebIdentityUser' ? c.webIdentity?.sub : undefined);
  const h: Header = { type: c.type };
  if (c.arn !== undefined) h.arn = c.arn;
  if (c.accountId !== undefined) h.accountId = c.accountId;
  if (sessionName !== undefined) h.sessionName = sessionName;
  if (event.sourceIp !== undefined) h.sourceIp = event.sourceIp;
  if (event.userAgent !== undefined) h.userAgent = event.userAgent;
  return h;
}
