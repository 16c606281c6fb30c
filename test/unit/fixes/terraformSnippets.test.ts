import { readFileSync } from 'node:fs';
import { format } from '@cdktf/hcl-tools';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { auditOrganization } from '../../../lib/audit/auditOrganization.js';
import { tfFindAddress, tfLabel } from '../../../lib/fixes/fixCommands.js';
import { explain, snapshotSource } from '../../../lib/index.js';
import { demoSnapshot } from '../../../lib/snapshot/demoSnapshot.js';
import { SnapshotStateSource } from '../../../lib/state/SnapshotStateSource.js';
import { loadScenarios } from '../diagnosis/scenarioCorpus.js';

/**
 * Every Terraform snippet trustwatch produces, over the whole scenario corpus
 * and the audit of the demo organization and of every scenario snapshot, is
 * read by a real HCL parser (@cdktf/hcl2json, Terraform's own hcl library in
 * wasm), is exactly what `terraform fmt` makes of it (@cdktf/hcl-tools), and
 * follows the provider docs' idioms.
 */
interface Snippet {
  readonly where: string;
  readonly terraform: string;
  /** The IAM JSON the snippet must express, when the fix carries it. */
  readonly policy?: Record<string, unknown>;
}

async function corpusSnippets(): Promise<Snippet[]> {
  const out: Snippet[] = [];
  const snapshots = new Map<string, SnapshotStateSource>();
  for (const s of loadScenarios()) {
    const source =
      s.snapshotFile === undefined
        ? new SnapshotStateSource(demoSnapshot())
        : snapshotSource(readFileSync(s.snapshotFile, 'utf8'), s.snapshotFile);
    if (s.snapshotFile !== undefined) snapshots.set(s.name, source as SnapshotStateSource);
    const result = await explain(readFileSync(s.eventFile, 'utf8'), {
      source,
      file: s.eventFile,
    });
    for (const d of result.diagnoses)
      for (const f of d.fixes)
        if (f.terraform !== undefined)
          out.push({
            where: `scenario ${s.name}: fix for ${f.cause}`,
            terraform: f.terraform,
            ...(f.iamPolicy === undefined ? {} : { policy: f.iamPolicy }),
          });
  }
  const audited: [string, SnapshotStateSource, string | undefined][] = [
    ['demo', new SnapshotStateSource(demoSnapshot()), demoSnapshot().capturedAt],
    ...[...snapshots].map(
      ([n, src]) => [n, src, undefined] as [string, SnapshotStateSource, undefined],
    ),
  ];
  for (const [name, source, capturedAt] of audited) {
    const report = await auditOrganization(source, {
      now: new Date(capturedAt ?? '2026-03-02T00:00:00Z'),
      state: { kind: name === 'demo' ? 'demo' : 'snapshot', label: name },
    });
    for (const a of report.accounts)
      for (const f of a.findings)
        if (f.fix !== undefined)
          out.push({
            where: `audit of ${name}: ${f.code} on ${f.roleArn}`,
            terraform: f.fix.terraform,
            ...(f.fix.iamPolicy === undefined ? {} : { policy: f.fix.iamPolicy }),
          });
  }
  return out;
}

const snippets = await corpusSnippets();
const unique = [...new Map(snippets.map((s) => [s.terraform, s])).values()];

type Json = Record<string, unknown>;
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Policy JSON in a canonical form: lists sorted, single values as lists, ExternalIds as one token. */
function canonical(doc: Json): unknown {
  const statements = asList(doc.Statement).map((raw) => {
    const st = raw as Json;
    const principal = (p: unknown) =>
      p === undefined
        ? undefined
        : p === '*'
          ? { '*': ['*'] }
          : Object.fromEntries(
              Object.entries(p as Json)
                .map(([k, v]) => [k, asList(v).map(String).sort()] as const)
                .sort(([a], [b]) => a.localeCompare(b)),
            );
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const [op, byKey] of Object.entries((st.Condition ?? {}) as Json))
      for (const [key, values] of Object.entries(byKey as Json)) {
        conditions[op] ??= {};
        (conditions[op] as Record<string, string[]>)[key.toLowerCase()] = asList(values)
          .map((v) => (key.toLowerCase() === 'sts:externalid' ? 'EXTERNAL_ID' : String(v)))
          .sort();
      }
    return {
      Sid: st.Sid ?? null,
      Effect: st.Effect,
      Action: asList(st.Action).map(String).sort(),
      NotAction: asList(st.NotAction).map(String).sort(),
      Resource: asList(st.Resource).map(String).sort(),
      Principal: principal(st.Principal) ?? null,
      NotPrincipal: principal(st.NotPrincipal) ?? null,
      Condition: conditions,
    };
  });
  return { Version: doc.Version ?? '2012-10-17', Statement: statements };
}

