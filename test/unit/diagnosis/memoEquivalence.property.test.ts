import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosisMemo } from '../../../lib/explain/DiagnosisMemo.js';
import { explainAll } from '../../../lib/explain/explainEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { renderJson } from '../../../lib/render/renderJson.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { loadScenarios } from './scenarioCorpus.js';

/**
 * A retried denial is answered from the memo when nothing its policies can
 * see has changed. Whatever the retries change (their id, time, source IP,
 * user agent, session name, session start, MFA state, region, requested
 * session name), a batch explained with one memo gives exactly the output
 * of each event explained on its own.
 */

type Json = Record<string, unknown>;
const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** The CloudTrail record of a scenario event (an EventBridge event's detail, or the record itself). */
function recordOf(event: Json): Json | undefined {
  if (typeof event.detail === 'object' && event.detail !== null) return event.detail as Json;
  return typeof event.eventName === 'string' ? event : undefined;
}

type Edit = (r: Json, i: number) => void;
const setIn = (path: readonly string[], values: readonly unknown[]): fc.Arbitrary<Edit> =>
  fc.constantFrom(...values).map((v) => (r: Json) => {
    let o: Json | undefined = r;
    for (const k of path.slice(0, -1)) {
      const next: unknown = o?.[k];
      o = typeof next === 'object' && next !== null ? (next as Json) : undefined;
    }
    if (o !== undefined) o[path[path.length - 1] as string] = v;
  });
const sessionName = fc.constantFrom('sess1', 'other', 'i-0abc').map(
  (name): Edit =>
    (r) => {
      const ui = r.userIdentity as Json | undefined;
      if (typeof ui?.arn === 'string' && ui.arn.includes(':assumed-role/'))
        ui.arn = ui.arn.replace(/[^/]+$/, name);
      if (typeof ui?.principalId === 'string' && ui.principalId.includes(':'))
        ui.principalId = ui.principalId.replace(/:[^:]*$/, `:${name}`);
    },
);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  setIn(['eventTime'], ['2026-03-02T09:14:07Z', '2026-03-02T10:14:07Z', '2027-01-01T00:00:00Z']),
  setIn(['sourceIPAddress'], ['10.20.4.117', '203.0.113.9', 'lambda.amazonaws.com']),
  setIn(['userAgent'], ['aws-cli/2.17.40', 'Terraform/1.9']),
  setIn(['awsRegion'], ['eu-west-1', 'us-east-1']),
  setIn(
    ['userIdentity', 'sessionContext', 'attributes', 'creationDate'],
    ['2026-03-02T08:00:00Z', '2026-03-02T09:14:00Z'],
  ),
  setIn(['userIdentity', 'sessionContext', 'attributes', 'mfaAuthenticated'], ['true', 'false']),
  setIn(['requestParameters', 'roleSessionName'], ['s', 'other']),
  sessionName,
);

describe('diagnosis memo (fast-check)', () => {
  const scenarios = loadScenarios().flatMap((s) => {
    const event = json(s.eventFile) as Json;
    const record = recordOf(event);
    if (record === undefined) return [];
    const snapshot =
      s.snapshotFile === undefined
        ? demoSnapshot()
        : loadSnapshot(json(s.snapshotFile), s.snapshotFile);
    return [{ name: s.name, event, source: new SnapshotStateSource(snapshot) }];
  });

  it('a batch of retries explained with one memo gives the output of each explained alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...scenarios),
        fc.array(fc.array(edit, { maxLength: 3 }), { minLength: 2, maxLength: 5 }),
        async ({ name, event, source }, retries) => {
          const events = retries.map((edits, i) => {
            const copy = structuredClone(event);
            const record = recordOf(copy) as Json;
            record.eventID = `retry-${i}`;
            for (const e of edits) e(record, i);
            return readInput(copy, `${name}-${i}.json`).events;
          });
          const batch = await explainAll(
            { events: events.flat(), skipped: [] },
            source,
            new DiagnosisMemo(),
          );
          const alone = await Promise.all(
            events.map((e) => explainAll({ events: e, skipped: [] }, source, new DiagnosisMemo())),
          );
          expect(JSON.parse(renderJson(batch))).toEqual(
            JSON.parse(renderJson({ diagnoses: alone.flatMap((o) => o.diagnoses), skipped: [] })),
          );
        },
      ),
      { numRuns: 600 },
    );
  });
});
