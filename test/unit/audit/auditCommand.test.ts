import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditCommand, auditExitStatus, parseAuditArgs } from '../../../lib/cli/auditCommand.js';
import type { CliIo } from '../../../lib/cli/CliIo.js';
import { main } from '../../../lib/cli/main.js';

function io(files: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readText: async (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return f;
    },
    writeText: async () => {},
    isTty: false,
    env: {},
    now: () => new Date('2026-11-24T00:00:00Z'),
  };
}

const QUIET_SNAPSHOT = JSON.stringify({
  snapshotVersion: 1,
  capturedAt: '2026-11-20T08:00:00Z',
  organization: null,
  accounts: {
    '123456789012': {
      RoleDetailList: [
        {
          RoleName: 'app',
          RoleId: 'AROAQUIETAPPROLE0001',
          Arn: 'arn:aws:iam::123456789012:role/app',
          Path: '/',
          CreateDate: '2024-01-01T00:00:00Z',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'lambda.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          },
          RolePolicyList: [],
          AttachedManagedPolicies: [],
          Tags: [],
          RoleLastUsed: {},
        },
      ],
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
    },
  },
});

describe('trustwatch audit: exit status as a CI gate', () => {
  it.each([
    [[], 0],
    [['--fail-on', 'critical'], 1],
    [['--fail-on', 'high'], 1],
    [['--fail-on=info'], 1],
    [['--accounts', '333333333333', '--fail-on', 'info'], 0],
    [['--accounts', '555555555555', '--fail-on', 'critical'], 1],
    [['--accounts', '111111111111,333333333333', '--fail-on', 'low'], 0],
  ])('demo %j → %i', async (args, status) => {
    const i = io();
    expect(await auditCommand(['--demo', ...args], i)).toBe(status);
    expect(i.err()).toBe('');
  });

  it('a snapshot without findings passes even --fail-on info', async () => {
    const i = io({ 'quiet.json': QUIET_SNAPSHOT });
    expect(await auditCommand(['--snapshot', 'quiet.json', '--fail-on', 'info'], i)).toBe(0);
    expect(i.out()).toContain('1 role(s) in 1 account(s)');
    expect(i.out()).toContain('0 finding(s)');
  });

  it("one malformed trust policy is that role's TRUST_POLICY_INVALID finding; the rest is audited (issue 12.7)", async () => {
    const snap = JSON.parse(QUIET_SNAPSHOT);
    const roles = snap.accounts['123456789012'].RoleDetailList;
    roles.push(
      {
        ...roles[0],
        RoleName: 'broken',
        RoleId: 'AROAQUIETBROKEN00001',
        Arn: 'arn:aws:iam::123456789012:role/broken',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Permit', Principal: '*', Action: 'sts:AssumeRole' }],
        },
      },
      {
        ...roles[0],
        RoleName: 'open',
        RoleId: 'AROAQUIETOPEN0000001',
        Arn: 'arn:aws:iam::123456789012:role/open',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
        },
      },
    );
    const i = io({ 'mixed.json': JSON.stringify(snap) });
    expect(await auditCommand(['--snapshot', 'mixed.json', '--format', 'json'], i)).toBe(0);
    expect(i.err()).toBe('');
    const findings = JSON.parse(i.out()).accounts[0].findings as {
      code: string;
      roleName: string;
      summary: string;
    }[];
    const invalid = findings.filter((f) => f.code === 'TRUST_POLICY_INVALID');
    expect(invalid.map((f) => f.roleName)).toEqual(['broken']);
    expect(invalid[0]?.summary).toMatch(/Statement\[0\]\.Effect/);
    // The role after it is still audited.
    expect(
      findings.some((f) => f.code === 'ANY_PRINCIPAL_UNRESTRICTED' && f.roleName === 'open'),
    ).toBe(true);
    // explain keeps reading snapshots strictly: bad input, one line, exit 2.
    const event = readFileSync(
      resolve(import.meta.dirname, '../../scenarios/01-trust-policy-lacks-principal/event.json'),
      'utf8',
    );
    const e = io({ 'mixed.json': JSON.stringify(snap), 'event.json': event });
    expect(await main(['explain', '--snapshot', 'mixed.json', 'event.json'], e)).toBe(2);
    expect(e.err()).toMatch(/mixed\.json/);
  });

  it.each([
    [['--demo', '--format', 'yaml'], 'unknown format `yaml`'],
    [['--demo', '--fail-on', 'severe'], 'unknown severity `severe`'],
    [['--demo', '--accounts', '12345'], '`12345` is not a valid value for `--accounts`'],
    [['--fail-on', 'high'], 'pass `--snapshot FILE`, `--live` (your AWS credentials) or `--demo`'],
    [['--demo', '--live'], 'use only one of `--demo` and `--live`'],
    [['--snapshot', 'missing.json'], 'cannot read snapshot `missing.json`'],
    [['--snapshot', 'bad.json'], 'bad.json'],
    [['--live', '--snapshot', 'x.json'], 'use only one of `--snapshot` and `--live`'],
    [['--demo', '--unused-days', '0'], '`--unused-days` must be a whole number from 1 to 400'],
    [['--bogus'], 'unknown option `--bogus` (see `trustwatch help audit`)'],
    [['--demo', '--suppressions', 'supp.json'], 'audit suppression in `supp.json` is invalid'],
    [['--demo', '--concurrency', '4'], '`--concurrency` only applies with `--live`'],
    [['--demo', '--journal', 'j.jsonl'], '`--journal` only applies with `--live`'],
    [['--live', '--resume'], '`--resume` needs `--journal FILE`'],
    [
      ['--live', '--concurrency', '33'],
      '`--concurrency` must be an integer from 1 to 32, got `33`',
    ],
  ])('unusable input %j exits 2 with one line on stderr', async (args, message) => {
    const i = io({ 'bad.json': '{"snapshotVersion": 1,', 'supp.json': '[{"codes":["NOPE"]}]' });
    expect(await main(['audit', ...args], i)).toBe(2);
    expect(i.err()).toContain(message);
    expect(i.err().trim().split('\n')).toHaveLength(1);
    expect(i.out()).toBe('');
  });

  it('exits 2 when no requested account could be audited', async () => {
    const i = io();
    expect(await auditCommand(['--demo', '--accounts', '666666666666'], i)).toBe(2);
    expect(i.out()).toContain('not audited: no IAM state for account `666666666666`');
  });

  it('auditExitStatus ignores unreadable accounts when others were audited', () => {
    const report = {
      auditedAt: 'x',
      state: { kind: 'snapshot' as const, label: 'x' },
      warnings: [],
      accounts: [
        {
          accountId: '1',
          rolesAudited: 0,
          rolesSkipped: 0,
          findings: [],
          suppressed: [],
          warnings: [],
          error: 'no',
        },
        {
          accountId: '2',
          rolesAudited: 1,
          rolesSkipped: 0,
          findings: [],
          suppressed: [],
          warnings: [],
        },
      ],
    };
    expect(auditExitStatus(report, 'info')).toBe(0);
  });
});

