import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosisMemo } from '../../../lib/explain/DiagnosisMemo.js';
import { explainEvent } from '../../../lib/explain/explainEvent.js';
import { memoizeSource } from '../../../lib/explain/memoizeSource.js';
import { readInput, readInputText } from '../../../lib/intake/readInput.js';
import demoSnapshotJson from '../../../lib/snapshot/demo-snapshot.json' with { type: 'json' };
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { loadSnapshot, readSnapshotText } from '../../../lib/snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { denialKindRecord } from '../../support/syntheticOrg.js';

const EVENTS = join(import.meta.dirname, '../../../events');

function load(file: string, edit: (e: Record<string, Record<string, unknown>>) => void) {
  const json = JSON.parse(readFileSync(join(EVENTS, file), 'utf8'));
  edit(json);
  return readInput(json, file).events[0]!;
}

describe('diagnosis memo', () => {
  const source = memoizeSource(new SnapshotStateSource(demoSnapshot()));
  const memo = new DiagnosisMemo();
  const memoStats = () => memo.stats();

  it("reuses a diagnosis for a retry, with the retry's own id, time and source IP", async () => {
    const a = load('01-trust-policy-lacks-principal.json', () => {});
    const b = load('01-trust-policy-lacks-principal.json', (e) => {
      e.detail!.eventID = 'retry-1';
      e.detail!.eventTime = '2026-03-02T09:14:09Z';
      e.detail!.sourceIPAddress = '10.20.4.118';
    });
    const first = await explainEvent(a, source, memo);
    const hitsBefore = memoStats().hits;
    const second = await explainEvent(b, source, memo);
    expect(memoStats().hits).toBe(hitsBefore + 1);
    expect(second.eventId).toBe('retry-1');
    expect(second.eventTime).toBe('2026-03-02T09:14:09Z');
    expect(second.caller.sourceIp).toBe('10.20.4.118');
    expect(second.causes).toEqual(first.causes);
  });

  it('does not reuse a diagnosis for an event that differs beyond id, time, IP, user agent and session', async () => {
    const own = new DiagnosisMemo();
    const retry = (edit: (e: Record<string, Record<string, unknown>>) => void) =>
      explainEvent(load('01-trust-policy-lacks-principal.json', edit), source, own);
    await retry(() => {});
    await retry((e) => {
      e.detail!.eventID = 'retry-2';
      e.detail!.userAgent = 'terraform/1.9';
      (e.detail!.userIdentity as Record<string, unknown>).principalId = 'AROAEXAMPLE:other';
    });
    expect(own.stats()).toMatchObject({ hits: 1, misses: 1 });
    // aws:RequestedRegion, the caller's MFA state: what a condition may see.
    await retry((e) => {
      e.detail!.awsRegion = 'ap-southeast-2';
    });
    await retry((e) => {
      const identity = e.detail!.userIdentity as Record<string, Record<string, unknown>>;
      identity.sessionContext = {
        ...identity.sessionContext,
        attributes: { creationDate: '2026-03-02T09:00:00Z', mfaAuthenticated: 'true' },
      };
    });
    expect(own.stats()).toMatchObject({ hits: 1, misses: 3, entries: 3 });
  });

  it('keeps the source IP in the key when a policy in play has an aws:SourceIp condition', async () => {
    const denied = await explainEvent(
      load('cause-trust-condition-other.json', () => {}),
      source,
      memo,
    );
    const fromVpn = await explainEvent(
      load('cause-trust-condition-other.json', (e) => {
        e.detail!.sourceIPAddress = '192.0.2.44';
      }),
      source,
      memo,
    );
    expect(denied.causes[0]?.code).toBe('TRUST_CONDITION_OTHER');
    expect(fromVpn.causes.map((c) => c.code)).not.toContain('TRUST_CONDITION_OTHER');
  });

  it('never reuses a diagnosis across state versions', async () => {
    const e = load('01-trust-policy-lacks-principal.json', () => {});
    await explainEvent(e, source, memo);
    const { hits, misses } = memoStats();
    await explainEvent(e, source, memo);
    expect(memoStats()).toMatchObject({ hits: hits + 1, misses });
    const changed = memoizeSource(
      new SnapshotStateSource(loadSnapshot(demoSnapshotJson, 'demo-snapshot.json')),
    );
    expect(changed.version).not.toBe(source.version);
    await explainEvent(e, changed, memo);
    expect(memoStats()).toMatchObject({ hits: hits + 1, misses: misses + 1 });
  });

  it('does not keep a diagnosis whose reads had gaps (a spent call budget is not a fact of the state)', async () => {
    const stale = readInput(denialKindRecord('stale unique id'), 'stale').events[0]!;
    const inner = new SnapshotStateSource(demoSnapshot());
    let spent = true;
    const budgeted = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'principalsByUniqueId' && spent)
          return async () => ({ ok: false, reason: 'budget spent' });
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const own = new DiagnosisMemo();
    const short = await explainEvent(stale, budgeted, own);
    expect(short.causes.map((c) => c.code)).toContain('INSUFFICIENT_DATA');
    expect(own.stats().entries).toBe(0);
    spent = false;
    const full = await explainEvent(stale, budgeted, own);
    expect(full.causes.map((c) => c.code)).toContain('TRUST_PRINCIPAL_STALE_ID');
    expect(own.stats()).toMatchObject({ hits: 0, entries: 1 });
  });

  it('answers a repeat without reading the state', async () => {
    const e = load('01-trust-policy-lacks-principal.json', () => {});
    const own = new DiagnosisMemo();
    const first = await explainEvent(e, source, own);
    let reads = 0;
    const counting = new Proxy(source, {
      get: (target, name) => {
        const v = Reflect.get(target, name);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          reads++;
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const again = await explainEvent(e, counting, own);
    expect(reads).toBe(0);
    expect(again.fixes).toBe(first.fixes);
  });

  it.each([
    ['aws:UserAgent', '"aws:UserAgent": "aws-cli/*"', { userAgent: 'terraform/1.9' }],
    ['aws:CalledVia', '"aws:CalledVia": "*"', { sourceIPAddress: 'cloudformation.amazonaws.com' }],
  ])(
    'keeps what a policy in play has a condition on in the key (%s)',
    async (_, condition, retry) => {
      // A trust policy allowing only `aws-cli/*` callers: the record's user agent matches.
      const dir = join(import.meta.dirname, '../../scenarios/no-cause-found-user-agent-logged');
      const snapshotText = readFileSync(join(dir, 'snapshot.json'), 'utf8').replace(
        '"aws:UserAgent": "aws-cli/*"',
        condition,
      );
      const state = new SnapshotStateSource(readSnapshotText(snapshotText, 'snapshot.json'));
      const record = JSON.parse(readFileSync(join(dir, 'event.json'), 'utf8'));
      const first = readInput(record, 'event.json').events[0]!;
      Object.assign(record.detail, { eventID: 'retry-3' }, retry);
      const second = readInput(record, 'event.json').events[0]!;
      const own = new DiagnosisMemo();
      await explainEvent(first, state, own);
      const reused = await explainEvent(second, state, own);
      const alone = await explainEvent(second, state);
      expect(alone.causes.map((c) => c.code)).not.toEqual(
        (await explainEvent(first, state)).causes.map((c) => c.code),
      );
      expect(reused.causes).toEqual(alone.causes);
    },
  );

  it('does not reuse a diagnosis for an IAM user of the same ARN with another unique id (a recreated user) when a trust policy names one by id', async () => {
    // A trust policy that names a user by unique id (what IAM shows once the
    // user it named is deleted); the state no longer holds a user `bob`.
    const json = structuredClone(demoSnapshotJson) as unknown as {
      accounts: Record<
        string,
        {
          UserDetailList: { UserName: string }[];
          RoleDetailList: { RoleName: string; AssumeRolePolicyDocument: unknown }[];
        }
      >;
    };
    const callers = json.accounts['111111111111']!;
    callers.UserDetailList = callers.UserDetailList.filter((u) => u.UserName !== 'bob');
    const role = json.accounts['222222222222']!.RoleDetailList.find(
      (r) => r.RoleName === 'BreakGlassAdmin',
    )!;
    role.AssumeRolePolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'AIDAEXAMPLEBOBUSER01' }, Action: 'sts:AssumeRole' },
      ],
    };
    const byId = new SnapshotStateSource(loadSnapshot(json, 'by-id.json'));
    const bob = (principalId: string) =>
      load('03-mfa-required-not-present.json', (e) => {
        (e.detail!.userIdentity as Record<string, unknown>).principalId = principalId;
      });
    const own = new DiagnosisMemo();
    const named = await explainEvent(bob('AIDAEXAMPLEBOBUSER01'), byId, own);
    const recreated = await explainEvent(bob('AIDAEXAMPLEBOBNEW0002'), byId, own);
    const alone = await explainEvent(bob('AIDAEXAMPLEBOBNEW0002'), byId);
    expect(recreated.causes).toEqual(alone.causes);
    expect(recreated.causes.map((c) => c.code)).not.toEqual(named.causes.map((c) => c.code));
    expect(own.stats()).toMatchObject({ hits: 0, misses: 2 });
  });

  it("does not reuse a diagnosis for another role's session when the input names no session issuer", async () => {
    // An error message names the caller by its session ARN only (no sessionIssuer).
    const message = (role: string, session: string) =>
      readInputText(
        `User: arn:aws:sts::111111111111:assumed-role/${role}/${session} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/DeployRole`,
        'message',
      ).events[0]!;
    const own = new DiagnosisMemo();
    const ci = await explainEvent(message('ci-deployer', 's1'), source, own);
    const pipeline = await explainEvent(message('data-pipeline', 's2'), source, own);
    const alone = await explainEvent(message('data-pipeline', 's2'), source);
    expect(pipeline.causes).toEqual(alone.causes);
    expect(pipeline.causes).not.toEqual(ci.causes);
    // The same role's next session is a repeat.
    const again = await explainEvent(message('ci-deployer', 's3'), source, own);
    expect(own.stats()).toMatchObject({ hits: 1, misses: 2 });
    expect(again.causes).toEqual(ci.causes);
  });
});
