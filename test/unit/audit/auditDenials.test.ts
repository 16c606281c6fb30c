import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createHandler as createWorker } from '../../../functions/auditWorker.js';
import { loadAuditConfig } from '../../../lib/audit/aws/auditConfig.js';
import { createAccountAuditor } from '../../../lib/audit/aws/liveAccountAuditor.js';
import type { DenialReader } from '../../../lib/audit/DenialReader.js';
import type { DenialSummary } from '../../../lib/audit/DenialSummary.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';
import type { IamStateSource } from '../../../lib/state/IamStateSource.js';
import { allow, role } from './auditFixtures.js';
import { MemoryAuditStore } from './memoryAuditStore.js';

/**
 * The scheduled audit reads the explain pipeline's denial summaries of the
 * account it audits and hands them to the rules; a failed read is a warning,
 * never a failed audit.
 */
const NOW = new Date('2026-11-24T05:17:00Z');
const ACCOUNT = '222222222222';
const RUN = '2026-11-24T05:17:00.000Z-abcdef12';

// Trusts a whole in-organization account and requires MFA: only denials can show machines use it.
const mfaRole = role({
  name: 'NightlyExport',
  statements: [
    allow(
      { AWS: 'arn:aws:iam::111111111111:root' },
      { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    ),
  ],
});

const machineDenial: DenialSummary = {
  roleArn: mfaRole.arn,
  callerArn: 'arn:aws:iam::111111111111:role/ci-runner',
  callerType: 'AssumedRole',
  causes: ['TRUST_CONDITION_MFA'],
  count: 7,
  lastSeen: '2026-11-23T22:00:00.000Z',
};

const source = {
  organization: async () => ({
    ok: true as const,
    value: {
      id: 'o-x',
      managementAccountId: '111111111111',
      accounts: [{ id: '111111111111' }, { id: ACCOUNT }],
    },
  }),
  roles: async () => ({ ok: true as const, value: [mfaRole] }),
  role: async () => ({ ok: true as const, value: mfaRole }),
  oidcProviders: async () => ({ ok: true as const, value: [] }),
  samlProviders: async () => ({ ok: true as const, value: [] }),
} as unknown as IamStateSource;

const blindSpots = {
  forwardRule: async (_a: string, region: string) => ({
    ok: true as const,
    value: { region, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' },
  }),
  trails: async () => ({ ok: true as const, value: [] }),
};

function auditor(denials?: DenialReader, extra: { lookback?: number } = {}) {
  const unreadable: string[] = [];
  const audit = createAccountAuditor({
    source,
    blindSpots,
    suppressions: [],
    unusedDays: 90,
    regions: ['us-east-1'],
    forwardRuleName: 'r',
    now: () => NOW,
    ...(denials === undefined ? {} : { denials }),
    ...(extra.lookback === undefined ? {} : { denialLookbackDays: extra.lookback }),
    onDenialsUnreadable: (a, reason) => void unreadable.push(`${a}: ${reason}`),
  });
  return { audit, unreadable };
}

function reader(result: () => Promise<readonly DenialSummary[]>) {
  const calls: [string, number][] = [];
  const r: DenialReader = {
    recentDenials: async (accountId, since) => {
      calls.push([accountId, since]);
      return result();
    },
  };
  return { r, calls };
}

describe('the account auditor reads recent denials', () => {
  it('passes the denials of the audited account to the rules (the finding cites them)', async () => {
    const { r, calls } = reader(async () => [machineDenial]);
    const { audit, unreadable } = auditor(r);
    const res = await audit(RUN, ACCOUNT);
    expect(calls).toEqual([[ACCOUNT, NOW.getTime() / 1000 - 30 * 86_400]]);
    const f = res.findings.find((x) => x.code === 'MFA_REQUIRED_ON_AUTOMATION_ROLE');
    expect(f?.roleArn).toBe(mfaRole.arn);
    expect(JSON.stringify(f?.evidence)).toContain(
      '7 recent denial(s) of AssumedRole caller `arn:aws:iam::111111111111:role/ci-runner`',
    );
    expect(res.warnings).toEqual([]);
    expect(unreadable).toEqual([]);
  });

  it('reads as far back as the configured lookback', async () => {
    const { r, calls } = reader(async () => []);
    await auditor(r, { lookback: 7 }).audit(RUN, ACCOUNT);
    expect(calls[0]?.[1]).toBe(NOW.getTime() / 1000 - 7 * 86_400);
  });

  it('without a reader, audits without denials (no MFA finding, no warning)', async () => {
    const res = await auditor().audit(RUN, ACCOUNT);
    expect(res.findings.map((f) => f.code)).not.toContain('MFA_REQUIRED_ON_AUTOMATION_ROLE');
    expect(res.warnings).toEqual([]);
  });

  it('a failed read is a warning (and a callback), and the account is still audited', async () => {
    const { r } = reader(async () => {
      throw new Error('AccessDeniedException: not authorized to perform dynamodb:Query\nmore');
    });
    const { audit, unreadable } = auditor(r);
    const res = await audit(RUN, ACCOUNT);
    expect(res.error).toBeUndefined();
    expect(res.rolesAudited).toBe(1);
    expect(res.findings.map((f) => f.code)).not.toContain('MFA_REQUIRED_ON_AUTOMATION_ROLE');
    expect(res.warnings).toEqual([
      `recent denials of ${ACCOUNT} unreadable (AccessDeniedException: not authorized to perform dynamodb:Query): audited without them, so findings that need denial evidence may be missing`,
    ]);
    expect(unreadable).toEqual([
      `${ACCOUNT}: AccessDeniedException: not authorized to perform dynamodb:Query`,
    ]);
  });
});

describe('auditWorker with denials', () => {
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
  const event = {
    Records: [
      {
        messageId: 'm0',
        receiptHandle: 'r0',
        body: JSON.stringify({ runId: RUN, accountId: ACCOUNT }),
        attributes: { ApproximateReceiveCount: '1' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q',
        awsRegion: 'us-east-1',
      },
    ],
  } as unknown as SQSEvent;

  async function run(r: DenialReader) {
    const store = new MemoryAuditStore();
    await store.startRun(RUN, NOW.toISOString(), [ACCOUNT]);
    const worker = createWorker({
      auditAccount: auditor(r).audit,
      store,
      finishRun: async () => null,
      logger,
      metrics,
    });
    const res = await worker(event);
    const [result] = await store.accountResults(RUN);
    return { res, result };
  }

  it('stores the findings the denials it read made possible', async () => {
    const { res, result } = await run(reader(async () => [machineDenial]).r);
    expect(res.batchItemFailures).toEqual([]);
    expect(result?.findings.map((f) => f.code)).toContain('MFA_REQUIRED_ON_AUTOMATION_ROLE');
  });

  it('survives a failed read: the account is recorded with the warning, not retried', async () => {
    const { res, result } = await run(
      reader(async () => {
        throw new Error('ResourceNotFoundException: Requested resource not found');
      }).r,
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(result?.error).toBeUndefined();
    expect(result?.warnings).toEqual([
      expect.stringContaining(`recent denials of ${ACCOUNT} unreadable`),
    ]);
  });
});

describe('loadAuditConfig: the denial source', () => {
  const base = { TRUSTWATCH_AUDIT_TABLE_NAME: 'audit-table', AWS_REGION: 'eu-west-1' };

  it('reads no denials unless the noise table is named; looks back 30 days by default', () => {
    const c = loadAuditConfig(base);
    expect(c.denialsTableName).toBeUndefined();
    expect(c.denialLookbackDays).toBe(30);
    expect(loadAuditConfig({ ...base, TRUSTWATCH_DENIALS_TABLE_NAME: ' ' }).denialsTableName).toBe(
      undefined,
    );
  });

  it('reads the table name and the lookback', () => {
    expect(
      loadAuditConfig({
        ...base,
        TRUSTWATCH_DENIALS_TABLE_NAME: 'trustwatch-prod-NoiseTable-1A2B3C',
        TRUSTWATCH_AUDIT_DENIAL_DAYS: '365',
      }),
    ).toMatchObject({
      denialsTableName: 'trustwatch-prod-NoiseTable-1A2B3C',
      denialLookbackDays: 365,
    });
  });

  it.each([
    ['TRUSTWATCH_AUDIT_DENIAL_DAYS', '0', 'from 1 to 365'],
    ['TRUSTWATCH_AUDIT_DENIAL_DAYS', '366', 'from 1 to 365'],
    ['TRUSTWATCH_AUDIT_DENIAL_DAYS', 'a month', 'from 1 to 365'],
    ['TRUSTWATCH_DENIALS_TABLE_NAME', 'no spaces allowed', 'DynamoDB table name'],
    ['TRUSTWATCH_DENIALS_TABLE_NAME', 'ab', 'DynamoDB table name'],
  ])('rejects %s=%j in one line naming it', (variable, value, text) => {
    let err: unknown;
    try {
      loadAuditConfig({ ...base, [variable]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).toContain(`\`${variable}\``);
    expect(message).toContain(text);
    expect(message).not.toContain('\n');
    expect((err as ConfigError).context.variable).toBe(variable);
  });
});
