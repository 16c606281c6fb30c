import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { FINDING_CODE_LIST, SEVERITIES } from '../../../lib/findings/findingCodes.js';
import * as z from '../../../lib/validation/z.js';
import { fakeIo } from '../cli/fakeIo.js';

/**
 * The audit's scenario corpus: each folder of test/audit-scenarios holds a
 * snapshot and the exact findings `trustwatch audit` must report on it, in
 * order, each with a verified fix unless the rule gives none.
 */
const ROOT = join(import.meta.dirname, '..', '..', 'audit-scenarios');

const expectedSchema = z.strictObject({
  why: z.string().check(z.minLength(20)),
  findings: z.array(
    z.strictObject({
      code: z.enum(FINDING_CODE_LIST as [string, ...string[]]),
      severity: z.enum(SEVERITIES),
      roleName: z.string(),
      gap: z.optional(z.string()),
    }),
  ),
});

const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Finding {
  code: string;
  severity: string;
  roleName: string;
  evidence: { detail?: { gap?: string } };
  fix?: { verified: boolean; checks: string[] };
  noFixReason?: string;
}

describe('audit scenario corpus', () => {
  it('has a folder per OIDC grading class and for an unreadable trust policy', () => {
    expect(folders).toEqual(
      expect.arrayContaining([
        'oidc-grading-github',
        'oidc-grading-gitlab',
        'oidc-grading-terraform',
        'trust-policy-invalid',
      ]),
    );
  });

  it.each(folders)('%s', async (name) => {
    const dir = join(ROOT, name);
    const expected = expectedSchema.parse(
      JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')),
    );
    const io = fakeIo();
    const code = await main(
      ['audit', '--snapshot', join(dir, 'snapshot.json'), '--format', 'json'],
      io,
    );
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out.join('')) as { accounts: { findings: Finding[] }[] };
    const findings = report.accounts.flatMap((a) => a.findings);
    expect(
      findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        roleName: f.roleName,
        ...(f.evidence.detail?.gap === undefined ? {} : { gap: f.evidence.detail.gap }),
      })),
    ).toEqual(expected.findings);
    for (const f of findings) {
      if (f.fix === undefined) expect(f.noFixReason, `${f.code} ${f.roleName}`).toBeTruthy();
      else expect(f.fix.verified, f.fix.checks.join('; ')).toBe(true);
    }
  });
});
