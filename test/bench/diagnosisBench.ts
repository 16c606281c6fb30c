import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diagnose } from '../../lib/diagnosis/diagnose.js';
import { DiagnosisMemo } from '../../lib/explain/DiagnosisMemo.js';
import { explainEvent } from '../../lib/explain/explainEvent.js';
import { gatherBundle } from '../../lib/explain/gatherBundle.js';
import { memoizeSource } from '../../lib/explain/memoizeSource.js';
import type { DenialEvent } from '../../lib/intake/DenialEvent.js';
import { readInput } from '../../lib/intake/readInput.js';
import { demoSnapshot } from '../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../lib/state/SnapshotStateSource.js';

/** Size of the mixed corpus (variants of every sample in events/). */
const CORPUS_SIZE = 12_000;

type Json = Record<string, unknown>;

/** A variant of a sample: new ids, time, source IP, session name and OIDC subject. */
function variant(sample: Json, i: number): Json {
  const e = structuredClone(sample) as Json & { detail: Json & { userIdentity: Json } };
  const d = e.detail;
  const hex = i.toString(16).padStart(8, '0');
  d.eventID = `bench000-${hex.slice(0, 4)}-4000-8000-${hex.padStart(12, '0')}`;
  const t = new Date(Date.parse('2026-03-02T00:00:00Z') + i * 7_919)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  d.eventTime = t;
  e.time = t;
  d.sourceIPAddress = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const ui = d.userIdentity;
  if (ui.type === 'AssumedRole' && typeof ui.arn === 'string') {
    const session = `bench-${i % 97}`;
    ui.arn = ui.arn.replace(/\/[^/]+$/, `/${session}`);
    ui.principalId = String(ui.principalId).replace(/:[^:]+$/, `:${session}`);
    if (typeof d.errorMessage === 'string') {
      d.errorMessage = d.errorMessage.replace(/^User: \S+/, `User: ${ui.arn}`);
    }
  }
  if (ui.type === 'WebIdentityUser' && typeof ui.principalId === 'string') {
    const sub = `repo:example-org/payments-api:ref:refs/heads/feature/f-${i % 53}`;
    ui.principalId = ui.principalId.replace(/:repo:.*$/, `:${sub}`);
    ui.userName = sub;
  }
  return e;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Diagnoses per second on one core against the warm demo snapshot, with every
 * fix verified by re-evaluation; p50/p99 latency over a mixed corpus of
 * variants of the events/ samples; peak memory.
 */
export async function run(): Promise<void> {
  const dir = join(import.meta.dirname, '..', '..', 'events');
  const samples = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
  const raw: Json[] = [];
  for (let i = 0; raw.length < CORPUS_SIZE; i++)
    raw.push(variant(samples[i % samples.length] as Json, i));
  const intake = readInput(raw, 'bench');
  const events: readonly DenialEvent[] = intake.events;

  // Warm snapshot: reads shared across the run, as `explainAll` shares them across a batch.
  const source = memoizeSource(new SnapshotStateSource(demoSnapshot()));
  // Warm-up: the snapshot's indexes, the engine's code paths, the JIT.
  const memo = new DiagnosisMemo();
  const memoStats = () => memo.stats();
  for (const e of events.slice(0, 2_000)) await explainEvent(e, source, memo);

  const before = memoStats();
  let peakRss = process.memoryUsage().rss;
  let fixes = 0;
  let verified = 0;
  const latencies = new Float64Array(events.length);
  const start = performance.now();
  for (let i = 0; i < events.length; i++) {
    const t0 = performance.now();
    const d = await explainEvent(events[i] as DenialEvent, source, memo);
    latencies[i] = performance.now() - t0;
    fixes += d.fixes.length;
    verified += d.fixes.filter((f) => f.verified === true).length;
    if ((i & 1023) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - start) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  latencies.sort();
  // Cold path: every diagnosis computed afresh (no memo), fixes verified.
  const coldN = Math.min(3_000, events.length);
  const coldStart = performance.now();
  for (let i = 0; i < coldN; i++) {
    const e = events[i] as DenialEvent;
    diagnose(e, await gatherBundle(e, source));
  }
  const coldSeconds = (performance.now() - coldStart) / 1000;
  const maxRssKb = process.resourceUsage().maxRSS;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const lines = [
    `corpus: ${events.length} events (${samples.length} samples × variants, ${intake.skipped.length} skipped)`,
    `throughput: ${Math.round(events.length / seconds).toLocaleString('en-US')} diagnoses/s on one core (target ≥ 10,000)`,
    `latency: p50 ${(percentile(latencies, 50) * 1000).toFixed(1)} µs, p99 ${(percentile(latencies, 99) * 1000).toFixed(1)} µs, max ${(percentile(latencies, 100) * 1000).toFixed(1)} µs`,
    `cold (no memo, ${coldN} events): ${Math.round(coldN / coldSeconds).toLocaleString('en-US')} diagnoses/s, ${((coldSeconds / coldN) * 1e6).toFixed(0)} µs each`,
    `memo: ${memoStats().hits - before.hits} hits, ${memoStats().misses - before.misses} misses (same caller, role and state)`,
    `fixes: ${fixes} proposed, ${verified} verified by re-evaluation`,
    `memory: peak RSS ${mb(peakRss)} MB sampled, maxRSS ${mb(maxRssKb * 1024)} MB, heap used ${mb(process.memoryUsage().heapUsed)} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
