import { describe, expect, it } from 'vitest';
import { explainEvent } from '../../../lib/explain/explainEvent.js';
import type { DenialEvent } from '../../../lib/intake/DenialEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { denialKindRecord } from '../../support/syntheticOrg.js';

/** The demo snapshot, with the index lookups failing as a live source past its budget does. */
function withFailingLookups(reason: string): IamStateSource {
  const inner = new SnapshotStateSource(demoSnapshot());
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'principalsByUniqueId' || prop === 'similarRoles')
        return async () => ({ ok: false, reason });
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function event(kind: 'stale unique id' | 'role-not-found typo'): DenialEvent {
  return readInput(denialKindRecord(kind), kind).events[0] as DenialEvent;
}

describe('what the index lookups could not read', () => {
  it('a stale id is not claimed when the unique ids could not be checked: INSUFFICIENT_DATA says why', async () => {
    const fine = await explainEvent(
      event('stale unique id'),
      new SnapshotStateSource(demoSnapshot()),
    );
    expect(fine.causes.map((c) => c.code)).toContain('TRUST_PRINCIPAL_STALE_ID');
    const d = await explainEvent(event('stale unique id'), withFailingLookups('budget spent'));
    expect(d.causes.map((c) => c.code)).not.toContain('TRUST_PRINCIPAL_STALE_ID');
    const gap = d.causes.find(
      (c) => c.code === 'INSUFFICIENT_DATA' && c.evidence.unreadable === 'unique ids',
    );
    expect(gap).toMatchObject({ code: 'INSUFFICIENT_DATA', confidence: 'confirmed' });
    expect(gap?.summary).toContain('(budget spent)');
  });

  it('a role not found is still confirmed without suggestions, and the missing names are a possibility listed after it', async () => {
    const d = await explainEvent(event('role-not-found typo'), withFailingLookups('no role index'));
    expect(d.causes[0]).toMatchObject({ code: 'ROLE_NOT_FOUND', confidence: 'confirmed' });
    const gap = d.causes.find(
      (c) => c.code === 'INSUFFICIENT_DATA' && c.evidence.unreadable === 'role names',
    );
    expect(gap).toMatchObject({ code: 'INSUFFICIENT_DATA', confidence: 'possible' });
  });
});
