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
    skipped: out.skipped.map((s) => ({
      ...(s.eventId === undefined ? {} : { eventId: s.eventId }),
      reason: s.reason,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
