import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withCallBudget } from '../../../lib/aws/callBudget.js';
import { createClientFactory } from '../../../lib/aws/clients.js';
import { createLiveStateSource } from '../../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import { auditCommand } from '../../../lib/cli/auditCommand.js';
import { explainCommand } from '../../../lib/cli/explainCommand.js';
import { snapshotCommand } from '../../../lib/cli/snapshotCommand.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { explainEvent } from '../../../lib/explain/explainEvent.js';
import type { DenialEvent } from '../../../lib/intake/DenialEvent.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { readSnapshotText } from '../../../lib/snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { memoryIo } from '../../support/memoryIo.js';
import {
  buildTestOrg,
  READER_ROLE_NAME,
  READER_ROLE_PATH,
  type TestOrg,
} from '../../support/motoOrg.js';
import { resetMoto, setMotoAuth, useMotoEnvironment } from '../../support/motoServer.js';

/**
 * The live source and `trustwatch snapshot` against a multi-account
 * organization in moto, with moto's IAM enforcement ON while trustwatch
 * reads: the reader roles' least-privilege policies must be enough, and the
 * account whose reader role trustwatch may not assume is a real AccessDenied.
 */
const endpoint = inject('motoEndpoint');
let restoreEnv: () => void;
let org: TestOrg;
let snapshotText: string;
let snapshotRun: { code: number; stdout: string; stderr: string };

function event(record: Record<string, unknown>): DenialEvent {
  const intake = readInput(record, 'scenario');
  expect(intake.skipped).toEqual([]);
  return intake.events[0] as DenialEvent;
}

