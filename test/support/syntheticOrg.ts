import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Synthetic organizations for the scale benchmark and the role-scan test:
 * the demo snapshot (whose sample events diagnose to known causes) grown to
 * `accounts` accounts and about `roles` roles. The added roles look like an
 * organization's: team/service/environment names, trust policies naming CI
 * roles of the ci account, AWS services, a GitHub OIDC provider of their own
 * account, or the unique id of a deleted role; OUs two levels deep; the
 * FullAWSAccess SCP and RCP on every new target. Nothing added trusts the
 * demo's OIDC provider in the prod account, nor shares a name with a demo
 * role, so the sample events keep their causes at every size.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const TEAMS = ['payments', 'ledger', 'search', 'identity', 'billing', 'growth', 'data', 'infra'];
const SERVICES = ['api', 'worker', 'etl', 'deploy', 'reader', 'admin', 'backup', 'events'];
const ENVS = ['dev', 'stage', 'prod', 'qa'];
const DEMO_PROD = '222222222222';
const CI = '111111111111';

type Json = Record<string, unknown>;

function encode(doc: Json): string {
  return encodeURIComponent(JSON.stringify(doc));
}

function trustFor(accountId: string, i: number): Json {
  const kind = i % 10;
  const statement: Json =
    kind < 7
      ? {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${CI}:role/ci-runner-${i % 50}` },
          Action: 'sts:AssumeRole',
        }
      : kind === 7
        ? {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          }
        : kind === 8 && accountId !== DEMO_PROD
          ? {
              Effect: 'Allow',
              Principal: {
                Federated: `arn:aws:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com`,
              },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
                StringLike: {
                  'token.actions.githubusercontent.com:sub': `repo:example-org/svc-${i}:*`,
                },
              },
            }
          : {
              Effect: 'Allow',
              // The unique id of a deleted role, as IAM shows it.
              Principal: { AWS: `AROADELETED${String(i).padStart(9, '0')}` },
              Action: 'sts:AssumeRole',
            };
  return { Version: '2012-10-17', Statement: [statement] };
}

function roleEntry(accountId: string, i: number): Json {
  const name = `${TEAMS[i % TEAMS.length]}-${SERVICES[Math.floor(i / TEAMS.length) % SERVICES.length]}-${ENVS[Math.floor(i / 64) % ENVS.length]}-${i}`;
  return {
    Path: i % 5 === 0 ? '/service/' : '/',
    RoleName: name,
    RoleId: `AROASYN${accountId.slice(-6)}${String(i).padStart(7, '0')}`,
    Arn: `arn:aws:iam::${accountId}:role${i % 5 === 0 ? '/service/' : '/'}${name}`,
    CreateDate: '2025-01-01T00:00:00Z',
    AssumeRolePolicyDocument: encode(trustFor(accountId, i)),
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [{ Key: 'team', Value: TEAMS[i % TEAMS.length] }],
  };
}

/** A synthetic organization's snapshot JSON (`shared/spec/snapshot.md`), about `roles` roles. */
export function syntheticSnapshotJson(roles: number, accounts = 200): Json {
  const demo = JSON.parse(
    readFileSync(join(ROOT, 'lib/snapshot/demo-snapshot.json'), 'utf8'),
  ) as Json & {
    accounts: Record<string, Json & { RoleDetailList: Json[]; OpenIDConnectProviderList: Json[] }>;
    organization: Json & {
      roots: { id: string }[];
      organizationalUnits: Json[];
      accounts: Json[];
      policies: { id: string; targets: string[] }[];
    };
  };
  const org = demo.organization;
  const rootId = org.roots[0]?.id as string;
  const newTargets: string[] = [];
  const ous: string[] = [];
  for (let i = 0; i < 10; i++) {
    const top = `ou-${rootId.slice(2)}-syn${String(i).padStart(5, '0')}`;
    const child = `ou-${rootId.slice(2)}-syc${String(i).padStart(5, '0')}`;
    org.organizationalUnits.push({ id: top, parentId: rootId, name: `Synthetic ${i}` });
    org.organizationalUnits.push({ id: child, parentId: top, name: `Synthetic ${i} workloads` });
    ous.push(child);
    newTargets.push(top, child);
  }
  const ids = Object.keys(demo.accounts);
  for (let n = 0; ids.length < accounts; n++) {
    const id = `7${String(n).padStart(11, '0')}`;
    ids.push(id);
    newTargets.push(id);
    org.accounts.push({ id, name: `synthetic-${n}`, parentId: ous[n % ous.length] });
    demo.accounts[id] = {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
      OpenIDConnectProviderList: [],
      SAMLProviderList: [],
    };
  }
  for (const p of org.policies)
    if (p.id === 'p-FullAWSAccess' || p.id === 'p-RCPFullAWSAccess') p.targets.push(...newTargets);
  const existing = ids.reduce((n, id) => n + (demo.accounts[id]?.RoleDetailList.length ?? 0), 0);
  const perAccount = Math.max(0, Math.ceil((roles - existing) / ids.length));
  for (const id of ids) {
    const account = demo.accounts[id];
    if (account === undefined) continue;
    for (let i = 0; i < perAccount; i++) account.RoleDetailList.push(roleEntry(id, i));
    const github = `arn:aws:iam::${id}:oidc-provider/token.actions.githubusercontent.com`;
    if (
      id !== DEMO_PROD &&
      perAccount > 8 &&
      !account.OpenIDConnectProviderList.some((p) => p.Arn === github)
    ) {
      account.OpenIDConnectProviderList.push({
        Arn: github,
        Url: 'token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: [],
      });
    }
  }
  demo.capturedAt = '2026-12-01T00:00:00Z';
  return demo;
}

/** Sample events of each denial kind the targets name, from events/. */
export const DENIAL_KINDS = {
  ordinary: '01-trust-policy-lacks-principal.json',
  'role-not-found typo': '05-role-does-not-exist-typo.json',
  'stale unique id': 'cause-trust-principal-stale-id.json',
  'web identity': '07-github-oidc-webidentity-denied.json',
} as const;

export function denialKindRecord(kind: keyof typeof DENIAL_KINDS): Json {
  return JSON.parse(readFileSync(join(ROOT, 'events', DENIAL_KINDS[kind]), 'utf8')) as Json;
}
