import demoSnapshotJson from './demo-snapshot.json' with { type: 'json' };
import { loadSnapshot } from './loadSnapshot.js';
import type { Snapshot } from './Snapshot.js';

/** The name the embedded demo snapshot reports as its file in messages. */
export const DEMO_SNAPSHOT_FILE = 'demo-snapshot.json';

let cached: Snapshot | undefined;

/**
 * The embedded demo organization (described in lib/snapshot/DEMO.md), loaded
 * and validated once. It is bundled with the code (a JSON import), so it
 * works from a checkout, under tsx and in an esbuild bundle alike.
 */
export function demoSnapshot(): Snapshot {
  cached ??= loadSnapshot(demoSnapshotJson, DEMO_SNAPSHOT_FILE);
  return cached;
}
