import { parseIamPrincipalArn, parseSessionArn } from '../iam/parseIamArn.js';
import type { Caller } from './DenialEvent.js';

/**
 * The caller an ARN names, with what it alone tells (an AWS error message's
 * `User: <arn>`, `GetCallerIdentity`'s `Arn`). `ids` adds the account and
 * unique id when the source knows them. A role session's role is named
 * without its path (the session ARN has none): trustwatch completes it from
 * the IAM state (`resolveSessionIssuer`) or the caller passes `issuerArn`.
 */
export function callerOfArn(
  arn: string,
  ids: { readonly accountId?: string; readonly userId?: string; readonly issuerArn?: string } = {},
): Caller {
  const principalId = ids.userId === undefined ? {} : { principalId: ids.userId };
  const session = parseSessionArn(arn);
  if (session?.kind === 'assumed-role') {
    const roleId = ids.userId?.split(':')[0];
    return {
      type: 'AssumedRole',
      arn,
      accountId: ids.accountId ?? session.accountId,
      ...principalId,
      ...(ids.issuerArn === undefined ? {} : { issuerArn: ids.issuerArn, issuerType: 'Role' }),
      ...(roleId === undefined ? {} : { issuerUniqueId: roleId }),
      ...(session.sessionName === undefined ? {} : { sessionName: session.sessionName }),
    };
  }
  if (session?.kind === 'federated-user') {
    return {
      type: 'FederatedUser',
      arn,
      accountId: ids.accountId ?? session.accountId,
      ...principalId,
      userName: session.name,
    };
  }
  const root = /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(arn);
  if (root?.[1] !== undefined) {
    return { type: 'Root', arn, accountId: ids.accountId ?? root[1], ...principalId };
  }
  const iam = parseIamPrincipalArn(arn);
  if (iam?.resourceType === 'user') {
    return {
      type: 'IAMUser',
      arn,
      accountId: ids.accountId ?? iam.accountId,
      ...principalId,
      userName: iam.name,
    };
  }
  return {
    type: 'Unknown',
    arn,
    ...(ids.accountId === undefined ? {} : { accountId: ids.accountId }),
    ...principalId,
  };
}
