import { describe, expect, it } from 'vitest';
import { auditOrganization } from '../../../lib/audit/auditOrganization.js';
import { renderFindingsTable } from '../../../lib/render/audit/renderAuditMarkdown.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

/**
 * The demo organization (lib/snapshot/DEMO.md) audited as of its capture
 * time. Its roles mostly have an empty RoleLastUsed (never used) and were
 * created in 2024, so UNUSED_CROSS_ACCOUNT_ROLE reports them: that is what
 * the data says. DEMO.md's intended findings are all here: LegacyPublicRole
 * (anyone), PartnerReportingRole (foreign account, no ExternalId, unused),
 * GitHubActionsSandbox (aud only), ReleaseManager (stale id),
 * SupportConsoleRole (pathless SSO ARN); OrgSharedReader's conditioned
 * wildcard, the service roles and the SAML role stay quiet.
 */
const EXPECTED: readonly [string, string, string][] = [
  ['critical', 'ANY_PRINCIPAL_UNRESTRICTED', 'arn:aws:iam::222222222222:role/LegacyPublicRole'],
  ['critical', 'OIDC_NO_SUB_CONDITION', 'arn:aws:iam::555555555555:role/GitHubActionsSandbox'],
  ['high', 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID', 'arn:aws:iam::222222222222:role/PartnerReportingRole'],
  [
    'medium',
    'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    'arn:aws:iam::222222222222:role/PartnerReportingRole',
  ],
  ['low', 'PATHLESS_ROLE_PRINCIPAL', 'arn:aws:iam::222222222222:role/SupportConsoleRole'],
  ['low', 'STALE_PRINCIPAL_ID', 'arn:aws:iam::222222222222:role/ReleaseManager'],
  ['low', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/LegacyPublicRole'],
  ['low', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/PartnerReportingRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/AnalyticsReader'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/BreakGlassAdmin'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/DataExportRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/DeployRoleReadOnly'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/DevRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/NetworkAdminRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/OrgSharedReader'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/ProdAdmin'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/SecurityToolingRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/SessionTaggedRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/SupportConsoleRole'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/ThirdPartyAuditRole'],
  [
    'info',
    'UNUSED_CROSS_ACCOUNT_ROLE',
    'arn:aws:iam::222222222222:role/restricted/IncidentResponder',
  ],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::222222222222:role/restricted/KeyAdmin'],
  ['info', 'UNUSED_CROSS_ACCOUNT_ROLE', 'arn:aws:iam::444444444444:role/org-billing-reader'],
];

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as Record<string, number>;

async function demoReport() {
  const snap = demoSnapshot();
  return auditOrganization(new SnapshotStateSource(snap), {
    now: new Date(snap.capturedAt ?? ''),
    state: { kind: 'demo', label: 'demo-snapshot.json' },
  });
}

describe('audit of the demo organization', () => {
  it('produces exactly the known findings', async () => {
    const report = await demoReport();
    const got = report.accounts
      .flatMap((a) => a.findings)
      .map((f) => [f.severity, f.code, f.roleArn] as [string, string, string])
      .sort((a, b) => (RANK[a[0]] ?? 9) - (RANK[b[0]] ?? 9) || cmp(a[1], b[1]) || cmp(a[2], b[2]));
    expect(got).toEqual(EXPECTED);
  });

  it('verifies every fix it offers and reports the unreadable account instead of throwing', async () => {
    const report = await demoReport();
    for (const f of report.accounts.flatMap((a) => a.findings)) {
      expect(f.fix?.verified, `${f.code} ${f.roleArn}: ${f.fix?.checks.join('; ')}`).toBe(true);
    }
    const legacy = report.accounts.find((a) => a.accountId === '666666666666');
    expect(legacy?.error).toMatch(/no IAM state for account `666666666666`/);
    expect(report.accounts.map((a) => a.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
      '666666666666',
    ]);
  });

  it('skips AWS-owned roles (service-linked, IAM Identity Center)', async () => {
    const report = await demoReport();
    const all = report.accounts.flatMap((a) => a.findings.map((f) => f.roleArn));
    expect(
      all.some((arn) => arn.includes('/aws-service-role/') || arn.includes('/aws-reserved/')),
    ).toBe(false);
    expect(report.accounts.find((a) => a.accountId === '111111111111')?.rolesSkipped).toBe(2);
  });

  it('renders the README table', async () => {
    const report = await demoReport();
    const table = renderFindingsTable(report.accounts.flatMap((a) => a.findings));
    expect(table.split('\n')).toHaveLength(EXPECTED.length + 2);
    expect(table).toContain(
      '| critical | `ANY_PRINCIPAL_UNRESTRICTED` | 222222222222 | `LegacyPublicRole` |',
    );
  });
});

describe('lib/audit/FINDINGS.md', () => {
  it('documents every finding code and every blind-spot code', async () => {
    const { readFileSync } = await import('node:fs');
    const { FINDING_CODE_LIST } = await import('../../../lib/findings/findingCodes.js');
    const { BLIND_SPOT_CODES } = await import('../../../lib/findings/BlindSpot.js');
    const doc = readFileSync('lib/audit/FINDINGS.md', 'utf8');
    for (const code of [...FINDING_CODE_LIST, ...Object.keys(BLIND_SPOT_CODES)]) {
      expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` +\\|`));
    }
  });
});
