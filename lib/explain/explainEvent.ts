import type { DenialEvent, IntakeResult } from '../intake/DenialEvent.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import type { Diagnosis, ExplainOutput } from '../diagnosis/Diagnosis.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { memoDiagnose } from './diagnosisMemo.js';
import { gatherBundle } from './gatherBundle.js';
import { memoizeSource } from './memoizeSource.js';
import { resolveSessionIssuer } from './resolveSessionIssuer.js';

/**
 * Explains one denied role assumption: reads what it needs from the state
 * source (async), then diagnoses it (pure).
 */
export async function explainEvent(
  received: DenialEvent,
  source: IamStateSource,
): Promise<Diagnosis> {
  const event = await resolveSessionIssuer(received, source);
  const bundle = await gatherBundle(event, source);
  return memoDiagnose(event, bundle, () => diagnose(event, bundle));
}

/**
 * Explains every event of an intake result, in order, and lists what was
 * skipped. Reads are shared across the batch (`memoizeSource`).
 */
export async function explainAll(
  input: IntakeResult,
  source: IamStateSource,
): Promise<ExplainOutput> {
  const diagnoses: Diagnosis[] = [];
  const batch = memoizeSource(source);
  for (const event of input.events) diagnoses.push(await explainEvent(event, batch));
  return {
    diagnoses,
    skipped: input.skipped.map((s) => ({
      ...(s.eventId === undefined ? {} : { eventId: s.eventId }),
      reason: s.reason,
    })),
  };
}
