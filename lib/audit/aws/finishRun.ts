import { DeliveryError } from '../../errors/TrustwatchError.js';
import { type AuditDigest, buildDigest } from '../digest/buildDigest.js';
import type { DigestSink } from '../digest/DigestSink.js';
import type { AuditStore } from '../store/AuditStore.js';

/** How long a digest claim protects a sender before another worker may take over. */
export const DIGEST_LEASE_MS = 10 * 60_000;

/**
 * Builds and delivers the digest of a complete run, once: the worker that
 * records the last account calls it; the claim keeps a concurrent worker
 * out. When a sink fails the claim is released and the error thrown, so the
 * SQS message is retried and the next attempt sends the digest again.
 * Returns the digest, or `null` when it is not this caller's to send.
 */
export async function finishRun(
  runId: string,
  deps: {
    readonly store: AuditStore;
    readonly sinks: readonly DigestSink[];
    readonly now: () => Date;
  },
): Promise<AuditDigest | null> {
  const claimed = await deps.store.claimDigest(runId, deps.now().toISOString(), DIGEST_LEASE_MS);
  if (!claimed) return null;
  try {
    const run = await deps.store.getRun(runId);
    if (run === null) return null;
    const current = await deps.store.accountResults(runId);
    const prevRun = await deps.store.previousCompleteRun(runId);
    const previous =
      prevRun === null
        ? null
        : { run: prevRun, results: await deps.store.accountResults(prevRun.runId) };
    const digest = buildDigest(run, current, previous);
    const failures: string[] = [];
    for (const sink of deps.sinks) {
      try {
        await sink.deliver(digest);
      } catch (err) {
        failures.push(`${sink.name}: ${(err as Error).message}`);
      }
    }
    if (failures.length > 0)
      throw new DeliveryError(`audit digest not delivered (${failures.join('; ')})`, {
        context: { runId, sinks: failures.length },
      });
    await deps.store.markDigestSent(runId, deps.now().toISOString());
    return digest;
  } catch (err) {
    await deps.store.releaseDigest(runId);
    throw err;
  }
}
