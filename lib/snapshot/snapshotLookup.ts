import type { Snapshot, SnapshotPrincipal, SnapshotRole } from './Snapshot.js';

/**
 * A role of an account by name regardless of case (IAM role names are unique
 * case-insensitively): for "did you mean" suggestions when an exact lookup fails.
 */
export function findRoleIgnoringCase(
  snapshot: Snapshot,
  accountId: string,
  roleName: string,
): SnapshotRole | undefined {
  return snapshot.index.rolesByLowerName.get(`${accountId}/${roleName.toLowerCase()}`);
}

/** The role or user that has this unique id (`AROA…`, `AIDA…`) today, if any. */
export function findPrincipalByUniqueId(
  snapshot: Snapshot,
  uniqueId: string,
): SnapshotPrincipal | undefined {
  return snapshot.index.principalsByUniqueId.get(uniqueId);
}

/** The role or user with this IAM ARN (with path), if any. */
export function findPrincipalByArn(snapshot: Snapshot, arn: string): SnapshotPrincipal | undefined {
  return snapshot.index.principalsByArn.get(arn);
}