/** The unreadable-account reason is the one place the two sources word things differently. */
function comparable(d: Diagnosis): unknown {
  return JSON.parse(
    JSON.stringify(d)
      .replace(
        /\(no IAM state for account `\d{12}` in the snapshot \(no reader role there\)\)/g,
        '(UNREADABLE)',
      )
      .replace(/\(cannot assume reader role `[^`]*` in account `\d{12}`: [^)]*\)/g, '(UNREADABLE)')
      .replace(
        /"reason":"(no IAM state for account|cannot assume reader role)[^"]*"/g,
        '"reason":"UNREADABLE"',
      ),
  );
}

async function liveSource(cache = new ReadCache()) {
  return createLiveStateSource({ credentials: org.trustwatch.credentials, cache });
}

beforeAll(async () => {
  restoreEnv = useMotoEnvironment(endpoint);
  await setMotoAuth(endpoint, false);
  await resetMoto(endpoint);
  org = await buildTestOrg();
  await setMotoAuth(endpoint, true);
  // `trustwatch snapshot` with trustwatch's own key from the standard credential chain.
  process.env.AWS_ACCESS_KEY_ID = org.trustwatch.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = org.trustwatch.credentials.secretAccessKey;
  const io = memoryIo();
  const code = await snapshotCommand(['--out', 'org.json', '--all', '--concurrency', '3'], io);
  snapshotRun = { code, stdout: io.out(), stderr: io.err() };
  snapshotText = io.files.get('org.json') ?? '';
});

afterAll(async () => {
  await setMotoAuth(endpoint, false);
  restoreEnv();
});

describe('AWS_ENDPOINT_URL and multi-account moto', () => {
  it('assumes a reader role and gets credentials that act in the target account', async () => {
    const live = await liveSource();
    const creds = await live.readerCredentials(org.accounts.prod);
    expect(creds.ok).toBe(true);
    if (!creds.ok) return;
    const who = await createClientFactory({ credentials: creds.value })
      .sts()
      .send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(org.accounts.prod);
    expect(who.Arn).toBe(
      `arn:aws:sts::${org.accounts.prod}:assumed-role/${READER_ROLE_NAME}/trustwatch-explain`,
    );
  });
});

describe('trustwatch snapshot', () => {
  it('writes every readable account, names the one it could not read, and exits 1', () => {
    expect(snapshotRun.code).toBe(1);
    expect(snapshotRun.stderr).toContain(
      `account \`${org.accounts.noReader}\` left out: cannot assume reader role \`arn:aws:iam::${org.accounts.noReader}:role${READER_ROLE_PATH}${READER_ROLE_NAME}\``,
    );
    expect(snapshotRun.stdout).toMatch(
      /^wrote `org\.json`: 4 accounts, 1 left out \(run again with --resume\), \d+ AWS calls; 5 accounts read: [\d.]+ AWS calls and \d+ ms per account \(slowest `\d{12}` \d+ ms\), [\d.]+ s wall in all\n$/,
    );
    // No progress when stderr is not a terminal: only the account left out, on its own line.
    expect(snapshotRun.stderr).not.toMatch(/\r|accounts read|\d+\/\d+ accounts/);
    const json = JSON.parse(snapshotText) as {
      accounts: Record<string, unknown>;
      organization: { accounts: { id: string }[] };
    };
    expect(Object.keys(json.accounts).sort()).toEqual(
      [org.managementAccountId, org.accounts.ci, org.accounts.prod, org.accounts.sandbox].sort(),
    );
    expect(json.organization.accounts.map((a) => a.id)).toContain(org.accounts.noReader);
  });

  it('loads back with loadSnapshot, SCPs with their targets', () => {
    const snap = readSnapshotText(snapshotText, 'org.json');
    const scp = snap.organization?.policies.find((p) => p.name === 'DenyProdAdmin');
    expect(scp?.targets).toEqual([org.ous.sandbox]);
    expect(snap.organization?.organizationalUnits.map((o) => o.name).sort()).toEqual([
      'Sandbox',
      'Workloads',
    ]);
  });

  it('resumes: keeps the accounts already written and reads only the missing ones', async () => {
    const io = memoryIo({ files: { 'org.json': snapshotText } });
    const code = await snapshotCommand(['--out', 'org.json', '--resume'], io);
    expect(code).toBe(1);
    expect(io.out()).toContain('4 accounts (4 kept from the previous run), 1 left out');
    expect(io.err()).toContain(`account \`${org.accounts.noReader}\` left out`);
  });

  it('continues an interrupted run from its journal, reading only the accounts not in it', async () => {
    const full = JSON.parse(snapshotText) as { accounts: Record<string, unknown> };
    const journal = `${JSON.stringify({ accountId: org.accounts.ci, block: full.accounts[org.accounts.ci] })}\n{"accountId":"${org.accounts.prod}","blo`;
    const io = memoryIo({ files: { 'cut.json.partial': journal } });
    const code = await snapshotCommand(
      ['--out', 'cut.json', '--resume', '--accounts', `${org.accounts.ci},${org.accounts.prod}`],
      io,
    );
    expect(code).toBe(0);
    expect(io.out()).toContain('2 accounts (1 kept from the previous run)');
    expect(io.out()).toContain('; 1 account read:');
    const json = JSON.parse(io.files.get('cut.json') ?? '{}') as {
      accounts: Record<string, unknown>;
    };
    expect(Object.keys(json.accounts)).toEqual([org.accounts.ci, org.accounts.prod]);
    expect(json.accounts[org.accounts.ci]).toEqual(full.accounts[org.accounts.ci]);
    expect(io.files.has('cut.json.partial')).toBe(false);
  });

  it('reads only the accounts asked for, with a progress bar on a terminal', async () => {
    const io = memoryIo({ isTty: true });
    expect(
      await snapshotCommand(
        ['--out', 'two.json', '--accounts', `${org.accounts.ci},${org.accounts.prod}`],
        io,
      ),
    ).toBe(0);
    const json = JSON.parse(io.files.get('two.json') ?? '{}') as {
      accounts: Record<string, unknown>;
    };
    expect(Object.keys(json.accounts)).toEqual([org.accounts.ci, org.accounts.prod]);
    expect(io.err()).toMatch(/\r\[#{15} {15}\] 1\/2 accounts\r\[#{30}\] 2\/2 accounts\n$/);
  });
});

