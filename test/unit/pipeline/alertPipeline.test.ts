import { describe, expect, it } from 'vitest';
import type { Alert, AlertSink, RepeatNotice } from '../../../lib/alerts/Alert.js';
import { AlertPipeline, type NoiseSettings } from '../../../lib/alerts/AlertPipeline.js';
import { callerPrincipal, fingerprint } from '../../../lib/dedup/fingerprint.js';
import { findSuppression, globMatch } from '../../../lib/dedup/suppressions.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { SinkDisabledError } from '../../../lib/errors/TrustwatchError.js';
import { sampleDiagnosis } from './fixtures.js';
import { MemoryNoiseStore } from './MemoryNoiseStore.js';

class RecordingSink implements AlertSink {
  readonly delivered: Alert[] = [];
  failNext = 0;
  constructor(readonly name: string) {}
  async deliver(alert: Alert): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`${this.name} down`);
    }
    this.delivered.push(alert);
  }
}

function setup(settings: Partial<NoiseSettings> = {}) {
  const store = new MemoryNoiseStore();
  const sns = new RecordingSink('sns');
  const slack = new RecordingSink('slack');
  const clock = { now: Date.parse('2026-03-02T09:00:00Z') };
  const metrics: string[] = [];
  const pipeline = new AlertPipeline({
    stores: store.stores,
    sinks: [sns, slack],
    settings: {
      dedupWindowSeconds: 600,
      enumerationThreshold: 3,
      enumerationWindowSeconds: 600,
      suppressions: [],
      denialRetentionDays: 30,
      ...settings,
    },
    clock: () => clock.now,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    metrics: { count: (n) => metrics.push(n) },
  });
  return { store, sns, slack, clock, metrics, pipeline };
}

const withSession = (session: string, id: string): Diagnosis =>
  sampleDiagnosis({
    eventId: id,
    caller: {
      arn: `arn:aws:sts::111111111111:assumed-role/ci-deployer/${session}`,
      accountId: '111111111111',
      type: 'AssumedRole',
      sessionName: session,
    },
  });

describe('fingerprint', () => {
  it('uses the role, not the session name, of an assumed-role caller', () => {
    expect(callerPrincipal(withSession('a', '1'))).toBe(
      'arn:aws:iam::111111111111:role/ci-deployer',
    );
    expect(fingerprint(withSession('a', '1'))).toBe(
      fingerprint(withSession('attacker-chosen', '2')),
    );
  });

  it('differs by role and by first cause', () => {
    const d = sampleDiagnosis();
    expect(fingerprint(d)).not.toBe(
      fingerprint(sampleDiagnosis({ target: { roleArn: 'arn:aws:iam::222222222222:role/Other' } })),
    );
    expect(fingerprint(d)).not.toBe(fingerprint(sampleDiagnosis({ causes: d.causes.slice(1) })));
  });
});

