import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoNoiseStores } from '../../../lib/dedup/createDynamoNoiseStores.js';
import { DynamoDenialEvidence } from '../../../lib/dedup/DynamoDenialEvidence.js';
import { MAX_ROLES_PER_CALLER } from '../../../lib/dedup/DynamoEnumerationWindows.js';
import type { NoiseStores } from '../../../lib/dedup/NoiseStores.js';
import { BusyError } from '../../../lib/errors/TrustwatchError.js';
import { createNoiseTable } from './pipelineFixture.js';

/** The DynamoDB store's conditional writes against moto (one table per run). */
let stores: NoiseStores;
let doc: DynamoDBDocumentClient;
const table = 'noise-store-test';
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
  await createNoiseTable(ddb, table);
  doc = DynamoDBDocumentClient.from(ddb);
  stores = createDynamoNoiseStores(doc, table);
});

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('DynamoDB noise stores (ledger, windows, enumeration)', () => {
  it('claims an event once, refuses a live lease, lets a retry take over a released one', async () => {
    expect((await stores.ledger.beginEvent('e1', 1000, 120)).status).toBe('new');
    await expect(stores.ledger.beginEvent('e1', 1001, 120)).rejects.toBeInstanceOf(BusyError);
    await stores.ledger.markDelivered('e1', 'diagnosis:sns');
    await stores.ledger.releaseEvent('e1');
    const retry = await stores.ledger.beginEvent('e1', 1002, 120);
    expect(retry.status).toBe('new');
    expect([...retry.delivered]).toEqual(['diagnosis:sns']);
    await stores.ledger.recordDecision('e1', 'alerted');
    await stores.ledger.completeEvent('e1');
    expect((await stores.ledger.beginEvent('e1', 5000, 120)).status).toBe('duplicate');
  });

  it('opens a window, counts repeats, lists it as due after its end, and lets exactly one sender claim the summary', async () => {
    expect((await stores.windows.occurrence('fp1', 'a', 1000, 600, '{"eventId":"a"}')).kind).toBe(
      'first',
    );
    expect((await stores.windows.occurrence('fp1', 'a', 1001, 600, '{}')).kind).toBe('first');
    const r = await stores.windows.occurrence('fp1', 'b', 1002, 600, '{}');
    expect(r).toMatchObject({ kind: 'repeat', window: { repeats: 1, firstEventId: 'a' } });
    await stores.windows.occurrence('fp1', 'c', 1003, 600, '{}');
    expect(await stores.windows.dueSummaries(1599, 10)).toEqual([]);
    const due = await stores.windows.dueSummaries(1600, 10);
    expect(due.map((w) => [w.fingerprint, w.repeats, w.sample])).toEqual([
      ['fp1', 2, '{"eventId":"a"}'],
    ]);
    expect((await stores.windows.occurrence('fp1', 'd', 1601, 600, '{}')).kind).toBe(
      'summary-pending',
    );

    expect(await stores.windows.claimSummary('fp1', 1600, 1601, 60)).toBe(true);
    expect(await stores.windows.claimSummary('fp1', 1600, 1602, 60)).toBe(false);
    // A crashed sender's lease expires and the next one takes over.
    expect(await stores.windows.claimSummary('fp1', 1600, 1700, 60)).toBe(true);
    await stores.windows.markSummaryDelivered('fp1', 1600, 'sns');
    await stores.windows.completeSummary('fp1', 1600);
    expect(await stores.windows.dueSummaries(2000, 10)).toEqual([]);
    expect(await stores.windows.claimSummary('fp1', 1600, 2000, 60)).toBe(false);
    // With the summary sent, the next occurrence opens a new window.
    expect(await stores.windows.occurrence('fp1', 'd', 1701, 600, '{}')).toMatchObject({
      kind: 'first',
      window: { windowStart: 1701, repeats: 0 },
    });
  });

  it('gives the enumeration alert to one event (and to its retries), and restarts the window when it ends', async () => {
    for (const role of ['r1', 'r2', 'r3', 'r2'])
      await stores.enumeration.recordMissingRole('caller', role, 1000, 600);
    const st = await stores.enumeration.recordMissingRole('caller', 'r4', 1001, 600);
    expect(st.roles).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(await stores.enumeration.claimEnumerationAlert('caller', st.windowEnd, 'e9', 1001)).toBe(
      true,
    );
    expect(await stores.enumeration.claimEnumerationAlert('caller', st.windowEnd, 'e9', 1002)).toBe(
      true,
    );
    expect(
      await stores.enumeration.claimEnumerationAlert('caller', st.windowEnd, 'e10', 1002),
    ).toBe(false);
    const fresh = await stores.enumeration.recordMissingRole('caller', 'r5', 1600, 600);
    expect(fresh).toEqual({ caller: 'caller', windowStart: 1600, windowEnd: 2200, roles: ['r5'] });
  });

  it(`keeps at most ${MAX_ROLES_PER_CALLER} roles per caller window (item size bound)`, async () => {
    // A window two roles short of the cap, written at once (1,000 writes one by one take a minute on a busy machine).
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'enum#prober',
          windowStart: 1000,
          windowEnd: 1600,
          expiresAt: 1600 + 86_400,
          roles: new Set(
            Array.from(
              { length: MAX_ROLES_PER_CALLER - 2 },
              (_, i) => `arn:aws:iam::222222222222:role/seed-${i}`,
            ),
          ),
        },
      }),
    );
    for (let i = 0; i < 5; i++) {
      await stores.enumeration.recordMissingRole(
        'prober',
        `arn:aws:iam::222222222222:role/guess-${i}`,
        1000,
        600,
      );
    }
    const st = await stores.enumeration.recordMissingRole(
      'prober',
      'arn:aws:iam::222222222222:role/one-more',
      1001,
      600,
    );
    expect(st.roles).toHaveLength(MAX_ROLES_PER_CALLER);
  });
});

