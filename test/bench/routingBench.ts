import { performance } from 'node:perf_hooks';
import { TagResourceCommand } from '@aws-sdk/client-organizations';
import { createAlertRouter } from '../../lib/alerts/destinations/alertRouter.js';
import { createCallCounter } from '../../lib/aws/clients.js';
import { createLiveStateSource } from '../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../lib/aws/ReadCache.js';
import type { Diagnosis } from '../../lib/diagnosis/Diagnosis.js';
import { explainEvent } from '../../lib/explain/explainEvent.js';
import { readInput } from '../../lib/intake/readInput.js';
import { parseRoutingTable } from '../../lib/routing/parseRoutingTable.js';
import { buildTestOrg, denialRecord } from '../support/motoOrg.js';
import { resetMoto, startMotoServer, useMotoEnvironment } from '../support/motoServer.js';

/**
 * What alert routing costs on top of the diagnosis, against a dedicated
 * moto_server organization: AWS calls routing adds once the diagnosis of the
 * same event has run (cold: the caller's role or user tags and each
 * account's tags, once; warm: none), and the time to route an alert warm.
 */
const verdict = (n: number, target: number) => (n <= target ? 'ok' : 'OVER TARGET');

export async function run(): Promise<void> {
  const moto = await startMotoServer();
  const restore = useMotoEnvironment(moto.endpoint);
  try {
    await resetMoto(moto.endpoint);
    const org = await buildTestOrg();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const { ci, prod, sandbox } = org.accounts;
    const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
    const orgs = new OrganizationsClient({});
    await orgs.send(
      new TagResourceCommand({ ResourceId: prod, Tags: [{ Key: 'owner', Value: 'payments' }] }),
    );
    const table = parseRoutingTable(
      {
        destinations: { platform: { sns: true }, payments: { sns: true }, security: { sns: true } },
        rules: [
          {
            name: 'payments-accounts',
            match: { roleAccountTags: { owner: ['payments'] }, roleTags: { team: ['*'] } },
            to: ['payments'],
          },
          {
            name: 'ci-callers',
            match: { callerTags: { team: ['platform'] }, callerAccountTags: { owner: ['*'] } },
            to: ['platform'],
          },
          { name: 'sandbox', match: { callerOu: ['/Root/*/Sandbox/*'] }, to: ['platform'] },
        ],
        also: [{ name: 'enumeration', match: { cause: ['ROLE_ENUMERATION'] }, to: ['security'] }],
        default: 'platform',
      },
      'bench',
    );
    const counter = createCallCounter();
    const source = await createLiveStateSource({
      credentials: org.trustwatch.credentials,
      cache: new ReadCache(),
      counter,
    });
    const callers = [
      { kind: 'role' as const, arn: `arn:aws:iam::${ci}:role/ci-deployer`, accountId: ci },
      {
        kind: 'role' as const,
        arn: `arn:aws:iam::${sandbox}:role/sandbox-dev`,
        accountId: sandbox,
      },
      { kind: 'user' as const, arn: `arn:aws:iam::${ci}:user/alice`, accountId: ci },
    ];
    const roles = ['DeployRole', 'VendorAudit', 'ProdAdmin'].map(
      (r) => `arn:aws:iam::${prod}:role/${r}`,
    );
    const diagnoses: Diagnosis[] = [];
    for (const caller of callers) {
      for (const roleArn of roles) {
        const e = readInput(denialRecord({ caller, roleArn }), 'bench').events[0];
        if (e !== undefined) diagnoses.push(await explainEvent(e, source));
      }
    }
    const route = createAlertRouter(table, async () => source);
    const beforeCold = counter.count;
    for (const d of diagnoses) await route({ kind: 'diagnosis', diagnosis: d });
    const cold = counter.count - beforeCold;
    // Distinct callers (their role or user tags) and accounts (their tags) routing reads.
    const target = callers.length + 3;
    out(
      `routing on top of the diagnosis, ${diagnoses.length} alerts (3 callers x 3 roles, 3 accounts), live source on moto`,
    );
    out(
      `  cold (diagnoses done, routing never ran): ${cold} calls (target ≤ ${target}: ${verdict(cold, target)})`,
    );
    const beforeWarm = counter.count;
    const n = 10_000;
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      await route({ kind: 'diagnosis', diagnosis: diagnoses[i % diagnoses.length] as Diagnosis });
    }
    const ms = performance.now() - t;
    const warm = counter.count - beforeWarm;
    out(
      `  warm, ${n} alerts: ${warm} calls (target 0: ${verdict(warm, 0)}), ${((ms * 1000) / n).toFixed(1)} µs per alert (target ≤ 1,000 µs, a small part of a warm diagnosis: ${verdict((ms * 1000) / n, 1000)})`,
    );
  } finally {
    restore();
    await moto.stop();
  }
}
