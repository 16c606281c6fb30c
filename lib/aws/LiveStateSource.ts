import {
  GetGroupPolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  type Tag as IamTag,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListRoles,
  paginateListUserPolicies,
  paginateListUsers,
  type Role,
  type User,
} from '@aws-sdk/client-iam';
import {
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  type OrganizationsClient,
  type PolicyType,
  paginateListAccounts,
  paginateListParents,
  paginateListPoliciesForTarget,
  paginateListRoots,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { formatErrorLine, TrustwatchError } from '../errors/TrustwatchError.js';
import { parseIamPrincipalArn, parseSessionArn } from '../iam/parseIamArn.js';
import { isServiceLinkedRolePath } from '../iam/serviceLinkedRole.js';
import type { LabeledPolicy, PolicyDocument } from '../policy/PolicyDocument.js';
import { parsePolicyDocument } from '../policy/parsePolicyDocument.js';
import type { IndexedOrganization } from '../roleindex/OrgRoleIndex.js';
import type { SharedRoleIndex } from '../roleindex/SharedRoleIndex.js';
import { FederatedTrustIndex } from '../state/FederatedTrustIndex.js';
import type {
  FederatedQuery,
  IamStateSource,
  OidcProviderState,
  OrgAccount,
  OrgPathInfo,
  OrgState,
  OrgTargetType,
  PolicyLevel,
  PrincipalPolicies,
  PrincipalRef,
  Readable,
  RoleNameQuery,
  RoleState,
  RoleSummary,
  SamlProviderState,
  Tag,
  UserState,
} from '../state/IamStateSource.js';
import { RoleNameIndex } from '../state/RoleNameIndex.js';
import {
  awsErrorName,
  describeAwsError,
  isAccessDenied,
  isNotFound,
  isTransient,
} from './awsErrors.js';
import { CallBudgetSpent, withoutCallBudget } from './callBudget.js';
import type { AwsClientFactory } from './clients.js';
import type { OwnProfiles } from './credentials/OwnProfiles.js';
import type { ReadCache } from './ReadCache.js';

/** Settings of a live source, resolved (see `createLiveStateSource` for the defaults). */
export interface LiveSourceSettings {
  readonly readerRoleName: string;
  /** `/trustwatch/`: leading and trailing slash. */
  readonly readerRolePath: string;
  readonly readerExternalId?: string;
  /** Role to assume for Organizations reads; `undefined`: the base credentials read it. */
  readonly orgRoleArn?: string;
  /** `false`: do not read Organizations at all (organization reads are unreadable). */
  readonly readOrganization: boolean;
  /** Restricts the accounts this source reads; `undefined`: every account of the organization. */
  readonly accounts?: readonly string[];
  /** `RoleSessionName` of every AssumeRole: `trustwatch-<purpose>`. */
  readonly sessionName: string;
  readonly ttlMs: number;
  /** TTL of "cannot read" and "does not exist" results. */
  readonly negativeTtlMs: number;
  /** Prefix of every cache key: separates configurations sharing one cache. */
  readonly scope: string;
  /** Epoch milliseconds; for credential expiry. */
  readonly now: () => number;
  /** The user's own profiles, for accounts without a usable reader role (CLI only). */
  readonly ownProfiles?: OwnProfiles;
  /**
   * The organization-wide role index the audit writes (names and unique ids
   * of every account's roles, the organization's structure); absent: names
   * and ids are looked up only in the accounts an event names.
   */
  readonly roleIndex?: SharedRoleIndex;
  /** Oldest organization structure from the role index still used (default 26 hours). */
  readonly organizationMaxAgeMs?: number;
}

/** How old the organization's structure in the role index may be (a daily audit, plus slack). */
const ORGANIZATION_MAX_AGE_MS = 26 * 3600_000;

/** Service-linked roles live under this path; SCPs and RCPs do not apply to them. */
/** Organization policies managed by AWS; their ARNs live under `aws`. */
const AWS_MANAGED_ORG_POLICY_IDS = new Set(['p-FullAWSAccess', 'p-RCPFullAWSAccess']);
/** Reader credentials are dropped this long before they expire. */
const CREDENTIAL_MARGIN_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;

type Outcome<T> = Readable<T>;

function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

function fail(
  reason: string,
  accountId?: string,
): { ok: false; reason: string; accountId?: string } {
  return accountId === undefined ? { ok: false, reason } : { ok: false, reason, accountId };
}

/** Failures that must not be cached (throttling the SDK gave up on, 5xx, network). */
const transientFailures = new WeakSet<object>();

function transient<T>(r: Outcome<T>): Outcome<T> {
  transientFailures.add(r);
  return r;
}

function iso(d: Date | undefined): string | undefined {
  return d === undefined ? undefined : d.toISOString();
}

function tagsOf(tags: readonly IamTag[] | undefined): Tag[] {
  return (tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
}

function defined<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** A failed read carried through `await` chains inside this module. */
class Unreadable extends TrustwatchError {
  override readonly name: string = 'Unreadable';
  constructor(readonly outcome: { ok: false; reason: string; accountId?: string }) {
    super(outcome.reason, { context: { accountId: outcome.accountId } });
  }
}

function unwrap<T>(r: Outcome<T>): T {
  if (!r.ok) {
    const err = new Unreadable(r);
    if (transientFailures.has(r)) transientFailures.add(err.outcome);
    throw err;
  }
  return r.value;
}

/** Root-to-parent chain of an account in the role index's copy of the structure. */
function indexedChain(
  org: IndexedOrganization,
  accountId: string,
): { chain: { id: string; type: OrgTargetType }[]; names: (string | undefined)[] } | undefined {
  const account = org.accounts.find((a) => a.id === accountId);
  if (account === undefined) return undefined;
  const ous = new Map(org.organizationalUnits.map((o) => [o.id, o]));
  const chain: { id: string; type: OrgTargetType }[] = [];
  const names: (string | undefined)[] = [];
  let cur: string | undefined = account.parentId;
  for (let depth = 0; cur !== undefined && depth < 10; depth += 1) {
    if (cur === org.rootId) {
      chain.unshift({ id: cur, type: 'ROOT' });
      names.unshift(org.rootName ?? 'Root');
      return { chain, names };
    }
    const ou = ous.get(cur);
    if (ou === undefined) return undefined;
    chain.unshift({ id: cur, type: 'ORGANIZATIONAL_UNIT' });
    names.unshift(ou.name);
    cur = ou.parentId;
  }
  return undefined;
}

/** Indexes of role lists read, one per list object (a re-read list gets new ones). */
const nameIndexes = new WeakMap<readonly RoleState[], RoleNameIndex>();
const federatedIndexes = new WeakMap<readonly RoleState[], FederatedTrustIndex>();

function nameIndexOf(roles: readonly RoleState[]): RoleNameIndex {
  let index = nameIndexes.get(roles);
  if (index === undefined) {
    const accountId = roles[0]?.accountId ?? '';
    index = new RoleNameIndex(
      (a) => (a === accountId ? roles : undefined),
      () => [accountId],
    );
    nameIndexes.set(roles, index);
  }
  return index;
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/**
 * `IamStateSource` over live AWS. Per account it assumes the trustwatch reader
 * role and reads only what a diagnosis needs; Organizations is read through
 * its own role (management or delegated-administrator account). Every read is
 * cached by key with a TTL (negative results with a shorter one) in a cache
 * that may be shared across invocations, and concurrent identical reads are
 * coalesced. No method throws for "cannot read": it returns `{ ok: false }`.
 */
export class LiveStateSource implements IamStateSource {
  readonly #clients: AwsClientFactory;
  readonly #cache: ReadCache;
  readonly #s: LiveSourceSettings;
  readonly #sts: STSClient;
  readonly #iamByAccount = new Map<string, IAMClient>();
  /** Whose credentials read each account (`reader role …`, `profile …`), for the reasons of failed reads. */
  readonly #readsAs = new Map<string, string>();
  #org: OrganizationsClient | undefined;

  constructor(clients: AwsClientFactory, cache: ReadCache, settings: LiveSourceSettings) {
    this.#clients = clients;
    this.#cache = cache;
    this.#s = settings;
    this.#sts = clients.sts();
  }

  /**
   * Changes whenever a cached read may be read again differently
   * (lib/aws/ReadCache.ts), when another role index is loaded, and at least
   * once per cache period: anything keyed by it lives no longer than the
   * reads it was computed from.
   */
  get version(): string {
    const index = this.#s.roleIndex?.peek();
    const period = Math.floor(this.#s.now() / Math.max(1, this.#s.ttlMs));
    return `live|${this.#s.scope}|${this.#cache.generation}|${index?.ok === true ? index.value.version : '-'}|${period}`;
  }

  /** AWS operations sent by this source so far (cache hits cost none). */
  callCount(): number {
    return this.#clients.counter.count;
  }

  /** ARN of the reader role in an account. */
  readerRoleArn(accountId: string): string {
    return `arn:${this.#clients.partition}:iam::${accountId}:role${this.#s.readerRolePath}${this.#s.readerRoleName}`;
  }

  // ---- caching ------------------------------------------------------------

  #cached<T>(
    key: string,
    read: () => Promise<Outcome<T>>,
    positiveTtl?: (v: T) => number,
  ): Promise<Outcome<T>> {
    return this.#cache.get(
      `${this.#s.scope}|${key}`,
      async () => {
        try {
          return await read();
        } catch (err) {
          if (err instanceof Unreadable) return err.outcome;
          throw err;
        }
      },
      (r) => {
        if (!r.ok) return transientFailures.has(r) ? 0 : this.#s.negativeTtlMs;
        if (r.value === null) return this.#s.negativeTtlMs;
        return positiveTtl === undefined ? this.#s.ttlMs : positiveTtl(r.value);
      },
    );
  }

  /** Runs one AWS read, turning its errors into a `{ ok: false }` naming the call. */
  async #call<T>(
    op: string,
    whereOf: string | (() => string),
    run: () => Promise<T>,
    accountId?: string,
  ): Promise<Outcome<T>> {
    try {
      return ok(await run());
    } catch (err) {
      if (err instanceof Unreadable) return err.outcome;
      const where = typeof whereOf === 'string' ? whereOf : whereOf();
      if (err instanceof CallBudgetSpent) {
        return transient(
          fail(
            `\`${op}\` was not sent ${where}: this diagnosis's budget of ${err.limit} AWS calls was spent`,
            accountId,
          ),
        );
      }
      const detail = describeAwsError(err);
      if (isAccessDenied(err)) return fail(`\`${op}\` was denied ${where}: ${detail}`, accountId);
      const r = fail(`\`${op}\` failed ${where}: ${detail}`, accountId);
      return isTransient(err) ? transient(r) : r;
    }
  }

  // ---- credentials --------------------------------------------------------

  /** AssumeRole with the base credentials; `what` names the role for the reason. */
  async #assume(
    roleArn: string,
    externalId: string | undefined,
    what: string,
    accountId?: string,
  ): Promise<Outcome<AwsCredentialIdentity>> {
    try {
      const out = await this.#sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: this.#s.sessionName,
          DurationSeconds: SESSION_SECONDS,
          ...(externalId === undefined ? {} : { ExternalId: externalId }),
        }),
      );
      const c = out.Credentials;
      if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
        return fail(`cannot assume ${what}: sts returned no credentials`, accountId);
      }
      return ok({
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken === undefined ? {} : { sessionToken: c.SessionToken }),
        expiration: c.Expiration ?? new Date(this.#s.now() + SESSION_SECONDS * 1000),
      });
    } catch (err) {
      if (err instanceof CallBudgetSpent) {
        return transient(
          fail(
            `cannot assume ${what}: not tried, this diagnosis's budget of ${err.limit} AWS calls was spent`,
            accountId,
          ),
        );
      }
      const r = fail(`cannot assume ${what}: ${describeAwsError(err)}`, accountId);
      return isTransient(err) ? transient(r) : r;
    }
  }

  #credentialTtl = (c: AwsCredentialIdentity): number => {
    const expires = c.expiration?.getTime() ?? this.#s.now() + SESSION_SECONDS * 1000;
    return Math.min(expires - this.#s.now() - CREDENTIAL_MARGIN_MS, SESSION_SECONDS * 1000);
  };

  /** Reader-role credentials of an account, cached until shortly before they expire. */
  readerCredentials(accountId: string): Promise<Outcome<AwsCredentialIdentity>> {
    const arn = this.readerRoleArn(accountId);
    return this.#cached(
      `creds|${accountId}`,
      async () => {
        const outside = await this.#outsideScope(accountId);
        if (outside !== undefined) return fail(outside, accountId);
        const own = this.#s.ownProfiles;
        const named = own?.explicit(accountId);
        if (own !== undefined && named !== undefined) return this.#asProfile(own, named, accountId);
        const reader = await this.#assume(
          arn,
          this.#s.readerExternalId,
          `reader role \`${arn}\` in account \`${accountId}\``,
          accountId,
        );
        if (reader.ok || own === undefined || transientFailures.has(reader)) return reader;
        // No reader role to use (trustwatch not deployed there): the user's own profile for the account.
        const found = await own.discovered(accountId);
        if (found !== undefined) return this.#asProfile(own, found, accountId);
        return fail(
          `${reader.reason}; and no profile of your AWS config names account \`${accountId}\` (by \`sso_account_id\` or \`role_arn\`): name one with \`--account-profile ${accountId}=PROFILE\``,
          accountId,
        );
      },
      this.#credentialTtl,
    );
  }

  async #asProfile(
    own: OwnProfiles,
    profile: string,
    accountId: string,
  ): Promise<Outcome<AwsCredentialIdentity>> {
    const r = await own.credentials(profile, accountId);
    if (r.ok) this.#readsAs.set(accountId, `profile \`${profile}\``);
    return r;
  }

  /**
   * Why trustwatch must not try an account, if so: not among the configured
   * accounts, or outside the organization. Trying would cost a call and leave
   * a denied AssumeRole by trustwatch in CloudTrail, which trustwatch would
   * then be asked to explain.
   */
  async #outsideScope(accountId: string): Promise<string | undefined> {
    if (this.#s.accounts !== undefined) {
      return this.#s.accounts.includes(accountId)
        ? undefined
        : `account \`${accountId}\` is not among the accounts trustwatch is configured to read`;
    }
    if (!this.#s.readOrganization) return undefined;
    const org = await this.organization();
    // An unreadable organization says nothing about the account: try it.
    if (!org.ok || org.value === null) return undefined;
    if (org.value.accounts.some((a) => a.id === accountId)) return undefined;
    // The role index's copy of the organization may predate the account: ask Organizations.
    if (await this.#joinedSince(accountId)) return undefined;
    return `account \`${accountId}\` is outside the organization \`${org.value.id}\`; trustwatch reads only its accounts`;
  }

  /** Whether Organizations knows an account the organization as read does not list (one DescribeAccount, cached). */
  async #joinedSince(accountId: string): Promise<boolean> {
    const found = await this.#cached(`org|account|${accountId}`, () =>
      withoutCallBudget(() =>
        this.#orgRead('DescribeAccount', async (org) => {
          try {
            return (await org.send(new DescribeAccountCommand({ AccountId: accountId }))).Account
              ?.Id;
          } catch (err) {
            if (awsErrorName(err) === 'AccountNotFoundException') return null;
            throw err;
          }
        }),
      ),
    );
    return found.ok && found.value === accountId;
  }

  #orgCredentials(arn: string): Promise<Outcome<AwsCredentialIdentity>> {
    return this.#cached(
      'creds|org',
      () => this.#assume(arn, undefined, `organization reader role \`${arn}\``),
      this.#credentialTtl,
    );
  }

  async #iam(accountId: string): Promise<IAMClient> {
    unwrap(await this.readerCredentials(accountId));
    let client = this.#iamByAccount.get(accountId);
    if (client === undefined) {
      client = this.#clients.iam(async () => unwrap(await this.readerCredentials(accountId)));
      this.#iamByAccount.set(accountId, client);
    }
    return client;
  }

  async #organizations(): Promise<OrganizationsClient> {
    if (!this.#s.readOrganization) {
      throw new Unreadable(fail('organization reads are turned off'));
    }
    const arn = this.#s.orgRoleArn;
    if (arn !== undefined) unwrap(await this.#orgCredentials(arn));
    if (this.#org === undefined) {
      this.#org = this.#clients.organizations(
        arn === undefined ? undefined : async () => unwrap(await this.#orgCredentials(arn)),
      );
    }
    return this.#org;
  }

  /** An IAM client acting as the reader role of an account (for collectors such as `snapshot`). */
  async iamClient(accountId: string): Promise<Readable<IAMClient>> {
    try {
      return ok(await this.#iam(accountId));
    } catch (err) {
      if (err instanceof Unreadable) return err.outcome;
      throw err;
    }
  }

  /** The Organizations client (through the organization role when one is configured). */
  async organizationsClient(): Promise<Readable<OrganizationsClient>> {
    try {
      return ok(await this.#organizations());
    } catch (err) {
      if (err instanceof Unreadable) return err.outcome;
      throw err;
    }
  }

  /** Runs an IAM read in an account under its reader role. */
  #iamRead<T>(
    accountId: string,
    op: string,
    run: (iam: IAMClient) => Promise<T>,
  ): Promise<Outcome<T>> {
    return this.#call(
      `iam:${op}`,
      () =>
        `for ${this.#readsAs.get(accountId) ?? `reader role \`${this.readerRoleArn(accountId)}\``} in account \`${accountId}\``,
      async () => run(await this.#iam(accountId)),
      accountId,
    );
  }

  #orgRead<T>(op: string, run: (org: OrganizationsClient) => Promise<T>): Promise<Outcome<T>> {
    const who =
      this.#s.orgRoleArn === undefined
        ? 'for the base credentials'
        : `for \`${this.#s.orgRoleArn}\``;
    return this.#call(`organizations:${op}`, who, async () => run(await this.#organizations()));
  }

  #parse(doc: unknown, what: string, path: string, accountId?: string): PolicyDocument {
    try {
      return parsePolicyDocument(doc, path);
    } catch (err) {
      throw new Unreadable(
        fail(`${what} is not a policy trustwatch can read: ${formatErrorLine(err)}`, accountId),
      );
    }
  }

  // ---- IAM ----------------------------------------------------------------

  #roleState(accountId: string, role: Role): RoleState {
    const arn = role.Arn ?? '';
    const path = role.Path ?? '/';
    return defined({
      arn,
      name: role.RoleName ?? '',
      path,
      roleId: role.RoleId ?? '',
      accountId,
      trustPolicy: this.#parse(
        role.AssumeRolePolicyDocument ?? '',
        `trust policy of \`${arn}\``,
        `role(${arn}).AssumeRolePolicyDocument`,
        accountId,
      ),
      tags: tagsOf(role.Tags),
      boundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn,
      isServiceLinked: isServiceLinkedRolePath(path),
      createDate: iso(role.CreateDate),
      lastUsedDate: iso(role.RoleLastUsed?.LastUsedDate),
      lastUsedRegion: role.RoleLastUsed?.Region,
      maxSessionDuration: role.MaxSessionDuration,
    });
  }

  /**
   * A listed role whose trust policy does not parse is kept with an empty
   * one and the reason (the audit reports it as `TRUST_POLICY_INVALID` and
   * goes on); `role()` still reports such a role as unreadable.
   */
  #listedRole(accountId: string, role: Role): RoleState {
    try {
      return this.#roleState(accountId, role);
    } catch (err) {
      if (!(err instanceof Unreadable)) throw err;
      const empty = '{"Version":"2012-10-17","Statement":[]}';
      return {
        ...this.#roleState(accountId, { ...role, AssumeRolePolicyDocument: empty }),
        trustPolicyError: err.outcome.reason,
      };
    }
  }

  role(accountId: string, roleName: string): Promise<Readable<RoleState | null>> {
    return this.#cached(`role|${accountId}|${roleName}`, () =>
      this.#iamRead(accountId, 'GetRole', async (iam) => {
        try {
          const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
          // IAM finds names case-insensitively; a role is named exactly or not at all.
          if (out.Role === undefined || out.Role.RoleName !== roleName) return null;
          return this.#roleState(accountId, out.Role);
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
      }),
    );
  }

  user(accountId: string, userName: string): Promise<Readable<UserState | null>> {
    return this.#cached(`user|${accountId}|${userName}`, () =>
      this.#iamRead(accountId, 'GetUser', async (iam) => {
        let user: User | undefined;
        try {
          user = (await iam.send(new GetUserCommand({ UserName: userName }))).User;
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
        if (user === undefined || user.UserName !== userName) return null;
        const pages = await collect(
          paginateListGroupsForUser({ client: iam }, { UserName: userName }),
        );
        return defined({
          arn: user.Arn ?? '',
          name: user.UserName ?? '',
          path: user.Path ?? '/',
          userId: user.UserId ?? '',
          accountId,
          tags: tagsOf(user.Tags),
          groups: pages.flatMap((p) => (p.Groups ?? []).map((g) => g.GroupName ?? '')),
          boundaryArn: user.PermissionsBoundary?.PermissionsBoundaryArn,
        } satisfies UserState);
      }),
    );
  }

  /** Default version of a managed policy, cached by ARN (AWS-managed ones across accounts). */
  #managedPolicy(accountId: string, policyArn: string): Promise<Outcome<PolicyDocument>> {
    const awsManaged = /^arn:aws[\w-]*:iam::aws:policy\//.test(policyArn);
    const key = awsManaged ? `managed|aws|${policyArn}` : `managed|${accountId}|${policyArn}`;
    return this.#cached(key, () =>
      this.#iamRead(accountId, 'GetPolicy', async (iam) => {
        let versionId: string | undefined;
        try {
          versionId = (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy
            ?.DefaultVersionId;
        } catch (err) {
          if (isNotFound(err)) {
            throw new Unreadable(
              fail(
                `managed policy \`${policyArn}\` does not exist in account \`${accountId}\``,
                accountId,
              ),
            );
          }
          throw err;
        }
        if (versionId === undefined) {
          throw new Unreadable(
            fail(`managed policy \`${policyArn}\` has no default version`, accountId),
          );
        }
        const version = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
        );
        return this.#parse(
          version.PolicyVersion?.Document ?? '',
          `managed policy \`${policyArn}\``,
          `policy(${policyArn}).PolicyVersion.Document`,
          accountId,
        );
      }),
    );
  }

  async #managedLabeled(
    accountId: string,
    arns: readonly string[],
    seen: Set<string>,
    via?: string,
  ): Promise<LabeledPolicy[]> {
    const fresh = arns.filter((a) => {
      if (seen.has(a)) return false;
      seen.add(a);
      return true;
    });
    const docs = await Promise.all(fresh.map((a) => this.#managedPolicy(accountId, a)));
    return fresh.map((arn, i) => ({
      label: via === undefined ? arn : `${arn} (via group \`${via}\`)`,
      arn,
      document: unwrap(docs[i] as Outcome<PolicyDocument>),
    }));
  }

  /** Inline policies of a role, user or group with their documents. */
  #inline(
    accountId: string,
    kind: 'role' | 'user' | 'group',
    name: string,
  ): Promise<Outcome<LabeledPolicy[]>> {
    return this.#cached(`inline|${accountId}|${kind}|${name}`, () =>
      this.#iamRead(
        accountId,
        `List${kind === 'role' ? 'Role' : kind === 'user' ? 'User' : 'Group'}Policies`,
        async (iam) => {
          const names =
            kind === 'role'
              ? (
                  await collect(paginateListRolePolicies({ client: iam }, { RoleName: name }))
                ).flatMap((p) => p.PolicyNames ?? [])
              : kind === 'user'
                ? (
                    await collect(paginateListUserPolicies({ client: iam }, { UserName: name }))
                  ).flatMap((p) => p.PolicyNames ?? [])
                : (
                    await collect(paginateListGroupPolicies({ client: iam }, { GroupName: name }))
                  ).flatMap((p) => p.PolicyNames ?? []);
          const docs = await Promise.all(
            names.map(async (policyName) => {
              const out =
                kind === 'role'
                  ? await iam.send(
                      new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }),
                    )
                  : kind === 'user'
                    ? await iam.send(
                        new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }),
                      )
                    : await iam.send(
                        new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName }),
                      );
              return out.PolicyDocument ?? '';
            }),
          );
          return names.map((policyName, i) => {
            const label = `inline policy \`${policyName}\` of ${kind} \`${name}\``;
            return {
              label,
              document: this.#parse(docs[i], label, `${kind}(${name}).${policyName}`, accountId),
            };
          });
        },
      ),
    );
  }

  /** ARNs of the managed policies attached to a role, user or group. */
  #attached(
    accountId: string,
    kind: 'role' | 'user' | 'group',
    name: string,
  ): Promise<Outcome<string[]>> {
    return this.#cached(`attached|${accountId}|${kind}|${name}`, () =>
      this.#iamRead(
        accountId,
        `ListAttached${kind === 'role' ? 'Role' : kind === 'user' ? 'User' : 'Group'}Policies`,
        async (iam) => {
          const pages =
            kind === 'role'
              ? await collect(paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }))
              : kind === 'user'
                ? await collect(
                    paginateListAttachedUserPolicies({ client: iam }, { UserName: name }),
                  )
                : await collect(
                    paginateListAttachedGroupPolicies({ client: iam }, { GroupName: name }),
                  );
          return pages
            .flatMap((p) => (p.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ''))
            .filter((a) => a !== '');
        },
      ),
    );
  }

  principalPolicies(principalArn: string): Promise<Readable<PrincipalPolicies>> {
    const iam = parseIamPrincipalArn(principalArn);
    const session = iam === undefined ? parseSessionArn(principalArn) : undefined;
    let target: { accountId: string; kind: 'role' | 'user'; name: string } | undefined;
    if (iam !== undefined && (iam.resourceType === 'role' || iam.resourceType === 'user')) {
      target = { accountId: iam.accountId, kind: iam.resourceType, name: iam.name };
    } else if (session?.kind === 'assumed-role') {
      target = { accountId: session.accountId, kind: 'role', name: session.name };
    }
    if (target === undefined) {
      return Promise.resolve(fail(`\`${principalArn}\` is not an iam role or user arn`));
    }
    const { accountId, kind, name } = target;
    return this.#cached(`principal|${accountId}|${kind}|${name}`, async () => {
      const seen = new Set<string>();
      if (kind === 'role') {
        const [role, inline, attached] = await Promise.all([
          this.role(accountId, name),
          this.#inline(accountId, 'role', name),
          this.#attached(accountId, 'role', name),
        ]);
        const state = unwrap(role);
        if (state === null)
          return fail(`no role \`${name}\` in account \`${accountId}\``, accountId);
        const identity = [
          ...unwrap(inline),
          ...(await this.#managedLabeled(accountId, unwrap(attached), seen)),
        ];
        const boundary = await this.#boundary(accountId, state.boundaryArn);
        return ok({ identity, boundary });
      }
      const [user, inline, attached] = await Promise.all([
        this.user(accountId, name),
        this.#inline(accountId, 'user', name),
        this.#attached(accountId, 'user', name),
      ]);
      const state = unwrap(user);
      if (state === null) return fail(`no user \`${name}\` in account \`${accountId}\``, accountId);
      const identity = [
        ...unwrap(inline),
        ...(await this.#managedLabeled(accountId, unwrap(attached), seen)),
      ];
      const groups = await Promise.all(
        state.groups.map(async (g) => {
          const [gi, ga] = await Promise.all([
            this.#inline(accountId, 'group', g),
            this.#attached(accountId, 'group', g),
          ]);
          return { group: g, inline: unwrap(gi), attached: unwrap(ga) };
        }),
      );
      for (const g of groups) {
        identity.push(
          ...g.inline,
          ...(await this.#managedLabeled(accountId, g.attached, seen, g.group)),
        );
      }
      const boundary = await this.#boundary(accountId, state.boundaryArn);
      return ok({ identity, boundary });
    });
  }

  async #boundary(accountId: string, arn: string | undefined): Promise<LabeledPolicy | null> {
    if (arn === undefined) return null;
    const doc = unwrap(await this.#managedPolicy(accountId, arn));
    return { label: arn, arn, document: doc };
  }

  /**
   * Every role with its trust policy, from ListRoles (all pages). ListRoles
   * leaves out tags, permissions boundaries and last use: those fields are
   * empty here; `role()` has them.
   */
  roles(accountId: string): Promise<Readable<readonly RoleState[]>> {
    return this.#cached(`roles|${accountId}`, () =>
      this.#iamRead(accountId, 'ListRoles', async (iam) => {
        const pages = await collect(paginateListRoles({ client: iam }, {}));
        return pages.flatMap((p) => (p.Roles ?? []).map((r) => this.#listedRole(accountId, r)));
      }),
    );
  }

  /** Unique ids of an account's users (ListUsers), for stale-id checks of user callers. */
  #userIds(accountId: string): Promise<Outcome<readonly PrincipalRef[]>> {
    return this.#cached(`user-ids|${accountId}`, () =>
      this.#iamRead(accountId, 'ListUsers', async (iam) => {
        const pages = await collect(paginateListUsers({ client: iam }, {}));
        return pages.flatMap((p) =>
          (p.Users ?? []).map(
            (u): PrincipalRef => ({
              arn: u.Arn ?? '',
              kind: 'user',
              accountId,
              uniqueId: u.UserId ?? '',
            }),
          ),
        );
      }),
    );
  }

  /**
   * Unique ids: the organization-wide role index first (roles of every
   * account as the last audit read them), then the `near` accounts read
   * afresh (ListRoles, and ListUsers when an id is a user's), which covers a
   * principal created since the audit in the accounts the event names. An
   * id found nowhere belongs to no principal: IAM shows a unique id in a
   * trust policy only once the principal it stood for is deleted.
   */
  async principalsByUniqueId(
    ids: readonly string[],
    near: readonly string[] = [],
  ): Promise<Readable<ReadonlyMap<string, PrincipalRef>>> {
    const found = new Map<string, PrincipalRef>();
    const index = await this.#roleIndex();
    if (index?.ok === true) {
      for (const id of ids) {
        const p = index.value.principal(id);
        if (p !== undefined) found.set(id, p);
      }
    }
    const missing = () => ids.filter((id) => !found.has(id));
    if (missing().length === 0) return ok(found);
    const wantUsers = missing().some((id) => id.startsWith('AIDA'));
    const reads = await Promise.all(
      near.map(async (a) => {
        const [roles, users] = await Promise.all([
          this.roles(a),
          wantUsers ? this.#userIds(a) : Promise.resolve(ok<readonly PrincipalRef[]>([])),
        ]);
        return { roles, users };
      }),
    );
    const wanted = new Set(missing());
    for (const { roles, users } of reads) {
      if (roles.ok)
        for (const r of roles.value)
          if (wanted.has(r.roleId))
            found.set(r.roleId, {
              arn: r.arn,
              kind: 'role',
              accountId: r.accountId,
              uniqueId: r.roleId,
            });
      if (users.ok)
        for (const u of users.value) if (wanted.has(u.uniqueId)) found.set(u.uniqueId, u);
    }
    const failed = reads.flatMap((r) => [r.roles, r.users]).find((r) => !r.ok);
    if (missing().length > 0 && failed !== undefined && !failed.ok) return failed;
    return ok(found);
  }

  /** The role index, when one is configured (never charged to a diagnosis's budget). */
  #roleIndex() {
    const index = this.#s.roleIndex;
    return index === undefined
      ? Promise.resolve(undefined)
      : withoutCallBudget(() => index.current());
  }

  /**
   * Candidates from the wanted account's own role list (read afresh, one
   * account) and, for the same name elsewhere, the organization-wide role
   * index; never a read of every account.
   */
  async similarRoles(wanted: RoleNameQuery): Promise<Readable<readonly RoleSummary[]>> {
    const [own, index] = await Promise.all([this.roles(wanted.accountId), this.#roleIndex()]);
    const out = new Map<string, RoleSummary>();
    if (index?.ok === true) {
      for (const r of index.value.similar(wanted)) {
        // The account's own list, when read, is fresher than the index.
        if (r.accountId !== wanted.accountId || !own.ok) out.set(r.arn, r);
      }
    }
    if (own.ok) {
      for (const r of nameIndexOf(own.value).similar(wanted, wanted.maxDistance))
        if (r.accountId === wanted.accountId) out.set(r.arn, r);
    } else if (
      (index?.ok !== true || !index.value.hasAccount(wanted.accountId)) &&
      // An account trustwatch does not read has no list to miss: the index (if any) is all there is.
      (await this.#outsideScope(wanted.accountId)) === undefined
    ) {
      return own;
    }
    return ok([...out.values()]);
  }

  /** From the account's role list (one ListRoles walk, cached), indexed by provider once per list. */
  async rolesTrustingFederated(
    accountId: string,
    query: FederatedQuery,
  ): Promise<Readable<readonly RoleState[]>> {
    const roles = await this.roles(accountId);
    if (!roles.ok) return roles;
    let index = federatedIndexes.get(roles.value);
    if (index === undefined) {
      index = new FederatedTrustIndex(roles.value);
      federatedIndexes.set(roles.value, index);
    }
    return ok(index.trusting(query));
  }

  oidcProviders(accountId: string): Promise<Readable<readonly OidcProviderState[]>> {
    return this.#cached(`oidc|${accountId}`, () =>
      this.#iamRead(accountId, 'ListOpenIDConnectProviders', async (iam) => {
        const list =
          (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ??
          [];
        const arns = list.map((p) => p.Arn ?? '').filter((a) => a !== '');
        return Promise.all(
          arns.map(async (arn) => {
            const p = await iam.send(
              new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
            );
            return {
              arn,
              url: (p.Url ?? arn.slice(arn.indexOf('oidc-provider/') + 14)).replace(
                /^https?:\/\//,
                '',
              ),
              clientIds: p.ClientIDList ?? [],
            };
          }),
        );
      }),
    );
  }

  samlProviders(accountId: string): Promise<Readable<readonly SamlProviderState[]>> {
    return this.#cached(`saml|${accountId}`, () =>
      this.#iamRead(accountId, 'ListSAMLProviders', async (iam) => {
        const list = (await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList ?? [];
        return list
          .map((p) => p.Arn ?? '')
          .filter((a) => a !== '')
          .map((arn) => ({ arn, name: arn.slice(arn.indexOf('saml-provider/') + 14) }));
      }),
    );
  }

  // ---- Organizations ------------------------------------------------------

  /** Root of the organization and the policy types enabled on it. */
  #roots(): Promise<Outcome<{ id: string; name?: string; enabled: string[] } | null>> {
    return this.#cached('org|roots', () =>
      this.#orgRead('ListRoots', async (org) => {
        const pages = await collect(paginateListRoots({ client: org }, {}));
        const root = pages.flatMap((p) => p.Roots ?? [])[0];
        if (root?.Id === undefined) return null;
        return defined({
          id: root.Id,
          name: root.Name,
          enabled: (root.PolicyTypes ?? [])
            .filter((t) => t.Status === 'ENABLED')
            .map((t) => t.Type ?? ''),
        });
      }),
    );
  }

  /**
   * The organization: from the role index's copy of its structure when the
   * audit wrote one recently, else read live (DescribeOrganization,
   * ListAccounts). Neither is charged to a diagnosis's budget: every
   * diagnosis of the container shares it.
   */
  organization(): Promise<Readable<OrgState | null>> {
    return this.#cached('org|organization', () =>
      withoutCallBudget(async () => {
        const indexed = await this.#indexedOrganization();
        if (indexed === undefined) return this.#liveOrganization();
        return ok(
          defined({
            id: indexed.id,
            managementAccountId: indexed.managementAccountId,
            rootId: indexed.rootId,
            accounts: indexed.accounts.map((a) =>
              defined({ id: a.id, name: a.name, parentId: a.parentId }),
            ),
          }),
        );
      }),
    );
  }

  /** The organization's structure from the role index, if recent enough. */
  async #indexedOrganization(): Promise<IndexedOrganization | undefined> {
    const index = await this.#roleIndex();
    const org = index?.ok === true ? index.value.contents.organization : undefined;
    if (org === undefined) return undefined;
    const age = this.#s.now() - Date.parse(org.indexedAt);
    return age <= (this.#s.organizationMaxAgeMs ?? ORGANIZATION_MAX_AGE_MS) ? org : undefined;
  }

  /** The organization read live: DescribeOrganization, ListAccounts, ListRoots. */
  #liveOrganization(): Promise<Readable<OrgState | null>> {
    return this.#cached('org|organization-live', async () => {
      const described = await this.#orgRead('DescribeOrganization', async (org) => {
        try {
          return (await org.send(new DescribeOrganizationCommand({}))).Organization ?? null;
        } catch (err) {
          if (awsErrorName(err) === 'AWSOrganizationsNotInUseException') return null;
          throw err;
        }
      });
      const o = unwrap(described);
      if (o === null || o.Id === undefined) return ok(null);
      const [accounts, roots] = await Promise.all([
        this.#orgRead('ListAccounts', async (org) => {
          const pages = await collect(paginateListAccounts({ client: org }, {}));
          return pages
            .flatMap((p) => p.Accounts ?? [])
            .map((a): OrgAccount => defined({ id: a.Id ?? '', name: a.Name }));
        }),
        this.#roots(),
      ]);
      const root = unwrap(roots);
      return ok(
        defined({
          id: o.Id,
          managementAccountId: o.MasterAccountId ?? '',
          rootId: root?.id,
          accounts: unwrap(accounts),
        }),
      );
    });
  }

  /**
   * Tags of an account (`ListTagsForResource`), cached like every read: alert
   * routing asks once per account per TTL, not once per event. An account
   * outside the organization has none.
   */
  accountTags(accountId: string): Promise<Readable<readonly Tag[]>> {
    return this.#cached(`org|tags|${accountId}`, async () => {
      const org = await this.organization();
      if (org.ok && (org.value === null || !org.value.accounts.some((a) => a.id === accountId)))
        return ok([]);
      return this.#orgRead('ListTagsForResource', async (client) => {
        const pages = await collect(
          paginateListTagsForResource({ client }, { ResourceId: accountId }),
        );
        return tagsOf(pages.flatMap((p) => p.Tags ?? []));
      });
    });
  }

  /** The parent of an account or OU. */
  #parent(childId: string): Promise<Outcome<{ id: string; type: OrgTargetType }>> {
    return this.#cached(`org|parent|${childId}`, () =>
      this.#orgRead('ListParents', async (org) => {
        const pages = await collect(paginateListParents({ client: org }, { ChildId: childId }));
        const p = pages.flatMap((x) => x.Parents ?? [])[0];
        if (p?.Id === undefined)
          throw new Unreadable(fail(`organizations lists no parent of \`${childId}\``));
        return { id: p.Id, type: p.Type === 'ROOT' ? 'ROOT' : 'ORGANIZATIONAL_UNIT' } as const;
      }),
    );
  }

  #ouName(ouId: string): Promise<Outcome<string | undefined>> {
    return this.#cached(`org|ou|${ouId}`, () =>
      this.#orgRead('DescribeOrganizationalUnit', async (org) => {
        const out = await org.send(
          new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }),
        );
        return out.OrganizationalUnit?.Name;
      }),
    );
  }

  /** Content of an organization policy, cached per policy id. */
  #orgPolicy(id: string): Promise<Outcome<PolicyDocument>> {
    return this.#cached(`org|policy|${id}`, () =>
      this.#orgRead('DescribePolicy', async (org) => {
        const out = await org.send(new DescribePolicyCommand({ PolicyId: id }));
        return this.#parse(
          out.Policy?.Content ?? '',
          `organization policy \`${id}\``,
          `policy(${id}).Content`,
        );
      }),
    );
  }

  /** Policies of one type attached to one target, with content, cached per target. */
  #targetPolicies(
    targetId: string,
    type: PolicyType,
    orgId: string,
    mgmt: string,
  ): Promise<Outcome<LabeledPolicy[]>> {
    return this.#cached(`org|target|${type}|${targetId}`, async () => {
      const listed = unwrap(
        await this.#orgRead('ListPoliciesForTarget', async (org) => {
          const pages = await collect(
            paginateListPoliciesForTarget({ client: org }, { TargetId: targetId, Filter: type }),
          );
          return pages.flatMap((p) => p.Policies ?? []);
        }),
      );
      const docs = await Promise.all(listed.map((p) => this.#orgPolicy(p.Id ?? '')));
      const kind =
        type === 'SERVICE_CONTROL_POLICY' ? 'service_control_policy' : 'resource_control_policy';
      const short = type === 'SERVICE_CONTROL_POLICY' ? 'SCP' : 'RCP';
      return ok(
        listed.map((p, i) => {
          const id = p.Id ?? '';
          const arn =
            p.AwsManaged === true || AWS_MANAGED_ORG_POLICY_IDS.has(id)
              ? `arn:${this.#clients.partition}:organizations::aws:policy/${kind}/${id}`
              : (p.Arn ??
                `arn:${this.#clients.partition}:organizations::${mgmt}:policy/${orgId}/${kind}/${id}`);
          return {
            label: `${short} \`${p.Name ?? id}\` (${arn})`,
            arn,
            document: unwrap(docs[i] as Outcome<PolicyDocument>),
          };
        }),
      );
    });
  }

  orgPath(accountId: string): Promise<Readable<OrgPathInfo | null>> {
    return this.#cached(`org|path|${accountId}`, async () => {
      const org = unwrap(await this.organization());
      if (org === null) return ok(null);
      const account = org.accounts.find((a) => a.id === accountId);
      if (account === undefined) return ok(null);
      const indexed = await this.#indexedOrganization();
      const fromIndex = indexed === undefined ? undefined : indexedChain(indexed, accountId);
      let chain: { id: string; type: OrgTargetType }[];
      let names: (string | undefined)[];
      let enabled: Set<string>;
      if (indexed !== undefined && fromIndex !== undefined) {
        // The audit's copy of the structure: no ListParents walk per account.
        ({ chain, names } = fromIndex);
        enabled = new Set(indexed.enabledPolicyTypes);
      } else {
        const root = unwrap(await this.#roots());
        chain = [];
        let child = accountId;
        for (let depth = 0; depth < 10; depth += 1) {
          const parent = unwrap(await this.#parent(child));
          chain.unshift(parent);
          if (parent.type === 'ROOT') break;
          child = parent.id;
        }
        names = await Promise.all(
          chain.map(async (l) =>
            l.type === 'ROOT'
              ? root?.id === l.id
                ? (root.name ?? 'Root')
                : 'Root'
              : unwrap(await this.#ouName(l.id)),
          ),
        );
        enabled = new Set(root?.enabled ?? []);
      }
      const levels = async (type: PolicyType): Promise<PolicyLevel[]> => {
        // A policy type that is not enabled on the root constrains nothing.
        if (!enabled.has(type)) return [];
        const targets = [
          ...chain.map((l, i) => ({ targetId: l.id, targetType: l.type, name: names[i] })),
          { targetId: accountId, targetType: 'ACCOUNT' as const, name: account.name },
        ];
        const lists = await Promise.all(
          targets.map((t) =>
            this.#targetPolicies(t.targetId, type, org.id, org.managementAccountId),
          ),
        );
        return targets.map((t, i) =>
          defined({ ...t, policies: unwrap(lists[i] as Outcome<LabeledPolicy[]>) }),
        );
      };
      const [scpLevels, rcpLevels] = await Promise.all([
        levels('SERVICE_CONTROL_POLICY'),
        levels('RESOURCE_CONTROL_POLICY'),
      ]);
      const path = chain.map((l) => l.id);
      return ok({ path, orgPath: `${[org.id, ...path].join('/')}/`, scpLevels, rcpLevels });
    });
  }

  // ---- readable accounts --------------------------------------------------

  /** The account of the base credentials (for a source outside any organization). */
  #ownAccount(): Promise<Outcome<string>> {
    return this.#cached('own-account', () =>
      this.#call('sts:GetCallerIdentity', 'for the base credentials', async () => {
        const out = await this.#sts.send(new GetCallerIdentityCommand({}));
        if (out.Account === undefined) throw new Unreadable(fail('sts returned no account'));
        return out.Account;
      }),
    );
  }

  /**
   * The organization's accounts (or the configured ones) minus those whose
   * reader role could not be assumed recently. An account not tried yet counts
   * as readable: trying costs an AssumeRole per account, which a diagnosis
   * needs only for the accounts it touches.
   */
  async readableAccounts(): Promise<readonly string[]> {
    let ids: readonly string[];
    if (this.#s.accounts !== undefined) {
      ids = this.#s.accounts;
    } else {
      const org = this.#s.readOrganization ? await this.organization() : undefined;
      if (org?.ok === true && org.value !== null) ids = org.value.accounts.map((a) => a.id);
      else {
        const own = await this.#ownAccount();
        ids = own.ok ? [own.value] : [];
      }
    }
    return ids.filter((id) => {
      const creds = this.#cache.peek<Outcome<AwsCredentialIdentity>>(
        `${this.#s.scope}|creds|${id}`,
      );
      return creds === undefined || creds.ok;
    });
  }
}
