import { describe, expect, it } from 'vitest';
import type { Alert, AlertSink } from '../../../lib/alerts/Alert.js';
import { AlertPipeline, type NoiseSettings } from '../../../lib/alerts/AlertPipeline.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { sampleDiagnosis } from './fixtures.js';
import { MemoryNoiseStore } from './MemoryNoiseStore.js';

/**
 * The pipeline records every diagnosed denial once, as evidence for the
 * trust-policy audit of the role's account (`recordDenial`), and never lets
 * that evidence cost an alert.
 */
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

const START = Date.parse('2026-03-02T09:00:00Z');

function setup(settings: Partial<NoiseSettings> = {}) {
  const store = new MemoryNoiseStore();
  const sns = new RecordingSink('sns');
  const clock = { now: START };
  const metrics: string[] = [];
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const pipeline = new AlertPipeline({
    stores: store.stores,
    sinks: [sns],
    settings: {
      dedupWindowSeconds: 600,
      enumerationThreshold: 3,
      enumerationWindowSeconds: 600,
      suppressions: [],
      denialRetentionDays: 30,
      ...settings,
    },
    clock: () => clock.now,
    log: {
      info: () => {},
      warn: (message, extra) => void warnings.push({ message, ...(extra ? { extra } : {}) }),
      error: () => {},
    },
    metrics: { count: (n) => metrics.push(n) },
  });
  return { store, sns, clock, metrics, warnings, pipeline };
}

const ROLE = 'arn:aws:iam::222222222222:role/DeployRole';
const CALLER_ROLE = 'arn:aws:iam::111111111111:role/ci-deployer';
const KEY = `den#${ROLE}#${CALLER_ROLE}`;

const denial = (id: string, session = 'i-0a1b2c3d4e5f60789'): Diagnosis =>
  sampleDiagnosis({
    eventId: id,
    caller: {
      arn: `arn:aws:sts::111111111111:assumed-role/ci-deployer/${session}`,
      accountId: '111111111111',
      type: 'AssumedRole',
      sessionName: session,
    },
  });

