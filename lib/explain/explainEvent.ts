import { withCallBudget } from '../aws/callBudget.js';
import type { Diagnosis, ExplainOutput } from '../diagnosis/Diagnosis.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { DenialEvent, IntakeResult } from '../intake/DenialEvent.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import { type InMemoryReads, inMemoryReads } from '../state/InMemoryReads.js';
import { DiagnosisMemo } from './DiagnosisMemo.js';
import { gatherBundle, gatherBundleNow } from './gatherBundle.js';
import { memoizeSource } from './memoizeSource.js';
import { resolveSessionIssuer, resolveSessionIssuerNow } from './resolveSessionIssuer.js';

/**
 * Explains one denied role assumption: reads what it needs from the state
 * source (async), then diagnoses it (pure). With a memo, a repeat of a
 * denial already explained under the same state version is answered
 * without reading anything.
 */
export async function explainEvent(
  received: DenialEvent,
  source: IamStateSource,
  memo?: DiagnosisMemo,
): Promise<Diagnosis> {
  const version = source.version;
  const now = inMemoryReads(source);
  if (now !== undefined) return explainNow(received, version, now, memo);
  const hit = memo?.lookup(received, version);
  if (hit !== undefined) return hit;
  const event = await resolveSessionIssuer(received, source);
  const bundle = await gatherBundle(event, source);
  const diagnosis = diagnose(event, bundle);
  memo?.store(received, version, bundle, diagnosis);
  return diagnosis;
}

/** `explainEvent` from a source holding its state in memory: no promise at all. */
function explainNow(
  received: DenialEvent,
  version: string,
  now: InMemoryReads,
  memo: DiagnosisMemo | undefined,
): Diagnosis {
  const hit = memo?.lookup(received, version);
  if (hit !== undefined) return hit;
  const event = resolveSessionIssuerNow(received, now);
  const bundle = gatherBundleNow(event, now);
  const diagnosis = diagnose(event, bundle);
  memo?.store(received, version, bundle, diagnosis);
  return diagnosis;
}

/**
 * Explains every event of an intake result, in order, and lists what was
 * skipped. Reads are shared across the batch (`memoizeSource`), and so are
 * diagnoses of repeated denials (`memo`). With `callBudget`, each diagnosis
 * may send at most that many AWS calls (lib/aws/callBudget.ts): past it, what
 * it could not read is INSUFFICIENT_DATA; a read shared from an earlier
 * diagnosis of the batch costs nothing.
 */
export async function explainAll(
  input: IntakeResult,
  source: IamStateSource,
  memo: DiagnosisMemo = new DiagnosisMemo(),
  options: { readonly callBudget?: number } = {},
): Promise<ExplainOutput> {
  const diagnoses: Diagnosis[] = [];
  const batch = memoizeSource(source);
  const { callBudget } = options;
  // With no call budget to scope, a source holding its state in memory is read without promises.
  const now = callBudget === undefined ? inMemoryReads(batch) : undefined;
  for (const event of input.events) {
    if (now !== undefined) {
      diagnoses.push(explainNow(event, batch.version, now, memo));
      continue;
    }
    const explain = () => explainEvent(event, batch, memo);
    diagnoses.push(
      await (callBudget === undefined ? explain() : withCallBudget(callBudget, explain)),
    );
  }
  return {
    diagnoses,
    skipped: input.skipped.map((s) =>
      s.eventId === undefined ? { reason: s.reason } : { eventId: s.eventId, reason: s.reason },
    ),
  };
}
