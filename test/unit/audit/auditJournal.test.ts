import { describe, expect, it } from 'vitest';
import {
  type JournaledAccount,
  journalLine,
  parseAuditJournal,
} from '../../../lib/audit/auditJournal.js';
import {
  auditOrganization,
  type OrganizationAuditOptions,
} from '../../../lib/audit/auditOrganization.js';
import { InputError } from '../../../lib/errors/TrustwatchError.js';
import type { AuditReport } from '../../../lib/findings/AuditReport.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import type { IamStateSource, RoleState } from '../../../lib/state/IamStateSource.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { role } from './auditFixtures.js';

/**
 * A resumable audit (`audit --live --journal FILE --resume`): an interrupted
 * run's journal holds the accounts it finished; the resumed run reads only
 * the others and prints the report a clean run prints.
 */
const snap = demoSnapshot();
const OPTIONS: OrganizationAuditOptions = {
  now: new Date(snap.capturedAt ?? ''),
  state: { kind: 'demo', label: 'demo-snapshot.json' },
  accountConcurrency: 1,
};
const HEADER = journalLine({
  trustwatchAuditJournal: 1,
  auditedAt: OPTIONS.now.toISOString(),
  settings: '{}',
});

/** A role of account 444444444444 trusting a role of 222222222222 named without its path `/restricted/`. */
const PATHLESS: RoleState = {
  ...role({
    name: 'PathlessTrust',
    statements: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:role/IncidentResponder' },
        Action: 'sts:AssumeRole',
      },
    ],
  }),
  arn: 'arn:aws:iam::444444444444:role/PathlessTrust',
  accountId: '444444444444',
  roleId: 'AROAPATHLESSTRUST0001',
};

/** The demo state plus {@link PATHLESS}, counting the accounts whose roles are listed. */
function countingSource(): { source: IamStateSource; listed: string[] } {
  const inner = new SnapshotStateSource(snap);
  const listed: string[] = [];
  const source = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'roles')
        return async (accountId: string) => {
          listed.push(accountId);
          const r = await target.roles(accountId);
          return accountId === PATHLESS.accountId && r.ok
            ? { ok: true, value: [...r.value, PATHLESS] }
            : r;
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as IamStateSource;
  return { source, listed };
}

describe('resumable audit', () => {
  it('after a failure mid-run, the resumed run reads only the missing accounts and reports what a clean run does', async () => {
    const clean: AuditReport = await auditOrganization(countingSource().source, OPTIONS);
    const ids = clean.accounts.map((a) => a.accountId);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const unreadable = clean.accounts.filter((a) => a.error !== undefined).map((a) => a.accountId);
    expect(unreadable.length).toBeGreaterThan(0); // the demo has an account without a reader role

    // First run: killed while journaling its third account.
    let journal = HEADER;
    let written = 0;
    const first = countingSource();
    await expect(
      auditOrganization(first.source, {
        ...OPTIONS,
        onAccount: async (account) => {
          if (written === 2) throw new Error('interrupted');
          written += 1;
          journal += journalLine(account);
        },
      }),
    ).rejects.toThrow('interrupted');
    // A torn last line, as a kill in the middle of a write leaves it.
    journal += '{"accountId":"99999';

    const { accounts: done } = parseAuditJournal(journal, 'audit.journal');
    expect(done.size).toBe(2);
    for (const id of unreadable) expect(done.has(id)).toBe(false);

    const second = countingSource();
    const resumedLines: JournaledAccount[] = [];
    const resumed = await auditOrganization(second.source, {
      ...OPTIONS,
      resumed: done,
      onAccount: async (a) => {
        resumedLines.push(a);
      },
    });
    const missing = ids.filter((id) => !done.has(id));
    // Listed once for the role paths and once for the audit: only the missing accounts.
    expect([...new Set(second.listed)].sort()).toEqual([...missing].sort());
    expect(resumed).toEqual(clean);
    // It journals what it audited, so another interruption loses nothing either.
    expect(resumedLines.map((a) => a.accountId).sort()).toEqual(
      missing.filter((id) => !unreadable.includes(id)).sort(),
    );
  });

  it("keeps the role paths of journaled accounts for the others (a finding that needs another account's role path)", async () => {
    // Every account journaled but one: that one still sees the paths read by the others.
    const lines: JournaledAccount[] = [];
    const clean = await auditOrganization(countingSource().source, {
      ...OPTIONS,
      onAccount: async (a) => {
        lines.push(a);
      },
    });
    const pathless = clean.accounts
      .flatMap((a) => a.findings)
      .filter((f) => f.code === 'PATHLESS_ROLE_PRINCIPAL' && f.roleArn === PATHLESS.arn);
    expect(pathless).toHaveLength(1);
    for (const skip of lines) {
      const kept = new Map(lines.filter((l) => l !== skip).map((l) => [l.accountId, l]));
      const rerun = countingSource();
      const report = await auditOrganization(rerun.source, { ...OPTIONS, resumed: kept });
      expect(report).toEqual(clean);
    }
  });

  it.each([
    [
      'a first line that is not a journal',
      '{"accountId":"1"}\n',
      /not a trustwatch audit journal \(line 1\)/,
    ],
    ['a broken line before the last', `${HEADER}{oops\n{"x":1}\n`, /line 2 is not json/],
    [
      'a line that is not an account',
      `${HEADER}{"accountId":"1"}\n\n`,
      /line 2 is not an audited account/,
    ],
  ])('rejects %s naming the line', (_what, text, message) => {
    expect(() => parseAuditJournal(text, 'j.jsonl')).toThrow(InputError);
    expect(() => parseAuditJournal(text, 'j.jsonl')).toThrow(message);
  });
});
