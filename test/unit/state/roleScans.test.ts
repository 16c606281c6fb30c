import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { diagnose } from '../../../lib/diagnosis/diagnose.js';
import { explainEvent } from '../../../lib/explain/explainEvent.js';
import { gatherBundle } from '../../../lib/explain/gatherBundle.js';
import type { DenialEvent } from '../../../lib/intake/DenialEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { loadSnapshot } from '../../../lib/snapshot/loadSnapshot.js';
import type { Snapshot, SnapshotAccount } from '../../../lib/snapshot/Snapshot.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import {
  DENIAL_KINDS,
  denialKindRecord,
  syntheticSnapshotJson,
} from '../../support/syntheticOrg.js';

/** What starts a pass over an array. */
const SCANS = new Set<PropertyKey>([
  Symbol.iterator,
  'map',
  'filter',
  'forEach',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'reduce',
  'flatMap',
  'includes',
  'indexOf',
  'slice',
  'entries',
  'values',
  'keys',
  'join',
]);

/**
 * A snapshot whose per-account role arrays count every pass over them
 * (`for … of`, spread, `map`, `filter`, `find`, …): one count per scan of an
 * account's roles.
 */
function countingSnapshot(snapshot: Snapshot): { snapshot: Snapshot; scans: () => number } {
  let scans = 0;
  const accounts = new Map<string, SnapshotAccount>();
  for (const [id, account] of snapshot.accounts) {
    const roles = new Proxy(account.roles, {
      get(target, prop, receiver) {
        if (SCANS.has(prop)) scans += 1;
        return Reflect.get(target, prop, receiver);
      },
    });
    accounts.set(id, { ...account, roles });
  }
  return { snapshot: { ...snapshot, accounts }, scans: () => scans };
}

/** A source that counts `roles()` calls: each hands the caller a whole account to scan. */
function countingRoleLists(source: SnapshotStateSource): {
  source: IamStateSource;
  lists: () => number;
} {
  let lists = 0;
  const wrapped = new Proxy(source, {
    get(target, prop) {
      if (prop === 'roles') {
        return (accountId: string) => {
          lists += 1;
          return target.roles(accountId);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { source: wrapped, lists: () => lists };
}

type Kind = keyof typeof DENIAL_KINDS;
const KINDS = Object.keys(DENIAL_KINDS) as Kind[];

/** The sample event of a kind, with a distinct session name (a memo miss every time). */
function eventOf(kind: Kind, i = 0): DenialEvent {
  const record = denialKindRecord(kind) as { detail: Record<string, unknown> };
  if (i > 0) {
    const text = JSON.stringify(record).replaceAll('i-0a1b2c3d4e5f60789', `i-scan${i}`);
    return readInput(JSON.parse(text), `${kind}-${i}`).events[0] as DenialEvent;
  }
  return readInput(record, kind).events[0] as DenialEvent;
}

/** What a diagnosis says, without the per-event header. */
function gist(d: Diagnosis) {
  return { causes: d.causes, fixes: d.fixes.map((f) => [f.cause, f.title]) };
}

describe('per-event paths and the roles of the organization', () => {
  const big = loadSnapshot(syntheticSnapshotJson(3_000, 60));
  const totalRoles = [...big.accounts.values()].reduce((n, a) => n + a.roles.length, 0);

  it('builds the indexes once per state version and scans no role per event, for every denial kind', async () => {
    const { snapshot, scans } = countingSnapshot(big);
    const { source, lists } = countingRoleLists(new SnapshotStateSource(snapshot));
    // First events: the indexes of this state are built (a bounded number of scans).
    for (const kind of KINDS) await explainEvent(eventOf(kind), source);
    const afterIndexing = scans();
    expect(afterIndexing).toBeLessThanOrEqual(3 * snapshot.accounts.size);
    // Fresh diagnoses (no memo) of every kind, many times: not one more scan.
    for (let i = 1; i <= 25; i++) {
      for (const kind of KINDS) {
        const e = eventOf(kind, i);
        diagnose(e, await gatherBundle(e, source));
      }
    }
    expect(scans()).toBe(afterIndexing);
    expect(lists()).toBe(0);
    // A second source over the same state reuses its indexes.
    const again = new SnapshotStateSource(snapshot);
    for (const kind of KINDS) await explainEvent(eventOf(kind, 99), again);
    expect(scans()).toBe(afterIndexing);
    expect(again.version).toBe(source.version);
    expect(totalRoles).toBeGreaterThan(3_000);
  });

  it('diagnoses each kind at 3,000 roles as it does on the demo organization', async () => {
    const small = new SnapshotStateSource(demoSnapshot());
    const large = new SnapshotStateSource(big);
    for (const kind of KINDS) {
      const e = eventOf(kind, 7);
      const expected = gist(diagnose(e, await gatherBundle(e, small)));
      expect(gist(diagnose(e, await gatherBundle(e, large))), kind).toEqual(expected);
    }
    const typo = diagnose(
      eventOf('role-not-found typo'),
      await gatherBundle(eventOf('role-not-found typo'), large),
    );
    expect(typo.causes[0]).toMatchObject({ code: 'ROLE_NOT_FOUND' });
    expect(JSON.stringify(typo.causes[0]?.evidence)).toContain('role/DeployRole');
    const stale = diagnose(
      eventOf('stale unique id'),
      await gatherBundle(eventOf('stale unique id'), large),
    );
    expect(stale.causes.map((c) => c.code)).toContain('TRUST_PRINCIPAL_STALE_ID');
  });

  it('gives a new version to a reloaded snapshot', () => {
    const a = new SnapshotStateSource(loadSnapshot(syntheticSnapshotJson(300, 10)));
    const b = new SnapshotStateSource(loadSnapshot(syntheticSnapshotJson(300, 10)));
    expect(a.version).not.toBe(b.version);
  });
});
