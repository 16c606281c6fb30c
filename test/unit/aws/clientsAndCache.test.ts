import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import {
  describeAwsError,
  isAccessDenied,
  isNotFound,
  isTransient,
} from '../../../lib/aws/awsErrors.js';
import {
  createClientFactory,
  globalServiceRegion,
  partitionOfRegion,
} from '../../../lib/aws/clients.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';
import { createTrailClients } from '../../../lib/aws/trailClients.js';

const CREDS = { accessKeyId: 'AKIA', secretAccessKey: 'x' };

/** An HTTP handler that answers every request with a canned STS response and counts attempts. */
function cannedHandler(statuses: number[]) {
  let i = 0;
  return {
    sent: () => i,
    handler: {
      handle: async () => {
        const status = statuses[Math.min(i, statuses.length - 1)] ?? 200;
        i += 1;
        const body =
          status === 200
            ? '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:user/u</Arn><UserId>AIDA</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>'
            : '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>';
        const { Readable } = await import('node:stream');
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'text/xml' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    },
  };
}

describe('createClientFactory', () => {
  it('defaults the region to us-east-1 and serves IAM and Organizations from their home region', async () => {
    const f = createClientFactory({ credentials: CREDS, env: {} });
    expect(f.region).toBe('us-east-1');
    expect(await f.iam().config.region()).toBe('us-east-1');
    const g = createClientFactory({ credentials: CREDS, env: { AWS_REGION: 'eu-west-1' } });
    expect(await g.sts().config.region()).toBe('eu-west-1');
    expect(await g.organizations().config.region()).toBe('us-east-1');
    expect(await createTrailClients(g).cloudTrail('ap-south-1').config.region()).toBe('ap-south-1');
  });

  it('uses the adaptive retry mode', async () => {
    const f = createClientFactory({ credentials: CREDS, env: {} });
    expect(await f.iam().config.retryStrategy()).toHaveProperty('mode', 'adaptive');
  });

  it.each([
    ['eu-west-1', 'aws', 'us-east-1'],
    ['cn-north-1', 'aws-cn', 'cn-northwest-1'],
    ['us-gov-east-1', 'aws-us-gov', 'us-gov-west-1'],
  ])('region %s is in partition %s (global services in %s)', (region, partition, home) => {
    expect(partitionOfRegion(region)).toBe(partition);
    expect(globalServiceRegion(partition)).toBe(home);
  });

  it('counts each operation once and each HTTP attempt, retries included', async () => {
    const f = createClientFactory({ credentials: CREDS, env: {}, maxAttempts: 3 });
    const canned = cannedHandler([400, 200]);
    const sts = f.sts();
    // Swap the transport only: the counting and retry middleware stay in place.
    (sts.config as { requestHandler: unknown }).requestHandler = canned.handler;
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('111111111111');
    expect(f.counter.count).toBe(1);
    expect(f.counter.attempts).toBe(2);
    expect(f.counter.byOperation.get('STS.GetCallerIdentity')).toBe(1);
  });
});

describe('ReadCache', () => {
  it('coalesces concurrent reads and keeps the value for its TTL', async () => {
    let now = 0;
    const cache = new ReadCache({ now: () => now });
    let reads = 0;
    const read = async () => {
      reads += 1;
      await new Promise((r) => setTimeout(r, 5));
      return reads;
    };
    const values = await Promise.all(
      Array.from({ length: 20 }, () => cache.get('k', read, () => 100)),
    );
    expect(new Set(values)).toEqual(new Set([1]));
    now = 99;
    expect(await cache.get('k', read, () => 100)).toBe(1);
    now = 100;
    expect(await cache.get('k', read, () => 100)).toBe(2);
  });

  it('does not keep rejected reads or values with a TTL of 0', async () => {
    const cache = new ReadCache();
    await expect(
      cache.get(
        'a',
        () => Promise.reject(new Error('boom')),
        () => 100,
      ),
    ).rejects.toThrow('boom');
    expect(
      await cache.get(
        'a',
        async () => 'ok',
        () => 100,
      ),
    ).toBe('ok');
    await cache.get(
      'b',
      async () => 'x',
      () => 0,
    );
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')).toBe('ok');
  });

  it('clears by prefix and bounds its size', async () => {
    const cache = new ReadCache({ maxEntries: 2 });
    await cache.get(
      'p|1',
      async () => 1,
      () => 1000,
    );
    await cache.get(
      'p|2',
      async () => 2,
      () => 1000,
    );
    await cache.get(
      'q|1',
      async () => 3,
      () => 1000,
    );
    expect(cache.size).toBe(2);
    expect(cache.peek('p|1')).toBeUndefined();
    cache.clear('p|');
    expect(cache.size).toBe(1);
    expect(cache.peek('q|1')).toBe(3);
  });
});

describe('awsErrors', () => {
  const err = (name: string, status = 400, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`${name} happened\nsecond line`), {
      name,
      $metadata: { httpStatusCode: status },
      ...extra,
    });

  it.each([
    ['AccessDenied', 403, { denied: true, notFound: false, transient: false }],
    ['NoSuchEntity', 404, { denied: false, notFound: true, transient: false }],
    ['Throttling', 400, { denied: false, notFound: false, transient: true }],
    ['TooManyRequestsException', 400, { denied: false, notFound: false, transient: true }],
    ['InternalFailure', 500, { denied: false, notFound: false, transient: true }],
    ['ValidationError', 400, { denied: false, notFound: false, transient: false }],
  ])('%s (%i)', (name, status, want) => {
    const e = err(name, status);
    expect({
      denied: isAccessDenied(e),
      notFound: isNotFound(e),
      transient: isTransient(e),
    }).toEqual(want);
  });

  it('describes an error on one line as `Name: message`', () => {
    expect(describeAwsError(err('AccessDenied', 403))).toBe('AccessDenied: AccessDenied happened');
    expect(describeAwsError('plain')).toBe('Error: plain');
  });
});
