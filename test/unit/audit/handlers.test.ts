import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler as createScheduler } from '../../../functions/auditScheduler.js';
import { createHandler as createWorker } from '../../../functions/auditWorker.js';
import {
  type AuditMessage,
  newRunId,
  parseAuditMessage,
} from '../../../lib/audit/aws/auditMessage.js';
import { finishRun } from '../../../lib/audit/aws/finishRun.js';
import { InputError } from '../../../lib/errors/TrustwatchError.js';
import type { AccountResult } from '../../../lib/findings/AuditRun.js';
import type { AuditDigest } from '../../../lib/findings/buildDigest.js';
import { MemoryAuditStore } from './memoryAuditStore.js';

const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
const NOW = new Date('2026-11-24T05:17:00Z');

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
      awsRegion: 'us-east-1',
    })),
  } as unknown as SQSEvent;
}

function auditResult(runId: string, accountId: string): AccountResult {
  return {
    runId,
    accountId,
    auditedAt: NOW.toISOString(),
    rolesAudited: 3,
    findings: [],
    suppressedCount: 0,
    ...(accountId === '666666666666' ? { error: 'cannot assume reader role' } : {}),
    blindSpots: [],
    warnings: [],
  };
}

describe('auditScheduler', () => {
  it('records the run, then queues one message per account (deduplicated, sorted)', async () => {
    const store = new MemoryAuditStore();
    const sent: AuditMessage[] = [];
    const handler = createScheduler({
      listAccounts: async () => ['222222222222', '111111111111', '222222222222'],
      store,
      send: async (m) => void sent.push(...m),
      now: () => NOW,
      runId: () => '2026-11-24T05:17:00.000Z-abcdef12',
      logger,
      metrics,
    });
    expect(await handler()).toEqual({ runId: '2026-11-24T05:17:00.000Z-abcdef12', accounts: 2 });
    expect(sent).toEqual([
      { runId: '2026-11-24T05:17:00.000Z-abcdef12', accountId: '111111111111' },
      { runId: '2026-11-24T05:17:00.000Z-abcdef12', accountId: '222222222222' },
    ]);
    expect(await store.getRun('2026-11-24T05:17:00.000Z-abcdef12')).toMatchObject({
      total: 2,
      remaining: 2,
    });
  });

  it('warns (log and metric) when the previous run never completed', async () => {
    const store = new MemoryAuditStore();
    await store.startRun('2026-11-23T05:17:00.000Z-aaaaaaaa', '2026-11-23T05:17:00.000Z', [
      '111111111111',
    ]);
    const warnings: unknown[] = [];
    const spyLogger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    spyLogger.warn = ((...args: unknown[]) => void warnings.push(args)) as typeof spyLogger.warn;
    const handler = createScheduler({
      listAccounts: async () => ['111111111111'],
      store,
      send: async () => {},
      now: () => NOW,
      logger: spyLogger,
      metrics,
    });
    await handler();
    expect(warnings).toEqual([
      [
        'previous audit run did not complete: no digest was sent for it',
        { previousRunId: '2026-11-23T05:17:00.000Z-aaaaaaaa', accountsNotRecorded: 1, total: 1 },
      ],
    ]);
  });

  it('fails on an empty organization and when queueing fails', async () => {
    const base = { store: new MemoryAuditStore(), now: () => NOW, logger, metrics };
    await expect(
      createScheduler({ ...base, listAccounts: async () => [], send: async () => {} })(),
    ).rejects.toThrow('the organization lists no account to audit');
    await expect(
      createScheduler({
        ...base,
        listAccounts: async () => ['111111111111'],
        send: async () => {
          throw new Error('sqs down');
        },
      })(),
    ).rejects.toThrow('sqs down');
  });

  it('run ids sort by start time and parse back', () => {
    const a = newRunId(new Date('2026-11-23T05:17:00Z'));
    const b = newRunId(new Date('2026-11-24T05:17:00Z'));
    expect(a < b).toBe(true);
    expect(parseAuditMessage(JSON.stringify({ runId: a, accountId: '111111111111' }), 'x')).toEqual(
      { runId: a, accountId: '111111111111' },
    );
  });

  it.each([
    ['not json', 'audit message body is not json'],
    ['{"runId":"x","accountId":"111111111111"}', 'a run id'],
    ['{"runId":"2026-11-24T05:17:00.000Z-abcdef12","accountId":"1"}', 'a 12-digit account id'],
  ])('rejects message %s', (body, message) => {
    expect(() => parseAuditMessage(body, 'sqs:m0')).toThrow(InputError);
    expect(() => parseAuditMessage(body, 'sqs:m0')).toThrow(message);
  });
});