describe('trustwatch audit --denials', () => {
  const denials = JSON.stringify([
    {
      roleArn: 'arn:aws:iam::222222222222:role/ReleaseManager',
      callerArn: 'arn:aws:iam::111111111111:role/release-bot',
      callerType: 'AssumedRole',
      causes: ['TRUST_PRINCIPAL_STALE_ID'],
      count: 12,
    },
  ]);

  it('feeds diagnosed denials to the rules: the stale id fix names the recreated role', async () => {
    const i = io({ 'denials.json': denials });
    await auditCommand(
      ['--demo', '--denials', 'denials.json', '--accounts', '222222222222', '--format', 'json'],
      i,
    );
    const stale = JSON.parse(i.out()).accounts[0].findings.find(
      (f: { code: string }) => f.code === 'STALE_PRINCIPAL_ID',
    );
    expect(stale.fix.title).toBe(
      'name the recreated principal arn:aws:iam::111111111111:role/release-bot instead of the deleted one',
    );
    expect(stale.fix.verified).toBe(true);
  });

  it.each([
    ['nope', 'denial summaries are not JSON'],
    ['[{"roleArn":"x","callerType":"AssumedRole"}]', 'invalid denial summary: a role ARN'],
    ['[{"roleArn":"arn:aws:iam::222222222222:role/R"}]', 'invalid denial summary'],
  ])('rejects a bad denials file %s with exit 2', async (text, message) => {
    const i = io({ 'd.json': text });
    expect(await main(['audit', '--demo', '--denials', 'd.json'], i)).toBe(2);
    expect(i.err()).toContain(message);
    expect(i.err()).toContain('file `d.json`');
  });
});

