/**
 * Remedies are cheap to propose (lib/diagnosis/causes/remedyKit.ts): a rule
 * offers its candidates one at a time and stops at the first the engine
 * verifies, so the candidates after it are never built (nor patched), and
 * the chosen fix's title is worded only when it is read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CauseRule } from '../../../lib/diagnosis/CauseRule.js';
import { CAUSE_RULES } from '../../../lib/diagnosis/causeRules.js';
import { trustPrincipalRule } from '../../../lib/diagnosis/causes/trustPrincipal.js';
import { diagnose } from '../../../lib/diagnosis/diagnose.js';
import { gatherBundle } from '../../../lib/explain/gatherBundle.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

const SCENARIO = join(
  import.meta.dirname,
  '../../scenarios/01-trust-policy-lacks-principal/event.json',
);

describe('remedies built lazily', () => {
  it('patches only the candidates the engine checks, and words the title when read', async () => {
    const event = readInput(JSON.parse(readFileSync(SCENARIO, 'utf8')), 'event.json').events[0]!;
    const bundle = await gatherBundle(event, new SnapshotStateSource(demoSnapshot()));
    let proposed = 0;
    let patched = 0;
    let worded = 0;
    const counting: CauseRule = {
      ...trustPrincipalRule,
      remedies: (d, ctx, sink) =>
        trustPrincipalRule.remedies?.(d, ctx, {
          offer: (r) => {
            if (r === undefined) return sink.offer(r);
            proposed++;
            const c = r.check;
            const title = new Proxy(r.title, {
              get: (t, k) => {
                if (k === 'kind') worded++;
                return Reflect.get(t, k);
              },
            });
            return sink.offer(
              c.kind !== 'patch'
                ? { ...r, title }
                : {
                    ...r,
                    title,
                    check: {
                      ...c,
                      inputs: () => {
                        patched++;
                        return c.inputs();
                      },
                    },
                  },
            );
          },
        }),
    };
    const rules = CAUSE_RULES.map((r) => (r === trustPrincipalRule ? counting : r));
    const d = diagnose(event, bundle, rules);
    // The untrusted caller has two grants (add it to the statement, a new
    // statement): the first is verified, so the second is never built.
    expect(proposed).toBe(1);
    expect(patched).toBe(1);
    expect(worded).toBe(0);
    expect(d.fixes[0]?.title).toMatch(/^Add `arn:aws:iam::/);
    expect(worded).toBe(1);
    expect(d.fixes[0]?.title).toBe(d.fixes[0]?.title);
    expect(worded).toBe(1);
  });
});
