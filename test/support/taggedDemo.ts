import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSnapshot } from '../../lib/snapshot/loadSnapshot.js';
import type { Snapshot } from '../../lib/snapshot/Snapshot.js';

/**
 * The demo organization with what alert routing reads added: account tags
 * (as Organizations `ListTagsForResource` returns them), a `trustwatch:route`
 * role tag on `ThirdPartyAuditRole`, and a Payments OU (under Workloads)
 * holding the legacy account `666666666666`, owned by payments.
 */
export function taggedDemoSnapshot(): Snapshot {
  const root = resolve(import.meta.dirname, '../..');
  const json = JSON.parse(readFileSync(resolve(root, 'lib/snapshot/demo-snapshot.json'), 'utf8'));
  const org = json.organization;
  org.organizationalUnits.push({
    id: 'ou-ab12-44444444',
    parentId: 'ou-ab12-11111111',
    name: 'Payments',
  });
  for (const a of org.accounts) {
    if (a.id === '666666666666') {
      a.parentId = 'ou-ab12-44444444';
      a.tags = [{ Key: 'owner', Value: 'payments' }];
    }
    if (a.id === '111111111111') a.tags = [{ Key: 'owner', Value: 'platform' }];
  }
  const role = json.accounts['222222222222'].RoleDetailList.find(
    (r: { RoleName: string }) => r.RoleName === 'ThirdPartyAuditRole',
  );
  role.Tags = [{ Key: 'trustwatch:route', Value: 'payments' }];
  return loadSnapshot(json, 'tagged-demo.json');
}
