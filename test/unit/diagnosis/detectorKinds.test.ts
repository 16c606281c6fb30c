/**
 * Rules declare the situation and blocker kinds their detectors read
 * (`situationKinds`, `blockerKinds`: lib/diagnosis/CauseRule.ts), and
 * `diagnose` asks only those. The declarations must lose nothing: over the
 * whole scenario corpus, the registered rules give the same diagnosis as the
 * same rules asked about every kind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CauseRule } from '../../../lib/diagnosis/CauseRule.js';
import { CAUSE_RULES } from '../../../lib/diagnosis/causeRules.js';
import { diagnose } from '../../../lib/diagnosis/diagnose.js';
import { gatherBundle } from '../../../lib/explain/gatherBundle.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { loadScenarios } from './scenarioCorpus.js';

const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** The registered rules, each asked about every kind. */
const EVERY_KIND: readonly CauseRule[] = CAUSE_RULES.map((r) => {
  const { situationKinds: _s, blockerKinds: _b, ...rest } = r;
  return rest;
});

describe('detectors asked only about the kinds their rule lists', () => {
  it('declare at least one kind where a rule has a detector', () => {
    const declared = CAUSE_RULES.filter(
      (r) =>
        (r.detectInSituation !== undefined && r.situationKinds !== undefined) ||
        (r.detectInBlocker !== undefined && r.blockerKinds !== undefined),
    );
    expect(declared.length).toBeGreaterThan(5);
  });

  it.each(loadScenarios().map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const snapshot =
      s.snapshotFile === undefined
        ? demoSnapshot()
        : loadSnapshot(json(s.snapshotFile), s.snapshotFile);
    const event = readInput(json(s.eventFile), s.eventFile).events[0]!;
    const bundle = await gatherBundle(event, new SnapshotStateSource(snapshot));
    const byKind = diagnose(event, bundle);
    const everyKind = diagnose(event, bundle, EVERY_KIND);
    expect(JSON.stringify(byKind)).toBe(JSON.stringify(everyKind));
  });
});
