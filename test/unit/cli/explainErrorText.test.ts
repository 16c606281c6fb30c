import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { explainOutputSchema } from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import * as F from '../intake/errorText/errorTextFixtures.js';
import { fakeIo } from './fakeIo.js';

const ROOT = join(import.meta.dirname, '../../..');
const SEED_RECORD = join(ROOT, '../shared/events/01-trust-policy-lacks-principal.json');
const dir = mkdtempSync(join(tmpdir(), 'tw-errortext-'));

/** The seed article's two accounts (ci 111111111111, prod 222222222222) and their organization. */
const TWO_ACCOUNTS = (() => {
  const demo = JSON.parse(readFileSync(join(ROOT, 'lib/snapshot/demo-snapshot.json'), 'utf8'));
  const accounts = Object.fromEntries(
    Object.entries(demo.accounts as Record<string, unknown>).filter(([id]) =>
      ['111111111111', '222222222222'].includes(id),
    ),
  );
  const file = join(dir, 'two-accounts.json');
  writeFileSync(file, JSON.stringify({ ...demo, accounts }));
  return file;
})();

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function run(args: string[], stdin?: string) {
  const io = fakeIo(stdin === undefined ? {} : { stdin });
  const code = await main(['explain', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const shape = (d: {
  causes: { code: string; confidence: string; side: string }[];
  fixes: { cause: string; verified?: boolean }[];
}) => ({
  causes: d.causes.map((c) => [c.code, c.confidence, c.side]),
  fixes: d.fixes.map((f) => [f.cause, f.verified]),
});

describe('explain: the seed article Terraform error against a snapshot of its two accounts', () => {
  it('yields the causes and fixes the CloudTrail record yields', async () => {
    const record = await run(['--snapshot', TWO_ACCOUNTS, '--format', 'json', SEED_RECORD]);
    const text = await run([
      '--snapshot',
      TWO_ACCOUNTS,
      '--format',
      'json',
      write('plan.log', F.TERRAFORM_V5),
    ]);
    expect(text.err).toBe('');
    expect(text.code).toBe(0);
    const fromRecord = explainOutputSchema.parse(JSON.parse(record.out));
    const fromText = explainOutputSchema.parse(JSON.parse(text.out));
    expect(fromText.state).toEqual({ kind: 'snapshot', label: TWO_ACCOUNTS });
    const [r] = fromRecord.diagnoses;
    const [t] = fromText.diagnoses;
    expect(r?.input).toBe('record');
    expect(t?.input).toBe('message');
    expect(t?.eventId).toBe(F.REQUEST_ID);
    expect(t?.causes.map((c) => c.code)).toEqual(['TRUST_PRINCIPAL_NOT_TRUSTED']);
    expect(shape(t as never)).toEqual(shape(r as never));
    expect(t?.target).toEqual(r?.target);
  });

  it('reads it piped on stdin and given with --message, and says what a message leaves unknown', async () => {
    const piped = await run(['--snapshot', TWO_ACCOUNTS, '-'], F.TERRAFORM_V5);
    expect(piped.code).toBe(0);
    expect(piped.out).toMatch(/^explained against IAM snapshot /);
    expect(piped.out).toContain(
      'explained from an error message: unknown, as if unlogged: time, source IP',
    );
    expect(piped.out).toContain('MFA state, ExternalId, session tags, source identity');
    const given = await run([
      '--snapshot',
      TWO_ACCOUNTS,
      '--format',
      'json',
      '--message',
      F.SEED_MESSAGE,
    ]);
    expect(given.code).toBe(0);
    const out = explainOutputSchema.parse(JSON.parse(given.out));
    expect(out.diagnoses[0]?.eventId).toMatch(/^message-[0-9a-f]{16}$/);
    expect(out.diagnoses[0]?.causes.map((c) => c.code)).toEqual(['TRUST_PRINCIPAL_NOT_TRUSTED']);
  });

  it('the Slack payload names the state and that the denial came from an error message', async () => {
    const { code, out } = await run([
      '--snapshot',
      TWO_ACCOUNTS,
      '--format',
      'slack',
      '--message',
      F.SEED_MESSAGE,
    ]);
    expect(code).toBe(0);
    const text = JSON.stringify(JSON.parse(out).blocks);
    expect(text).toContain('*From:* an error message (unknown, as if unlogged: time, source IP');
    expect(text).toContain(`Explained against IAM snapshot ${TWO_ACCOUNTS}.`);
  });

  it('explains several denials in one log once each, and lists the repeat and the other denial as skipped', async () => {
    const { code, out } = await run([
      '--demo',
      '--format',
      'json',
      write('several.log', F.SEVERAL),
    ]);
    expect(code).toBe(0);
    const doc = explainOutputSchema.parse(JSON.parse(out));
    expect(doc.state.kind).toBe('demo');
    expect(doc.diagnoses.map((d) => d.target.roleArn)).toEqual([
      'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      F.ROLE,
    ]);
    expect(doc.skipped.map((s) => s.reason)).toEqual([
      'line 25: the same message as line 10, explained once',
      'line 27: `AccessDenied` for the `GetObject` operation, not a role assumption',
    ]);
  });

  it.each([
    [
      'no denial',
      'Apply complete! Resources: 3 added, 0 changed, 0 destroyed.\n',
      /no access-denied message of a role assumption in the text \(file `.+`\)/,
    ],
    [
      'only other actions',
      F.OTHER_ACTIONS_ONLY,
      /line 1: access denied for `s3:PutObject`, not a role assumption\) \(file `.+`\)/,
    ],
  ])('text with %s: exit 2, one line naming the file', async (_name, text, line) => {
    const { code, out, err } = await run(['--demo', write('x.log', text)]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(line);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
