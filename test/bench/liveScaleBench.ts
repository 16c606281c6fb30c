import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { auditOrganization } from '../../lib/audit/auditOrganization.js';
import { createLiveAuditSources } from '../../lib/audit/live/createLiveAuditSources.js';
import { withCallBudget } from '../../lib/aws/callBudget.js';
import { type CallCounter, createCallCounter } from '../../lib/aws/clients.js';
import { mapLimit } from '../../lib/aws/collectSnapshot.js';
import { createLiveStateSource } from '../../lib/aws/createLiveStateSource.js';
import {
  dynamoRoleIndexStore,
  indexedOrganization,
  sharedRoleIndexFromTable,
} from '../../lib/aws/createSharedRoleIndex.js';
import { ReadCache } from '../../lib/aws/ReadCache.js';
import { readerPermissionsPolicy, readerTrustPolicy } from '../../lib/aws/readerPolicy.js';
import { readOrganizationStructure } from '../../lib/aws/readOrganizationStructure.js';
import { snapshotCommand } from '../../lib/cli/snapshotCommand.js';
import { explainEvent } from '../../lib/explain/explainEvent.js';
import type { DenialEvent } from '../../lib/intake/DenialEvent.js';
import { readInput } from '../../lib/intake/readInput.js';
import { memoryIo } from '../support/memoryIo.js';
import {
  buildTestOrg,
  denialRecord,
  READER_ROLE_NAME,
  READER_ROLE_PATH,
  type TestOrg,
} from '../support/motoOrg.js';
import { resetMoto, startMotoServer, useMotoEnvironment } from '../support/motoServer.js';

/**
 * Live reads at organization scale against a dedicated moto_server: the test
 * organization grown by 100 member accounts (10 roles each, the reader role,
 * a `runner` caller role in the first ten). Measured, every SDK operation
 * counted once (DynamoDB reads of the role index included):
 * - the live audit of every account and `snapshot --all`: calls and wall
 *   time per account (moto's times are only indicative);
 * - a role-not-found diagnosis with the role index warm: ≤ 10 calls cold,
 *   0 warm (targets of issue 13);
 * - 1,000 events over 100 caller/role pairs, nothing cached, the role index
 *   in its table: ≤ 200 calls.
 */
const MEMBERS = 100;
const ROLES_PER_ACCOUNT = 10;
const TABLE = 'trustwatch-bench-role-index';

const doc = (o: unknown): string => JSON.stringify(o);

function verdict(n: number, target: number): string {
  return n <= target ? 'ok' : 'OVER TARGET';
}

function event(record: Record<string, unknown>): DenialEvent {
  const e = readInput(record, 'bench').events[0];
  if (e === undefined) throw new Error('bench record did not read as a denial');
  return e;
}

function breakdown(c: CallCounter, since: Map<string, number>): string {
  const parts: string[] = [];
  for (const [op, n] of [...c.byOperation.entries()].sort()) {
    const d = n - (since.get(op) ?? 0);
    if (d > 0) parts.push(`${op} ${d}`);
  }
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** 100 member accounts under a `Scale` OU, each with the reader role and a few roles. */
async function growOrganization(org: TestOrg): Promise<string[]> {
  const base = { region: 'us-east-1' };
  const orgs = new OrganizationsClient(base);
  const sts = new STSClient(base);
  const ou =
    (await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: org.rootId, Name: 'Scale' })))
      .OrganizationalUnit?.Id ?? '';
  const ids: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const id =
      (
        await orgs.send(
          new CreateAccountCommand({ AccountName: `scale-${i}`, Email: `scale-${i}@example.com` }),
        )
      ).CreateAccountStatus?.AccountId ?? '';
    await orgs.send(
      new MoveAccountCommand({
        AccountId: id,
        SourceParentId: org.rootId,
        DestinationParentId: ou,
      }),
    );
    ids.push(id);
  }
  await mapLimit(ids, 8, async (id) => {
    const c = (
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
          RoleSessionName: 'bench-setup',
        }),
      )
    ).Credentials;
    const iam = new IAMClient({
      ...base,
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      },
    });
    await iam.send(
      new CreateRoleCommand({
        RoleName: READER_ROLE_NAME,
        Path: READER_ROLE_PATH,
        AssumeRolePolicyDocument: doc(readerTrustPolicy(org.trustwatch.arn)),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: READER_ROLE_NAME,
        PolicyName: 'trustwatch-read',
        PolicyDocument: doc(readerPermissionsPolicy()),
      }),
    );
    for (let r = 0; r < ROLES_PER_ACCOUNT; r++) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: `app-${r}-deploy`,
          AssumeRolePolicyDocument: doc({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${org.accounts.ci}:role/ci-deployer` },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        }),
      );
    }
    if (ids.indexOf(id) < 10) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'runner',
          AssumeRolePolicyDocument: doc({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${id}:root` },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        }),
      );
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: 'runner',
          PolicyName: 'assume-any',
          PolicyDocument: doc({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
          }),
        }),
      );
    }
  });
  return ids;
}