describe('AlertPipeline: denial evidence for the audit', () => {
  it('records the first alerted denial: role account, caller principal (not the session), type, causes, retention', async () => {
    const t = setup();
    expect(await t.pipeline.process('a', async () => denial('a'))).toBe('alerted');
    const item = t.store.denials.get(KEY);
    expect(item).toMatchObject({
      roleAccountId: '222222222222',
      roleArn: ROLE,
      callerPrincipal: CALLER_ROLE,
      callerArn: CALLER_ROLE,
      callerType: 'AssumedRole',
      count: 1,
      lastSeenAt: START / 1000,
      expiresAt: START / 1000 + 30 * 86_400,
    });
    expect([...(item?.causeSet ?? [])].sort()).toEqual([
      'IDENTITY_NO_ALLOW',
      'TRUST_PRINCIPAL_NOT_TRUSTED',
    ]);
    expect(await t.store.recentDenials('222222222222', 0)).toEqual([
      {
        roleArn: ROLE,
        callerArn: CALLER_ROLE,
        callerType: 'AssumedRole',
        causes: ['IDENTITY_NO_ALLOW', 'TRUST_PRINCIPAL_NOT_TRUSTED'],
        count: 1,
        lastSeen: '2026-03-02T09:00:00.000Z',
      },
    ]);
  });

  it('counts repeats that only increment the dedup window (one summary per caller principal, any session)', async () => {
    const t = setup();
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(await t.pipeline.process(`e${i}`, async () => denial(`e${i}`, `s${i}`)));
    expect(outcomes).toEqual(['alerted', 'counted', 'counted', 'counted']);
    expect(t.store.denials.size).toBe(1);
    expect(t.store.denials.get(KEY)?.count).toBe(4);
  });

  it('records a suppressed denial: suppression silences the alert, not the evidence', async () => {
    const t = setup({ suppressions: [{ accounts: ['222222222222'] }] });
    expect(await t.pipeline.process('a', async () => denial('a'))).toBe('suppressed');
    expect(t.sns.delivered).toEqual([]);
    expect(t.store.denials.get(KEY)?.count).toBe(1);
  });

  it('does not count a duplicate delivery of a completed event', async () => {
    const t = setup();
    await t.pipeline.process('a', async () => denial('a'));
    expect(await t.pipeline.process('a', async () => denial('a'))).toBe('duplicate');
    expect(t.store.denials.get(KEY)?.count).toBe(1);
  });

  it('does not count again a retry whose decision was recorded (crash after counting)', async () => {
    const t = setup();
    await t.pipeline.process('a', async () => denial('a'));
    await t.pipeline.process('b', async () => denial('b'));
    const e = t.store.events.get('b');
    if (e) {
      e.status = 'in_progress';
      e.leaseUntil = 0;
    }
    expect(await t.pipeline.process('b', async () => denial('b'))).toBe('counted');
    expect(t.store.denials.get(KEY)?.count).toBe(2);
  });

  it('counts once when a failed sink makes SQS retry the event', async () => {
    const t = setup();
    t.sns.failNext = 1;
    await expect(t.pipeline.process('a', async () => denial('a'))).rejects.toThrow(/sns down/);
    expect(await t.pipeline.process('a', async () => denial('a'))).toBe('alerted');
    expect(t.sns.delivered).toHaveLength(1);
    expect(t.store.denials.get(KEY)?.count).toBe(1);
  });

  it('still delivers the alert when the evidence cannot be recorded (warning and metric)', async () => {
    const t = setup();
    t.store.failRecordDenial = new Error('ProvisionedThroughputExceededException');
    expect(await t.pipeline.process('a', async () => denial('a'))).toBe('alerted');
    expect(t.sns.delivered.map((a) => a.kind)).toEqual(['diagnosis']);
    expect(t.metrics).toContain('DenialRecordFailed');
    expect(t.metrics).toContain('AlertSent');
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]?.extra).toMatchObject({
      eventId: 'a',
      roleArn: ROLE,
      error: 'ProvisionedThroughputExceededException',
    });
    // The event is complete: a redelivery is a duplicate, not a second alert.
    t.store.failRecordDenial = undefined;
    expect(await t.pipeline.process('a', async () => denial('a'))).toBe('duplicate');
  });

  it('keeps the summary as long as TRUSTWATCH_DENIAL_RETENTION_DAYS says', async () => {
    const t = setup({ denialRetentionDays: 7 });
    await t.pipeline.process('a', async () => denial('a'));
    expect(t.store.denials.get(KEY)?.expiresAt).toBe(START / 1000 + 7 * 86_400);
  });

  it('keys a caller without an ARN by type and account, without a callerArn', async () => {
    const t = setup();
    const d = sampleDiagnosis({
      eventId: 'w',
      eventName: 'AssumeRoleWithWebIdentity',
      caller: { type: 'WebIdentityUser', accountId: '222222222222' },
      causes: [
        {
          code: 'OIDC_CLAIM_MISMATCH',
          confidence: 'confirmed',
          side: 'trust',
          summary: 'sub does not match',
          evidence: {},
        },
      ],
    });
    await t.pipeline.process('w', async () => d);
    const item = t.store.denials.get(`den#${ROLE}#WebIdentityUser:222222222222`);
    expect(item).toMatchObject({ callerType: 'WebIdentityUser', count: 1 });
    expect(item?.callerArn).toBeUndefined();
  });

  it('records nothing without a role account or role, or for a role that does not exist', async () => {
    const t = setup();
    await t.pipeline.process('x', async () =>
      sampleDiagnosis({ eventId: 'x', target: { roleArn: ROLE } }),
    );
    await t.pipeline.process('y', async () =>
      sampleDiagnosis({ eventId: 'y', target: { accountId: '222222222222' } }),
    );
    await t.pipeline.process('z', async () =>
      sampleDiagnosis({
        eventId: 'z',
        causes: [
          {
            code: 'ROLE_NOT_FOUND',
            confidence: 'confirmed',
            side: 'target',
            summary: 'no such role',
            evidence: {},
          },
        ],
      }),
    );
    expect(t.sns.delivered).toHaveLength(3);
    expect(t.store.denials.size).toBe(0);
  });
});
