import {
  type IAMClient,
  paginateGetAccountAuthorizationDetails,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsClientFactory } from '../../aws/clients.js';
import { formatErrorLine } from '../../errors/TrustwatchError.js';
import { isServiceLinkedRolePath } from '../../iam/serviceLinkedRole.js';
import { parsePolicyDocument } from '../../policy/parsePolicyDocument.js';
import type { IamStateSource, Readable, RoleState } from '../../state/IamStateSource.js';

/**
 * The trust policy, or an empty one with the reason it could not be read:
 * the audit reports that role (`TRUST_POLICY_INVALID`) and audits the rest.
 */
function readTrust(doc: string, path: string): Pick<RoleState, 'trustPolicy' | 'trustPolicyError'> {
  try {
    return { trustPolicy: parsePolicyDocument(doc, path) };
  } catch (err) {
    return {
      trustPolicy: { version: '2012-10-17', statements: [] },
      trustPolicyError: formatErrorLine(err),
    };
  }
}

function toRoleState(accountId: string, r: RoleDetail): RoleState {
  const arn = r.Arn ?? '';
  const path = r.Path ?? '/';
  const lastUsed = r.RoleLastUsed?.LastUsedDate;
  return {
    arn,
    name: r.RoleName ?? '',
    path,
    roleId: r.RoleId ?? '',
    accountId,
    ...readTrust(r.AssumeRolePolicyDocument ?? '', `role(${arn}).AssumeRolePolicyDocument`),
    tags: (r.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })),
    ...(r.PermissionsBoundary?.PermissionsBoundaryArn === undefined
      ? {}
      : { boundaryArn: r.PermissionsBoundary.PermissionsBoundaryArn }),
    isServiceLinked: isServiceLinkedRolePath(path),
    ...(r.CreateDate === undefined ? {} : { createDate: r.CreateDate.toISOString() }),
    ...(lastUsed === undefined ? {} : { lastUsedDate: lastUsed.toISOString() }),
    ...(r.RoleLastUsed?.Region === undefined ? {} : { lastUsedRegion: r.RoleLastUsed.Region }),
  };
}

/**
 * Wraps the live source so that `roles(account)` reads every role *with* its
 * tags and RoleLastUsed in one paginated `GetAccountAuthorizationDetails`
 * (`Filter: Role`, about one call per 100 roles) instead of `ListRoles` plus a
 * `GetRole` per role the audit needs details of; `role()` then answers from
 * that read. When the call is refused (an older reader role without that
 * action), it falls back to the wrapped source; a trust policy that does not
 * parse keeps its role, with `trustPolicyError` (`TRUST_POLICY_INVALID`).
 * Reads are kept `ttlMs` (default five minutes).
 */
export function withAuthorizationDetails(
  source: IamStateSource,
  clients: AwsClientFactory,
  credentials: (accountId: string) => Promise<Readable<AwsCredentialIdentity>>,
  opts: { readonly ttlMs?: number; readonly now?: () => number } = {},
): IamStateSource {
  // Kept a few minutes only: a warm Lambda container serves the next day's run too.
  const ttlMs = opts.ttlMs ?? 300_000;
  const now = opts.now ?? Date.now;
  const byAccount = new Map<
    string,
    { at: number; roles: Promise<{ detailed: boolean; roles: Readable<readonly RoleState[]> }> }
  >();
  const iamFor = new Map<string, IAMClient>();
  let generation = 0;
  const read = async (
    accountId: string,
  ): Promise<{ detailed: boolean; roles: Readable<readonly RoleState[]> }> => {
    const creds = await credentials(accountId);
    if (!creds.ok) return { detailed: false, roles: creds };
    let iam = iamFor.get(accountId);
    if (iam === undefined) {
      iam = clients.iam(creds.value);
      iamFor.set(accountId, iam);
    }
    try {
      const roles: RoleState[] = [];
      for await (const page of paginateGetAccountAuthorizationDetails(
        { client: iam },
        { Filter: ['Role'] },
      )) {
        for (const r of page.RoleDetailList ?? []) roles.push(toRoleState(accountId, r));
      }
      return { detailed: true, roles: { ok: true, value: roles } };
    } catch {
      // ListRoles has neither tags nor last use: role() then asks GetRole.
      return { detailed: false, roles: await source.roles(accountId) };
    }
  };
  const cached = (accountId: string) => {
    const hit = byAccount.get(accountId);
    if (hit !== undefined && now() - hit.at < ttlMs) return hit.roles;
    if (hit !== undefined) generation++;
    const entry = { at: now(), roles: read(accountId) };
    byAccount.set(accountId, entry);
    return entry.roles;
  };
  const roles = async (accountId: string) => (await cached(accountId)).roles;
  return {
    // The role lists are re-read after `ttlMs`: a new read is a new version.
    get version() {
      return `${source.version}|details#${generation}`;
    },
    principalsByUniqueId: (ids, near) => source.principalsByUniqueId(ids, near),
    similarRoles: (q) => source.similarRoles(q),
    rolesTrustingFederated: (a, q) => source.rolesTrustingFederated(a, q),
    organization: () => source.organization(),
    orgPath: (a) => source.orgPath(a),
    user: (a, n) => source.user(a, n),
    principalPolicies: (arn) => source.principalPolicies(arn),
    oidcProviders: (a) => source.oidcProviders(a),
    samlProviders: (a) => source.samlProviders(a),
    readableAccounts: () => source.readableAccounts(),
    accountTags: (a) => source.accountTags(a),
    roles,
    async role(accountId, roleName) {
      const all = await cached(accountId);
      if (all.detailed && all.roles.ok) {
        const found = all.roles.value.find((r) => r.name === roleName);
        if (found !== undefined) return { ok: true, value: found };
      }
      return source.role(accountId, roleName);
    },
  };
}
