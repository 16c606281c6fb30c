import { formatErrorLine, PolicyError, SnapshotError } from '../errors/TrustwatchError.js';
import type { OidcProviderState, SamlProviderState, Tag } from '../iam/IamState.js';
import { parseIamPrincipalArn } from '../iam/parseIamArn.js';
import { isServiceLinkedRolePath } from '../iam/serviceLinkedRole.js';
import type { PolicyDocument } from '../policy/PolicyDocument.js';
import { parsePolicyDocument } from '../policy/parsePolicyDocument.js';
import type { Draft } from '../validation/Draft.js';
import {
  describeJsonValue,
  describeZodIssue,
  joinPath,
  zodIssuePath,
} from '../validation/jsonPath.js';
import { parseJsonText } from '../validation/parseJsonText.js';
import type {
  OrgPolicyType,
  Snapshot,
  SnapshotAccount,
  SnapshotAttachedPolicy,
  SnapshotGroup,
  SnapshotInlinePolicy,
  SnapshotManagedPolicy,
  SnapshotOrganization,
  SnapshotOrgPolicy,
  SnapshotPrincipal,
  SnapshotRole,
  SnapshotUser,
} from './Snapshot.js';
import {
  type AccountDetailsJson,
  type OrganizationJson,
  snapshotFileSchema,
} from './snapshotSchema.js';

/** Path of the roles AWS services create and own; RCPs and SCPs do not apply to them. */

/** Ids of the organization policies AWS itself manages (their ARNs live under `aws`). */
const AWS_MANAGED_ORG_POLICY_IDS = new Set(['p-FullAWSAccess', 'p-RCPFullAWSAccess']);

function fail(message: string, path: string, file: string | undefined, cause?: unknown): never {
  throw new SnapshotError(message, { cause, context: { file, path } });
}

/**
 * Documents parsed during the current `loadSnapshot`, by their text: an
 * organization repeats the same trust and managed policy texts across
 * hundreds of roles and accounts (SSO roles, OrganizationAccountAccessRole,
 * one CI trust), each parsed once and shared (documents are immutable).
 */
let parsedTexts: Map<string, PolicyDocument> | undefined;

function policyDocument(input: unknown, path: string, file: string | undefined): PolicyDocument {
  const known = typeof input === 'string' ? parsedTexts?.get(input) : undefined;
  if (known !== undefined) return known;
  try {
    const doc = parsePolicyDocument(input, path);
    if (typeof input === 'string') parsedTexts?.set(input, doc);
    return doc;
  } catch (err) {
    if (err instanceof PolicyError) {
      const at = typeof err.context.path === 'string' ? err.context.path : path;
      fail(err.message, at, file, err);
    }
    throw err;
  }
}

/** How `loadSnapshot` treats a trust policy it cannot read. */
export interface LoadSnapshotOptions {
  /**
   * `fail` (default): the snapshot is bad input (one line, file and JSON
   * path). `keep`: the role is kept with an empty trust policy and
   * `trustPolicyError`, so an audit reports that role and goes on.
   */
  readonly invalidTrustPolicies?: 'fail' | 'keep';
}

const EMPTY_TRUST: PolicyDocument = { version: '2012-10-17', statements: [] };

/** A trust policy, or (with `keep`) an empty one and why it could not be read. */
function trustDocument(
  input: unknown,
  path: string,
  file: string | undefined,
  opts: LoadSnapshotOptions,
): { trustPolicy: PolicyDocument; trustPolicyError?: string } {
  if (opts.invalidTrustPolicies !== 'keep') {
    return { trustPolicy: policyDocument(input, path, file) };
  }
  try {
    return { trustPolicy: parsePolicyDocument(input, path) };
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const at = typeof err.context.path === 'string' ? err.context.path : path;
    const located = new SnapshotError(err.message, { cause: err, context: { file, path: at } });
    return { trustPolicy: EMPTY_TRUST, trustPolicyError: formatErrorLine(located) };
  }
}

function opt(v: string | null | undefined): string | undefined {
  return v === null || v === undefined ? undefined : v;
}

function defined<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null) out[k] = v;
  return out as T;
}

function tagsOf(tags: readonly { Key: string; Value: string }[] | null | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
}

