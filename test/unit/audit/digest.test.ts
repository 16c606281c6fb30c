import { describe, expect, it } from 'vitest';
import { finishRun } from '../../../lib/audit/aws/finishRun.js';
import type { AccountResult, AuditRun, StoredFinding } from '../../../lib/findings/AuditRun.js';
import { buildDigest } from '../../../lib/findings/buildDigest.js';
import {
  digestHeadline,
  digestMessage,
  digestSubject,
  renderDigestSlack,
} from '../../../lib/render/audit/renderDigest.js';
import { MemoryAuditStore } from './memoryAuditStore.js';

function finding(
  code: StoredFinding['code'],
  role: string,
  severity: StoredFinding['severity'] = 'high',
  summary = 's',
): StoredFinding {
  const roleArn = `arn:aws:iam::222222222222:role/${role}`;
  return {
    code,
    severity,
    roleArn,
    roleName: role,
    accountId: '222222222222',
    evidence: { statementIndex: 0 },
    summary,
    fingerprint: `${code}|${roleArn}|`,
  };
}

function result(
  runId: string,
  accountId: string,
  findings: StoredFinding[],
  error?: string,
): AccountResult {
  return {
    runId,
    accountId,
    auditedAt: '2026-11-24T05:17:00.000Z',
    rolesAudited: 10,
    findings,
    suppressedCount: 1,
    ...(error === undefined ? {} : { error }),
    blindSpots: [],
    warnings: [],
  };
}

const RUN1: AuditRun = {
  runId: '2026-11-23T05:17:00.000Z-aaaaaaaa',
  startedAt: '2026-11-23T05:17:00.000Z',
  total: 3,
  remaining: 0,
};
const RUN2: AuditRun = {
  runId: '2026-11-24T05:17:00.000Z-bbbbbbbb',
  startedAt: '2026-11-24T05:17:00.000Z',
  total: 3,
  remaining: 0,
};

describe('buildDigest', () => {
  const A = finding('ANY_PRINCIPAL_UNRESTRICTED', 'Open', 'critical');
  const B = finding('FOREIGN_ACCOUNT_NO_EXTERNAL_ID', 'Partner');
  const C = finding('OIDC_NO_SUB_CONDITION', 'Gha', 'critical');
  const D = finding('STALE_PRINCIPAL_ID', 'Legacy', 'low');

  it('a first run reports everything as new', () => {
    const d = buildDigest(RUN1, [result(RUN1.runId, '222222222222', [A, B])], null);
    expect(d.new.map((f) => f.code)).toEqual([
      'ANY_PRINCIPAL_UNRESTRICTED',
      'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    ]);
    expect(d.resolved).toEqual([]);
    expect(d.previousRunId).toBeUndefined();
  });

  it('splits new, resolved and still open by fingerprint', () => {
    const d = buildDigest(RUN2, [result(RUN2.runId, '222222222222', [B, C])], {
      run: RUN1,
      results: [result(RUN1.runId, '222222222222', [A, B])],
    });
    expect(d.new.map((f) => f.roleName)).toEqual(['Gha']);
    expect(d.resolved.map((f) => f.roleName)).toEqual(['Open']);
    expect(d.stillOpen.map((f) => f.roleName)).toEqual(['Partner']);
    expect(d.openBySeverity).toMatchObject({ critical: 1, high: 1 });
    expect(d.previousRunId).toBe(RUN1.runId);
    expect(d.suppressed).toBe(1);
  });

  it('claims nothing resolved for an account that could not be audited now', () => {
    const d = buildDigest(
      RUN2,
      [result(RUN2.runId, '222222222222', [], 'cannot assume reader role')],
      {
        run: RUN1,
        results: [result(RUN1.runId, '222222222222', [A])],
      },
    );
    expect(d.resolved).toEqual([]);
    expect(d.accountsFailed).toEqual([
      { accountId: '222222222222', error: 'cannot assume reader role' },
    ]);
    expect(d.accountsAudited).toBe(0);
  });

  it('an account unreadable last time: its findings are open, not new', () => {
    const d = buildDigest(RUN2, [result(RUN2.runId, '222222222222', [D])], {
      run: RUN1,
      results: [result(RUN1.runId, '222222222222', [], 'denied')],
    });
    expect(d.new).toEqual([]);
    expect(d.stillOpen).toEqual([D]);
  });

  it('an account new to the organization: everything new', () => {
    const d = buildDigest(RUN2, [result(RUN2.runId, '333333333333', [D])], {
      run: RUN1,
      results: [],
    });
    expect(d.new).toEqual([D]);
  });
});

describe('digest rendering', () => {
  const evil = finding(
    'ANY_PRINCIPAL_UNRESTRICTED',
    'Open',
    'critical',
    'policy value <!channel> *bold* <https://evil.example|click>',
  );
  const d = buildDigest(RUN1, [result(RUN1.runId, '222222222222', [evil])], null);

  it('escapes what comes from policies in Slack', () => {
    const text = JSON.stringify(renderDigestSlack(d));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example|click>');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('headline and SNS subject', () => {
    expect(digestHeadline(d)).toBe(
      'trustwatch audit: 1 new, 0 resolved, 1 open finding(s) in 1 account(s)',
    );
    expect(digestSubject(d).length).toBeLessThanOrEqual(100);
    expect(digestSubject(d)).toMatch(/^[\x20-\x7e]+$/);
  });

  it('cuts the lists, never the counts, to fit an SNS message', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...finding('STALE_PRINCIPAL_ID', `r${i}`, 'low', 'x'.repeat(200)),
      fingerprint: `fp${i}`,
    }));
    const big = buildDigest(RUN1, [result(RUN1.runId, '222222222222', many)], null);
    const msg = digestMessage(big);
    expect(Buffer.byteLength(msg)).toBeLessThanOrEqual(250 * 1024);
    const body = JSON.parse(msg);
    expect(body.counts.new).toBe(3000);
    expect(body.truncated).toBe(true);
    expect(body.new.length).toBeLessThan(3000);
    expect(JSON.parse(digestMessage(d)).truncated).toBeUndefined();
  });
});

