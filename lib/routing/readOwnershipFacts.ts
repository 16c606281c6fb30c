import { parseIamPrincipalArn } from '../iam/parseIamArn.js';
import type { IamStateSource, Tag } from '../state/IamStateSource.js';
import type { FactNeeds, RouteFacts } from './RouteFacts.js';

/** The two sides of an alert or finding, as far as they are known. */
export interface OwnershipSides {
  readonly callerAccount?: string;
  /** IAM role or user ARN of the caller (not a session ARN). */
  readonly callerPrincipal?: string;
  readonly roleAccount?: string;
  readonly roleArn?: string;
}

export type OwnershipFacts = Pick<
  RouteFacts,
  | 'callerOuPaths'
  | 'roleOuPaths'
  | 'roleTags'
  | 'callerTags'
  | 'roleAccountTags'
  | 'callerAccountTags'
>;

const tagMap = (tags: readonly Tag[]) => new Map(tags.map((t) => [t.key, t.value]));

/** Both forms of an account's OU path: `/Root/Workloads/Payments/` and `o-…/r-…/ou-…/`. */
async function ouPaths(source: IamStateSource, accountId: string): Promise<string[] | undefined> {
  const read = await source.orgPath(accountId);
  if (!read.ok || read.value === null) return undefined;
  const names = read.value.scpLevels
    .filter((l) => l.targetType !== 'ACCOUNT')
    .map((l) => l.name ?? l.targetId);
  return [`/${names.map((n) => `${n}/`).join('')}`, read.value.orgPath];
}

async function principalTags(
  source: IamStateSource,
  arn: string,
): Promise<ReadonlyMap<string, string> | undefined> {
  const p = parseIamPrincipalArn(arn);
  if (p === undefined || (p.resourceType !== 'role' && p.resourceType !== 'user')) return undefined;
  const read =
    p.resourceType === 'role'
      ? await source.role(p.accountId, p.name)
      : await source.user(p.accountId, p.name);
  return read.ok && read.value !== null ? tagMap(read.value.tags) : undefined;
}

async function accountTags(
  source: IamStateSource,
  accountId: string,
): Promise<ReadonlyMap<string, string> | undefined> {
  const read = await source.accountTags(accountId);
  return read.ok ? tagMap(read.value) : undefined;
}

/**
 * Reads the OU paths and tags a routing table needs, through the state source
 * the diagnosis reads (its reads are cached: a routed alert costs no AWS call
 * the diagnosis of the same event or an earlier one has not already made,
 * except the first read of an account's tags). Reads run in parallel; one
 * that fails leaves its fact unknown.
 */
export async function readOwnershipFacts(
  source: IamStateSource,
  needs: FactNeeds,
  sides: OwnershipSides,
): Promise<OwnershipFacts> {
  const when = <T>(need: boolean, key: string | undefined, read: (k: string) => Promise<T>) =>
    need && key !== undefined ? read(key) : Promise.resolve(undefined);
  const [callerOuPaths, roleOuPaths, roleTags, callerTags, roleAccountTags, callerAccountTags] =
    await Promise.all([
      when(needs.callerOu, sides.callerAccount, (a) => ouPaths(source, a)),
      when(needs.roleOu, sides.roleAccount, (a) => ouPaths(source, a)),
      when(needs.roleTags, sides.roleArn, (a) => principalTags(source, a)),
      when(needs.callerTags, sides.callerPrincipal, (a) => principalTags(source, a)),
      when(needs.roleAccountTags, sides.roleAccount, (a) => accountTags(source, a)),
      when(needs.callerAccountTags, sides.callerAccount, (a) => accountTags(source, a)),
    ]);
  return {
    ...(callerOuPaths === undefined ? {} : { callerOuPaths }),
    ...(roleOuPaths === undefined ? {} : { roleOuPaths }),
    ...(roleTags === undefined ? {} : { roleTags }),
    ...(callerTags === undefined ? {} : { callerTags }),
    ...(roleAccountTags === undefined ? {} : { roleAccountTags }),
    ...(callerAccountTags === undefined ? {} : { callerAccountTags }),
  };
}
