import type { AccountAudit } from '../findings/AuditFinding.js';
import type { AuditReport } from '../findings/AuditReport.js';
import type { BlindSpot } from '../findings/BlindSpot.js';
import type { StateLabel } from '../iam/StateLabel.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import type { AuditOrganization } from './AuditRule.js';
import { type AccountAuditOptions, auditAccount } from './auditAccount.js';
import type { JournaledAccount } from './auditJournal.js';
import type { BlindSpotReader } from './blindspots/BlindSpotReader.js';
import { checkBlindSpots } from './blindspots/checkBlindSpots.js';

export interface OrganizationAuditOptions
  extends Omit<AccountAuditOptions, 'organization' | 'rolePath'> {
  /** Only these accounts (default: every account of the organization plus every readable one). */
  readonly accounts?: readonly string[];
  /** The IAM state `source` reads, as the report names it. */
  readonly state: StateLabel;
  readonly blindSpots?: {
    readonly reader: BlindSpotReader;
    readonly regions: readonly string[];
    readonly ruleName: string;
  };
  /** Accounts audited at once (default 4). */
  readonly accountConcurrency?: number;
  /** Told after each account is audited (progress of a long live audit). */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Accounts an interrupted run already audited (its journal): taken as they
   * are, their roles not read again.
   */
  readonly resumed?: ReadonlyMap<string, JournaledAccount>;
  /**
   * Told of each account audited without an error, before the next is
   * started on that worker (the journal of a resumable run). An account
   * whose roles could not be read is not told: a resume audits it again.
   */
  readonly onAccount?: (account: JournaledAccount) => Promise<void>;
}

/** Reads the organization as the rules need it; `null` (with a warning) when it cannot be read. */
export async function readAuditOrganization(
  source: IamStateSource,
  warnings: string[],
): Promise<AuditOrganization | null> {
  const org = await source.organization();
  if (!org.ok) {
    warnings.push(`organization unreadable (${org.reason}): every other account counts as foreign`);
    return null;
  }
  if (org.value === null) return null;
  return {
    id: org.value.id,
    managementAccountId: org.value.managementAccountId,
    accountIds: new Set(org.value.accounts.map((a) => a.id)),
  };
}

/**
 * Audits several accounts with one state source. Role paths read from any
 * audited account help the others (a trust naming a role ARN without its
 * path). Unreadable accounts are reported in their `AccountAudit.error`.
 */
export async function auditOrganization(
  source: IamStateSource,
  opts: OrganizationAuditOptions,
): Promise<AuditReport> {
  const warnings: string[] = [];
  const organization = await readAuditOrganization(source, warnings);
  const ids =
    opts.accounts ??
    [
      ...new Set([...(organization?.accountIds ?? []), ...(await source.readableAccounts())]),
    ].sort();
  const limit = Math.max(1, Math.min(opts.accountConcurrency ?? 4, ids.length));
  // First pass: role listings (cached by the source), for the role-path lookup;
  // as many accounts at once as the audit itself, never every account at once.
  const paths = new Map<string, string>();
  const pathsOf = new Map<string, (readonly [string, string])[]>();
  for (const [id, done] of opts.resumed ?? []) {
    pathsOf.set(id, [...done.rolePaths]);
    for (const [name, path] of done.rolePaths) paths.set(`${id}/${name}`, path);
  }
  let listed = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (listed < ids.length) {
        const id = ids[listed++] as string;
        if (pathsOf.has(id)) continue;
        const roles = await source.roles(id);
        if (!roles.ok) continue;
        pathsOf.set(
          id,
          roles.value.map((r) => [r.name, r.path] as const),
        );
        for (const r of roles.value) paths.set(`${id}/${r.name}`, r.path);
      }
    }),
  );
  const rolePath = (accountId: string, name: string) => paths.get(`${accountId}/${name}`);
  const accounts: AccountAudit[] = new Array(ids.length);
  const blind: BlindSpot[] = [];
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < ids.length) {
        const i = next++;
        const id = ids[i] as string;
        const kept = opts.resumed?.get(id);
        if (kept !== undefined) {
          accounts[i] = kept.audit;
          blind.push(...kept.blindSpots);
        } else {
          const audit = await auditAccount(source, id, { ...opts, organization, rolePath });
          const spots =
            opts.blindSpots === undefined
              ? []
              : await checkBlindSpots(
                  opts.blindSpots.reader,
                  id,
                  opts.blindSpots.regions,
                  opts.blindSpots.ruleName,
                );
          accounts[i] = audit;
          blind.push(...spots);
          if (audit.error === undefined)
            await opts.onAccount?.({
              accountId: id,
              audit,
              blindSpots: spots,
              rolePaths: pathsOf.get(id) ?? [],
            });
        }
        done += 1;
        opts.onProgress?.(done, ids.length);
      }
    }),
  );
  blind.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
  return {
    auditedAt: opts.now.toISOString(),
    ...(organization === null ? {} : { organizationId: organization.id }),
    state: opts.state,
    accounts,
    ...(opts.blindSpots === undefined ? {} : { blindSpots: blind }),
    warnings,
  };
}