export async function run(): Promise<void> {
  const moto = await startMotoServer();
  const restore = useMotoEnvironment(moto.endpoint);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
  const savedKeys = keys.map((k) => process.env[k]);
  try {
    await resetMoto(moto.endpoint);
    const org = await buildTestOrg();
    let t = performance.now();
    const members = await growOrganization(org);
    out(
      `organization on moto_server: ${members.length + 5} accounts (${members.length} added with ${ROLES_PER_ACCOUNT} roles each, built in ${((performance.now() - t) / 1000).toFixed(0)} s)`,
    );
    process.env.AWS_ACCESS_KEY_ID = org.trustwatch.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = org.trustwatch.credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    await new DynamoDBClient({}).send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );

    // 1. The live audit of every account; it writes the role index as the workers do.
    const audit = await createLiveAuditSources({ credentials: org.trustwatch.credentials });
    t = performance.now();
    const report = await auditOrganization(audit.source, {
      now: new Date('2026-11-24T06:00:00Z'),
      fetchDetails: true,
      state: { kind: 'live', label: 'moto_server' },
      suppressions: [],
      denials: [],
      unusedDays: 90,
      accountConcurrency: 8,
    });
    const auditMs = performance.now() - t;
    const n = report.accounts.length;
    out(
      `live audit of ${n} accounts, 8 at once: ${audit.counter.count} calls (${(audit.counter.count / n).toFixed(1)} per account), ${(auditMs / 1000).toFixed(1)} s wall (${(auditMs / n).toFixed(0)} ms per account)`,
    );
    const indexCounter = createCallCounter();
    const store = dynamoRoleIndexStore(TABLE, indexCounter);
    const orgClient = await audit.live.organizationsClient();
    if (!orgClient.ok) throw new Error(orgClient.reason);
    const structure = await readOrganizationStructure(orgClient.value);
    if (structure === null) throw new Error('no organization');
    await store.putOrganization(indexedOrganization(structure, new Date()));
    for (const a of report.accounts) {
      const roles = await audit.source.roles(a.accountId);
      if (roles.ok)
        await store.putAccount({
          accountId: a.accountId,
          indexedAt: new Date().toISOString(),
          roles: roles.value.map((r) => ({ name: r.name, path: r.path, roleId: r.roleId })),
        });
    }
    out(
      `  role index written: ${indexCounter.count} DynamoDB calls (one item per account and one for the organization's tree)`,
    );

    // 2. `trustwatch snapshot --all`.
    const io = memoryIo();
    t = performance.now();
    await snapshotCommand(['--out', 'bench.json', '--all'], io);
    out(`snapshot --all: ${io.out().trim()}`);

    // 3. Role not found, role index warm (loaded by an earlier event), organization cached.
    const counter = createCallCounter();
    const cache = new ReadCache();
    const roleIndex = sharedRoleIndexFromTable({ tableName: TABLE, counter });
    const warm = await createLiveStateSource({
      credentials: org.trustwatch.credentials,
      cache,
      counter,
      roleIndex,
    });
    const target = members[17] as string;
    await roleIndex.current();
    await warm.organization();
    await Promise.all([warm.orgPath(org.accounts.ci), warm.orgPath(target)]);
    out(
      `  warm-up (role index and organization from the index, org paths of both accounts): ${counter.count} calls`,
    );
    const typo = event(
      denialRecord({
        caller: {
          kind: 'role',
          arn: `arn:aws:iam::${org.accounts.ci}:role/ci-deployer`,
          accountId: org.accounts.ci,
        },
        roleArn: `arn:aws:iam::${target}:role/app-3-deplyo`,
      }),
    );
    let before = new Map(counter.byOperation);
    let c0 = counter.count;
    t = performance.now();
    const d = await withCallBudget(60, () => explainEvent(typo, warm));
    const cold = counter.count - c0;
    out(
      `role-not-found diagnosis (${d.causes[0]?.code}${JSON.stringify(d.causes[0]?.evidence).includes('app-3-deploy') ? ', suggests app-3-deploy' : ''}), role index warm: ${cold} calls cold (target ≤ 10: ${verdict(cold, 10)}), ${(performance.now() - t).toFixed(0)} ms`,
    );
    out(`    ${breakdown(counter, before)}`);
    c0 = counter.count;
    await withCallBudget(60, () => explainEvent(typo, warm));
    const again = counter.count - c0;
    out(`  same denial again: ${again} calls (target 0: ${verdict(again, 0)})`);

    // 4. 1,000 events over 100 caller/role pairs, nothing cached.
    const burstCounter = createCallCounter();
    const burst = await createLiveStateSource({
      credentials: org.trustwatch.credentials,
      cache: new ReadCache(),
      counter: burstCounter,
      roleIndex: sharedRoleIndexFromTable({ tableName: TABLE, counter: burstCounter }),
    });
    const callers = members.slice(0, 10).map((a) => ({
      kind: 'role' as const,
      arn: `arn:aws:iam::${a}:role/runner`,
      accountId: a,
    }));
    const targets = members.slice(10, 20).map((a, i) => `arn:aws:iam::${a}:role/app-${i}-deploy`);
    const events = Array.from({ length: 1000 }, (_, i) =>
      event(
        denialRecord({
          caller: callers[i % 10] as (typeof callers)[number],
          roleArn: targets[Math.floor(i / 10) % 10] as string,
        }),
      ),
    );
    let next = 0;
    const codes = new Map<string, number>();
    before = new Map();
    t = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < events.length) {
          const e = events[next++] as DenialEvent;
          const r = await withCallBudget(60, () => explainEvent(e, burst));
          const code = r.causes[0]?.code ?? 'none';
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }),
    );
    out(
      `1,000 events over 100 caller/role pairs, 50 at once, nothing cached: ${burstCounter.count} calls (target ≤ 200: ${verdict(burstCounter.count, 200)}), ${(performance.now() - t).toFixed(0)} ms`,
    );
    out(`    ${breakdown(burstCounter, before)}`);
    out(`    first causes: ${[...codes.entries()].map(([c, k]) => `${c} ${k}`).join(', ')}`);
  } finally {
    keys.forEach((k, i) => {
      const v = savedKeys[i];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    });
    restore();
    await moto.stop();
  }
}
