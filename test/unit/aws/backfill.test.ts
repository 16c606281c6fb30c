import { readFileSync } from 'node:fs';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClientFactory } from '../../../lib/aws/clients.js';
import { lookupAssumeRoleEvents, RateLimiter } from '../../../lib/aws/lookupDenials.js';
import { createTrailClients } from '../../../lib/aws/trailClients.js';
import {
  aggregateDenials,
  createBackfillCommand,
  parseSince,
} from '../../../lib/cli/backfillCommand.js';
import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { memoryIo } from '../../support/memoryIo.js';

const cloudtrail = mockClient(CloudTrailClient);
const account = mockClient(AccountClient);
const CREDS = { accessKeyId: 'AKIA', secretAccessKey: 'x' };
const NOW = new Date('2026-03-05T00:00:00Z');

/** The shared sample of a trust-policy denial, as LookupEvents returns it (a JSON string). */
const SAMPLE = JSON.parse(
  readFileSync(
    new URL('../../../../shared/events/01-trust-policy-lacks-principal.json', import.meta.url),
    'utf8',
  ),
) as { detail: Record<string, unknown> };

function lookupEvent(id: string, time: string, overrides: Record<string, unknown> = {}) {
  const record = { ...SAMPLE.detail, eventID: id, eventTime: time, ...overrides };
  return { EventId: id, EventName: 'AssumeRole', CloudTrailEvent: JSON.stringify(record) };
}

beforeEach(() => {
  cloudtrail.reset();
  account.reset();
});

describe('lookupAssumeRoleEvents', () => {
  it('asks each region once per event name, follows NextToken and keeps a record seen twice once', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    cloudtrail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }],
      })
      .resolvesOnce({ Events: [lookupEvent('e1', '2026-03-02T09:14:07Z')], NextToken: 't1' })
      .resolvesOnce({
        Events: [
          lookupEvent('e2', '2026-03-03T09:14:07Z'),
          lookupEvent('e1', '2026-03-02T09:14:07Z'),
        ],
      })
      .resolves({ Events: [] });
    const clients = createTrailClients(createClientFactory({ credentials: CREDS, env: {} }));
    const r = await lookupAssumeRoleEvents(clients, {
      regions: ['eu-west-1', 'us-east-1'],
      since: new Date('2026-02-26T00:00:00Z'),
      until: NOW,
      intervalMs: 0,
    });
    expect(r.records.map((x) => x.eventId).sort()).toEqual(['e1', 'e2']);
    expect(r.failures).toEqual([]);
    // AssumeRole: 2 pages in the first region asked, 1 in the other; the two federated names: 1 each per region.
    expect(cloudtrail).toHaveReceivedCommandTimes(LookupEventsCommand, 7);
    expect(cloudtrail).toHaveReceivedCommandWith(LookupEventsCommand, { NextToken: 't1' });
    expect(cloudtrail).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [
        { AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithWebIdentity' },
      ],
      StartTime: new Date('2026-02-26T00:00:00Z'),
      EndTime: NOW,
    });
  });

  it('names a region it could not read and goes on with the others', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    const denied = Object.assign(new Error('not authorized to perform cloudtrail:LookupEvents'), {
      name: 'AccessDeniedException',
    });
    cloudtrail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithSAML' }],
      })
      .rejects(denied);
    const r = await lookupAssumeRoleEvents(
      createTrailClients(createClientFactory({ credentials: CREDS, env: {} })),
      {
        regions: ['eu-west-1'],
        since: new Date('2026-03-01T00:00:00Z'),
        until: NOW,
        intervalMs: 0,
      },
    );
    expect(r.failures).toEqual([
      {
        region: 'eu-west-1',
        reason:
          'cloudtrail:LookupEvents (AssumeRoleWithSAML) failed: AccessDeniedException: not authorized to perform cloudtrail:LookupEvents',
      },
    ]);
  });

  it('spaces the calls of a region 500 ms apart (2 requests per second)', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    let clock = 0;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
      clock += ms;
    };
    await lookupAssumeRoleEvents(
      createTrailClients(createClientFactory({ credentials: CREDS, env: {} })),
      {
        regions: ['eu-west-1'],
        since: new Date('2026-03-01T00:00:00Z'),
        until: NOW,
        now: () => clock,
        sleep,
      },
    );
    expect(waits).toEqual([500, 500]);
  });
});

describe('RateLimiter', () => {
  it('lets the first call go at once and queues the next ones', async () => {
    let clock = 1000;
    const waits: number[] = [];
    const limiter = new RateLimiter(
      500,
      () => clock,
      async (ms) => {
        waits.push(ms);
      },
    );
    await Promise.all([limiter.take(), limiter.take(), limiter.take()]);
    expect(waits).toEqual([500, 1000]);
    clock = 5000;
    await limiter.take();
    expect(waits).toEqual([500, 1000]);
  });
});

