import { describe, expect, it } from 'vitest';
import type { AuditRule } from '../../../lib/audit/AuditRule.js';
import { auditRole } from '../../../lib/audit/auditRole.js';
import { parseAuditSuppressions, readIgnoreTag } from '../../../lib/audit/auditSuppressions.js';
import { buildAuditFix } from '../../../lib/audit/buildAuditFix.js';
import { suggestedExternalId } from '../../../lib/audit/rules/suggestedExternalId.js';
import { roleSessionRequest } from '../../../lib/audit/trustFacts.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';
import { allow, context, role } from './auditFixtures.js';

const OPEN = role({ name: 'Open', statements: [allow('*')] });
const PARTNER = role({ name: 'Partner', statements: [allow({ AWS: '999999999999' })] });

describe('suppression by the trustwatch:ignore role tag', () => {
  it.each([
    ['*', 0, 1],
    ['ANY_PRINCIPAL_UNRESTRICTED', 0, 1],
    ['any_principal_unrestricted', 0, 1],
    ['FOREIGN_ACCOUNT_NO_EXTERNAL_ID, UNUSED_CROSS_ACCOUNT_ROLE', 1, 0],
    ['OIDC_NO_SUB_CONDITION ANY_PRINCIPAL_UNRESTRICTED', 0, 1],
    ['', 1, 0],
  ])('tag value %j → %i open, %i suppressed', (value, open, suppressed) => {
    const r = auditRole({ ...OPEN, tags: [{ key: 'trustwatch:ignore', value }] }, context());
    expect(r.findings).toHaveLength(open);
    expect(r.suppressed).toHaveLength(suppressed);
  });

  it('says which tag suppressed a finding and warns about codes it does not know', () => {
    const r = auditRole(
      { ...OPEN, tags: [{ key: 'trustwatch:ignore', value: 'ANY_PRINCIPAL_UNRESTRICTED,TYPO' }] },
      context(),
    );
    expect(r.suppressed[0]?.reason).toBe(
      'role tag trustwatch:ignore lists ANY_PRINCIPAL_UNRESTRICTED',
    );
    expect(r.warnings[0]).toContain('`TYPO`');
    expect(readIgnoreTag([{ key: 'Trustwatch:Ignore', value: '*' }]).all).toBe(true);
  });
});

describe('suppression by configuration', () => {
  it.each([
    [[{ codes: ['ANY_PRINCIPAL_UNRESTRICTED'] }], 'Open', 0],
    [[{ codes: ['FOREIGN_ACCOUNT_NO_EXTERNAL_ID'] }], 'Open', 1],
    [[{ roles: ['arn:aws:iam::222222222222:role/Op*'] }], 'Open', 0],
    [[{ roles: ['arn:aws:iam::222222222222:role/Op'] }], 'Open', 1],
    [[{ accounts: ['222222222222'] }], 'Open', 0],
    [[{ accounts: ['111111111111'] }], 'Open', 1],
    [[{ accounts: ['222222222222'], codes: ['OIDC_NO_SUB_CONDITION'] }], 'Open', 1],
  ] as const)('%j on %s → %i open', (config, name, open) => {
    const r = auditRole(name === 'Open' ? OPEN : PARTNER, context(), {
      suppressions: parseAuditSuppressions(JSON.stringify(config), 'test'),
    });
    expect(r.findings).toHaveLength(open);
  });

  it('names the configured rule and its reason', () => {
    const r = auditRole(PARTNER, context(), {
      suppressions: parseAuditSuppressions(
        '[{"codes":["OIDC_NO_SUB_CONDITION"]},{"accounts":["222222222222"],"reason":"partner reviewed"}]',
        'test',
      ),
    });
    expect(r.suppressed.map((s) => s.reason)).toEqual([
      'configured suppression #1: partner reviewed',
      'configured suppression #1: partner reviewed',
    ]);
  });

  it.each([
    ['not json', 'are not JSON', '$'],
    ['[{"codes":["NOPE"]}]', 'invalid', '$[0].codes[0]'],
    ['[{}]', 'at least one of codes, roles, accounts', '$[0]'],
    ['[{"accounts":["12"]}]', 'an account id is 12 digits', '$[0].accounts[0]'],
    ['[{"codes":["STALE_PRINCIPAL_ID"],"extra":1}]', 'invalid', '$[0]'],
  ])('rejects %s with a one-line error at its path', (text, message, path) => {
    try {
      parseAuditSuppressions(text, 'TRUSTWATCH_AUDIT_SUPPRESSIONS');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toContain(message);
      expect((err as ConfigError).context.path).toBe(path);
    }
  });
});

