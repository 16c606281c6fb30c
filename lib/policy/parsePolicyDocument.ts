import { PolicyError } from '../errors/TrustwatchError.js';
import { findJsonErrorOffset } from '../validation/findJsonErrorOffset.js';
import { lineColumnAt } from '../validation/parseJsonText.js';
import * as z from '../validation/z.js';
import { markParsed } from './isParsed.js';
import { appendIndex, appendKey } from './jsonPath.js';
import type {
  ConditionClause,
  PolicyDocument,
  PolicyStatement,
  PrincipalElement,
} from './PolicyDocument.js';

/**
 * Reads an IAM policy document the way AWS hands it out and validates the full
 * policy grammar, so the engine can trust its input.
 *
 * Accepted input: a JSON object (AWS CLI output), a JSON string, or a
 * URL-encoded JSON string (IAM `GetRole` / `GetAccountAuthorizationDetails`
 * return documents percent-encoded, RFC 3986). A string that starts with `{`
 * is plain JSON even when it contains `%` (e.g. `"s3:prefix": "100%"`).
 *
 * Every error is a {@link PolicyError} with a one-line lower-case message and
 * `context.path` = `path` + the exact JSON path inside the document, e.g.
 * `accounts.222222222222.RoleDetailList[3].AssumeRolePolicyDocument.Statement[1].Effect`.
 */
export function parsePolicyDocument(input: unknown, path: string): PolicyDocument {
  const raw = typeof input === 'string' ? decodeDocumentText(input, path) : input;
  if (!isPlainObject(raw)) {
    fail(`policy document must be a JSON object, got ${describe(raw)}`, path);
  }
  const top = topLevelSchema.safeParse(raw);
  if (!top.success) failWithIssue(top.error.issues, path);
  const { Version, Id, Statement } = top.data;

  const statementPath = appendKey(path, 'Statement');
  let statements: PolicyStatement[];
  if (Array.isArray(Statement)) {
    statements = Statement.map((s, i) => parseStatement(s, i, appendIndex(statementPath, i)));
  } else if (isPlainObject(Statement)) {
    statements = [parseStatement(Statement, 0, statementPath)];
  } else {
    fail(
      `\`Statement\` must be an object or an array of objects, got ${describe(Statement)}`,
      statementPath,
    );
  }
  return markParsed({
    ...(Version === undefined ? {} : { version: Version }),
    ...(Id === undefined ? {} : { id: Id }),
    statements,
  });
}

/** Policy grammar versions IAM accepts. */
export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;

/** Principal types a `Principal` map may name. */
export const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

/** ` (line 1, column 28: unexpected end of input, expected a string)`, or nothing when unsure. */
function whereJsonFails(text: string, prefix = ''): string {
  const found = findJsonErrorOffset(text);
  if (found === undefined) return prefix === '' ? '' : ` (${prefix.replace(/, $/, '')})`;
  const { line, column } = lineColumnAt(text, found.offset);
  return ` (${prefix}line ${line}, column ${column}: ${found.reason})`;
}

function decodeDocumentText(text: string, path: string): unknown {
  const trimmed = text.trim();
  const tryJson = (s: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(s) as unknown };
    } catch {
      return { ok: false };
    }
  };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = tryJson(trimmed);
    if (parsed.ok) return parsed.value;
    fail(`not valid JSON${whereJsonFails(trimmed)}`, path);
  }
  if (/%[0-9a-fA-F]{2}/.test(trimmed)) {
    let decoded: string;
    try {
      // `+` only appears raw in form-encoded text, where it stands for a space;
      // a literal plus is always `%2B` in both encodings.
      decoded = decodeURIComponent(trimmed.replace(/\+/g, ' '));
    } catch {
      fail('not valid JSON (bad URL encoding)', path);
    }
    const parsed = tryJson(decoded.trim());
    if (parsed.ok) return parsed.value;
    fail(`not valid JSON${whereJsonFails(decoded.trim(), 'once URL-decoded, ')}`, path);
  }
  const parsed = tryJson(trimmed);
  if (parsed.ok) return parsed.value;
  fail(
    trimmed === ''
      ? 'not valid JSON (the document is empty)'
      : `not valid JSON${whereJsonFails(trimmed)}`,
    path,
  );
}

// ---------------------------------------------------------------------------
// zod schemas: one per grammar element, each with a message that names it.

const optionalString = (name: string) =>
  z.optional(
    z.string({ error: (iss) => `\`${name}\` must be a string, got ${describe(iss.input)}` }),
  );

