import type { ExplainOutput } from '../diagnosis/Diagnosis.js';

/**
 * The CLI's JSON output (`shared/spec/diagnosis.md`): exactly
 * `{ state, diagnoses, skipped }`, with `skipped[]` reduced to `eventId` and
 * `reason`. One JSON document, pretty-printed, ending in a newline.
 */
export function renderJson(out: ExplainOutput): string {
  const doc = {
    ...(out.state === undefined ? {} : { state: out.state }),
    diagnoses: out.diagnoses,
    skipped: skippedJson(out.skipped),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** `skipped[]` as the JSON contract has it: `eventId` (when known) and `reason`. */
export function skippedJson(
  skipped: ExplainOutput['skipped'],
): { readonly eventId?: string; readonly reason: string }[] {
  return skipped.map((s) => ({
    ...(s.eventId === undefined ? {} : { eventId: s.eventId }),
    reason: s.reason,
  }));
}