/** An `aws_iam_policy_document` data source (as hcl2json reads it) back to IAM JSON. */
function dataSourceToPolicy(data: Json): Json {
  const principals = (blocks: unknown) => {
    const list = asList(blocks) as { type: string; identifiers: string[] }[];
    if (list.length === 0) return undefined;
    if (list.length === 1 && list[0]?.type === '*') return '*';
    const out: Record<string, string[]> = {};
    for (const b of list) out[b.type] = [...(out[b.type] ?? []), ...b.identifiers];
    return out;
  };
  return {
    Version: data.version ?? '2012-10-17',
    Statement: asList(data.statement).map((raw) => {
      const st = raw as Json;
      const condition: Record<string, Record<string, unknown>> = {};
      for (const c of asList(st.condition) as {
        test: string;
        variable: string;
        values: string[];
      }[]) {
        condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: c.values };
      }
      return {
        ...(st.sid === undefined ? {} : { Sid: st.sid }),
        Effect: st.effect,
        ...(st.actions === undefined ? {} : { Action: st.actions }),
        ...(st.not_actions === undefined ? {} : { NotAction: st.not_actions }),
        ...(st.resources === undefined ? {} : { Resource: st.resources }),
        ...(principals(st.principals) === undefined
          ? {}
          : { Principal: principals(st.principals) }),
        ...(principals(st.not_principals) === undefined
          ? {}
          : { NotPrincipal: principals(st.not_principals) }),
        ...(Object.keys(condition).length === 0 ? {} : { Condition: condition }),
      };
    }),
  };
}

describe('Terraform snippets of fixes', () => {
  it('come from the whole corpus: every kind of snippet is covered', () => {
    expect(unique.length).toBeGreaterThanOrEqual(30);
    const text = unique.map((s) => s.terraform).join('\n');
    for (const kind of [
      'data "aws_iam_policy_document"',
      'provider "aws"',
      'resource "aws_iam_openid_connect_provider"',
      'variable "external_id"',
      'terraform state list',
    ])
      expect(text).toContain(kind);
  });

  it.each(unique.map((s) => [s.where, s] as const))('%s', async (where, s) => {
    const file = `${tfLabel(where)}.tf`;
    const hcl = `${s.terraform}\n`;
    const parsed = (await parse(file, hcl)) as {
      data?: { aws_iam_policy_document?: Record<string, Json[]> };
      resource?: Record<string, Record<string, unknown>>;
      variable?: Record<string, unknown>;
    };
    expect(await format(hcl)).toBe(hcl);

    // Names are snake_case; no resource stands in for one the user already has.
    const labels = [
      ...Object.keys(parsed.data?.aws_iam_policy_document ?? {}),
      ...Object.values(parsed.resource ?? {}).flatMap((byLabel) => Object.keys(byLabel)),
      ...Object.keys(parsed.variable ?? {}),
    ];
    for (const label of labels) expect(label).toMatch(/^[a-z_][a-z0-9_]*$/);
    for (const type of Object.keys(parsed.resource ?? {})) {
      expect(['aws_iam_openid_connect_provider', 'aws_iam_role']).toContain(type);
      if (type === 'aws_iam_role')
        expect(s.terraform).not.toMatch(/state list \| grep -E '\(\^\|\\\.\)aws_iam_role\\\./);
    }

    // Every variable used is declared in the snippet; ExternalIds are never literals.
    const used = new Set([...s.terraform.matchAll(/\bvar\.([a-z_0-9]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(parsed.variable ?? {}).sort());
    const documents = parsed.data?.aws_iam_policy_document ?? {};
    for (const [label, [doc]] of Object.entries(documents)) {
      for (const st of asList((doc as Json).statement) as Json[])
        for (const c of asList(st.condition) as { variable: string; values: string[] }[])
          if (c.variable.toLowerCase() === 'sts:externalid')
            for (const v of c.values) expect(v).toMatch(/^\$\{var\.external_id(_\d+)?\}$/);
      // The data source says what the fix's IAM JSON says.
      if (s.policy !== undefined && Object.keys(documents).length === 1) {
        expect(canonical(dataSourceToPolicy(doc as Json)), label).toEqual(canonical(s.policy));
      }
    }
    const referenced = [
      ...s.terraform.matchAll(/data\.aws_iam_policy_document\.([a-z_0-9]+)\.json/g),
    ];
    for (const [, label] of referenced) expect(Object.keys(documents)).toContain(label);
  });
});

describe('tfLabel', () => {
  it.each([
    ['DeployRole', 'deploy_role'],
    ['ci-deployer', 'ci_deployer'],
    ['token.actions.githubusercontent.com', 'token_actions_githubusercontent_com'],
    ['AWSReservedSSO_AdministratorAccess', 'aws_reserved_sso_administrator_access'],
    ['123abc', '_123abc'],
    ['***', 'policy'],
  ])('%s → %s', (name, label) => {
    expect(tfLabel(name)).toBe(label);
  });
});

describe('tfFindAddress', () => {
  it('escapes the name for grep -E and the shell', () => {
    expect(tfFindAddress('aws_iam_role', 'name', "a.b+c'd")).toContain(
      `grep -qE '^ *name *= "a\\.b\\+c'\\''d"$'`,
    );
  });
});
