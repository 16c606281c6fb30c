import type { OrgState } from '../iam/IamState.js';

/** The account ids of each organization state read, built once per state (states are immutable). */
const idsByOrg = new WeakMap<OrgState, ReadonlySet<string>>();

/**
 * The ids of the organization's accounts as a set: membership is asked for
 * every diagnosis, and listing 1,000 accounts per event would make each one
 * cost in proportion to the organization.
 */
export function orgAccountIds(org: OrgState): ReadonlySet<string> {
  let ids = idsByOrg.get(org);
  if (ids === undefined) {
    ids = new Set(org.accounts.map((a) => a.id));
    idsByOrg.set(org, ids);
  }
  return ids;
}
