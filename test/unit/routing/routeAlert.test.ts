import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/alerts/Alert.js';
import { createAlertRouter } from '../../../lib/alerts/destinations/alertRouter.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { explainAll } from '../../../lib/explain/explainEvent.js';
import { readInputText } from '../../../lib/intake/readInput.js';
import { readRoutingText } from '../../../lib/routing/parseRoutingTable.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { taggedDemoSnapshot } from '../../support/taggedDemo.js';

const root = resolve(import.meta.dirname, '../../..');
const routesFile = resolve(root, 'lib/deploy/examples/routes.json');
const table = readRoutingText(readFileSync(routesFile, 'utf8'), routesFile);

const source = new SnapshotStateSource(taggedDemoSnapshot());

async function diagnosis(file: string): Promise<Diagnosis> {
  const dir = file.startsWith('cause-')
    ? resolve(root, 'events')
    : resolve(root, '../shared/events');
  const text = readFileSync(resolve(dir, file), 'utf8');
  const out = await explainAll(readInputText(text, file), source);
  const d = out.diagnoses[0];
  if (d === undefined) throw new Error(`${file} gave no diagnosis`);
  return d;
}

const route = createAlertRouter(table, async () => source);

describe('routing table x diagnoses (lib/deploy/examples/routes.json on the tagged demo organization)', () => {
  it.each([
    // file, expected destinations, deciding rule (null: default), also entries
    ['01-trust-policy-lacks-principal.json', ['platform'], null, []],
    ['02-caller-lacks-sts-assumerole.json', ['data', 'data-oncall'], 'data-roles', []],
    [
      '03-mfa-required-not-present.json',
      ['platform', 'security'],
      null,
      ['security-sees-break-glass'],
    ],
    ['04-externalid-missing-or-wrong.json', ['payments'], 'routed-by-tag', []],
    ['05-role-does-not-exist-typo.json', ['platform'], null, []],
    ['06-scp-explicit-deny.json', ['platform'], 'org-guardrails', []],
    ['07-github-oidc-webidentity-denied.json', ['platform'], null, []],
    // Caller in the Sandbox OU, SCP: the guardrail rule comes first and wins.
    ['cause-scp-no-allow.json', ['platform'], 'org-guardrails', []],
    // The caller role is tagged team=data, the role is not: the caller rule decides.
    ['cause-identity-no-allow.json', ['data'], 'data-callers', []],
    // The role account is unreadable, its tags (Organizations) are not: payments owns it.
    ['cause-insufficient-data.json', ['payments'], 'payments-accounts', []],
  ] as const)('%s → %j (rule %s)', async (file, destinations, rule, also) => {
    const r = await route({ kind: 'diagnosis', diagnosis: await diagnosis(file) });
    expect(r).toEqual({ destinations, rule, also });
  });

  it('sends the role-enumeration alert to the owning team and to security', async () => {
    const d = await diagnosis('05-role-does-not-exist-typo.json');
    const alert: Alert = {
      kind: 'security',
      finding: 'ROLE_ENUMERATION',
      callerPrincipal: 'arn:aws:iam::111111111111:role/ci-deployer',
      rolesTried: ['a', 'b'],
      windowStart: '2026-12-07T00:00:00Z',
      windowEnd: '2026-12-07T00:10:00Z',
      diagnosis: d,
    };
    expect(await route(alert)).toEqual({
      destinations: ['platform', 'security'],
      rule: null,
      also: ['security-sees-enumeration'],
    });
  });

  it('matches the OU path by names or by ids, and an unknown fact matches nothing', async () => {
    const d = await diagnosis('cause-insufficient-data.json');
    const byOu = readRoutingText(
      JSON.stringify({
        destinations: { a: { sns: true }, b: { sns: true }, c: { sns: true } },
        rules: [
          {
            name: 'ids',
            match: { roleOu: ['o-*/r-ab12/ou-ab12-11111111/ou-ab12-44444444/'] },
            to: ['a'],
          },
        ],
        also: [
          { name: 'names', match: { ou: ['/Root/Workloads/Payments/*'] }, to: ['b'] },
          // The role's account cannot be read: its tags are unknown, and unknown matches nothing.
          { name: 'role-tags', match: { roleTags: { team: ['*'] } }, to: ['c'] },
        ],
        default: 'c',
      }),
      'inline',
    );
    const r = await createAlertRouter(
      byOu,
      async () => source,
    )({ kind: 'diagnosis', diagnosis: d });
    expect(r).toEqual({ destinations: ['a', 'b'], rule: 'ids', also: ['names'] });
  });

  it('reads no state when no rule needs OU paths or tags', async () => {
    const plain = readRoutingText(
      JSON.stringify({
        destinations: { sec: { sns: true }, rest: { sns: true } },
        rules: [{ name: 'high', match: { severity: ['high', 'critical'] }, to: ['sec'] }],
        default: 'rest',
      }),
      'inline',
    );
    let reads = 0;
    const r = createAlertRouter(plain, async () => {
      reads++;
      return source;
    });
    expect(
      (await r({ kind: 'diagnosis', diagnosis: await diagnosis('06-scp-explicit-deny.json') }))
        .destinations,
    ).toEqual(['sec']);
    expect(
      (
        await r({
          kind: 'diagnosis',
          diagnosis: await diagnosis('01-trust-policy-lacks-principal.json'),
        })
      ).destinations,
    ).toEqual(['rest']);
    expect(reads).toBe(0);
  });
});