function inlineOf(
  list: readonly { PolicyName: string; PolicyDocument: unknown }[] | null | undefined,
  path: string,
  file: string | undefined,
): SnapshotInlinePolicy[] {
  return (list ?? []).map((p, i) => ({
    name: p.PolicyName,
    document: policyDocument(p.PolicyDocument, joinPath(path, i, 'PolicyDocument'), file),
  }));
}

function attachedOf(
  list: readonly { PolicyName?: string | null; PolicyArn: string }[] | null | undefined,
): SnapshotAttachedPolicy[] {
  return (list ?? []).map((p) => defined({ name: opt(p.PolicyName), arn: p.PolicyArn }));
}

/** Checks that an entity's ARN is an IAM ARN of this account and returns its path. */
function checkArn(
  arn: string,
  accountId: string,
  kind: 'role' | 'user' | 'group' | 'policy',
  declaredPath: string | null | undefined,
  path: string,
  file: string | undefined,
  declaredName?: string,
): string {
  const parts = parseIamPrincipalArn(arn);
  const awsManaged = kind === 'policy' && /^arn:aws[\w-]*:iam::aws:policy\//.test(arn);
  if (awsManaged)
    return declaredPath ?? arn.slice(arn.indexOf(':policy') + 7, arn.lastIndexOf('/') + 1);
  if (parts === undefined || parts.resourceType !== kind) {
    fail(`\`${arn}\` is not an iam ${kind} arn`, path, file);
  }
  if (parts.accountId !== accountId) {
    fail(`\`${arn}\` belongs to account \`${parts.accountId}\`, not \`${accountId}\``, path, file);
  }
  // The explainer finds roles by name and reports them by ARN: the two must agree.
  if (declaredName !== undefined && parts.name !== declaredName) {
    fail(`\`${arn}\` names ${kind} \`${parts.name}\`, not \`${declaredName}\``, path, file);
  }
  return declaredPath ?? parts.path;
}