describe('live diagnosis matches the snapshot diagnosis', () => {
  it.each([0, 1, 2, 3, 4, 5])('scenario %i', async (i) => {
    const scenario = org.scenarios[i];
    if (scenario === undefined) throw new Error('no such scenario');
    const ev = event(scenario.record);
    const fromSnapshot = await explainEvent(
      ev,
      new SnapshotStateSource(readSnapshotText(snapshotText, 'org.json')),
    );
    const fromLive = await explainEvent(ev, await liveSource());
    expect(fromLive.causes[0]?.code, scenario.name).toBe(scenario.expectedCause);
    expect(comparable(fromLive)).toEqual(comparable(fromSnapshot));
  });

  it('says which reader role it could not assume when the target account has none', async () => {
    const scenario = org.scenarios.find((s) => s.expectedCause === 'INSUFFICIENT_DATA');
    if (scenario === undefined) throw new Error('no such scenario');
    const d = await explainEvent(event(scenario.record), await liveSource());
    expect(d.causes[0]?.code).toBe('INSUFFICIENT_DATA');
    expect(d.causes[0]?.summary).toContain(
      `cannot assume reader role \`arn:aws:iam::${org.accounts.noReader}:role/trustwatch/trustwatch-reader\``,
    );
  });
});

describe('call budget', () => {
  it('a cold cross-account diagnosis costs at most 10 AWS calls once the org is cached, and a warm one none', async () => {
    const cache = new ReadCache();
    const warmup = await liveSource(cache);
    // Pre-warm the organization part: its structure and the caller's and target's org paths.
    await warmup.organization();
    await Promise.all([warmup.orgPath(org.accounts.ci), warmup.orgPath(org.accounts.prod)]);
    const live = await liveSource(cache);
    const ev = event((org.scenarios[0] as { record: Record<string, unknown> }).record);
    const d = await explainEvent(ev, live);
    expect(d.causes[0]?.code).toBe('TRUST_PRINCIPAL_NOT_TRUSTED');
    const cold = live.callCount();
    expect(cold).toBeGreaterThan(0);
    expect(cold).toBeLessThanOrEqual(10);
    await explainEvent(ev, live);
    expect(live.callCount()).toBe(cold);
  });

  it('a diagnosis whose budget is spent sends nothing more and says what it could not read', async () => {
    const cache = new ReadCache();
    await (await liveSource(cache)).organization();
    const live = await liveSource(cache);
    const ev = event((org.scenarios[0] as { record: Record<string, unknown> }).record);
    const before = live.callCount();
    const d = await withCallBudget(3, () => explainEvent(ev, live));
    expect(live.callCount() - before).toBeLessThanOrEqual(3);
    const unreadable = d.causes.filter((c) => c.code === 'INSUFFICIENT_DATA');
    expect(unreadable.length).toBeGreaterThan(0);
    expect(JSON.stringify(unreadable)).toMatch(/budget of 3 AWS calls was spent/);
    // What the budget cut short is not cached: the next diagnosis reads it.
    expect((await explainEvent(ev, live)).causes[0]?.code).toBe('TRUST_PRINCIPAL_NOT_TRUSTED');
  });

  it('`explain --live --call-budget N` gives each diagnosis N AWS calls and names what it could not read', async () => {
    const record = (org.scenarios[0] as { record: Record<string, unknown> }).record;
    const run = async (budget: string, records: unknown[]) => {
      const io = memoryIo({ files: { 'ev.json': JSON.stringify(records) } });
      const code = await explainCommand(
        ['--live', '--call-budget', budget, '--format', 'json', 'ev.json'],
        io,
      );
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      return (JSON.parse(io.out()) as { diagnoses: Diagnosis[] }).diagnoses;
    };
    // Two different denials in one run: neither fans out past 2 calls, both say so.
    const second = (org.scenarios[1] as { record: Record<string, unknown> }).record;
    const short = await run('2', [record, second]);
    expect(short).toHaveLength(2);
    for (const d of short) {
      const unreadable = d.causes.filter((c) => c.code === 'INSUFFICIENT_DATA');
      expect(unreadable.length).toBeGreaterThan(0);
      expect(JSON.stringify(unreadable)).toMatch(/budget of 2 AWS calls was spent/);
    }
    // The default budget is enough for the same denial: the real cause.
    const full = await run('60', [record]);
    expect(full[0]?.causes[0]?.code).toBe('TRUST_PRINCIPAL_NOT_TRUSTED');
  });

  it('50 concurrent diagnoses of one denial read the role once', async () => {
    const live = await liveSource();
    const ev = event((org.scenarios[0] as { record: Record<string, unknown> }).record);
    await live.organization();
    const before = live.callCount();
    const all = await Promise.all(Array.from({ length: 50 }, () => explainEvent(ev, live)));
    expect(new Set(all.map((d) => JSON.stringify(d.causes))).size).toBe(1);
    const once = await liveSource();
    await once.organization();
    const single = once.callCount();
    await explainEvent(ev, once);
    expect(live.callCount() - before).toBe(once.callCount() - single);
  });
});

