import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { CAUSE_CODE_LIST } from '../../../lib/diagnosis/causeCodes.js';
import {
  explainOutputJsonSchema,
  explainOutputSchema,
} from '../../../lib/diagnosis/schema/explainOutputSchema.js';
import { fakeIo } from '../cli/fakeIo.js';
import { loadScenario, loadScenarios } from './scenarioCorpus.js';

const scenarios = loadScenarios();

async function explainJson(eventFile: string, snapshotFile?: string) {
  const io = fakeIo();
  const args = [
    'explain',
    '--format',
    'json',
    ...(snapshotFile ? ['--snapshot', snapshotFile] : ['--demo']),
    eventFile,
  ];
  const code = await main(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

describe('scenario corpus', () => {
  it('has at least 40 scenarios covering every cause code', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    const covered = new Set(scenarios.flatMap((s) => s.expected.causes.map((c) => c.code)));
    expect(CAUSE_CODE_LIST.filter((c) => !covered.has(c))).toEqual([]);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const { code, stdout, stderr } = await explainJson(s.eventFile, s.snapshotFile);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = explainOutputSchema.parse(JSON.parse(stdout));
    expect(out.diagnoses).toHaveLength(1);
    const d = out.diagnoses[0]!;
    // The exact causes, in order: no wrong cause code may appear.
    expect(d.causes.map((c) => [c.code, c.confidence, c.side])).toEqual(
      s.expected.causes.map((c) => [c.code, c.confidence, c.side]),
    );
    s.expected.causes.forEach((c, i) => {
      if (c.evidence !== undefined) expect(d.causes[i]?.evidence).toMatchObject(c.evidence);
    });
    // Every fix is verified by re-evaluation, and the expected ones are there.
    for (const f of d.fixes) expect(f.verified, `${f.cause}: ${f.title}`).toBe(true);
    expect(d.fixes.map((f) => f.cause)).toEqual(s.expected.fixes.map((f) => f.cause));
    if (s.expected.target !== undefined) expect(d.target).toMatchObject(s.expected.target);
  });
});

describe('scenario folder validation', () => {
  it('names the folder and the problem when expected.json is malformed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-scenario-'));
    writeFileSync(join(dir, 'event.json'), '{}');
    writeFileSync(
      join(dir, 'expected.json'),
      JSON.stringify({ snapshot: 'demo', why: 'x', causes: [] }),
    );
    expect(() => loadScenario(dir)).toThrow(/expected\.json at `why`/);
  });

  it('rejects a folder with neither a snapshot nor "demo"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-scenario-'));
    writeFileSync(join(dir, 'event.json'), '{}');
    writeFileSync(
      join(dir, 'expected.json'),
      JSON.stringify({
        why: 'a reason that is long enough',
        causes: [{ code: 'NO_CAUSE_FOUND', confidence: 'confirmed', side: 'any' }],
        fixes: [],
      }),
    );
    expect(() => loadScenario(dir)).toThrow(/needs a snapshot\.json/);
  });

  it('rejects a folder without event.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-scenario-'));
    expect(() => loadScenario(dir)).toThrow(/missing event\.json/);
  });
});

describe('output JSON Schema', () => {
  it('the committed schema file is generated from the zod schema', () => {
    const file = join(
      import.meta.dirname,
      '../../../lib/diagnosis/schema/explain-output.schema.json',
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(explainOutputJsonSchema());
  });

  it('rejects a cause whose side does not match its code', () => {
    const bad = {
      diagnoses: [
        {
          eventId: 'e',
          eventName: 'AssumeRole',
          caller: { type: 'AssumedRole' },
          target: {},
          causes: [
            {
              code: 'ROLE_NOT_FOUND',
              confidence: 'confirmed',
              side: 'caller',
              summary: 's',
              evidence: {},
            },
          ],
          fixes: [],
        },
      ],
      skipped: [],
    };
    expect(explainOutputSchema.safeParse(bad).success).toBe(false);
  });
});
