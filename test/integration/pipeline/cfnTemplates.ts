import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The subset of js-yaml 4 (a dependency of osls) this helper uses. */
interface JsYaml {
  Type: new (
    tag: string,
    opts: { kind: 'scalar' | 'sequence' | 'mapping'; construct: (data: unknown) => unknown },
  ) => unknown;
  DEFAULT_SCHEMA: { extend(types: unknown[]): unknown };
  load(text: string, opts: { schema: unknown }): unknown;
}

const yaml = createRequire(import.meta.url)('js-yaml') as JsYaml;

const INTRINSICS = [
  'Ref',
  'Sub',
  'GetAtt',
  'Join',
  'Equals',
  'If',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'FindInMap',
  'ImportValue',
  'Base64',
  'Cidr',
  'GetAZs',
  'Condition',
] as const;

const schema = yaml.DEFAULT_SCHEMA.extend(
  INTRINSICS.flatMap((name) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) =>
        new yaml.Type(`!${name}`, {
          kind,
          construct: (data) => {
            const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
            if (name === 'GetAtt' && typeof data === 'string') return { [key]: data.split('.') };
            return { [key]: data };
          },
        }),
    ),
  ),
);

/** Parses a CloudFormation YAML template (short-form intrinsics become their long form). */
export function loadCfnYaml(path: string): Record<string, unknown> {
  return yaml.load(readFileSync(path, 'utf8'), { schema }) as Record<string, unknown>;
}

export interface IamStatementRef {
  readonly where: string;
  readonly effect: unknown;
  readonly actions: readonly string[];
  readonly notAction: boolean;
}

/**
 * Every IAM statement in a template: role policies, managed policies, and any
 * other `PolicyDocument`/`AssumeRolePolicyDocument`/`Statement` under resources.
 */
export function iamStatements(template: Record<string, unknown>, file: string): IamStatementRef[] {
  const out: IamStatementRef[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        visit(n, `${path}[${i}]`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if ('Effect' in obj && ('Action' in obj || 'NotAction' in obj)) {
      const raw = obj.Action ?? obj.NotAction;
      const actions = (Array.isArray(raw) ? raw : [raw]).map((a) =>
        typeof a === 'string' ? a : JSON.stringify(a),
      );
      out.push({
        where: `${file}:${path}`,
        effect: obj.Effect,
        actions,
        notAction: 'NotAction' in obj,
      });
      return;
    }
    for (const [k, v] of Object.entries(obj)) visit(v, `${path}.${k}`);
  };
  visit(template.Resources, 'Resources');
  return out;
}

/** IAM actions that change IAM state: anything not a read (`Get*`, `List*`, `Simulate*`, `Generate*Report`). */
export function isIamWrite(action: string): boolean {
  const [service, name = ''] = action.toLowerCase().split(':');
  if (service !== 'iam') return false;
  return !/^(get|list)[a-z]*$/.test(name) || name.includes('*');
}

/** Runs cfn-lint on files (optionally ignoring some rule ids); returns its exit status and output. */
export function cfnLint(
  files: readonly string[],
  ignore: readonly string[] = [],
): { status: number | null; output: string } {
  const args = ignore.length > 0 ? ['--ignore-checks', ...ignore, '--', ...files] : [...files];
  const res = spawnSync('cfn-lint', args, { encoding: 'utf8' });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/**
 * Resolves `Fn::If` (and `AWS::NoValue`) in a template fragment for given
 * stack parameter values, the way CloudFormation does at deploy time, so a
 * test can read the policies a configuration really grants.
 */
export function resolveConditions(
  template: Record<string, unknown>,
  node: unknown,
  parameters: Readonly<Record<string, string>>,
): unknown {
  const conditions = (template.Conditions ?? {}) as Record<string, unknown>;
  const declared = (template.Parameters ?? {}) as Record<string, { Default?: unknown }>;
  const value = (n: unknown): unknown => {
    if (n !== null && typeof n === 'object' && !Array.isArray(n)) {
      const o = n as Record<string, unknown>;
      if ('Ref' in o && typeof o.Ref === 'string' && o.Ref in parameters) return parameters[o.Ref];
      // A parameter not given takes its declared default, as CloudFormation does.
      if ('Ref' in o && typeof o.Ref === 'string' && declared[o.Ref]?.Default !== undefined)
        return declared[o.Ref]?.Default;
    }
    return n;
  };
  const truth = (c: unknown): boolean => {
    const o = c as Record<string, unknown[]>;
    if ('Condition' in o) return truth(conditions[o.Condition as unknown as string]);
    if ('Fn::Not' in o) return !truth(o['Fn::Not']?.[0]);
    if ('Fn::And' in o) return (o['Fn::And'] ?? []).every(truth);
    if ('Fn::Or' in o) return (o['Fn::Or'] ?? []).some(truth);
    if ('Fn::Equals' in o) {
      const [a, b] = (o['Fn::Equals'] ?? []).map(value);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    throw new Error(`unsupported condition ${JSON.stringify(c)}`);
  };
  const NO_VALUE = Symbol('NoValue');
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk).filter((x) => x !== NO_VALUE);
    if (n === null || typeof n !== 'object') return n;
    const o = n as Record<string, unknown>;
    if (o.Ref === 'AWS::NoValue') return NO_VALUE;
    if ('Ref' in o && typeof o.Ref === 'string' && o.Ref in parameters) return parameters[o.Ref];
    if ('Fn::If' in o) {
      const [name, yes, no] = o['Fn::If'] as [string, unknown, unknown];
      return walk(truth(conditions[name]) ? yes : no);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      const w = walk(v);
      if (w !== NO_VALUE) out[k] = w;
    }
    return out;
  };
  return walk(node);
}

/** The AWS API actions a source file calls with an SDK client package (`XCommand`, `paginateX`). */
export function sdkActionsIn(file: string, sdkPackage: string, service: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/import\s*{([^}]*)}\s*from\s*'([^']+)'/g)) {
    if (m[2] !== sdkPackage) continue;
    for (const raw of (m[1] ?? '').split(',')) {
      const name = raw.trim();
      const cmd = /^([A-Z][A-Za-z]+)Command$/.exec(name)?.[1];
      const pag = /^paginate([A-Z][A-Za-z]+)$/.exec(name)?.[1];
      if (cmd !== undefined || pag !== undefined) out.add(`${service}:${cmd ?? pag}`);
    }
  }
  return [...out].sort();
}
