import { DeliveryError, SinkDisabledError } from '../../errors/TrustwatchError.js';
import { type AuditDigest, buildDigest } from '../../findings/buildDigest.js';
import type { DigestSink } from '../digest/DigestSink.js';
import type { AuditStore } from '../store/AuditStore.js';

/** How long a digest claim protects a sender before another worker may take over. */
export const DIGEST_LEASE_MS = 10 * 60_000;

/**
 * Builds and delivers the digest of a complete run, once: the worker that
 * records the last account calls it; the claim keeps a concurrent worker
 * out. The same rules as the explain pipeline (README "Faults"):
 * - each sink (and each part of a routed sink) is recorded in the run as soon
 *   as it accepts; when another fails the claim is released and the error
 *   thrown, so SQS retries the message and the retry re-sends only what failed;
 * - a sink that cannot deliver until an operator acts ({@link SinkDisabledError},
 *   a revoked Slack webhook) is reported through `disabled` (the
 *   `SinkDisabled` alarm) and does not fail the run when another sink
 *   delivered the digest, so it is not retried in a storm; when no sink at
 *   all delivered, the run fails like any other failure.
 * Returns the digest, or `null` when it is not this caller's to send.
 */
export async function finishRun(
  runId: string,
  deps: {
    readonly store: AuditStore;
    readonly sinks: readonly DigestSink[];
    readonly now: () => Date;
    /** A sink is disabled until an operator acts: count it (`SinkDisabled`) and log it. */
    readonly disabled?: (sink: string, message: string) => void;
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
    const done = new Set(run.digestDelivered ?? []);
    const mark = async (key: string) => {
      await deps.store.markDigestDelivered(runId, key);
      done.add(key);
    };
    const failures: string[] = [];
    const disabled: string[] = [];
    let deliveredOnce = done.size > 0;
    for (const sink of deps.sinks) {
      if (done.has(sink.name)) continue;
      const before = done.size;
      try {
        await sink.deliver(digest, {
          delivered: (part) => done.has(`${sink.name}:${part}`),
          mark: (part) => mark(`${sink.name}:${part}`),
        });
      } catch (err) {
        if (done.size > before) deliveredOnce = true;
        const line = `${sink.name}: ${(err as Error).message}`;
        if (err instanceof SinkDisabledError) {
          disabled.push(line);
          deps.disabled?.(sink.name, (err as Error).message);
        } else {
          failures.push(line);
        }
        continue;
      }
      await mark(sink.name);
      deliveredOnce = true;
    }
    if (!deliveredOnce && failures.length === 0) failures.push(...disabled);
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
