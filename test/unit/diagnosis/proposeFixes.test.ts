import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessEvent } from '../../../lib/diagnosis/assessEvent.js';
import type { CauseRule, Remedy } from '../../../lib/diagnosis/CauseRule.js';
import { CAUSE_RULES, mapBlockers } from '../../../lib/diagnosis/causeRules.js';
import { trustPrincipalRule } from '../../../lib/diagnosis/causes/trustPrincipal.js';
import { diagnose } from '../../../lib/diagnosis/diagnose.js';
import { checkRemedy, proposeFixes } from '../../../lib/diagnosis/proposeFixes.js';
import { gatherBundle } from '../../../lib/explain/gatherBundle.js';
import { withTrust } from '../../../lib/fixes/patchInputs.js';
import { addStatement } from '../../../lib/fixes/patchPolicy.js';
import { readInput } from '../../../lib/intake/readInput.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';

const SCENARIO = join(
  import.meta.dirname,
  '../../scenarios/01-trust-policy-lacks-principal/event.json',
);
const source = new SnapshotStateSource(demoSnapshot());

async function untrustedCaller() {
  const event = readInput(JSON.parse(readFileSync(SCENARIO, 'utf8')), 'event.json').events[0]!;
  const bundle = await gatherBundle(event, source);
  const situation = assessEvent(event, bundle, (e) => mapBlockers(e));
  return { event, bundle, situation };
}

const texts = () => ({ awsCli: 'true', terraform: '# nothing' });
/** A title for remedies made up here (the wording is lib/diagnosis/fixProse.ts's). */
const NOBODY = { kind: 'trust-new-statement', principal: 'nobody' } as const;
const NOBODY_TITLE = 'Add a trust statement for `nobody`';

describe('fix verification through the engine', () => {
  it('rejects a patch after which the blocker still stands, with the reason', async () => {
    const { situation } = await untrustedCaller();
    const ev = situation.evaluated!;
    const noop: Remedy = {
      title: NOBODY,
      appliesTo: { kind: 'policy', label: ev.inputs.trust.label },
      check: {
        kind: 'patch',
        inputs: () => ev.inputs,
        target: { kind: 'trust-no-allow', action: 'sts:AssumeRole', principal: true },
      },
      texts,
    };
    expect(checkRemedy(noop, ev.evaluation)).toEqual({
      verified: false,
      reason: 'the engine still reports trust-no-allow for `sts:AssumeRole` with the fix applied',
    });
  });

  it('rejects a patch that makes something new block', async () => {
    const { situation } = await untrustedCaller();
    const ev = situation.evaluated!;
    const trustAll = addStatement(ev.inputs.trust.document, {
      effect: 'Allow',
      principal: { kind: 'any' },
      action: ['sts:AssumeRole'],
      conditions: [],
    });
    const denyAll = addStatement(trustAll, {
      effect: 'Deny',
      principal: { kind: 'any' },
      action: ['sts:AssumeRole'],
      conditions: [],
    });
    const target = {
      kind: 'trust-no-allow' as const,
      action: 'sts:AssumeRole',
      principal: true as const,
    };
    const opens: Remedy = {
      title: NOBODY,
      appliesTo: { kind: 'policy', label: ev.inputs.trust.label },
      check: { kind: 'patch', inputs: () => withTrust(ev.inputs, trustAll), target },
      texts,
    };
    const denies: Remedy = {
      ...opens,
      check: { kind: 'patch', inputs: () => withTrust(ev.inputs, denyAll), target },
    };
    expect(checkRemedy(opens, ev.evaluation)).toEqual({ verified: true });
    const verdict = checkRemedy(denies, ev.evaluation);
    expect(verdict.verified).toBe(false);
    expect(verdict).toMatchObject({
      reason: expect.stringMatching(/^the fix makes trust-deny block `sts:AssumeRole`/),
    });
  });

  it('drops an unverified remedy, says why, and keeps the next one the engine verifies', async () => {
    const { event, bundle, situation } = await untrustedCaller();
    const bogus: CauseRule = {
      ...trustPrincipalRule,
      remedies: (d, ctx, sink) => {
        const noop: Remedy = {
          title: NOBODY,
          appliesTo: { kind: 'caller-configuration' },
          check: {
            kind: 'patch',
            inputs: () => ctx.evaluated!.inputs,
            target: { kind: 'trust-no-allow', action: 'sts:AssumeRole', principal: true },
          },
          texts,
        };
        if (!sink.offer(noop)) trustPrincipalRule.remedies?.(d, ctx, sink);
      },
    };
    const rules = CAUSE_RULES.map((r) => (r === trustPrincipalRule ? bogus : r));
    const drafts = rules.flatMap((r) => r.detectInSituation?.(situation) ?? []);
    const { fixes, rejected } = proposeFixes(situation, drafts, rules);
    expect(rejected).toEqual([
      {
        cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        title: NOBODY_TITLE,
        reason: 'the engine still reports trust-no-allow for `sts:AssumeRole` with the fix applied',
      },
    ]);
    expect(fixes.map((f) => [f.cause, f.verified])).toEqual([
      ['TRUST_PRINCIPAL_NOT_TRUSTED', true],
    ]);
    expect(fixes[0]?.title).not.toBe(NOBODY_TITLE);
    // The same rules through `diagnose`: the unverified remedy never reaches the diagnosis.
    expect(diagnose(event, bundle, rules).fixes.map((f) => f.title)).toEqual(
      fixes.map((f) => f.title),
    );
  });

  it('builds fix texts only when they are read, once', async () => {
    const { event, bundle } = await untrustedCaller();
    let built = 0;
    const counting: CauseRule = {
      ...trustPrincipalRule,
      remedies: (d, ctx, sink) =>
        trustPrincipalRule.remedies?.(d, ctx, {
          offer: (r) =>
            sink.offer(
              r === undefined
                ? r
                : {
                    ...r,
                    texts: () => {
                      built++;
                      return r.texts();
                    },
                  },
            ),
        }),
    };
    const rules = CAUSE_RULES.map((r) => (r === trustPrincipalRule ? counting : r));
    const d = diagnose(event, bundle, rules);
    expect(built).toBe(0);
    expect(d.fixes[0]?.awsCli).toContain('update-assume-role-policy');
    expect(JSON.parse(JSON.stringify(d.fixes[0])).iamPolicy.Statement).toBeDefined();
    expect(built).toBe(1);
  });
});