describe('suppressions', () => {
  it.each([
    ['arn:aws:iam::*:role/sandbox-*', 'arn:aws:iam::222222222222:role/sandbox-ci', true],
    ['arn:aws:iam::*:role/sandbox-*', 'arn:aws:iam::222222222222:role/prod-ci', false],
    ['arn:aws:iam::22222222222?:role/x', 'arn:aws:iam::222222222222:role/x', true],
    ['a.b', 'axb', false],
  ])('glob %s on %s → %s', (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  it('requires every field of a rule to match', () => {
    const d = sampleDiagnosis();
    expect(findSuppression([{ causes: ['IDENTITY_NO_ALLOW'] }], d)).toBeDefined();
    expect(
      findSuppression([{ causes: ['IDENTITY_NO_ALLOW'], accounts: ['999999999999'] }], d),
    ).toBeUndefined();
    expect(findSuppression([{ caller: 'arn:aws:iam::111111111111:role/ci-*' }], d)).toBeDefined();
    expect(
      findSuppression([{ role: '*:role/DeployRole', accounts: ['222222222222'] }], d),
    ).toBeDefined();
  });
});

describe('AlertPipeline', () => {
  it('alerts the first occurrence, counts repeats, and the flush sends one summary', async () => {
    const t = setup();
    const outcomes: string[] = [];
    for (let i = 0; i < 500; i++) {
      const d = withSession(`s${i}`, `evt-${i}`);
      outcomes.push(await t.pipeline.process(d.eventId, async () => d));
    }
    expect(outcomes.filter((o) => o === 'alerted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'counted')).toHaveLength(499);
    expect(await t.pipeline.flushSummaries()).toBe(0);
    t.clock.now += 601_000;
    expect(await t.pipeline.flushSummaries()).toBe(1);
    expect(await t.pipeline.flushSummaries()).toBe(0);
    expect(t.sns.delivered.map((a) => a.kind)).toEqual(['diagnosis', 'summary']);
    expect(t.sns.delivered[1]).toMatchObject({ kind: 'summary', repeats: 499 });
    expect(t.slack.delivered.map((a) => a.kind)).toEqual(['diagnosis', 'summary']);
  });

  it('sends the pending summary before a new window when the next occurrence comes first', async () => {
    const t = setup();
    await t.pipeline.process('a', async () => withSession('x', 'a'));
    await t.pipeline.process('b', async () => withSession('x', 'b'));
    t.clock.now += 700_000;
    expect(await t.pipeline.process('c', async () => withSession('x', 'c'))).toBe('alerted');
    expect(t.sns.delivered.map((a) => a.kind)).toEqual(['diagnosis', 'summary', 'diagnosis']);
    expect(await t.pipeline.flushSummaries()).toBe(0);
  });

  it('never re-alerts a completed event, and a retry after a sink failure skips sinks already delivered', async () => {
    const t = setup();
    const d = withSession('x', 'evt');
    t.slack.failNext = 1;
    await expect(t.pipeline.process('evt', async () => d)).rejects.toThrow(/slack down/);
    expect(t.sns.delivered).toHaveLength(1);
    expect(await t.pipeline.process('evt', async () => d)).toBe('alerted');
    expect(t.sns.delivered).toHaveLength(1);
    expect(t.slack.delivered).toHaveLength(1);
    expect(await t.pipeline.process('evt', async () => d)).toBe('duplicate');
    expect(t.metrics).toContain('DuplicateDelivery');
  });

  it('does not count a repeat twice when its record is retried', async () => {
    const t = setup();
    await t.pipeline.process('a', async () => withSession('x', 'a'));
    await t.pipeline.process('b', async () => withSession('x', 'b'));
    // Simulate a crash after counting: the record is redelivered with the lease released.
    const e = t.store.events.get('b');
    if (e) {
      e.status = 'in_progress';
      e.leaseUntil = 0;
    }
    expect(await t.pipeline.process('b', async () => withSession('x', 'b'))).toBe('counted');
    expect([...t.store.windows.values()][0]?.repeats).toBe(1);
  });

  it('releases the event when explaining fails, so the SQS retry can process it', async () => {
    const t = setup();
    await expect(
      t.pipeline.process('evt', async () => {
        throw new Error('Rate exceeded');
      }),
    ).rejects.toThrow('Rate exceeded');
    expect(await t.pipeline.process('evt', async () => withSession('x', 'evt'))).toBe('alerted');
  });

  it('suppresses by configuration without alerting', async () => {
    const t = setup({
      suppressions: [{ causes: ['TRUST_PRINCIPAL_NOT_TRUSTED'], accounts: ['222222222222'] }],
    });
    expect(await t.pipeline.process('evt', async () => sampleDiagnosis())).toBe('suppressed');
    expect(t.sns.delivered).toEqual([]);
  });

  it('turns role enumeration into one critical security alert and holds back the rest', async () => {
    const t = setup({ enumerationThreshold: 3 });
    const missing = (role: string, id: string): Diagnosis =>
      sampleDiagnosis({
        eventId: id,
        target: { roleArn: `arn:aws:iam::222222222222:role/${role}`, accountId: '222222222222' },
        causes: [
          {
            code: 'ROLE_NOT_FOUND',
            confidence: 'confirmed',
            side: 'target',
            summary: 'no such role',
            evidence: {},
          },
        ],
      });
    const outcomes: string[] = [];
    for (const [i, role] of ['Admin', 'Root', 'Ops', 'Billing', 'Admin'].entries()) {
      outcomes.push(await t.pipeline.process(`e${i}`, async () => missing(role, `e${i}`)));
    }
    expect(outcomes).toEqual(['alerted', 'alerted', 'alerted', 'counted', 'counted']);
    expect(t.sns.delivered.map((a) => a.kind)).toEqual(['diagnosis', 'diagnosis', 'security']);
    const security = t.sns.delivered[2];
    expect(security?.kind === 'security' && security.rolesTried).toEqual([
      'arn:aws:iam::222222222222:role/Admin',
      'arn:aws:iam::222222222222:role/Ops',
      'arn:aws:iam::222222222222:role/Root',
    ]);
  });
});

describe('repeat notices to thread-keeping sinks (routing) under deadlines and the sink circuit', () => {
  class ThreadSink extends RecordingSink {
    readonly notices: RepeatNotice[] = [];
    failWith: Error | undefined;
    async repeated(notice: RepeatNotice): Promise<void> {
      if (this.failWith !== undefined) throw this.failWith;
      this.notices.push(notice);
    }
  }

  function threaded() {
    const store = new MemoryNoiseStore();
    const thread = new ThreadSink('slack-threads');
    const metrics: string[] = [];
    const pipeline = new AlertPipeline({
      stores: store.stores,
      sinks: [new RecordingSink('sns'), thread],
      settings: {
        dedupWindowSeconds: 600,
        enumerationThreshold: 3,
        enumerationWindowSeconds: 600,
        suppressions: [],
        denialRetentionDays: 30,
      },
      clock: () => Date.parse('2026-03-02T09:00:00Z'),
      log: { info: () => {}, warn: () => {}, error: () => {} },
      metrics: { count: (n) => metrics.push(n) },
    });
    return { thread, metrics, pipeline };
  }

  it('tells the sink of a repeat when time is left', async () => {
    const t = threaded();
    await t.pipeline.process(
      'a',
      async () => withSession('x', 'a'),
      () => 60_000,
    );
    expect(
      await t.pipeline.process(
        'b',
        async () => withSession('x', 'b'),
        () => 60_000,
      ),
    ).toBe('counted');
    expect(t.thread.notices.map((n) => n.diagnosis.eventId)).toEqual(['b']);
  });

  it('skips the notice (still counting the repeat) when too little of the invocation is left', async () => {
    const t = threaded();
    await t.pipeline.process(
      'a',
      async () => withSession('x', 'a'),
      () => 60_000,
    );
    // Enough to start the event, not enough to call a sink.
    let left = 60_000;
    const remaining = () => {
      const now = left;
      left = 7_000;
      return now;
    };
    expect(await t.pipeline.process('b', async () => withSession('x', 'b'), remaining)).toBe(
      'counted',
    );
    expect(t.thread.notices).toEqual([]);
    expect(t.metrics).toContain('DeadlineReached');
  });

  it('counts a disabled sink as SinkDisabled and still counts the repeat', async () => {
    const t = threaded();
    await t.pipeline.process('a', async () => withSession('x', 'a'));
    t.thread.failWith = new SinkDisabledError('webhook revoked');
    expect(await t.pipeline.process('b', async () => withSession('x', 'b'))).toBe('counted');
    expect(t.metrics).toContain('SinkDisabled');
    expect(t.metrics).toContain('RepeatCounted');
  });
});
