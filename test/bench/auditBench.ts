import { performance } from 'node:perf_hooks';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AuditContext } from '../../lib/audit/AuditRule.js';
import { auditOrganization } from '../../lib/audit/auditOrganization.js';
import { auditRole } from '../../lib/audit/auditRole.js';
import { DEFAULT_FORWARD_RULE_NAME } from '../../lib/audit/blindspots/BlindSpotReader.js';
import { createLiveAuditSources } from '../../lib/audit/live/createLiveAuditSources.js';
import { ReadCache } from '../../lib/aws/ReadCache.js';
import { parsePolicyDocument } from '../../lib/policy/parsePolicyDocument.js';
import type { RoleState } from '../../lib/state/IamStateSource.js';
import { startMotoServer, useMotoEnvironment } from '../support/motoServer.js';

/**
 * 1. Pure: trust policies audited per second over a large generated corpus
 *    (target >= 50,000/s), rules only and with fixes built and verified.
 * 2. Live: the audit of 20 accounts x 100 roles on a moto_server of its own
 *    (started here on a free loopback port and stopped), wall time and AWS
 *    calls. moto's times are only indicative; the call count is the figure.
 */

const ORG_ACCOUNTS = Array.from({ length: 8 }, (_, i) => String(100000000000 + i * 111111111));
const GH = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A statement of one of the shapes trust policies have in the wild, mostly healthy. */
function statement(r: () => number, i: number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const acct = pick(ORG_ACCOUNTS);
  const kinds = [
    () => ({
      Principal: {
        Service: pick(['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com']),
      },
      Action: 'sts:AssumeRole',
    }),
    () => ({
      Principal: {
        Service: pick(['events.amazonaws.com', 'sns.amazonaws.com', 'states.amazonaws.com']),
      },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } },
    }),
    () => ({
      Principal: { AWS: `arn:aws:iam::${acct}:role/deployer-${i % 50}` },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    }),
    () => ({
      Principal: { AWS: `arn:aws:iam::${acct}:root` },
      Action: 'sts:AssumeRole',
      Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role/team-*` } },
    }),
    () => ({
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-bench00001' } },
    }),
    () => ({
      Principal: { Federated: GH },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: {
          'token.actions.githubusercontent.com:sub': pick([
            'repo:acme/api:*',
            'repo:acme/web:ref:refs/heads/main',
            'repo:acme/*',
          ]),
        },
      },
    }),
    () => ({
      Principal: { Federated: 'arn:aws:iam::222222222222:saml-provider/Okta' },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    }),
    () => ({
      Principal: { AWS: `arn:aws:iam::9${String(i % 1000).padStart(11, '0')}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': `tenant-${i}` } },
    }),
    // The rarer bad ones.
    () => ({
      Principal: { AWS: `arn:aws:iam::9${String(i % 1000).padStart(11, '0')}:root` },
      Action: 'sts:AssumeRole',
    }),
    () => ({ Principal: '*', Action: 'sts:AssumeRole' }),
    () => ({
      Principal: { AWS: `AROAEXAMPLESTALE${String(i % 10000).padStart(4, '0')}` },
      Action: 'sts:AssumeRole',
    }),
    () => ({
      Principal: { AWS: `arn:aws:iam::${acct}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role/ci-*` } },
    }),
  ];
  const weights = [30, 10, 20, 8, 4, 6, 5, 5, 3, 1, 2, 2];
  let x = r() * weights.reduce((a, b) => a + b, 0);
  let k = 0;
  while (x >= (weights[k] as number)) x -= weights[k++] as number;
  return { Sid: `S${i}`, Effect: 'Allow', ...(kinds[k] as () => Record<string, unknown>)() };
}

export function corpus(n: number): RoleState[] {
  const r = rng(42);
  return Array.from({ length: n }, (_, i) => {
    const statements = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, j) =>
      statement(r, i * 3 + j),
    );
    const name = `role-${i}`;
    return {
      arn: `arn:aws:iam::222222222222:role/${name}`,
      name,
      path: '/',
      roleId: `AROABENCH${String(i).padStart(11, '0')}`,
      accountId: '222222222222',
      trustPolicy: parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, '$'),
      tags: i % 97 === 0 ? [{ key: 'trustwatch:ignore', value: 'ANY_PRINCIPAL_UNRESTRICTED' }] : [],
      isServiceLinked: false,
      createDate: '2024-01-01T00:00:00Z',
      ...(r() < 0.95 ? { lastUsedDate: '2026-11-18T00:00:00Z' } : {}),
    };
  });
}

