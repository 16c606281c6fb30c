import { parseSessionArn } from '../iam/parseIamArn.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { IamStateSource, Readable, RoleState } from '../state/IamStateSource.js';
import { type InMemoryReads, inMemoryReads } from '../state/InMemoryReads.js';

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
  const now = inMemoryReads(source);
  if (now !== undefined) return resolveSessionIssuerNow(event, now);
  const session = unnamedSessionRole(event);
  if (session === undefined) return event;
  return withIssuer(event, await source.role(session.accountId, session.name));
}

/** `resolveSessionIssuer` from a source holding its state in memory. */
export function resolveSessionIssuerNow(event: DenialEvent, now: InMemoryReads): DenialEvent {
  const session = unnamedSessionRole(event);
  if (session === undefined) return event;
  return withIssuer(event, now.role(session.accountId, session.name));
}

/** The role of a session caller whose record does not name it. */
function unnamedSessionRole(
  event: DenialEvent,
): { readonly accountId: string; readonly name: string } | undefined {
  const c = event.caller;
  if (c.type !== 'AssumedRole' || c.issuerArn !== undefined || c.arn === undefined)
    return undefined;
  const session = parseSessionArn(c.arn);
  return session?.kind === 'assumed-role' ? session : undefined;
}

function withIssuer(event: DenialEvent, role: Readable<RoleState | null>): DenialEvent {
  if (!role.ok || role.value === null) return event;
  const c = event.caller;
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