describe('finishRun', () => {
  async function completedRun(store: MemoryAuditStore) {
    await store.startRun(RUN1.runId, RUN1.startedAt, ['222222222222']);
    await store.recordAccount(
      result(RUN1.runId, '222222222222', [finding('STALE_PRINCIPAL_ID', 'x')]),
    );
  }

  it('delivers once; a second caller gets null', async () => {
    const store = new MemoryAuditStore();
    await completedRun(store);
    const sent: unknown[] = [];
    const sink = { name: 'mem', deliver: async (x: unknown) => void sent.push(x) };
    const now = () => new Date('2026-11-23T05:30:00Z');
    expect(await finishRun(RUN1.runId, { store, sinks: [sink], now })).not.toBeNull();
    expect(await finishRun(RUN1.runId, { store, sinks: [sink], now })).toBeNull();
    expect(sent).toHaveLength(1);
    expect((await store.getRun(RUN1.runId))?.digestSentAt).toBe('2026-11-23T05:30:00.000Z');
  });

  it('a failing sink releases the claim and throws, so the retry sends it', async () => {
    const store = new MemoryAuditStore();
    await completedRun(store);
    let fail = true;
    const sink = {
      name: 'flaky',
      deliver: async () => {
        if (fail) throw new Error('503');
      },
    };
    const now = () => new Date('2026-11-23T05:30:00Z');
    await expect(finishRun(RUN1.runId, { store, sinks: [sink], now })).rejects.toThrow(
      'flaky: 503',
    );
    expect((await store.getRun(RUN1.runId))?.digestSentAt).toBeUndefined();
    fail = false;
    expect(await finishRun(RUN1.runId, { store, sinks: [sink], now })).not.toBeNull();
  });

  it('does not send for a run that is not complete', async () => {
    const store = new MemoryAuditStore();
    await store.startRun(RUN1.runId, RUN1.startedAt, ['222222222222', '333333333333']);
    await store.recordAccount(result(RUN1.runId, '222222222222', []));
    expect(await finishRun(RUN1.runId, { store, sinks: [], now: () => new Date() })).toBeNull();
  });
});
