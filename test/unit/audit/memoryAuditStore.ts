import type { AuditStore } from '../../../lib/audit/store/AuditStore.js';
import type { AccountResult, AuditRun } from '../../../lib/findings/AuditRun.js';

/** An in-memory AuditStore with the DynamoDB store's semantics (idempotent recording, claims). */
export class MemoryAuditStore implements AuditStore {
  readonly runs = new Map<string, AuditRun & { digestClaimedAt?: string }>();
  readonly results = new Map<string, Map<string, AccountResult>>();

  async startRun(runId: string, startedAt: string, accountIds: readonly string[]): Promise<void> {
    if (this.runs.has(runId)) throw new Error('run exists');
    this.runs.set(runId, {
      runId,
      startedAt,
      total: accountIds.length,
      remaining: accountIds.length,
    });
    this.results.set(runId, new Map());
  }

  async recordAccount(r: AccountResult): Promise<{ recorded: boolean; remaining: number }> {
    const run = this.runs.get(r.runId);
    const results = this.results.get(r.runId);
    if (run === undefined || results === undefined) throw new Error(`no run ${r.runId}`);
    if (results.has(r.accountId)) return { recorded: false, remaining: run.remaining };
    results.set(r.accountId, r);
    const next = { ...run, remaining: run.remaining - 1 };
    this.runs.set(r.runId, next);
    return { recorded: true, remaining: next.remaining };
  }

  async getRun(runId: string): Promise<AuditRun | null> {
    const r = this.runs.get(runId);
    if (r === undefined) return null;
    const { digestClaimedAt: _c, ...run } = r;
    return run;
  }

  async accountResults(runId: string): Promise<AccountResult[]> {
    return [...(this.results.get(runId)?.values() ?? [])].sort((a, b) =>
      a.accountId.localeCompare(b.accountId),
    );
  }

  async previousCompleteRun(runId: string): Promise<AuditRun | null> {
    const earlier = [...this.runs.values()]
      .filter((r) => r.runId < runId && r.remaining === 0)
      .sort((a, b) => (a.runId < b.runId ? 1 : -1));
    return earlier[0] === undefined ? null : this.getRun(earlier[0].runId);
  }

  async latestRunBefore(runId: string): Promise<AuditRun | null> {
    const earlier = [...this.runs.keys()].filter((id) => id < runId).sort();
    const last = earlier.at(-1);
    return last === undefined ? null : this.getRun(last);
  }

  async claimDigest(runId: string, nowIso: string, leaseMs: number): Promise<boolean> {
    const r = this.runs.get(runId);
    if (r === undefined || r.remaining !== 0 || r.digestSentAt !== undefined) return false;
    if (
      r.digestClaimedAt !== undefined &&
      Date.parse(r.digestClaimedAt) >= Date.parse(nowIso) - leaseMs
    )
      return false;
    this.runs.set(runId, { ...r, digestClaimedAt: nowIso });
    return true;
  }

  async releaseDigest(runId: string): Promise<void> {
    const r = this.runs.get(runId);
    if (r !== undefined) {
      const { digestClaimedAt: _c, ...rest } = r;
      this.runs.set(runId, rest);
    }
  }

  async markDigestDelivered(runId: string, key: string): Promise<void> {
    const r = this.runs.get(runId);
    if (r !== undefined) {
      const delivered = [...new Set([...(r.digestDelivered ?? []), key])].sort();
      this.runs.set(runId, { ...r, digestDelivered: delivered });
    }
  }

  async markDigestSent(runId: string, nowIso: string): Promise<void> {
    const r = this.runs.get(runId);
    if (r !== undefined) {
      const { digestClaimedAt: _c, ...rest } = r;
      this.runs.set(runId, { ...rest, digestSentAt: nowIso });
    }
  }
}
