import { performance } from 'node:perf_hooks';
import { type CallCounter, createCallCounter } from '../../lib/aws/clients.js';
import { createLiveStateSource } from '../../lib/aws/createLiveStateSource.js';
import { ReadCache } from '../../lib/aws/ReadCache.js';
import { explainEvent } from '../../lib/explain/explainEvent.js';
import type { DenialEvent } from '../../lib/intake/DenialEvent.js';
import { readInput } from '../../lib/intake/readInput.js';
import { buildTestOrg, denialRecord, type TestOrg } from '../support/motoOrg.js';
import { resetMoto, startMotoServer, useMotoEnvironment } from '../support/motoServer.js';

/**
 * AWS calls the live source makes, counted by a middleware on every SDK
 * client (each operation once, retries not counted), against a dedicated
 * moto_server holding a 5-account organization. Call counts are what the
 * targets are about; the times are moto's and only indicative.
 */

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

function verdict(n: number, target: number): string {
  return n <= target ? 'ok' : 'OVER TARGET';
}

async function source(org: TestOrg, cache: ReadCache, counter: CallCounter) {
  return createLiveStateSource({ credentials: org.trustwatch.credentials, cache, counter });
}

/** 10 distinct caller/role pairs of the test organization (all cross-account). */
function pairs(
  org: TestOrg,
): { caller: { kind: 'role' | 'user'; arn: string; accountId: string }; roleArn: string }[] {
  const { ci, prod, sandbox } = org.accounts;
  const ciDeployer = {
    kind: 'role' as const,
    arn: `arn:aws:iam::${ci}:role/ci-deployer`,
    accountId: ci,
  };
  const sandboxDev = {
    kind: 'role' as const,
    arn: `arn:aws:iam::${sandbox}:role/sandbox-dev`,
    accountId: sandbox,
  };
  const alice = { kind: 'user' as const, arn: `arn:aws:iam::${ci}:user/alice`, accountId: ci };
  const role = (n: string) => `arn:aws:iam::${prod}:role/${n}`;
  return [
    ...['DeployRole', 'VendorAudit', 'ProdAdmin', 'ReadOnlyAudit'].map((r) => ({
      caller: ciDeployer,
      roleArn: role(r),
    })),
    ...['DeployRole', 'VendorAudit', 'ProdAdmin', 'ReadOnlyAudit'].map((r) => ({
      caller: sandboxDev,
      roleArn: role(r),
    })),
    ...['DeployRole', 'ProdAdmin'].map((r) => ({ caller: alice, roleArn: role(r) })),
  ];
}

export async function run(): Promise<void> {
  const moto = await startMotoServer();
  const restore = useMotoEnvironment(moto.endpoint);
  try {
    await resetMoto(moto.endpoint);
    const org = await buildTestOrg();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out('live AWS calls against moto_server (organization: management + 4 members, 2 OUs, 1 SCP)');
    out(
      'counted: every SDK operation sent (AssumeRole included), once per operation; cache hits cost nothing',
    );

    // 1. Organization warm-up, then a cold cross-account diagnosis.
    const cache = new ReadCache();
    const counter = createCallCounter();
    const warm = await source(org, cache, counter);
    const scenario = org.scenarios[0];
    if (scenario === undefined) throw new Error('no scenario');
    const ev = event(scenario.record);
    await warm.organization();
    await Promise.all([warm.orgPath(org.accounts.ci), warm.orgPath(org.accounts.prod)]);
    const orgCalls = counter.count;
    out(
      `  organization warm-up (structure + org paths of caller and target accounts): ${orgCalls} calls`,
    );
    out(`    ${breakdown(counter, new Map())}`);

    const before = new Map(counter.byOperation);
    const startCount = counter.count;
    let t = performance.now();
    const d1 = await explainEvent(ev, warm);
    const coldMs = performance.now() - t;
    const cold = counter.count - startCount;
    out(
      `  cold cross-account diagnosis (${d1.causes[0]?.code}), organization cached: ${cold} calls (target ≤ 10: ${verdict(cold, 10)}), ${coldMs.toFixed(0)} ms`,
    );
    out(`    ${breakdown(counter, before)}`);

    const c2 = counter.count;
    t = performance.now();
    await explainEvent(ev, warm);
    const warmMs = performance.now() - t;
    const warmCalls = counter.count - c2;
    out(
      `  warm diagnosis (same event again): ${warmCalls} calls (target 0: ${verdict(warmCalls, 0)}), ${warmMs.toFixed(2)} ms`,
    );

    // 2. Nothing cached at all.
    const fresh = createCallCounter();
    await explainEvent(ev, await source(org, new ReadCache(), fresh));
    out(
      `  cold cross-account diagnosis, nothing cached (organization included): ${fresh.count} calls`,
    );

    // 3. 1,000 events over 10 distinct caller/role pairs, 50 at a time, nothing cached.
    const burstCounter = createCallCounter();
    const burst = await source(org, new ReadCache(), burstCounter);
    const ps = pairs(org);
    const events = Array.from({ length: 1000 }, (_, i) => {
      const p = ps[i % ps.length] as (typeof ps)[number];
      return event(denialRecord({ caller: p.caller, roleArn: p.roleArn }));
    });
    let next = 0;
    const codes = new Map<string, number>();
    t = performance.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < events.length) {
          const e = events[next] as DenialEvent;
          next += 1;
          const d = await explainEvent(e, burst);
          const code = d.causes[0]?.code ?? 'none';
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }),
    );
    const burstMs = performance.now() - t;
    out(
      `  1,000 events over 10 caller/role pairs, 50 concurrent, nothing cached (organization included): ${burstCounter.count} calls (target ≤ 100: ${verdict(burstCounter.count, 100)}), ${burstMs.toFixed(0)} ms`,
    );
    out(`    ${breakdown(burstCounter, new Map())}`);
    out(`    first causes: ${[...codes.entries()].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  } finally {
    restore();
    await moto.stop();
  }
}
