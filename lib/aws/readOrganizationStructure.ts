import {
  DescribeOrganizationCommand,
  type Organization,
  type OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import { awsErrorName } from './awsErrors.js';

/** The organization's tree: roots, OUs and accounts, each with its parent. */
export interface OrganizationStructure {
  readonly id: string;
  readonly managementAccountId: string;
  readonly roots: readonly { id: string; name?: string; enabledPolicyTypes: string[] }[];
  readonly organizationalUnits: readonly { id: string; parentId: string; name?: string }[];
  readonly accounts: readonly { id: string; name?: string; parentId: string }[];
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

/**
 * Walks the organization from its roots, every OU of a level at once (at
 * most `concurrency` parents in flight: Organizations allows a few requests
 * per second per account), so a deep organization of 1,000 accounts costs
 * its depth in round trips rather than one per OU. `null` when the account
 * is in no organization.
 */
export async function readOrganizationStructure(
  org: OrganizationsClient,
  concurrency = 4,
): Promise<OrganizationStructure | null> {
  let described: Organization | undefined;
  try {
    described = (await org.send(new DescribeOrganizationCommand({}))).Organization;
  } catch (err) {
    if (awsErrorName(err) === 'AWSOrganizationsNotInUseException') return null;
    throw err;
  }
  if (described?.Id === undefined) return null;
  const roots = (await collect(paginateListRoots({ client: org }, {}))).flatMap(
    (p) => p.Roots ?? [],
  );
  const organizationalUnits: { id: string; parentId: string; name?: string }[] = [];
  const accounts: { id: string; name?: string; parentId: string }[] = [];
  let level = roots.map((r) => r.Id ?? '').filter((id) => id !== '');
  while (level.length > 0) {
    const parents = level;
    // Results kept per parent, so the order is the walk's whatever completes first.
    const found = new Array<{
      ous: { id: string; name?: string }[];
      accs: { id: string; name?: string }[];
    }>(parents.length);
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < parents.length) {
        const at = i++;
        const parentId = parents[at] as string;
        const [ous, accs] = await Promise.all([
          collect(
            paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId }),
          ),
          collect(paginateListAccountsForParent({ client: org }, { ParentId: parentId })),
        ]);
        found[at] = {
          ous: ous
            .flatMap((p) => p.OrganizationalUnits ?? [])
            .filter((o) => o.Id !== undefined)
            .map((o) => ({
              id: o.Id as string,
              ...(o.Name === undefined ? {} : { name: o.Name }),
            })),
          accs: accs
            .flatMap((p) => p.Accounts ?? [])
            .filter((a) => a.Id !== undefined)
            .map((a) => ({
              id: a.Id as string,
              ...(a.Name === undefined ? {} : { name: a.Name }),
            })),
        };
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(concurrency, parents.length)) }, worker),
    );
    level = [];
    parents.forEach((parentId, at) => {
      for (const ou of found[at]?.ous ?? []) {
        organizationalUnits.push({ ...ou, parentId });
        level.push(ou.id);
      }
      for (const a of found[at]?.accs ?? []) accounts.push({ ...a, parentId });
    });
  }
  return {
    id: described.Id,
    managementAccountId: described.MasterAccountId ?? '',
    roots: roots.map((r) => ({
      id: r.Id ?? '',
      ...(r.Name === undefined ? {} : { name: r.Name }),
      enabledPolicyTypes: (r.PolicyTypes ?? [])
        .filter((t) => t.Status === 'ENABLED')
        .map((t) => t.Type ?? ''),
    })),
    organizationalUnits,
    accounts,
  };
}