const stringList = (name: string) =>
  z.union(
    [
      z.string(),
      z
        .array(
          z.string({
            error: (iss) => `\`${name}\` entries must be strings, got ${describe(iss.input)}`,
          }),
        )
        .check(
          z.minLength(1, {
            error: `\`${name}\` must be a string or a non-empty array of strings, got an empty array`,
          }),
        ),
    ],
    {
      error: (iss) =>
        `\`${name}\` must be a string or a non-empty array of strings, got ${describe(iss.input)}`,
    },
  );

const topLevelSchema = z.strictObject(
  {
    Version: z.optional(
      z.enum(POLICY_VERSIONS, {
        error: (iss) =>
          `\`Version\` must be \`2012-10-17\` or \`2008-10-17\`, got ${describe(iss.input)}`,
      }),
    ),
    Id: optionalString('Id'),
    Statement: z
      .unknown()
      .check(z.refine((v) => v !== undefined, { error: '`Statement` is required' })),
  },
  { error: unknownKeyMessage('policy element') },
);

const statementSchema = z.strictObject(
  {
    Sid: optionalString('Sid'),
    Effect: z.enum(['Allow', 'Deny'], {
      error: (iss) =>
        iss.input === undefined
          ? '`Effect` is required'
          : `\`Effect\` must be \`Allow\` or \`Deny\`, got ${describe(iss.input)}`,
    }),
    Principal: z.optional(z.unknown()),
    NotPrincipal: z.optional(z.unknown()),
    Action: z.optional(stringList('Action')),
    NotAction: z.optional(stringList('NotAction')),
    Resource: z.optional(stringList('Resource')),
    NotResource: z.optional(stringList('NotResource')),
    Condition: z.optional(z.unknown()),
  },
  { error: unknownKeyMessage('statement element') },
);

const buildPrincipalMapSchema = (name: string) =>
  z.strictObject(
    {
      AWS: z.optional(stringList(`${name}.AWS`)),
      Service: z.optional(stringList(`${name}.Service`)),
      Federated: z.optional(stringList(`${name}.Federated`)),
      CanonicalUser: z.optional(stringList(`${name}.CanonicalUser`)),
    },
    {
      error: unknownKeyMessage(
        `\`${name}\` type`,
        'expected `AWS`, `Service`, `Federated` or `CanonicalUser`',
      ),
    },
  );

/** Built once: zod schemas are costly to construct. */
const PRINCIPAL_MAP_SCHEMAS = {
  Principal: buildPrincipalMapSchema('Principal'),
  NotPrincipal: buildPrincipalMapSchema('NotPrincipal'),
} as const;

const conditionScalar = z.union([z.string(), z.number(), z.boolean()], {
  error: (iss) =>
    `condition values must be strings, numbers or booleans, got ${describe(iss.input)}`,
});
const conditionValueSchema = z.union([conditionScalar, z.array(conditionScalar)], {
  error: (iss) =>
    `condition value must be a string, number, boolean or an array of them, got ${describe(iss.input)}`,
});
const conditionSchema = z.record(
  z.string(),
  z.record(z.string(), conditionValueSchema, {
    error: (iss) =>
      `condition operator must map condition keys to values, got ${describe(iss.input)}`,
  }),
  {
    error: (iss) =>
      `\`Condition\` must be an object of condition operators, got ${describe(iss.input)}`,
  },
);

// ---------------------------------------------------------------------------

function parseStatement(input: unknown, index: number, path: string): PolicyStatement {
  if (!isPlainObject(input)) {
    fail(`statement must be an object, got ${describe(input)}`, path);
  }
  const parsed = statementSchema.safeParse(input);
  if (!parsed.success) failWithIssue(parsed.error.issues, path);
  const s = parsed.data;

  if (s.Action !== undefined && s.NotAction !== undefined) {
    fail('statement must not have both `Action` and `NotAction`', appendKey(path, 'NotAction'));
  }
  if (s.Action === undefined && s.NotAction === undefined) {
    fail('statement needs `Action` or `NotAction`', path);
  }
  if (s.Resource !== undefined && s.NotResource !== undefined) {
    fail(
      'statement must not have both `Resource` and `NotResource`',
      appendKey(path, 'NotResource'),
    );
  }
  if (s.Principal !== undefined && s.NotPrincipal !== undefined) {
    fail(
      'statement must not have both `Principal` and `NotPrincipal`',
      appendKey(path, 'NotPrincipal'),
    );
  }

  const principal =
    s.Principal === undefined
      ? undefined
      : parsePrincipal(s.Principal, 'Principal', appendKey(path, 'Principal'));
  const notPrincipal =
    s.NotPrincipal === undefined
      ? undefined
      : parsePrincipal(s.NotPrincipal, 'NotPrincipal', appendKey(path, 'NotPrincipal'));
  const conditions =
    s.Condition === undefined ? [] : parseCondition(s.Condition, appendKey(path, 'Condition'));

  return {
    index,
    ...(s.Sid === undefined ? {} : { sid: s.Sid }),
    effect: s.Effect,
    ...(principal === undefined ? {} : { principal }),
    ...(notPrincipal === undefined ? {} : { notPrincipal }),
    ...(s.Action === undefined ? {} : { action: toList(s.Action) }),
    ...(s.NotAction === undefined ? {} : { notAction: toList(s.NotAction) }),
    ...(s.Resource === undefined ? {} : { resource: toList(s.Resource) }),
    ...(s.NotResource === undefined ? {} : { notResource: toList(s.NotResource) }),
    conditions,
  };
}

