import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSE_CODE_LIST, CONFIDENCE_LEVELS } from '../../../lib/diagnosis/causeCodes.js';
import * as z from '../../../lib/validation/z.js';

/** Root of the scenario corpus. */
export const SCENARIO_ROOT = join(import.meta.dirname, '..', '..', 'scenarios');

const causeCode = z.enum(CAUSE_CODE_LIST as [string, ...string[]]);

/** `expected.json` of a scenario: the subset of the diagnosis that must hold. */
export const expectedSchema = z.strictObject({
  snapshot: z.optional(z.literal('demo')),
  why: z.string().check(z.minLength(20)),
  causes: z
    .array(
      z.strictObject({
        code: causeCode,
        confidence: z.enum(CONFIDENCE_LEVELS),
        side: z.enum(['caller', 'trust', 'target', 'any']),
        evidence: z.optional(z.record(z.string(), z.unknown())),
      }),
    )
    .check(z.minLength(1)),
  fixes: z.array(z.strictObject({ cause: causeCode, verified: z.literal(true) })),
  target: z.optional(
    z.object({ roleArn: z.optional(z.string()), accountId: z.optional(z.string()) }),
  ),
});

export type Expected = z.infer<typeof expectedSchema>;

export interface Scenario {
  readonly name: string;
  readonly dir: string;
  readonly eventFile: string;
  /** `undefined`: the embedded demo snapshot. */
  readonly snapshotFile?: string;
  readonly expected: Expected;
}

/** Loads and validates one scenario folder; throws a clear error naming the folder and what is wrong. */
export function loadScenario(dir: string): Scenario {
  const name = dir.split(/[\\/]/).pop() ?? dir;
  const eventFile = join(dir, 'event.json');
  const expectedFile = join(dir, 'expected.json');
  if (!existsSync(eventFile)) throw new Error(`scenario \`${name}\`: missing event.json`);
  if (!existsSync(expectedFile)) throw new Error(`scenario \`${name}\`: missing expected.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(expectedFile, 'utf8'));
  } catch (err) {
    throw new Error(
      `scenario \`${name}\`: expected.json is not valid JSON (${(err as Error).message})`,
    );
  }
  const parsed = expectedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `scenario \`${name}\`: expected.json at \`${issue?.path.join('.') ?? ''}\`: ${issue?.message ?? 'invalid'}`,
    );
  }
  const snapshotFile = join(dir, 'snapshot.json');
  const hasSnapshot = existsSync(snapshotFile);
  if (parsed.data.snapshot === 'demo' && hasSnapshot) {
    throw new Error(`scenario \`${name}\`: both \`"snapshot": "demo"\` and a snapshot.json`);
  }
  if (parsed.data.snapshot === undefined && !hasSnapshot) {
    throw new Error(
      `scenario \`${name}\`: needs a snapshot.json or \`"snapshot": "demo"\` in expected.json`,
    );
  }
  return {
    name,
    dir,
    eventFile,
    ...(hasSnapshot ? { snapshotFile } : {}),
    expected: parsed.data,
  };
}

/** Every scenario folder, sorted by name. */
export function loadScenarios(root = SCENARIO_ROOT): Scenario[] {
  return readdirSync(root)
    .filter((n) => statSync(join(root, n)).isDirectory())
    .sort()
    .map((n) => loadScenario(join(root, n)));
}