describe('auditWorker', () => {
  const runId = '2026-11-24T05:17:00.000Z-abcdef12';

  async function setup(accounts: string[]) {
    const store = new MemoryAuditStore();
    await store.startRun(runId, NOW.toISOString(), accounts);
    const digests: AuditDigest[] = [];
    const audited: string[] = [];
    const worker = createWorker({
      auditAccount: async (r, a) => {
        audited.push(a);
        if (a === '999999999999') throw new Error('store exploded');
        return auditResult(r, a);
      },
      store,
      finishRun: (r) =>
        finishRun(r, {
          store,
          sinks: [{ name: 'mem', deliver: async (d) => void digests.push(d) }],
          now: () => NOW,
        }),
      logger,
      metrics,
    });
    return { store, digests, audited, worker };
  }

  const msg = (accountId: string) => JSON.stringify({ runId, accountId });

  it('audits each message; the last account of the run sends the digest', async () => {
    const { worker, digests, store } = await setup([
      '111111111111',
      '222222222222',
      '666666666666',
    ]);
    expect(await worker(sqsEvent([msg('111111111111'), msg('666666666666')]))).toEqual({
      batchItemFailures: [],
    });
    expect(digests).toHaveLength(0);
    expect(await worker(sqsEvent([msg('222222222222')]))).toEqual({ batchItemFailures: [] });
    expect(digests).toHaveLength(1);
    expect(digests[0]?.accountsFailed).toEqual([
      { accountId: '666666666666', error: 'cannot assume reader role' },
    ]);
    expect((await store.getRun(runId))?.remaining).toBe(0);
  });

  it('reports bad and failing records as partial batch failures, keeps the good ones', async () => {
    const { worker, store } = await setup(['111111111111', '999999999999']);
    const res = await worker(sqsEvent(['garbage', msg('999999999999'), msg('111111111111')]));
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m0', 'm1']);
    expect((await store.getRun(runId))?.remaining).toBe(1);
  });

  it('a redelivered message neither counts twice nor sends a second digest', async () => {
    const { worker, digests, store } = await setup(['111111111111']);
    await worker(sqsEvent([msg('111111111111')]));
    await worker(sqsEvent([msg('111111111111')]));
    expect(digests).toHaveLength(1);
    expect((await store.getRun(runId))?.remaining).toBe(0);
  });
});

