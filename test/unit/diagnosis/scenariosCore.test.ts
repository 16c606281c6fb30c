/**
 * The scenario table straight through the core (intake → explainAll →
 * diagnose), without the CLI: the same expectations as scenarios.test.ts,
 * in a fraction of its time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainAll } from '../../../lib/explain/explainEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { loadScenarios } from './scenarioCorpus.js';

const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('scenario corpus, core only', () => {
  it.each(loadScenarios().map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const snapshot =
      s.snapshotFile === undefined
        ? demoSnapshot()
        : loadSnapshot(json(s.snapshotFile), s.snapshotFile);
    const out = await explainAll(
      readInput(json(s.eventFile), s.eventFile),
      new SnapshotStateSource(snapshot),
    );
    expect(out.diagnoses).toHaveLength(1);
    const d = out.diagnoses[0]!;
    expect(d.causes.map((c) => [c.code, c.confidence, c.side])).toEqual(
      s.expected.causes.map((c) => [c.code, c.confidence, c.side]),
    );
    s.expected.causes.forEach((c, i) => {
      if (c.evidence !== undefined) expect(d.causes[i]?.evidence).toMatchObject(c.evidence);
    });
    for (const f of d.fixes) expect(f.verified, `${f.cause}: ${f.title}`).toBe(true);
    expect(d.fixes.map((f) => f.cause)).toEqual(s.expected.fixes.map((f) => f.cause));
    if (s.expected.target !== undefined) expect(d.target).toMatchObject(s.expected.target);
  });
});
