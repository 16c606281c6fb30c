import { performance } from 'node:perf_hooks';
import {
  GetOpenIDConnectProviderCommand,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import {
  DescribePolicyCommand,
  type OrganizationsClient,
  type PolicyType,
  paginateListPolicies,
  paginateListTargetsForPolicy,
} from '@aws-sdk/client-organizations';
import { DEFAULT_ACCOUNT_CONCURRENCY } from './accountConcurrency.js';
import { describeAwsError } from './awsErrors.js';
import type { LiveIamStateSource } from './createLiveStateSource.js';
import { readOrganizationStructure } from './readOrganizationStructure.js';

/** `shared/spec/snapshot.md`, version 1, as written by `trustwatch snapshot`. */
export interface SnapshotFileJson {
  snapshotVersion: 1;
  capturedAt: string;
  organization?: OrganizationBlockJson;
  accounts: Record<string, AccountBlockJson>;
}

export interface OrganizationBlockJson {
  id: string;
  managementAccountId: string;
  /**
   * `policyTypes` (AWS's `{ Type, Status }`) is an addition to the format: it
   * tells "SCPs not enabled" apart from "no SCP attached". Loaders ignore it today.
   */
  roots: { id: string; name?: string; policyTypes?: { Type: string; Status: string }[] }[];
  organizationalUnits: { id: string; parentId: string; name?: string }[];
  accounts: { id: string; name?: string; parentId?: string }[];
  policies: {
    id: string;
    type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
    name: string;
    awsManaged?: boolean;
    content: string;
    targets: string[];
  }[];
}

export interface AccountBlockJson {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
  OpenIDConnectProviderList: {
    Arn: string;
    Url: string;
    ClientIDList: string[];
    ThumbprintList: string[];
  }[];
  SAMLProviderList: { Arn: string; Name: string }[];
}

export interface AccountFailure {
  readonly accountId: string;
  readonly reason: string;
}

export interface CollectOptions {
  /** Accounts to read; `undefined`: every account of the organization (or the base account without one). */
  readonly accounts?: readonly string[];
  /** Accounts already collected (resume): not read again. */
  readonly done?: Readonly<Record<string, AccountBlockJson>>;
  /** Accounts already collected elsewhere (a resumed run's journal): not read, not returned. */
  readonly skip?: ReadonlySet<string>;
  /** Accounts read at the same time (default {@link DEFAULT_ACCOUNT_CONCURRENCY}). */
  readonly concurrency?: number;
  readonly now: () => Date;
  /** Called after each account, read or failed. */
  readonly onProgress?: (done: number, total: number, accountId: string, failed: boolean) => void;
  /**
   * Takes each account's block as soon as it is read, instead of keeping it:
   * `snapshot.accounts` then holds only the `done` blocks, and memory stays
   * flat however many accounts there are.
   */
  readonly sink?: (accountId: string, block: AccountBlockJson) => Promise<void>;
}

/** What reading one account cost. */
export interface AccountReadStats {
  readonly accountId: string;
  /** AWS operations sent for it (AssumeRole included). */
  readonly calls: number;
  readonly ms: number;
  readonly failed: boolean;
}

export interface CollectResult {
  readonly snapshot: SnapshotFileJson;
  readonly failures: readonly AccountFailure[];
  /** `undefined` when the organization was read (or there is none). */
  readonly organizationFailure?: string;
  /** Account ids in the order asked for, read or kept (the file's order). */
  readonly order: readonly string[];
  /** Per account read in this run. */
  readonly stats: readonly AccountReadStats[];
}

/** Drops the SDK's response metadata and pagination fields; keeps AWS's field names. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === '$metadata' ? undefined : x)));
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next;
      next += 1;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** The organization block: roots, OUs (walked from the root, a level at a time), accounts with parents, enabled SCPs/RCPs with targets. */
export async function collectOrganization(
  org: OrganizationsClient,
): Promise<OrganizationBlockJson | null> {
  const structure = await readOrganizationStructure(org);
  if (structure === null) return null;
  const enabled = new Set(structure.roots.flatMap((r) => r.enabledPolicyTypes));
  const policies: OrganizationBlockJson['policies'] = [];
  for (const type of [
    'SERVICE_CONTROL_POLICY',
    'RESOURCE_CONTROL_POLICY',
  ] as const satisfies PolicyType[]) {
    // A type that is not enabled constrains nothing: its policies are left out.
    if (!enabled.has(type)) continue;
    const summaries = (
      await collect(paginateListPolicies({ client: org }, { Filter: type }))
    ).flatMap((p) => p.Policies ?? []);
    const full = await mapLimit(summaries, 4, async (s) => {
      const id = s.Id ?? '';
      const [policy, targets] = await Promise.all([
        org.send(new DescribePolicyCommand({ PolicyId: id })),
        collect(paginateListTargetsForPolicy({ client: org }, { PolicyId: id })),
      ]);
      return {
        id,
        type,
        name: s.Name ?? id,
        awsManaged: s.AwsManaged === true,
        content: policy.Policy?.Content ?? '',
        targets: targets
          .flatMap((p) => p.Targets ?? [])
          .map((t) => t.TargetId ?? '')
          .filter((t) => t !== ''),
      };
    });
    policies.push(...full);
  }
  return {
    id: structure.id,
    managementAccountId: structure.managementAccountId,
    roots: structure.roots.map((r) => ({
      id: r.id,
      ...(r.name === undefined ? {} : { name: r.name }),
    })),
    organizationalUnits: [...structure.organizationalUnits],
    accounts: [...structure.accounts],
    policies,
  };
}

/**
 * AWS always returns `PolicyName` in `Policies`; some emulators (moto 5.2)
 * omit it. The name is the ARN's last segment, so fill it in.
 */
function withPolicyName(p: Record<string, unknown>): Record<string, unknown> {
  if (typeof p.PolicyName === 'string' || typeof p.Arn !== 'string') return p;
  return { PolicyName: p.Arn.slice(p.Arn.lastIndexOf('/') + 1), ...p };
}

/** One account: GetAccountAuthorizationDetails (every page merged) and its identity providers. */
export async function collectAccount(iam: IAMClient): Promise<AccountBlockJson> {
  return (await collectAccountCounted(iam)).block;
}

/** {@link collectAccount}, with the number of AWS operations it sent. */
export async function collectAccountCounted(
  iam: IAMClient,
): Promise<{ block: AccountBlockJson; calls: number }> {
  const pages = await collect(paginateGetAccountAuthorizationDetails({ client: iam }, {}));
  const merged: AccountBlockJson = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
    OpenIDConnectProviderList: [],
    SAMLProviderList: [],
  };
  for (const p of pages) {
    merged.UserDetailList.push(...(plain(p.UserDetailList ?? []) as unknown[]));
    merged.GroupDetailList.push(...(plain(p.GroupDetailList ?? []) as unknown[]));
    merged.RoleDetailList.push(...(plain(p.RoleDetailList ?? []) as unknown[]));
    merged.Policies.push(
      ...(plain(p.Policies ?? []) as Record<string, unknown>[]).map(withPolicyName),
    );
  }
  const oidc =
    (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
  merged.OpenIDConnectProviderList = await Promise.all(
    oidc
      .map((o) => o.Arn ?? '')
      .filter((a) => a !== '')
      .map(async (arn) => {
        const p = await iam.send(
          new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
        );
        return {
          Arn: arn,
          Url: (p.Url ?? '').replace(/^https?:\/\//, ''),
          ClientIDList: p.ClientIDList ?? [],
          ThumbprintList: p.ThumbprintList ?? [],
        };
      }),
  );
  const saml = (await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList ?? [];
  merged.SAMLProviderList = saml
    .map((s) => s.Arn ?? '')
    .filter((a) => a !== '')
    .map((arn) => ({ Arn: arn, Name: arn.slice(arn.indexOf('saml-provider/') + 14) }));
  return { block: merged, calls: pages.length + 2 + merged.OpenIDConnectProviderList.length };
}

/**
 * Collects a snapshot through a live source's reader roles. Accounts that
 * cannot be read are reported in `failures` and left out of `accounts` (the
 * explainer then says it lacks their state); everything else is kept.
 */
export async function collectSnapshot(
  source: LiveIamStateSource,
  opts: CollectOptions,
): Promise<CollectResult> {
  let organization: OrganizationBlockJson | null = null;
  let organizationFailure: string | undefined;
  const orgClient = await source.organizationsClient();
  if (orgClient.ok) {
    try {
      organization = await collectOrganization(orgClient.value);
    } catch (err) {
      organizationFailure = `cannot read the organization: ${describeAwsError(err)}`;
    }
  } else {
    organizationFailure = orgClient.reason;
  }
  let wanted: readonly string[];
  if (opts.accounts !== undefined) wanted = opts.accounts;
  else if (organization !== null) wanted = organization.accounts.map((a) => a.id);
  else wanted = await source.readableAccounts();

  const accounts: Record<string, AccountBlockJson> = {};
  const failures: AccountFailure[] = [];
  const stats: AccountReadStats[] = [];
  const todo: string[] = [];
  for (const id of wanted) {
    const done = opts.done?.[id];
    if (done !== undefined) accounts[id] = done;
    else if (!opts.skip?.has(id)) todo.push(id);
  }
  let finished = 0;
  await mapLimit(todo, opts.concurrency ?? DEFAULT_ACCOUNT_CONCURRENCY, async (accountId) => {
    const started = performance.now();
    const iam = await source.iamClient(accountId);
    let calls = 1; // AssumeRole of the reader role
    let reason: string | undefined;
    if (!iam.ok) reason = iam.reason;
    else {
      try {
        const read = await collectAccountCounted(iam.value);
        calls += read.calls;
        if (opts.sink === undefined) accounts[accountId] = read.block;
        else await opts.sink(accountId, read.block);
      } catch (err) {
        reason = `cannot read iam of account \`${accountId}\`: ${describeAwsError(err)}`;
      }
    }
    if (reason !== undefined) failures.push({ accountId, reason });
    stats.push({
      accountId,
      calls,
      ms: performance.now() - started,
      failed: reason !== undefined,
    });
    finished += 1;
    opts.onProgress?.(finished, todo.length, accountId, reason !== undefined);
  });
  // Keep the file's account order stable: the order asked for.
  const failed = new Set(failures.map((f) => f.accountId));
  const order = wanted.filter((id) => !failed.has(id));
  const ordered: Record<string, AccountBlockJson> = {};
  for (const id of wanted) {
    const block = accounts[id];
    if (block !== undefined) ordered[id] = block;
  }
  failures.sort((x, y) => wanted.indexOf(x.accountId) - wanted.indexOf(y.accountId));
  return {
    snapshot: {
      snapshotVersion: 1,
      capturedAt: opts.now().toISOString(),
      ...(organization === null ? {} : { organization }),
      accounts: ordered,
    },
    failures,
    ...(organizationFailure === undefined ? {} : { organizationFailure }),
    order,
    stats,
  };
}