describe("DynamoDenialEvidence denial summaries (the audit's evidence, GSI `denials`)", () => {
  const ACCOUNT = '222222222222';
  const MFA_ROLE = `arn:aws:iam::${ACCOUNT}:role/NightlyExport`;
  const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/DeployRole`;
  const CI = 'arn:aws:iam::111111111111:role/ci-runner';
  const DAY = 86_400;

  it('adds up counts and unions causes per role and caller principal, in one item', async () => {
    const base = {
      roleAccountId: ACCOUNT,
      roleArn: MFA_ROLE,
      callerPrincipal: CI,
      callerArn: CI,
      callerType: 'AssumedRole',
    };
    await stores.evidence.recordDenial(
      { ...base, causes: ['TRUST_CONDITION_MFA'] },
      10_000,
      30 * DAY,
    );
    await stores.evidence.recordDenial(
      { ...base, causes: ['TRUST_CONDITION_MFA', 'IDENTITY_NO_ALLOW'] },
      10_100,
      30 * DAY,
    );
    await stores.evidence.recordDenial({ ...base, causes: [] }, 10_200, 30 * DAY);
    const got = await doc.send(
      new GetCommand({ TableName: table, Key: { pk: `den#${MFA_ROLE}#${CI}` } }),
    );
    expect(got.Item).toMatchObject({
      denialAccount: ACCOUNT,
      lastSeenAt: 10_200,
      lastSeen: new Date(10_200_000).toISOString(),
      count: 3,
      expiresAt: 10_200 + 30 * DAY,
    });
    expect(await stores.evidence.recentDenials(ACCOUNT, 0)).toEqual([
      {
        roleArn: MFA_ROLE,
        callerArn: CI,
        callerType: 'AssumedRole',
        causes: ['IDENTITY_NO_ALLOW', 'TRUST_CONDITION_MFA'],
        count: 3,
        lastSeen: new Date(10_200_000).toISOString(),
      },
    ]);
  });

  it("returns the account's summaries newest first, since the bound only, never another account's", async () => {
    await stores.evidence.recordDenial(
      {
        roleAccountId: ACCOUNT,
        roleArn: OTHER_ROLE,
        callerPrincipal: `WebIdentityUser:${ACCOUNT}`,
        callerType: 'WebIdentityUser',
        causes: ['OIDC_CLAIM_MISMATCH'],
      },
      5_000,
      30 * DAY,
    );
    await stores.evidence.recordDenial(
      {
        roleAccountId: '999999999999',
        roleArn: 'arn:aws:iam::999999999999:role/Elsewhere',
        callerPrincipal: CI,
        callerArn: CI,
        callerType: 'AssumedRole',
        causes: ['TARGET_ACCOUNT_OUTSIDE_ORG'],
      },
      10_300,
      30 * DAY,
    );
    const all = await stores.evidence.recentDenials(ACCOUNT, 0);
    expect(all.map((d) => [d.roleArn, d.callerType, d.count])).toEqual([
      [MFA_ROLE, 'AssumedRole', 3],
      [OTHER_ROLE, 'WebIdentityUser', 1],
    ]);
    expect(all[1]?.callerArn).toBeUndefined();
    // The bound is inclusive: last seen exactly at `since` counts as recent.
    expect((await stores.evidence.recentDenials(ACCOUNT, 5_000)).map((d) => d.roleArn)).toEqual([
      MFA_ROLE,
      OTHER_ROLE,
    ]);
    expect((await stores.evidence.recentDenials(ACCOUNT, 5_001)).map((d) => d.roleArn)).toEqual([
      MFA_ROLE,
    ]);
    expect(await stores.evidence.recentDenials(ACCOUNT, 10_201)).toEqual([]);
    expect((await stores.evidence.recentDenials('999999999999', 0)).map((d) => d.roleArn)).toEqual([
      'arn:aws:iam::999999999999:role/Elsewhere',
    ]);
    expect(await stores.evidence.recentDenials('333333333333', 0)).toEqual([]);
  });

  it('follows the index pages to the end', async () => {
    const account = '444444444444';
    for (let i = 0; i < 7; i++) {
      await stores.evidence.recordDenial(
        {
          roleAccountId: account,
          roleArn: `arn:aws:iam::${account}:role/Role${i}`,
          callerPrincipal: CI,
          callerArn: CI,
          callerType: 'AssumedRole',
          causes: ['TRUST_PRINCIPAL_NOT_TRUSTED'],
        },
        20_000 + i,
        DAY,
      );
    }
    let queries = 0;
    const counting = {
      send: (cmd: unknown) => {
        if (cmd instanceof QueryCommand) queries++;
        return doc.send(cmd as QueryCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const paged = new DynamoDenialEvidence(counting, table, { denialPageSize: 2 });
    const got = await paged.recentDenials(account, 0);
    expect(got.map((d) => d.roleArn)).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((i) => `arn:aws:iam::${account}:role/Role${i}`),
    );
    expect(queries).toBeGreaterThanOrEqual(4);
  });
});
