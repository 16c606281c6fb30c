import type * as z from './z.js';

/** One step of a JSON path: an object key or an array index. */
export type PathSegment = string | number;

/**
 * Appends segments to a JSON path in the notation every trustwatch error uses
 * (the same as lib/policy's): `Records[2].userIdentity`,
 * `accounts.222222222222.RoleDetailList[3]`; a key with other characters than
 * letters, digits, `_` and `$` is written `["detail-type"]`.
 */
export function joinPath(base: string, ...segments: readonly PathSegment[]): string {
  let out = base;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as PathSegment;
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_$]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** How a JSON value reads in an error: `null`, `a string`, `an array`, … */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const ARTICLE: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  int: 'an integer',
  record: 'an object',
  map: 'an object',
};

/** One line for a zod issue: `expected a string, got a number`, `missing required key`, … */
export function describeZodIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const got = valueAt(root, issue.path);
  if (got === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return 'missing required key';
  }
  switch (issue.code) {
    case 'invalid_type': {
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      return `expected ${expected}, got ${describeJsonValue(got)}`;
    }
    case 'invalid_value':
      return `expected ${issue.values.map((v) => `\`${String(v)}\``).join(' or ')}, got \`${String(got)}\``;
    case 'invalid_format':
      return `\`${String(got)}\` is not a valid ${issue.format === 'regex' ? 'value' : issue.format}`;
    case 'invalid_union': {
      const expected = issue.errors
        .map((branch) => branch[0])
        .filter(
          (i): i is z.core.$ZodIssueInvalidType =>
            i?.code === 'invalid_type' && i.path.length === 0,
        )
        .map((i) => ARTICLE[i.expected] ?? i.expected);
      if (expected.length === issue.errors.length && expected.length > 0) {
        return `expected ${[...new Set(expected)].join(' or ')}, got ${describeJsonValue(got)}`;
      }
      return 'matches none of the accepted shapes';
    }
    case 'too_small':
    case 'too_big':
    case 'unrecognized_keys':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
    case 'custom':
      return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
    default:
      return 'invalid value';
  }
}

/** The JSON path of a zod issue below `base`. */
export function zodIssuePath(base: string, issue: z.core.$ZodIssue): string {
  return joinPath(
    base,
    ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)) as PathSegment),
  );
}