describe('parseSince', () => {
  it.each([
    ['7d', '2026-02-26T00:00:00.000Z'],
    ['12h', '2026-03-04T12:00:00.000Z'],
    ['30m', '2026-03-04T23:30:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseSince(text, NOW).toISOString()).toBe(iso);
  });

  it.each([
    ['7 days', /must look like 30m, 12h, 7d or a date/],
    ['91d', /more than 90 days back/],
    ['2027-01-01', /is not in the past/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSince(text, NOW)).toThrow(ConfigError);
    expect(() => parseSince(text, NOW)).toThrow(message);
  });
});

describe('aggregateDenials', () => {
  const d = (arn: string, role: string, code: string, time: string): Diagnosis =>
    ({
      eventId: time,
      eventName: 'AssumeRole',
      eventTime: time,
      caller: { arn, type: 'AssumedRole' },
      target: { roleArn: role },
      causes: [
        { code, confidence: 'likely', side: 'trust', summary: `because ${code}`, evidence: {} },
      ],
      fixes: [{ cause: code, title: `fix ${code}`, awsCli: 'aws iam x' }],
    }) as unknown as Diagnosis;

  it('groups sessions of one role by role, target and cause, with count, first and last seen', () => {
    const groups = aggregateDenials([
      {
        diagnosis: d(
          'arn:aws:sts::111111111111:assumed-role/ci/s1',
          'R',
          'A',
          '2026-03-02T00:00:00Z',
        ),
        region: 'eu-west-1',
      },
      {
        diagnosis: d(
          'arn:aws:sts::111111111111:assumed-role/ci/s2',
          'R',
          'A',
          '2026-03-01T00:00:00Z',
        ),
        region: 'us-east-1',
      },
      {
        diagnosis: d(
          'arn:aws:sts::111111111111:assumed-role/ci/s3',
          'R',
          'B',
          '2026-03-03T00:00:00Z',
        ),
        region: 'eu-west-1',
      },
    ]);
    expect(groups).toEqual([
      {
        caller: 'arn:aws:iam::111111111111:role/ci',
        roleArn: 'R',
        cause: 'A',
        confidence: 'likely',
        summary: 'because A',
        count: 2,
        firstSeen: '2026-03-01T00:00:00Z',
        lastSeen: '2026-03-02T00:00:00Z',
        regions: ['eu-west-1', 'us-east-1'],
        fix: { title: 'fix A', awsCli: 'aws iam x' },
      },
      expect.objectContaining({ cause: 'B', count: 1 }),
    ]);
  });
});

describe('trustwatch backfill', () => {
  it('reports the denials of every region asked, explained against a snapshot', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    cloudtrail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }],
      })
      .resolves({
        Events: [
          lookupEvent('e1', '2026-03-02T09:14:07Z'),
          lookupEvent('e2', '2026-03-03T10:00:00Z'),
          // A successful AssumeRole: read, not a denial.
          lookupEvent('ok', '2026-03-03T11:00:00Z', {
            errorCode: undefined,
            errorMessage: undefined,
          }),
        ],
      });
    const backfill = createBackfillCommand({
      credentials: CREDS,
      source: new SnapshotStateSource(demoSnapshot()),
      intervalMs: 0,
    });
    const io = memoryIo({ now: NOW, env: {} });
    const code = await backfill(
      ['--since', '7d', '--regions', 'eu-west-1', '--format', 'json'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out()) as {
      scanned: number;
      denied: number;
      groups: { count: number; cause: string; firstSeen: string; lastSeen: string }[];
    };
    expect(report.scanned).toBe(3);
    expect(report.denied).toBe(2);
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({
      count: 2,
      cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
      firstSeen: '2026-03-02T09:14:07Z',
      lastSeen: '2026-03-03T10:00:00Z',
    });
  });

  it('asks every enabled region when none is named, and prints text by default', async () => {
    account
      .on(ListRegionsCommand)
      .resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    const backfill = createBackfillCommand({
      credentials: CREDS,
      source: new SnapshotStateSource(demoSnapshot()),
      intervalMs: 0,
    });
    const io = memoryIo({ now: NOW, env: {} });
    expect(await backfill([], io)).toBe(0);
    expect(io.out()).toBe(
      '0 denied role assumptions since 2026-02-26T00:00:00.000Z in 2 regions (0 AssumeRole* events read)\n\nnothing was denied.\n',
    );
    expect(cloudtrail).toHaveReceivedCommandTimes(LookupEventsCommand, 6);
  });

  it('asks for --regions when the enabled regions cannot be listed', async () => {
    account
      .on(ListRegionsCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    const backfill = createBackfillCommand({
      credentials: CREDS,
      source: new SnapshotStateSource(demoSnapshot()),
      intervalMs: 0,
    });
    await expect(backfill([], memoryIo({ now: NOW, env: {} }))).rejects.toThrow(
      "cannot list the account's enabled regions (AccessDeniedException: not allowed): pass `--regions`",
    );
  });

  it('rejects an unknown option and a bad region', async () => {
    const backfill = createBackfillCommand({ credentials: CREDS, intervalMs: 0 });
    await expect(backfill(['--bogus'], memoryIo({ now: NOW }))).rejects.toThrow(
      'unknown option `--bogus`',
    );
    await expect(backfill(['--regions', 'mars'], memoryIo({ now: NOW }))).rejects.toThrow(
      '`mars` is not a valid value for `--regions`',
    );
  });
});
