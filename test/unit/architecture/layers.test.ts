/**
 * The layers of lib/ (README, "Architecture"): each top-level folder of lib/
 * belongs to one layer and imports only from its own layer or lower ones;
 * no two folders import each other, directly or around a cycle; the engine
 * and explanation layers are pure (no SDK, no environment, no clock, no
 * I/O). Type-only imports count: a type is a dependency too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = resolve(import.meta.dirname, '../../../lib');

/** Lowest first. */
const LAYERS: readonly (readonly string[])[] = [
  // IAM vocabulary: ARNs, policy documents, IAM state types, JSON paths, errors.
  ['errors', 'validation', 'iam', 'policy'],
  // The engine (AWS's evaluation logic) and the denial event model.
  ['engine', 'intake'],
  // Explanation: fixes (patches, verification, texts), then causes and diagnoses.
  ['fixes'],
  ['diagnosis'],
  // The audit's model: finding codes, findings, reports, blind spots, runs, the digest.
  ['findings'],
  // Renderers of diagnoses and of audit reports and digests.
  ['render'],
  // Ports (state source, stores, sinks) and their adapters; the audit feature.
  ['state', 'snapshot', 'roleindex', 'aws', 'dedup', 'config', 'routing', 'audit'],
  // Composition: the explain pipeline, alerts, the CLI, deployment templates.
  ['explain', 'alerts', 'cli', 'deploy'],
  // The package: the library API (lib/index.ts, its `exports` entry) and the build of dist/.
  ['index.ts', 'build'],
];

/** Layers that must be pure functions of their inputs. */
const PURE = ['iam', 'policy', 'engine', 'fixes', 'diagnosis', 'findings'];

const IMPURE: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  {
    what: 'a package import (SDK, middy, Powertools, …)',
    pattern: /\bfrom\s+['"][^.'"][^'"]*['"]/,
  },
  { what: 'a dynamic package import', pattern: /\bimport\(\s*['"][^.'"]/ },
  { what: 'the process environment', pattern: /\bprocess\.(env|argv|stdout|stderr|cwd)\b/ },
  { what: 'the clock', pattern: /\bDate\.now\(|\bnew Date\(\s*\)|\bperformance\.now\(/ },
  { what: 'randomness', pattern: /\bMath\.random\(/ },
  { what: 'timers', pattern: /\bset(Timeout|Interval|Immediate)\(/ },
  { what: 'network or file I/O', pattern: /\bfetch\(|\brequire\(/ },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|cjs|mjs)$/.test(name) ? [path] : [];
  });
}

function folderOf(file: string): string {
  return relative(LIB, file).split(/[\\/]/)[0] ?? '';
}

/** Code without comments (a comment may quote an import or `Date.now()`). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Relative specifiers of every static, type-only, re-export and dynamic import. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g))
    out.push(m[1] as string);
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1] as string);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1] as string);
  return out;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly file: string;
  readonly specifier: string;
}

function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(LIB)) {
    const from = folderOf(file);
    for (const specifier of importsOf(code(readFileSync(file, 'utf8')))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(LIB)) continue;
      const to = folderOf(target);
      if (to !== from) edges.push({ from, to, file: relative(LIB, file), specifier });
    }
  }
  return edges;
}

/** Strongly connected components with more than one folder (Tarjan). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)?.add(e.to);
    if (!next.has(e.to)) next.set(e.to, new Set());
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const layerOf = (folder: string): number => LAYERS.findIndex((l) => l.includes(folder));

describe('layers of lib/', () => {
  const edges = folderEdges();

  it('finds the imports it checks (type-only, re-exports and dynamic ones included)', () => {
    expect(importsOf("import type { A } from './a.js';")).toEqual(['./a.js']);
    expect(importsOf("export { b } from '../b.js';")).toEqual(['../b.js']);
    expect(importsOf("const c = await import('../c/c.js');")).toEqual(['../c/c.js']);
    expect(importsOf("import {\n  x,\n  type Y,\n} from '../d.js';")).toEqual(['../d.js']);
    expect(
      cycles([
        { from: 'a', to: 'b', file: 'a/x.ts', specifier: '../b/x.js' },
        { from: 'b', to: 'a', file: 'b/y.ts', specifier: '../a/y.js' },
      ]),
    ).toEqual([['a', 'b']]);
    expect(edges.some((e) => e.from === 'diagnosis' && e.to === 'engine')).toBe(true);
  });

  it('puts every folder of lib/ in a layer', () => {
    const folders = readdirSync(LIB).filter((n) => statSync(join(LIB, n)).isDirectory());
    expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no folder cycle', () => {
    const found = cycles(edges);
    const detail = found.map((scc) =>
      edges
        .filter((e) => scc.includes(e.from) && scc.includes(e.to))
        .map((e) => `${e.file} -> ${e.specifier}`),
    );
    expect(detail).toEqual([]);
  });

  it('imports only from the same or a lower layer', () => {
    const upward = edges
      .filter((e) => layerOf(e.to) > layerOf(e.from))
      .map((e) => `${e.file} -> ${e.specifier}`);
    expect(upward).toEqual([]);
  });

  it('keeps the vocabulary, engine and explanation layers pure', () => {
    const found: string[] = [];
    for (const file of sourceFiles(LIB)) {
      if (!PURE.includes(folderOf(file))) continue;
      const text = code(readFileSync(file, 'utf8'));
      for (const { what, pattern } of IMPURE) {
        if (pattern.test(text)) found.push(`${relative(LIB, file)}: ${what}`);
      }
    }
    expect(found).toEqual([]);
  });
});
