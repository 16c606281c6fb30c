import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoNoiseStore, MAX_ROLES_PER_CALLER } from '../../../lib/dedup/DynamoNoiseStore.js';
import { BusyError } from '../../../lib/dedup/NoiseStore.js';
import { createNoiseTable } from './pipelineFixture.js';

/** The DynamoDB store's conditional writes against moto (one table per run). */
let store: DynamoNoiseStore;
const saved = { ...process.env };

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  const ddb = new DynamoDBClient({});
  const table = 'noise-store-test';
  await createNoiseTable(ddb, table);
  store = new DynamoNoiseStore(DynamoDBDocumentClient.from(ddb), table);
});

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('DynamoNoiseStore', () => {
  it('claims an event once, refuses a live lease, lets a retry take over a released one', async () => {
    expect((await store.beginEvent('e1', 1000, 120)).status).toBe('new');
    await expect(store.beginEvent('e1', 1001, 120)).rejects.toBeInstanceOf(BusyError);
    await store.markDelivered('e1', 'diagnosis:sns');
    await store.releaseEvent('e1');
    const retry = await store.beginEvent('e1', 1002, 120);
    expect(retry.status).toBe('new');
    expect([...retry.delivered]).toEqual(['diagnosis:sns']);
    await store.recordDecision('e1', 'alerted');
    await store.completeEvent('e1');
    expect((await store.beginEvent('e1', 5000, 120)).status).toBe('duplicate');
  });

  it('opens a window, counts repeats, lists it as due after its end, and lets exactly one sender claim the summary', async () => {
    expect((await store.occurrence('fp1', 'a', 1000, 600, '{"eventId":"a"}')).kind).toBe('first');
    expect((await store.occurrence('fp1', 'a', 1001, 600, '{}')).kind).toBe('first');
    const r = await store.occurrence('fp1', 'b', 1002, 600, '{}');
    expect(r).toMatchObject({ kind: 'repeat', window: { repeats: 1, firstEventId: 'a' } });
    await store.occurrence('fp1', 'c', 1003, 600, '{}');
    expect(await store.dueSummaries(1599, 10)).toEqual([]);
    const due = await store.dueSummaries(1600, 10);
    expect(due.map((w) => [w.fingerprint, w.repeats, w.sample])).toEqual([
      ['fp1', 2, '{"eventId":"a"}'],
    ]);
    expect((await store.occurrence('fp1', 'd', 1601, 600, '{}')).kind).toBe('summary-pending');

    expect(await store.claimSummary('fp1', 1600, 1601, 60)).toBe(true);
    expect(await store.claimSummary('fp1', 1600, 1602, 60)).toBe(false);
    // A crashed sender's lease expires and the next one takes over.
    expect(await store.claimSummary('fp1', 1600, 1700, 60)).toBe(true);
    await store.markSummaryDelivered('fp1', 1600, 'sns');
    await store.completeSummary('fp1', 1600);
    expect(await store.dueSummaries(2000, 10)).toEqual([]);
    expect(await store.claimSummary('fp1', 1600, 2000, 60)).toBe(false);
    // With the summary sent, the next occurrence opens a new window.
    expect(await store.occurrence('fp1', 'd', 1701, 600, '{}')).toMatchObject({
      kind: 'first',
      window: { windowStart: 1701, repeats: 0 },
    });
  });

  it('gives the enumeration alert to one event (and to its retries), and restarts the window when it ends', async () => {
    for (const role of ['r1', 'r2', 'r3', 'r2'])
      await store.recordMissingRole('caller', role, 1000, 600);
    const st = await store.recordMissingRole('caller', 'r4', 1001, 600);
    expect(st.roles).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(await store.claimEnumerationAlert('caller', st.windowEnd, 'e9', 1001)).toBe(true);
    expect(await store.claimEnumerationAlert('caller', st.windowEnd, 'e9', 1002)).toBe(true);
    expect(await store.claimEnumerationAlert('caller', st.windowEnd, 'e10', 1002)).toBe(false);
    const fresh = await store.recordMissingRole('caller', 'r5', 1600, 600);
    expect(fresh).toEqual({ caller: 'caller', windowStart: 1600, windowEnd: 2200, roles: ['r5'] });
  });

  it(`keeps at most ${MAX_ROLES_PER_CALLER} roles per caller window (item size bound)`, async () => {
    for (let i = 0; i < MAX_ROLES_PER_CALLER + 5; i++) {
      await store.recordMissingRole(
        'prober',
        `arn:aws:iam::222222222222:role/guess-${i}`,
        1000,
        600,
      );
    }
    const st = await store.recordMissingRole(
      'prober',
      'arn:aws:iam::222222222222:role/one-more',
      1001,
      600,
    );
    expect(st.roles).toHaveLength(MAX_ROLES_PER_CALLER);
  });
});
