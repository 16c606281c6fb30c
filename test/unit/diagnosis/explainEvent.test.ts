import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainEvent } from '../../../lib/explain/explainEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

const EVENTS = join(import.meta.dirname, '../../../events');
const snapshotSource = new SnapshotStateSource(demoSnapshot());

function event(file: string, edit: (d: Record<string, unknown>) => void = () => {}) {
  const json = JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));
  edit(json.detail);
  return readInput(json, file).events[0]!;
}

/** Like live IAM: GetRole finds a role whatever the case of the name asked for. */
const caseInsensitive: IamStateSource = {
  ...Object.fromEntries(
    (
      [
        'organization',
        'orgPath',
        'user',
        'principalPolicies',
        'roles',
        'oidcProviders',
        'samlProviders',
        'readableAccounts',
        'accountTags',
        'principalsByUniqueId',
        'similarRoles',
        'rolesTrustingFederated',
      ] as const
    ).map((m) => [
      m,
      (...args: never[]) => (snapshotSource[m] as (...a: never[]) => unknown)(...args),
    ]),
  ),
  role: async (accountId, name) => {
    const all = await snapshotSource.roles(accountId);
    if (!all.ok) return all;
    return {
      ok: true,
      value: all.value.find((r) => r.name.toLowerCase() === name.toLowerCase()) ?? null,
    };
  },
} as IamStateSource;

describe('explainEvent', () => {
  it('treats a role ARN with the wrong letter case as not found, even when IAM finds the role', async () => {
    const e = event('01-trust-policy-lacks-principal.json', (d) => {
      d.errorMessage = String(d.errorMessage).replace('role/DeployRole', 'role/deployrole');
    });
    const d = await explainEvent(e, caseInsensitive);
    expect(d.causes[0]).toMatchObject({ code: 'ROLE_NOT_FOUND', confidence: 'confirmed' });
    expect(d.fixes[0]?.awsCli).toContain('arn:aws:iam::222222222222:role/DeployRole');
  });

  it('does not blame a stale role id for a user caller', async () => {
    const e = event('03-mfa-required-not-present.json', (d) => {
      d.errorMessage = String(d.errorMessage).replace(
        'role/BreakGlassAdmin',
        'role/ReleaseManager',
      );
    });
    const d = await explainEvent(e, snapshotSource);
    expect(d.causes.map((c) => c.code)).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(d.causes.map((c) => c.code)).not.toContain('TRUST_PRINCIPAL_STALE_ID');
  });

  it("confirms what AWS names even when today's state says otherwise, and says IAM changed", async () => {
    const e = event('01-trust-policy-lacks-principal.json', (d) => {
      d.errorMessage = `${String(d.errorMessage)} with an explicit deny in an identity-based policy`;
    });
    const d = await explainEvent(e, snapshotSource);
    expect(d.causes[0]).toMatchObject({ code: 'IDENTITY_EXPLICIT_DENY', confidence: 'confirmed' });
    expect(d.causes[0]?.summary).toMatch(/IAM has probably changed/);
    expect(d.causes.map((c) => c.code)).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
  });
});