function parsePrincipal(
  input: unknown,
  name: 'Principal' | 'NotPrincipal',
  path: string,
): PrincipalElement {
  if (input === '*') return { kind: 'any' };
  if (!isPlainObject(input)) {
    fail(
      `\`${name}\` must be \`*\` or an object of principal types (\`AWS\`, \`Service\`, \`Federated\`, \`CanonicalUser\`), got ${describe(input)}`,
      path,
    );
  }
  const parsed = PRINCIPAL_MAP_SCHEMAS[name].safeParse(input);
  if (!parsed.success) failWithIssue(parsed.error.issues, path);
  const m = parsed.data;
  if (
    m.AWS === undefined &&
    m.Service === undefined &&
    m.Federated === undefined &&
    m.CanonicalUser === undefined
  ) {
    fail(`\`${name}\` must name at least one principal`, path);
  }
  return {
    kind: 'map',
    AWS: toList(m.AWS),
    Service: toList(m.Service),
    Federated: toList(m.Federated),
    CanonicalUser: toList(m.CanonicalUser),
  };
}

function parseCondition(input: unknown, path: string): ConditionClause[] {
  const parsed = conditionSchema.safeParse(input);
  if (!parsed.success) failWithIssue(parsed.error.issues, path);
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(parsed.data)) {
    const opPath = appendKey(path, operator);
    const entries = Object.entries(keys);
    if (entries.length === 0)
      fail(`condition operator \`${clip(operator)}\` names no condition key`, opPath);
    for (const [key, value] of entries) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
      clauses.push({ operator, key, values });
    }
  }
  return clauses;
}

// ---------------------------------------------------------------------------
// Errors

function fail(message: string, path: string): never {
  throw new PolicyError(message, { context: { path } });
}

/** Turns the first zod issue into a PolicyError at the issue's exact path. */
function failWithIssue(issues: readonly z.core.$ZodIssue[], base: string): never {
  // An unknown element explains a "missing" one (`action` for `Action`): report it first.
  let issue: z.core.$ZodIssue | undefined =
    issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue === undefined) fail('invalid policy document', base);
  let path = appendPath(base, issue.path);
  // For "string or array of strings", point at the offending array entry.
  while (issue.code === 'invalid_union') {
    const deeper: z.core.$ZodIssue | undefined = issue.errors
      .map((branch) => branch[0])
      .find((i): i is z.core.$ZodIssue => i !== undefined && i.path.length > 0);
    if (deeper === undefined) break;
    issue = deeper;
    path = appendPath(path, deeper.path);
  }
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    path = appendKey(path, issue.keys[0]);
  }
  fail(issue.message, path);
}

function appendPath(base: string, segments: readonly PropertyKey[]): string {
  let path = base;
  for (const seg of segments) {
    path = typeof seg === 'number' ? appendIndex(path, seg) : appendKey(path, String(seg));
  }
  return path;
}

function unknownKeyMessage(what: string, hint?: string) {
  return (iss: { code?: string; keys?: readonly string[]; input?: unknown }) => {
    if (iss.code === 'unrecognized_keys') {
      const key = iss.keys?.[0] ?? '';
      return `unknown ${what} \`${clip(key)}\`${hint === undefined ? '' : ` (${hint})`}`;
    }
    return `${what} must be an object, got ${describe(iss.input)}`;
  };
}

function toList(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keeps user text to one short line inside backticks. */
function clip(s: string): string {
  const oneLine = s.replace(/[\r\n\t\u0000-\u001f]/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return '`null`';
  if (typeof v === 'string') return `\`${clip(v)}\``;
  if (typeof v === 'number' || typeof v === 'boolean') return `\`${String(v)}\``;
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : 'an array';
  return 'an object';
}