describe('trustwatch audit: formats', () => {
  it('json has a summary and every finding with its verified fix', async () => {
    const i = io();
    await auditCommand(['--demo', '--format', 'json'], i);
    const json = JSON.parse(i.out());
    expect(json.summary).toMatchObject({
      organizationId: 'o-exampleorg1',
      accounts: 6,
      accountsNotAudited: ['666666666666'],
      findings: { critical: 2, high: 1, medium: 1, low: 4, info: 15 },
    });
    const legacy = json.accounts[1].findings.find(
      (f: { code: string }) => f.code === 'ANY_PRINCIPAL_UNRESTRICTED',
    );
    expect(legacy.fix.verified).toBe(true);
    expect(legacy.fix.iamPolicy.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' },
    });
  });

  it('markdown has the findings table and the fixes', async () => {
    const i = io();
    await auditCommand(['--demo', '--format', 'markdown', '--accounts', '555555555555'], i);
    expect(i.out()).toContain(
      '| critical | `OIDC_NO_SUB_CONDITION` | 555555555555 | `GitHubActionsSandbox` |',
    );
    expect(i.out()).toContain('```hcl');
  });

  it('text names each finding, its evidence and its fix', async () => {
    const i = io();
    await auditCommand(['--demo', '--accounts', '222222222222'], i);
    expect(i.out()).toContain('CRITICAL ANY_PRINCIPAL_UNRESTRICTED  LegacyPublicRole');
    expect(i.out()).toContain(
      'evidence: statement PartnerAccount (#0), principal arn:aws:iam::999999999999:root, condition sts:ExternalId',
    );
    expect(i.out()).toContain('fix (verified): require sts:ExternalId from 999999999999');
    expect(i.out()).not.toContain('\x1b[');
  });

  it('--help prints the usage and exits 0', async () => {
    const i = io();
    expect(await auditCommand(['--help'], i)).toBe(0);
    expect(i.out()).toContain('--fail-on SEVERITY');
  });

  it('parses every option', () => {
    expect(
      parseAuditArgs([
        '--live',
        '--profile',
        'p',
        '--region',
        'eu-west-1',
        '--regions',
        'eu-west-1,us-east-1',
        '--forward-rule',
        'r',
        '--reader-role',
        'reader',
        '--org-role-arn',
        'arn:aws:iam::444444444444:role/org',
        '--now',
        '2026-01-01T00:00:00Z',
      ]),
    ).toMatchObject({
      live: true,
      aws: {
        profile: 'p',
        region: 'eu-west-1',
        'reader-role': 'reader',
        'org-role-arn': 'arn:aws:iam::444444444444:role/org',
      },
      regions: ['eu-west-1', 'us-east-1'],
      forwardRule: 'r',
      unusedDays: 90,
      concurrency: 8,
    });
    expect(parseAuditArgs(['--live', '--concurrency', '32']).concurrency).toBe(32);
  });
});

describe('the offline audit path never loads the AWS SDK', () => {
  /** Follows static imports (not `import()`) from a module; returns every module specifier reached. */
  function staticImports(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?:type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
      const spec = m[1] as string;
      if (/^(?:import|export)\s+type\s/.test(m[0])) continue;
      if (spec.startsWith('.'))
        staticImports(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen);
      else seen.add(spec);
    }
    return seen;
  }

  it('auditCommand imports no @aws-sdk module statically', () => {
    const reached = [...staticImports(resolve('lib/cli/auditCommand.ts'))];
    expect(reached.filter((s) => s.startsWith('@aws-sdk') || s.startsWith('@smithy'))).toEqual([]);
    expect(reached.some((s) => s.endsWith('auditOrganization.ts'))).toBe(true);
  });
});
