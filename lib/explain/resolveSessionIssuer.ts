import { parseSessionArn } from '../iam/parseIamArn.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import { inMemoryReads } from '../state/InMemoryReads.js';

/**
 * A role session whose record does not name its role (no
 * `sessionContext.sessionIssuer`: trimmed exports, a caller recovered from
 * AWS's message) is completed from the IAM state: the session ARN carries the
 * role's name but not its path, and a role name is unique in its account.
 * Unchanged when the role is named already or cannot be read.
 */
export async function resolveSessionIssuer(
  event: DenialEvent,
  source: IamStateSource,
): Promise<DenialEvent> {
  const c = event.caller;
  if (c.type !== 'AssumedRole' || c.issuerArn !== undefined || c.arn === undefined) return event;
  const session = parseSessionArn(c.arn);
  if (session?.kind !== 'assumed-role') return event;
  const now = inMemoryReads(source);
  const role =
    now === undefined
      ? await source.role(session.accountId, session.name)
      : now.role(session.accountId, session.name);
  if (!role.ok || role.value === null) return event;
  return {
    ...event,
    caller: {
      ...c,
      issuerArn: role.value.arn,
      issuerType: 'Role',
      issuerUniqueId: c.issuerUniqueId ?? role.value.roleId,
    },
  };
}