describe('cached reads in a warm worker expire', () => {
  it('the account auditor re-reads the organization after 15 minutes', async () => {
    const { createAccountAuditor } = await import('../../../lib/audit/aws/liveAccountAuditor.js');
    let reads = 0;
    let clock = new Date('2026-11-24T05:00:00Z');
    const source = {
      organization: async () => {
        reads++;
        return {
          ok: true as const,
          value: {
            id: 'o-x',
            managementAccountId: '111111111111',
            accounts: [{ id: '111111111111' }],
          },
        };
      },
      roles: async () => ({ ok: true as const, value: [] }),
      oidcProviders: async () => ({ ok: true as const, value: [] }),
      samlProviders: async () => ({ ok: true as const, value: [] }),
    } as never;
    const blindSpots = {
      forwardRule: async (_a: string, region: string) => ({
        ok: true as const,
        value: { region, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' },
      }),
      trails: async () => ({ ok: true as const, value: [] }),
    };
    const audit = createAccountAuditor({
      source,
      blindSpots,
      suppressions: [],
      unusedDays: 90,
      regions: ['us-east-1'],
      forwardRuleName: 'r',
      now: () => clock,
    });
    await audit('run', '111111111111');
    await audit('run', '111111111111');
    expect(reads).toBe(1);
    clock = new Date('2026-11-24T05:16:00Z');
    const r = await audit('run', '111111111111');
    expect(reads).toBe(2);
    expect(r.blindSpots.map((b) => b.code)).toEqual(['NO_TRAIL_LOGGING_MANAGEMENT_EVENTS']);
  });

  it("writes the account's role names and ids to the role index; a failed write is a warning", async () => {
    const { createAccountAuditor } = await import('../../../lib/audit/aws/liveAccountAuditor.js');
    const { SnapshotStateSource } = await import('../../../lib/state/SnapshotStateSource.js');
    const { demoSnapshot } = await import('../../../lib/snapshot/demoSnapshot.js');
    const source = new SnapshotStateSource(demoSnapshot());
    const written: { accountId: string; roles: readonly { name: string; roleId: string }[] }[] = [];
    let fail = false;
    const roleIndex = {
      read: async () => ({ accounts: [] }),
      putAccount: async (a: (typeof written)[number]) => {
        if (fail) throw new Error('throttled');
        written.push(a);
      },
      putOrganization: async () => {},
    };
    const audit = createAccountAuditor({
      source,
      blindSpots: {
        forwardRule: async (_a: string, region: string) => ({
          ok: true as const,
          value: { region, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' },
        }),
        trails: async () => ({ ok: true as const, value: [] }),
      },
      suppressions: [],
      unusedDays: 90,
      regions: ['us-east-1'],
      forwardRuleName: 'r',
      now: () => new Date('2026-11-24T05:00:00Z'),
      roleIndex,
    });
    const ok = await audit('run', '222222222222');
    const roles = await source.roles('222222222222');
    expect(written).toHaveLength(1);
    expect(written[0]?.accountId).toBe('222222222222');
    expect(written[0]?.roles.map((r) => r.roleId)).toEqual(
      roles.ok ? roles.value.map((r) => r.roleId) : [],
    );
    expect(ok.warnings.some((w) => w.startsWith('role index not updated'))).toBe(false);
    fail = true;
    const warned = await audit('run', '222222222222');
    expect(warned.warnings).toContain('role index not updated: throttled');
  });

  it('GetAccountAuthorizationDetails results are re-read after their TTL', async () => {
    const { withAuthorizationDetails } = await import(
      '../../../lib/audit/live/authorizationDetailsSource.js'
    );
    const { mockClient } = await import('aws-sdk-client-mock');
    const { IAMClient, GetAccountAuthorizationDetailsCommand } = await import(
      '@aws-sdk/client-iam'
    );
    const iam = mockClient(IAMClient);
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      IsTruncated: false,
      RoleDetailList: [
        {
          RoleName: 'r',
          Arn: 'arn:aws:iam::111111111111:role/r',
          Path: '/',
          RoleId: 'AROAX',
          AssumeRolePolicyDocument: encodeURIComponent(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}',
          ),
          Tags: [{ Key: 'trustwatch:ignore', Value: '*' }],
          RoleLastUsed: { LastUsedDate: new Date('2026-01-01T00:00:00Z') },
          CreateDate: new Date('2024-01-01T00:00:00Z'),
        },
      ],
    });
    let t = 0;
    const clients = { iam: () => new IAMClient({ region: 'us-east-1' }) } as never;
    const src = withAuthorizationDetails(
      {} as never,
      clients,
      async () => ({ ok: true, value: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      {
        ttlMs: 1000,
        now: () => t,
      },
    );
    const first = await src.roles('111111111111');
    expect(first.ok && first.value[0]).toMatchObject({
      name: 'r',
      tags: [{ key: 'trustwatch:ignore', value: '*' }],
      lastUsedDate: '2026-01-01T00:00:00.000Z',
      createDate: '2024-01-01T00:00:00.000Z',
    });
    expect((await src.role('111111111111', 'r')).ok).toBe(true);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    t = 2000;
    await src.roles('111111111111');
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(2);
    expect(iam).toHaveReceivedCommandWith(GetAccountAuthorizationDetailsCommand, {
      Filter: ['Role'],
    });
    iam.restore();
  });

  it('a trust policy that does not parse keeps its role, with the reason (issue 12.7)', async () => {
    const { withAuthorizationDetails } = await import(
      '../../../lib/audit/live/authorizationDetailsSource.js'
    );
    const { mockClient } = await import('aws-sdk-client-mock');
    const { IAMClient, GetAccountAuthorizationDetailsCommand } = await import(
      '@aws-sdk/client-iam'
    );
    const iam = mockClient(IAMClient);
    const doc = (effect: string) =>
      encodeURIComponent(
        `{"Version":"2012-10-17","Statement":[{"Effect":"${effect}","Principal":"*","Action":"sts:AssumeRole"}]}`,
      );
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      IsTruncated: false,
      RoleDetailList: [
        {
          RoleName: 'bad',
          Arn: 'arn:aws:iam::111111111111:role/bad',
          Path: '/',
          RoleId: 'AROAB',
          AssumeRolePolicyDocument: doc('Permit'),
        },
        {
          RoleName: 'ok',
          Arn: 'arn:aws:iam::111111111111:role/ok',
          Path: '/',
          RoleId: 'AROAO',
          AssumeRolePolicyDocument: doc('Allow'),
        },
      ],
    });
    const clients = { iam: () => new IAMClient({ region: 'us-east-1' }) } as never;
    const src = withAuthorizationDetails({} as never, clients, async () => ({
      ok: true,
      value: { accessKeyId: 'a', secretAccessKey: 'b' },
    }));
    const roles = await src.roles('111111111111');
    expect(roles.ok).toBe(true);
    const [bad, ok] = roles.ok ? roles.value : [];
    expect(bad?.trustPolicyError).toMatch(/Effect/);
    expect(bad?.trustPolicy.statements).toEqual([]);
    expect(ok?.trustPolicyError).toBeUndefined();
    expect(ok?.trustPolicy.statements).toHaveLength(1);
    iam.restore();
  });

  it('falls back to the wrapped source (ListRoles, then GetRole for details) when the call is refused', async () => {
    const { withAuthorizationDetails } = await import(
      '../../../lib/audit/live/authorizationDetailsSource.js'
    );
    const { mockClient } = await import('aws-sdk-client-mock');
    const { IAMClient, GetAccountAuthorizationDetailsCommand } = await import(
      '@aws-sdk/client-iam'
    );
    const iam = mockClient(IAMClient);
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const listed = { name: 'r', tags: [] };
    const detailed = { name: 'r', tags: [{ key: 'trustwatch:ignore', value: '*' }] };
    const wrapped = {
      roles: async () => ({ ok: true, value: [listed] }),
      role: async () => ({ ok: true, value: detailed }),
    } as never;
    const clients = { iam: () => new IAMClient({ region: 'us-east-1' }) } as never;
    const src = withAuthorizationDetails(wrapped, clients, async () => ({
      ok: true,
      value: { accessKeyId: 'a', secretAccessKey: 'b' },
    }));
    expect(await src.roles('111111111111')).toEqual({ ok: true, value: [listed] });
    expect(await src.role('111111111111', 'r')).toEqual({ ok: true, value: detailed });
    iam.restore();
  });
});
