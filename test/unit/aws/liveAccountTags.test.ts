import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLiveStateSource } from '../../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../../lib/aws/ReadCache.js';

const org = mockClient(OrganizationsClient);
let cache: ReadCache;
const source = () =>
  createLiveStateSource({
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' },
    region: 'eu-west-1',
    cache,
  });

beforeEach(() => {
  org.reset();
  cache = new ReadCache({ now: () => 1_000_000 });
  org
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { Id: 'o-abc', MasterAccountId: '999999999999' } });
  org
    .on(ListAccountsCommand)
    .resolves({ Accounts: [{ Id: '999999999999' }, { Id: '222222222222' }] });
  org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-1' }] });
});

describe('LiveStateSource.accountTags (what routing matches on)', () => {
  it('reads every page of an account’s tags once, then from the cache', async () => {
    org
      .on(ListTagsForResourceCommand, { ResourceId: '222222222222' })
      .resolvesOnce({ Tags: [{ Key: 'owner', Value: 'payments' }], NextToken: 'n' })
      .resolvesOnce({ Tags: [{ Key: 'trustwatch:route', Value: 'payments' }] });
    const s = await source();
    const expected = {
      ok: true,
      value: [
        { key: 'owner', value: 'payments' },
        { key: 'trustwatch:route', value: 'payments' },
      ],
    };
    expect(await s.accountTags('222222222222')).toEqual(expected);
    expect(await s.accountTags('222222222222')).toEqual(expected);
    expect(org).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 2);
  });

  it('has none for an account outside the organization, without asking', async () => {
    expect(await (await source()).accountTags('333333333333')).toEqual({ ok: true, value: [] });
    expect(org).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
  });

  it('reports a denied read as unreadable, naming the call', async () => {
    org
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const r = await (await source()).accountTags('222222222222');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('organizations:ListTagsForResource');
  });
});
