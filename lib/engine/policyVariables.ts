import { lookupKey } from './contextKeys.js';
import type { RequestContext } from './RequestContext.js';
import { globFromLiteral, globFromRaw, globToText } from './wildcard.js';

/**
 * Policy variables (IAM UG, "IAM policy elements: Variables and tags"):
 * `${aws:username}`, `${aws:PrincipalTag/team}`, any `${key}` of the request
 * context, `${key, 'default'}` with a default used when the key has no value,
 * and the escapes `${*}`, `${?}`, `${$}` for a literal `*`, `?`, `$`.
 *
 * - Variables are only recognised in `Version: 2012-10-17` policies; in
 *   `2008-10-17` (the default when `Version` is missing) `${…}` is literal text.
 * - They are substituted in `Resource`/`NotResource` and in condition values,
 *   never in `Principal` or `Action`.
 * - Only single-valued keys can be used: a key with several values is treated
 *   as having no value (IAM UG, "Single-valued vs multivalued context keys").
 * - A key with no value and no default resolves to nothing (`missing`): IAM
 *   UG, "IAM policy elements: Variables and tags", section "Policy variables
 *   with no value" (reference_policies_variables.html#policy-vars-no-value):
 *   the value is effectively null, so a `Resource` using it matches no
 *   resource and a condition value using it makes the condition false; the
 *   page's note: "If AWS cannot resolve a variable this might cause the entire
 *   statement to be invalid ... use the ...IfExists condition operator".
 * - A key that was not logged (in `ctx.unknownKeys`) makes the result `unknown`.
 *
 * The substituted result is a pattern in the escaped glob form of
 * `wildcard.ts`: wildcards written in the policy stay wildcards, while
 * substituted values and `${*}`/`${?}` are literal.
 */
export type Substitution =
  | { readonly kind: 'ok'; readonly pattern: string; readonly text: string }
  | { readonly kind: 'unknown'; readonly key: string }
  | { readonly kind: 'missing'; readonly key: string };

/** Does the string contain something that policy-variable substitution would change? */
export function hasPolicyVariable(raw: string): boolean {
  return /\$\{[^}]*\}/.test(raw);
}

/**
 * Substitutes the policy variables of one policy string.
 * With `enabled: false` (2008-10-17 policies) the text is taken literally.
 */
export function substituteVariables(
  raw: string,
  ctx: RequestContext,
  enabled: boolean,
): Substitution {
  if (!enabled || !raw.includes('${')) {
    const pattern = globFromRaw(raw);
    return { kind: 'ok', pattern, text: raw };
  }
  let pattern = '';
  let unknownKey: string | undefined;
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf('${', i);
    if (start < 0) {
      pattern += globFromRaw(raw.slice(i));
      break;
    }
    const end = raw.indexOf('}', start + 2);
    if (end < 0) {
      pattern += globFromRaw(raw.slice(i));
      break;
    }
    pattern += globFromRaw(raw.slice(i, start));
    const body = raw.slice(start + 2, end);
    i = end + 1;
    if (body === '*' || body === '?' || body === '$') {
      pattern += globFromLiteral(body);
      continue;
    }
    const { key, fallback } = splitDefault(body);
    const found = lookupKey(ctx, key);
    if (found.state === 'present' && found.values.length === 1) {
      pattern += globFromLiteral(found.values[0] as string);
    } else if (found.state === 'unknown') {
      // Keep scanning: a later missing variable (no default) still decides `missing`.
      unknownKey ??= key.toLowerCase();
    } else if (fallback !== undefined) {
      pattern += globFromLiteral(fallback);
    } else {
      return { kind: 'missing', key: key.toLowerCase() };
    }
  }
  if (unknownKey !== undefined) return { kind: 'unknown', key: unknownKey };
  return { kind: 'ok', pattern, text: globToText(pattern) };
}

/** `aws:PrincipalTag/team, 'none'` → key and default; whitespace around the comma is allowed. */
function splitDefault(body: string): { key: string; fallback?: string } {
  const m = /^\s*([^,]*?)\s*,\s*'([^']*)'\s*$/.exec(body);
  if (m !== null) return { key: m[1] as string, fallback: m[2] as string };
  return { key: body.trim() };
}