function pureBench(): void {
  const roles = corpus(20_000);
  const ctx: AuditContext = {
    now: new Date('2026-11-20T00:00:00Z'),
    organization: { id: 'o-bench00001', accountIds: new Set(['222222222222', ...ORG_ACCOUNTS]) },
    oidcProviders: [
      { arn: GH, url: 'token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
    ],
    samlProviders: [],
    denials: [],
    unusedDays: 90,
  };
  for (const fixes of [false, true]) {
    // Warm-up: one full pass (JIT), then the best of several timed passes
    // (the machine is shared; the best pass is the least disturbed one).
    let findings = 0;
    let unverified = 0;
    for (const role of roles) {
      const res = auditRole(role, ctx, { fixes });
      findings += res.findings.length + res.suppressed.length;
      unverified += res.findings.filter((f) => f.fix !== undefined && !f.fix.verified).length;
    }
    const passes: number[] = [];
    for (let k = 0; k < (fixes ? 2 : 5); k++) {
      const t0 = performance.now();
      for (const role of roles) auditRole(role, ctx, { fixes });
      passes.push(performance.now() - t0);
    }
    passes.sort((a, b) => a - b);
    const rate = (ms: number) => Math.round(roles.length / (ms / 1000));
    const best = rate(passes[0] as number);
    const median = rate(passes[Math.floor(passes.length / 2)] as number);
    const target = fixes ? '' : ` (target >= 50,000/s: ${best >= 50_000 ? 'ok' : 'BELOW TARGET'})`;
    process.stdout.write(
      `pure audit ${fixes ? 'with verified fixes' : 'rules only'}: ${best.toLocaleString('en-US')} trust policies/s best, ${median.toLocaleString('en-US')}/s median of ${passes.length} passes over ${roles.length.toLocaleString('en-US')} varied roles; ${findings.toLocaleString('en-US')} findings${fixes ? `, ${unverified} unverified fixes` : ''}${target}\n`,
    );
  }
}

async function liveBench(): Promise<void> {
  const moto = await startMotoServer();
  const restore = useMotoEnvironment(moto.endpoint);
  try {
    const region = 'us-east-1';
    const org = new OrganizationsClient({ region });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const sts = new STSClient({ region });
    const accounts: string[] = [];
    const setup0 = performance.now();
    for (let a = 0; a < 20; a++) {
      const id =
        (
          await org.send(
            new CreateAccountCommand({
              AccountName: `bench-${a}`,
              Email: `bench-${a}@example.com`,
            }),
          )
        ).CreateAccountStatus?.AccountId ?? '';
      accounts.push(id);
      const c = (
        await sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
            RoleSessionName: 'bench',
          }),
        )
      ).Credentials;
      const iam = new IAMClient({
        region,
        credentials: {
          accessKeyId: c?.AccessKeyId ?? '',
          secretAccessKey: c?.SecretAccessKey ?? '',
          sessionToken: c?.SessionToken ?? '',
        },
      });
      const r = rng(a + 1);
      for (let i = 0; i < 100; i++) {
        await iam.send(
          new CreateRoleCommand({
            RoleName: `role-${i}`,
            AssumeRolePolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [statement(r, i)],
            }),
          }),
        );
      }
    }
    const setupMs = performance.now() - setup0;
    const live = await createLiveAuditSources({ cache: new ReadCache() });
    const t0 = performance.now();
    const report = await auditOrganization(live.source, {
      now: new Date('2026-11-20T00:00:00Z'),
      state: { kind: 'live', label: 'moto_server (bench)' },
      accounts,
      fetchDetails: true,
      blindSpots: {
        reader: live.blindSpots,
        regions: [region],
        ruleName: DEFAULT_FORWARD_RULE_NAME,
      },
    });
    const ms = performance.now() - t0;
    const roles = report.accounts.reduce((n, a) => n + a.rolesAudited, 0);
    const findings = report.accounts.reduce((n, a) => n + a.findings.length, 0);
    const failed = report.accounts.filter((a) => a.error !== undefined).length;
    const ops = [...live.counter.byOperation.entries()]
      .sort()
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    process.stdout.write(
      `live audit on moto: ${accounts.length} accounts x 100 roles (${roles} audited, ${findings} findings, ${failed} accounts unreadable) in ${(ms / 1000).toFixed(2)} s wall, ${live.counter.count} AWS calls (${(live.counter.count / accounts.length).toFixed(1)} per account): ${ops}\n`,
    );
    process.stdout.write(
      `  (moto setup of the organization took ${(setupMs / 1000).toFixed(1)} s, not counted)\n`,
    );
  } finally {
    restore();
    await moto.stop();
  }
}

export async function run(): Promise<void> {
  pureBench();
  await liveBench();
}
