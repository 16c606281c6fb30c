import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { fakeIo } from '../cli/fakeIo.js';
import { SCENARIO_ROOT } from './scenarioCorpus.js';

/**
 * What the scenario folders of issue 12 cannot say in expected.json: the
 * words of a summary and the title of a fix, each pinned to the rule it
 * rests on.
 */
async function diagnosis(name: string) {
  const dir = join(SCENARIO_ROOT, name);
  const io = fakeIo();
  const { existsSync } = await import('node:fs');
  const snapshot = join(dir, 'snapshot.json');
  const code = await main(
    [
      'explain',
      '--format',
      'json',
      ...(existsSync(snapshot) ? ['--snapshot', snapshot] : ['--demo']),
      join(dir, 'event.json'),
    ],
    io,
  );
  expect(io.err.join('')).toBe('');
  expect(code).toBe(0);
  return explainOutputSchema.parse(JSON.parse(io.out.join(''))).diagnoses[0]!;
}

describe('a boundary beside an untrusted same-account caller (IAM UG, policy evaluation logic)', () => {
  it('a role-ARN trust fix says the boundary still limits it', async () => {
    const d = await diagnosis('same-account-untrusted-role-boundary-no-allow');
    const trustFix = d.fixes.find((f) => f.cause === 'TRUST_PRINCIPAL_NOT_TRUSTED')!;
    expect(trustFix.title).toMatch(/role\/caller/);
    expect(trustFix.title).toMatch(/permissions boundary still limits this grant/);
    expect(d.causes.find((c) => c.code === 'BOUNDARY_NO_ALLOW')?.summary).toMatch(
      /still limits that grant/,
    );
  });

  it('a user-ARN trust fix is not limited by the boundary, so it has no caveat', async () => {
    const d = await diagnosis('same-account-untrusted-user-boundary-no-allow');
    const trustFix = d.fixes.find((f) => f.cause === 'TRUST_PRINCIPAL_NOT_TRUSTED')!;
    expect(trustFix.title).toMatch(/user\/dana/);
    expect(trustFix.title).not.toMatch(/boundary/);
  });
});

describe('deny statements on session actions (IAM UG, policy evaluation logic)', () => {
  it('names the deny and why the session action was needed, with a fix that narrows the deny', async () => {
    const d = await diagnosis('trust-explicit-deny-tag-session');
    expect(d.causes[0]?.summary).toMatch(/explicitly denies `sts:TagSession`/);
    expect(d.causes[0]?.summary).toMatch(/passing session tags/);
    const fix = d.fixes[0]!;
    expect(fix.title).toMatch(/from deny statement `NoCostTags`/);
    expect(JSON.stringify(fix.iamPolicy)).toMatch(/ArnNotLike/);
  });
});

describe("GitHub's immutable subjects, case and percent-encoding (GitHub changelog 2026-04-23; GitHub Docs OIDC reference)", () => {
  it.each([
    [
      'oidc-github-immutable-subject-classic-policy',
      /immutable form/,
      'repo:example-org@1234567/payments-api@89012345:ref:refs/heads/main',
    ],
    [
      'oidc-github-subject-case-only',
      /only in letter case/,
      'repo:Example-Org/payments-api:ref:refs/heads/main',
    ],
    [
      'oidc-github-environment-percent-encoded',
      /percent-encodes/,
      'repo:example-org/payments-api:environment:Production%3AV1',
    ],
  ] as const)(
    '%s: the summary names the difference and the fix adds the matching form',
    async (name, note, value) => {
      const d = await diagnosis(name);
      expect(d.causes[0]?.summary).toMatch(note);
      const fix = d.fixes[0]!;
      expect(fix.title).toContain(value);
      // The policy's own value stays: both forms keep working during a migration.
      const policyText = JSON.stringify(fix.iamPolicy);
      expect(policyText).toContain(value);
      const expected = d.causes[0]?.evidence.expected;
      expect(Array.isArray(expected)).toBe(true);
      expect(policyText).toContain(String((expected as unknown[])[0]));
    },
  );
});

describe("a role session's principal tags are not known from its role's tags (IAM UG, passing session tags in AWS STS)", () => {
  it('a trust condition on them is likely, and the summary says why', async () => {
    const d = await diagnosis('trust-condition-principal-tag');
    expect(d.causes[0]?.confidence).toBe('likely');
    expect(d.causes[0]?.summary).toMatch(/session tag with the same key would override it/);
  });

  it('an identity allow that needs one names the tag and the caveat', async () => {
    const d = await diagnosis('identity-no-allow-principal-tag-maybe-session-tag');
    expect(d.causes[0]?.summary).toMatch(/requires `aws:PrincipalTag\/team`/);
    expect(d.causes[0]?.summary).toMatch(/session tag with the same key would override it/);
  });

  it('ForAllValues over a claim CloudTrail does not log is a possibility, said so', async () => {
    const d = await diagnosis('oidc-for-all-values-claim-not-logged');
    expect(d.causes[0]?.confidence).toBe('possible');
    expect(d.causes[0]?.summary).toMatch(/`ForAllValues:` is true when the request has no/);
  });
});
