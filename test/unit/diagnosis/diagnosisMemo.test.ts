import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoStats } from '../../../lib/explain/diagnosisMemo.js';
import { explainEvent } from '../../../lib/explain/explainEvent.js';
import { memoizeSource } from '../../../lib/explain/memoizeSource.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

const EVENTS = join(import.meta.dirname, '../../../events');

function load(file: string, edit: (e: Record<string, Record<string, unknown>>) => void) {
  const json = JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));
  edit(json);
  return readInput(json, file).events[0]!;
}

describe('diagnosis memo', () => {
  const source = memoizeSource(new SnapshotStateSource(demoSnapshot()));

  it("reuses a diagnosis for a retry, with the retry's own id, time and source IP", async () => {
    const a = load('01-trust-policy-lacks-principal.json', () => {});
    const b = load('01-trust-policy-lacks-principal.json', (e) => {
      e.detail!.eventID = 'retry-1';
      e.detail!.eventTime = '2026-03-02T09:14:09Z';
      e.detail!.sourceIPAddress = '10.20.4.118';
    });
    const first = await explainEvent(a, source);
    const hitsBefore = memoStats().hits;
    const second = await explainEvent(b, source);
    expect(memoStats().hits).toBe(hitsBefore + 1);
    expect(second.eventId).toBe('retry-1');
    expect(second.eventTime).toBe('2026-03-02T09:14:09Z');
    expect(second.caller.sourceIp).toBe('10.20.4.118');
    expect(second.causes).toEqual(first.causes);
  });

  it('keeps the source IP in the key when a policy in play has an aws:SourceIp condition', async () => {
    const denied = await explainEvent(
      load('cause-trust-condition-other.json', () => {}),
      source,
    );
    const fromVpn = await explainEvent(
      load('cause-trust-condition-other.json', (e) => {
        e.detail!.sourceIPAddress = '192.0.2.44';
      }),
      source,
    );
    expect(denied.causes[0]?.code).toBe('TRUST_CONDITION_OTHER');
    expect(fromVpn.causes.map((c) => c.code)).not.toContain('TRUST_CONDITION_OTHER');
  });

  it('never reuses a diagnosis across different IAM state objects', async () => {
    const e = load('01-trust-policy-lacks-principal.json', () => {});
    await explainEvent(e, source);
    const misses = memoStats().misses;
    await explainEvent(e, memoizeSource(new SnapshotStateSource(demoSnapshot())));
    expect(memoStats().misses).toBe(misses + 1);
  });
});
