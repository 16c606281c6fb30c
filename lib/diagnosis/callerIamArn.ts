import type { DenialEvent } from '../intake/DenialEvent.js';

/** The IAM ARN of the caller's principal (role ARN for sessions, user ARN for users). */
export function callerIamArn(event: DenialEvent): string | undefined {
  const c = event.caller;
  if (c.type === 'AssumedRole') return c.issuerArn;
  if (c.type === 'IAMUser') return c.arn;
  return undefined;
}