describe('fix verification', () => {
  it('reports a fix that locks the legitimate caller out as not verified', () => {
    const caller = 'arn:aws:iam::111111111111:role/ci';
    const target = role({ statements: [allow({ AWS: caller })] });
    const badRule: AuditRule = {
      code: 'STALE_PRINCIPAL_ID',
      title: 'test',
      reference: 'test',
      check: (r) =>
        r.trustPolicy.statements.some(
          (s) => s.principal?.kind === 'map' && s.principal.AWS.includes(caller),
        )
          ? [
              {
                evidence: { statementIndex: 0, principal: caller, principalType: 'AWS' },
                summary: 'x',
                remedy: {
                  kind: 'patch',
                  title: 'replace the caller by someone else',
                  patch: (doc) => ({
                    ...doc,
                    statements: doc.statements.map((s) => ({
                      ...s,
                      principal: {
                        kind: 'map',
                        AWS: ['arn:aws:iam::111111111111:role/other'],
                        Service: [],
                        Federated: [],
                        CanonicalUser: [],
                      },
                    })),
                  }),
                  legitimate: [
                    { label: 'the ci role', context: roleSessionRequest(target.arn, caller) },
                  ],
                },
              },
            ]
          : [],
    };
    const hit = badRule.check(target, context())[0];
    const fix = buildAuditFix(badRule, hit!, target, context());
    expect(fix?.verified).toBe(false);
    expect(fix?.checks).toContain('the ci role would be denied by the patched policy');
    expect(fix?.checks).toContain('STALE_PRINCIPAL_ID no longer fires on the patched policy');
  });

  it('reports a patch after which the rule still fires as not verified', () => {
    const stubborn: AuditRule = {
      code: 'ANY_PRINCIPAL_UNRESTRICTED',
      title: 'test',
      reference: 'test',
      check: () => [
        {
          evidence: { statementIndex: 0, principal: '*' },
          summary: 'x',
          remedy: { kind: 'patch', title: 'noop', patch: (d) => d, legitimate: [] },
        },
      ],
    };
    const fix = buildAuditFix(stubborn, stubborn.check(OPEN, context())[0]!, OPEN, context());
    expect(fix?.verified).toBe(false);
    expect(fix?.checks).toContain('ANY_PRINCIPAL_UNRESTRICTED still fires on the patched policy');
  });

  it('moves a foreign principal into its own statement so the ExternalId does not bind in-org callers', () => {
    const mixed = role({
      statements: [allow({ AWS: ['arn:aws:iam::111111111111:root', '999999999999'] })],
    });
    const f = auditRole(mixed, context()).findings.find(
      (x) => x.code === 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    );
    expect(f?.fix?.iamPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: 'sts:AssumeRole',
        },
        {
          Effect: 'Allow',
          Principal: { AWS: '999999999999' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'sts:ExternalId': suggestedExternalId(mixed.arn, '999999999999') },
          },
        },
      ],
    });
    expect(f?.fix?.verified).toBe(true);
  });

  it('proposes a stable ExternalId per role and account', () => {
    expect(suggestedExternalId('arn:aws:iam::1:role/a', '999999999999')).toMatch(
      /^tw-[0-9a-f]{24}$/,
    );
    expect(suggestedExternalId('arn:aws:iam::1:role/a', '9')).toBe(
      suggestedExternalId('arn:aws:iam::1:role/a', '9'),
    );
    expect(suggestedExternalId('arn:aws:iam::1:role/a', '9')).not.toBe(
      suggestedExternalId('arn:aws:iam::1:role/b', '9'),
    );
  });

  it('names the recreated principal when a diagnosed denial shows who it is', () => {
    const stale = role({
      name: 'ReleaseManager',
      statements: [allow({ AWS: 'AROAEXAMPLEOLDRELBOT' })],
    });
    const ctx = context({
      denials: [
        {
          roleArn: stale.arn,
          callerArn: 'arn:aws:iam::111111111111:role/release-bot',
          callerType: 'AssumedRole',
          causes: ['TRUST_PRINCIPAL_STALE_ID'],
          count: 3,
        },
      ],
    });
    const f = auditRole(stale, ctx).findings.find((x) => x.code === 'STALE_PRINCIPAL_ID');
    expect(f?.fix?.placeholders).toEqual([]);
    expect(JSON.stringify(f?.fix?.iamPolicy)).toContain(
      'arn:aws:iam::111111111111:role/release-bot',
    );
    expect(f?.fix?.checks).toContain(
      'the recreated arn:aws:iam::111111111111:role/release-bot is still allowed',
    );
    const alone = auditRole(stale, context()).findings.find((x) => x.code === 'STALE_PRINCIPAL_ID');
    expect(alone?.fix?.placeholders[0]).toMatch(/ACCOUNT_ID and ROLE_NAME/);
  });

  it('gives no fix, but a reason, for the only Allow + NotPrincipal statement', () => {
    const r = role({
      statements: [
        { Effect: 'Allow', NotPrincipal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
      ],
    });
    const f = auditRole(r, context()).findings[0];
    expect(f?.fix).toBeUndefined();
    expect(f?.noFixReason).toMatch(/rewrite it with `Principal`/);
  });

  it('can skip building fixes', () => {
    expect(auditRole(OPEN, context(), { fixes: false }).findings[0]?.fix).toBeUndefined();
  });
});