function loadAccount(
  accountId: string,
  details: AccountDetailsJson,
  file: string | undefined,
  opts: LoadSnapshotOptions,
): SnapshotAccount {
  const base = joinPath('accounts', accountId);
  const roles: SnapshotRole[] = (details.RoleDetailList ?? []).map((r, i) => {
    const at = joinPath(base, 'RoleDetailList', i);
    const path = checkArn(r.Arn, accountId, 'role', r.Path, joinPath(at, 'Arn'), file, r.RoleName);
    const trust = trustDocument(
      r.AssumeRolePolicyDocument,
      joinPath(at, 'AssumeRolePolicyDocument'),
      file,
      opts,
    );
    // Built as the `RoleState` a state source answers: optional fields only when present.
    const role: Draft<SnapshotRole> = {
      kind: 'role',
      arn: r.Arn,
      name: r.RoleName,
      path,
      accountId,
      roleId: r.RoleId,
      trustPolicy: trust.trustPolicy,
      inlinePolicies: inlineOf(r.RolePolicyList, joinPath(at, 'RolePolicyList'), file),
      attachedPolicies: attachedOf(r.AttachedManagedPolicies),
      tags: tagsOf(r.Tags),
      isServiceLinked: isServiceLinkedRolePath(path),
      jsonPath: at,
    };
    if (trust.trustPolicyError !== undefined) role.trustPolicyError = trust.trustPolicyError;
    const boundaryArn = r.PermissionsBoundary?.PermissionsBoundaryArn;
    if (boundaryArn != null) role.boundaryArn = boundaryArn;
    if (r.CreateDate != null) role.createDate = r.CreateDate;
    const lastUsed = r.RoleLastUsed;
    if (lastUsed?.LastUsedDate != null) role.lastUsedDate = lastUsed.LastUsedDate;
    if (lastUsed?.Region != null) role.lastUsedRegion = lastUsed.Region;
    if (r.MaxSessionDuration != null) role.maxSessionDuration = r.MaxSessionDuration;
    return role;
  });
  const users: SnapshotUser[] = (details.UserDetailList ?? []).map((u, i) => {
    const at = joinPath(base, 'UserDetailList', i);
    const path = checkArn(u.Arn, accountId, 'user', u.Path, joinPath(at, 'Arn'), file, u.UserName);
    return defined<SnapshotUser>({
      kind: 'user',
      arn: u.Arn,
      name: u.UserName,
      path,
      accountId,
      userId: u.UserId,
      groups: u.GroupList ?? [],
      inlinePolicies: inlineOf(u.UserPolicyList, joinPath(at, 'UserPolicyList'), file),
      attachedPolicies: attachedOf(u.AttachedManagedPolicies),
      boundaryArn: opt(u.PermissionsBoundary?.PermissionsBoundaryArn),
      tags: tagsOf(u.Tags),
      createDate: opt(u.CreateDate),
      jsonPath: at,
    });
  });
  const groups: SnapshotGroup[] = (details.GroupDetailList ?? []).map((g, i) => {
    const at = joinPath(base, 'GroupDetailList', i);
    const path = checkArn(
      g.Arn,
      accountId,
      'group',
      g.Path,
      joinPath(at, 'Arn'),
      file,
      g.GroupName,
    );
    return defined<SnapshotGroup>({
      kind: 'group',
      arn: g.Arn,
      name: g.GroupName,
      path,
      accountId,
      groupId: opt(g.GroupId),
      inlinePolicies: inlineOf(g.GroupPolicyList, joinPath(at, 'GroupPolicyList'), file),
      attachedPolicies: attachedOf(g.AttachedManagedPolicies),
      tags: [],
      createDate: opt(g.CreateDate),
      jsonPath: at,
    });
  });
  const policies: SnapshotManagedPolicy[] = (details.Policies ?? []).map((p, i) => {
    const at = joinPath(base, 'Policies', i);
    const path = checkArn(p.Arn, accountId, 'policy', p.Path, joinPath(at, 'Arn'), file);
    const versions = (p.PolicyVersionList ?? []).map((v, j) => ({
      versionId: opt(v.VersionId),
      isDefault: v.IsDefaultVersion === true,
      document:
        v.Document === undefined || v.Document === null
          ? undefined
          : policyDocument(v.Document, joinPath(at, 'PolicyVersionList', j, 'Document'), file),
    }));
    const defaultVersion =
      versions.find((v) => v.isDefault) ??
      (p.DefaultVersionId === undefined || p.DefaultVersionId === null
        ? versions.length === 1
          ? versions[0]
          : undefined
        : versions.find((v) => v.versionId === p.DefaultVersionId));
    return defined<SnapshotManagedPolicy>({
      arn: p.Arn,
      name: p.PolicyName,
      path,
      policyId: opt(p.PolicyId),
      defaultVersionId: opt(p.DefaultVersionId) ?? defaultVersion?.versionId,
      document: defaultVersion?.document,
      awsManaged: /^arn:aws[\w-]*:iam::aws:policy\//.test(p.Arn),
      jsonPath: at,
    });
  });
  const oidcProviders: OidcProviderState[] = (details.OpenIDConnectProviderList ?? []).map((o) => ({
    arn: o.Arn,
    url: o.Url.replace(/^https?:\/\//, '').replace(/\/$/, ''),
    clientIds: o.ClientIDList ?? [],
  }));
  const samlProviders: SamlProviderState[] = (details.SAMLProviderList ?? []).map((s) => ({
    arn: s.Arn,
    name: opt(s.Name) ?? s.Arn.slice(s.Arn.lastIndexOf('/') + 1),
  }));
  for (const [list, what] of [
    [roles, 'role'],
    [users, 'user'],
    [groups, 'group'],
    [policies, 'policy'],
  ] as const) {
    rejectDuplicates(list, what, file);
  }
  return { accountId, roles, users, groups, policies, oidcProviders, samlProviders };
}

/**
 * The same ARN twice in one account's list (pages merged twice, a hand-edited
 * file) would leave it to chance which copy the explainer reads: an error
 * naming both places.
 */
function rejectDuplicates(
  list: readonly { readonly arn: string; readonly jsonPath: string }[],
  what: string,
  file: string | undefined,
): void {
  const seen = new Map<string, string>();
  for (const entry of list) {
    const first = seen.get(entry.arn);
    if (first !== undefined) {
      fail(
        `${what} \`${entry.arn}\` is listed twice (first at \`${first}\`)`,
        entry.jsonPath,
        file,
      );
    }
    seen.set(entry.arn, entry.jsonPath);
  }
}

/** The same id twice in an organization list: which copy counts would be left to order. */
function rejectDuplicateIds(
  list: readonly { readonly id: string }[],
  listPath: string,
  what: string,
  file: string | undefined,
): void {
  rejectDuplicates(
    list.map((e, i) => ({ arn: e.id, jsonPath: joinPath(listPath, i, 'id') })),
    what,
    file,
  );
}

function orgPolicyArn(
  org: OrganizationJson,
  id: string,
  type: OrgPolicyType,
  awsManaged: boolean,
  partition: string,
): string {
  const kind =
    type === 'SERVICE_CONTROL_POLICY' ? 'service_control_policy' : 'resource_control_policy';
  if (awsManaged) return `arn:${partition}:organizations::aws:policy/${kind}/${id}`;
  return `arn:${partition}:organizations::${org.managementAccountId}:policy/${org.id}/${kind}/${id}`;
}

/** The partition the snapshot's IAM ARNs are in (`aws-us-gov`, `aws-cn`, …); `aws` when none says. */
function partitionOf(accounts: ReadonlyMap<string, SnapshotAccount>): string {
  for (const account of accounts.values()) {
    const arn = account.roles[0]?.arn ?? account.users[0]?.arn;
    const m = arn === undefined ? null : /^arn:(aws[\w-]*):/.exec(arn);
    if (m?.[1] !== undefined) return m[1];
  }
  return 'aws';
}

function loadOrganization(
  org: OrganizationJson,
  file: string | undefined,
  partition: string,
): SnapshotOrganization {
  const ous = org.organizationalUnits ?? [];
  rejectDuplicateIds(org.roots, 'organization.roots', 'root', file);
  rejectDuplicateIds(ous, 'organization.organizationalUnits', 'organizational unit', file);
  rejectDuplicateIds(org.accounts, 'organization.accounts', 'account', file);
  rejectDuplicateIds(org.policies ?? [], 'organization.policies', 'policy', file);
  const rootIds = new Set(org.roots.map((r) => r.id));
  const ouIds = new Set(ous.map((o) => o.id));
  const parents = new Set([...rootIds, ...ouIds]);
  ous.forEach((ou, i) => {
    if (!parents.has(ou.parentId)) {
      fail(
        `unknown parent \`${ou.parentId}\``,
        joinPath('organization.organizationalUnits', i, 'parentId'),
        file,
      );
    }
  });
  // An OU chain must end at a root.
  const parentOf = new Map(ous.map((o) => [o.id, o.parentId]));
  ous.forEach((ou, i) => {
    const seen = new Set<string>();
    let cur: string | undefined = ou.id;
    while (cur !== undefined && !rootIds.has(cur)) {
      if (seen.has(cur)) {
        fail(
          `organizational unit \`${ou.id}\` is its own ancestor`,
          joinPath('organization.organizationalUnits', i, 'parentId'),
          file,
        );
      }
      seen.add(cur);
      cur = parentOf.get(cur);
    }
  });
  const accountIds = new Set(org.accounts.map((a) => a.id));
  org.accounts.forEach((a, i) => {
    if (a.parentId !== undefined && a.parentId !== null && !parents.has(a.parentId)) {
      fail(
        `unknown parent \`${a.parentId}\``,
        joinPath('organization.accounts', i, 'parentId'),
        file,
      );
    }
  });
  const policies: SnapshotOrgPolicy[] = (org.policies ?? []).map((p, i) => {
    const at = joinPath('organization.policies', i);
    p.targets.forEach((t, j) => {
      if (!parents.has(t) && !accountIds.has(t)) {
        fail(
          `unknown target \`${t}\` (not a root, organizational unit or account of the organization)`,
          joinPath(at, 'targets', j),
          file,
        );
      }
    });
    const awsManaged = p.awsManaged ?? AWS_MANAGED_ORG_POLICY_IDS.has(p.id);
    return {
      id: p.id,
      arn: opt(p.arn) ?? orgPolicyArn(org, p.id, p.type, awsManaged, partition),
      type: p.type,
      name: p.name,
      awsManaged,
      document: policyDocument(p.content, joinPath(at, 'content'), file),
      targets: p.targets,
    };
  });
  return {
    id: org.id,
    managementAccountId: org.managementAccountId,
    roots: org.roots.map((r) => defined({ id: r.id, name: opt(r.name) })),
    organizationalUnits: ous.map((o) =>
      defined({ id: o.id, parentId: o.parentId, name: opt(o.name) }),
    ),
    accounts: org.accounts.map((a) =>
      defined({ id: a.id, name: opt(a.name), parentId: opt(a.parentId) }),
    ),
    accountTags: new Map(
      org.accounts.map((a) => [a.id, (a.tags ?? []).map((t) => ({ key: t.Key, value: t.Value }))]),
    ),
    policies,
  };
}

function buildIndex(accounts: ReadonlyMap<string, SnapshotAccount>): Snapshot['index'] {
  const principalsByArn = new Map<string, SnapshotPrincipal>();
  const principalsByUniqueId = new Map<string, SnapshotPrincipal>();
  const rolesByName = new Map<string, SnapshotRole>();
  const rolesByLowerName = new Map<string, SnapshotRole>();
  const usersByName = new Map<string, SnapshotUser>();
  const groupsByName = new Map<string, SnapshotGroup>();
  const policiesByAccountArn = new Map<string, SnapshotManagedPolicy>();
  const policiesByArn = new Map<string, SnapshotManagedPolicy>();
  for (const account of accounts.values()) {
    for (const role of account.roles) {
      principalsByArn.set(role.arn, role);
      principalsByUniqueId.set(role.roleId, role);
      rolesByName.set(`${account.accountId}/${role.name}`, role);
      rolesByLowerName.set(`${account.accountId}/${role.name.toLowerCase()}`, role);
    }
    for (const user of account.users) {
      principalsByArn.set(user.arn, user);
      principalsByUniqueId.set(user.userId, user);
      usersByName.set(`${account.accountId}/${user.name}`, user);
    }
    for (const group of account.groups)
      groupsByName.set(`${account.accountId}/${group.name}`, group);
    for (const policy of account.policies) {
      policiesByAccountArn.set(`${account.accountId}/${policy.arn}`, policy);
      const known = policiesByArn.get(policy.arn);
      if (known === undefined || (known.document === undefined && policy.document !== undefined)) {
        policiesByArn.set(policy.arn, policy);
      }
    }
  }
  return {
    principalsByArn,
    principalsByUniqueId,
    rolesByName,
    rolesByLowerName,
    usersByName,
    groupsByName,
    policiesByAccountArn,
    policiesByArn,
  };
}

/**
 * Validates and indexes a snapshot (`shared/spec/snapshot.md`, version 1).
 * Throws `SnapshotError` with a one-line message and `context.path` = the JSON
 * path of the first problem (`accounts.222222222222.RoleDetailList[3].AssumeRolePolicyDocument`).
 */
export function loadSnapshot(
  json: unknown,
  file?: string,
  opts: LoadSnapshotOptions = {},
): Snapshot {
  parsedTexts = new Map();
  try {
    return loadSnapshotJson(json, file, opts);
  } finally {
    parsedTexts = undefined;
  }
}

function loadSnapshotJson(
  json: unknown,
  file: string | undefined,
  opts: LoadSnapshotOptions,
): Snapshot {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    fail(`a snapshot must be a JSON object, got ${describeJsonValue(json)}`, '$', file);
  }
  const parsed = snapshotFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue === undefined) fail('invalid snapshot', '', file);
    const path = zodIssuePath('', issue);
    const version = (json as Record<string, unknown>).snapshotVersion;
    const message =
      path === 'snapshotVersion' && version !== undefined
        ? `unsupported snapshot version \`${JSON.stringify(version)}\` (expected 1)`
        : describeZodIssue(issue, json);
    fail(message, path, file);
  }
  const data = parsed.data;
  const accounts = new Map<string, SnapshotAccount>();
  for (const [accountId, details] of Object.entries(data.accounts)) {
    if (!/^\d{12}$/.test(accountId)) {
      fail(`account id \`${accountId}\` is not 12 digits`, joinPath('accounts', accountId), file);
    }
    accounts.set(accountId, loadAccount(accountId, details, file, opts));
  }
  const organization =
    data.organization === undefined || data.organization === null
      ? null
      : loadOrganization(data.organization, file, partitionOf(accounts));
  return {
    snapshotVersion: 1,
    ...(data.capturedAt === undefined || data.capturedAt === null
      ? {}
      : { capturedAt: data.capturedAt }),
    ...(file === undefined ? {} : { file }),
    organization,
    accounts,
    index: buildIndex(accounts),
  };
}

/** Parses snapshot text (one-line `SnapshotError` naming file, line and column when not JSON) and loads it. */
export function readSnapshotText(
  text: string,
  file?: string,
  opts: LoadSnapshotOptions = {},
): Snapshot {
  const json = parseJsonText(text, file, 'snapshot', (m, o) => new SnapshotError(m, o));
  return loadSnapshot(json, file, opts);
}
