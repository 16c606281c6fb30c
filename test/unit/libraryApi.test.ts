import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainOutputSchema } from '../../lib/diagnosis/schema/explainOutputSchema.js';
import {
  explain,
  InputError,
  render,
  SnapshotError,
  snapshotSource,
  VERSION,
} from '../../lib/index.js';

/** The package's library API (lib/index.ts, the `exports` entry), used as a team building on it would. */
const ROOT = join(import.meta.dirname, '../..');
const DEMO = readFileSync(join(ROOT, 'lib/snapshot/demo-snapshot.json'), 'utf8');
const EVENT_TEXT = readFileSync(join(ROOT, 'events/01-trust-policy-lacks-principal.json'), 'utf8');

describe('trustwatch as a library', () => {
  const source = snapshotSource(DEMO, 'demo-snapshot.json');

  it('explains an event given as a parsed value or as text, the same', async () => {
    const fromText = await explain(EVENT_TEXT, { source });
    const fromValue = await explain(JSON.parse(EVENT_TEXT), { source });
    expect(fromValue).toEqual(fromText);
    expect(fromText.diagnoses.map((d) => d.causes[0]?.code)).toEqual([
      'TRUST_PRINCIPAL_NOT_TRUSTED',
    ]);
    expect(fromText.diagnoses[0]?.fixes[0]?.verified).toBe(true);
    // The output names its state, as the CLI's do: here the snapshot the source was made from.
    expect(fromText.state).toEqual({ kind: 'snapshot', label: 'demo-snapshot.json' });
    const named = await explain(EVENT_TEXT, { source, state: { kind: 'demo', label: 'x' } });
    expect(named.state).toEqual({ kind: 'demo', label: 'x' });
  });

  it('renders json by the documented schema, text without colour unless asked, slack as payloads', async () => {
    const out = await explain(EVENT_TEXT, { source });
    expect(explainOutputSchema.parse(JSON.parse(render(out, 'json')))).toBeTruthy();
    const text = render(out, 'text');
    expect(text).toContain('TRUST_PRINCIPAL_NOT_TRUSTED');
    expect(text).not.toContain('\u001B[');
    expect(render(out, 'text', { color: true })).toContain('\u001B[');
    const slack = JSON.parse(render(out, 'slack')) as { text: string; blocks: unknown[] }[];
    expect(slack).toHaveLength(1);
    expect(slack[0]?.blocks.length).toBeGreaterThan(0);
  });

  it('says which input and JSON path are unusable', async () => {
    await expect(explain({ hello: 1 }, { source, file: 'mine.json' })).rejects.toThrow(InputError);
    await expect(explain('{"Records": [', { source, file: 'mine.json' })).rejects.toMatchObject({
      context: { file: 'mine.json' },
    });
  });

  it('refuses a snapshot that is not one, naming it', () => {
    expect(() => snapshotSource('{"snapshotVersion": 99}', 'org.json')).toThrow(SnapshotError);
    let thrown: unknown;
    try {
      snapshotSource({ snapshotVersion: 99 }, 'org.json');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ context: { file: 'org.json' } });
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
