import { parseRoleArn } from '../iam/parseIamArn.js';
import type { DenialEvent, RoleArnSource } from './DenialEvent.js';

/** The target of a denial whose role ARN is known, taken apart when it is a role ARN. */
export function roleTarget(roleArn: string, source: RoleArnSource): DenialEvent['target'] {
  const role = parseRoleArn(roleArn);
  return {
    roleArn,
    ...(role === undefined
      ? {}
      : { accountId: role.accountId, roleName: role.name, rolePath: role.path }),
    source,
  };
}
