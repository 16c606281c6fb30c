import type { DenialEvent, RoleArnSource } from './DenialEvent.js';
import { parseRoleArn } from './parseIamArn.js';

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