describe('audit --live --journal FILE --resume', () => {
  const NOW = '2026-11-20T09:00:00.000Z';
  const audit = async (io: ReturnType<typeof memoryIo>, extra: string[]) =>
    auditCommand(['--live', '--format', 'json', '--now', NOW, '--concurrency', '1', ...extra], io);
  /** The report without the run's own AWS call count (a resumed run makes fewer). */
  const report = (out: string) => {
    const r = JSON.parse(out) as { warnings: string[] };
    return { ...r, warnings: r.warnings.filter((w) => !/AWS call\(s\)$/.test(w)) };
  };

  it("an audit interrupted mid-run continues where it stopped and prints the clean run's report", async () => {
    const cleanIo = memoryIo();
    expect(await audit(cleanIo, [])).toBe(0);
    const clean = report(cleanIo.out());
    const audited = (clean as unknown as { accounts: { accountId: string; error?: string }[] })
      .accounts;
    expect(audited.length).toBeGreaterThanOrEqual(3);

    // First run: the process dies while journaling its second account.
    const io1 = memoryIo();
    const append = io1.appendText?.bind(io1);
    let lines = 0;
    io1.appendText = async (p, t) => {
      if (++lines === 3) throw new Error('killed');
      await append?.(p, t);
    };
    await expect(audit(io1, ['--journal', 'audit.jsonl'])).rejects.toThrow('killed');
    const journal = io1.files.get('audit.jsonl') ?? '';
    expect(journal.trim().split('\n')).toHaveLength(2); // header + one account

    // Second run, same files: only the accounts missing from the journal are read.
    const io2 = memoryIo({ files: Object.fromEntries(io1.files) });
    expect(await audit(io2, ['--journal', 'audit.jsonl', '--resume'])).toBe(0);
    expect(io2.err()).toMatch(
      /1 account\(s\) kept from the journal `audit\.jsonl`, not read again/,
    );
    expect(report(io2.out())).toEqual(clean);
    const calls = (out: string) => Number(/(\d+) AWS call\(s\)/.exec(out)?.[1] ?? Number.NaN);
    expect(calls(io2.out())).toBeLessThan(calls(cleanIo.out()));
    // The account without a reader role failed: the journal stays for the next --resume.
    expect(audited.filter((a) => a.error !== undefined).map((a) => a.accountId)).toEqual([
      org.accounts.noReader,
    ]);
    expect(io2.files.has('audit.jsonl')).toBe(true);
    expect(io2.err()).toMatch(
      /1 account\(s\) could not be audited: `--journal audit\.jsonl --resume` audits only those/,
    );
  });

  it('refuses to resume a journal written with other options', async () => {
    const io1 = memoryIo();
    expect(await audit(io1, ['--journal', 'j.jsonl', '--unused-days', '30'])).toBeLessThan(2);
    expect(io1.files.has('j.jsonl')).toBe(true); // kept: the account without a reader role failed
    const io2 = memoryIo({ files: Object.fromEntries(io1.files) });
    await expect(audit(io2, ['--journal', 'j.jsonl', '--resume'])).rejects.toThrow(
      /is of an audit with other options/,
    );
  });
});
