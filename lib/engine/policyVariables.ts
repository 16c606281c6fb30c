import { KeyScope } from './contextKeys.js';
import type { RequestContext } from './RequestContext.js';
import { globFromLiteral, globFromRaw } from './wildcard.js';

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
 * One piece of a policy string with variables: literal text (already in
 * escaped glob form, with the plain text it spells) or a `${key}` /
 * `${key, 'default'}` reference. `${*}`, `${?}` and `${$}` are literal pieces.
 */
type TemplatePart =
  | { readonly literal: true; readonly pattern: string; readonly text: string }
  | {
      readonly literal: false;
      /** As written (trimmed): the key lookup is case-insensitive. */
      readonly lowerKey: string;
      readonly fallback: string | undefined;
    };

/**
 * A policy string parsed for variables once (see {@link compileTemplate});
 * {@link substituteTemplate} then only looks keys up and concatenates.
 */
export interface VariableTemplate {
  readonly parts: readonly TemplatePart[];
  /** False when the string has no variable reference: substitution never depends on the request. */
  readonly hasVariables: boolean;
}

function literalPart(raw: string): TemplatePart {
  return { literal: true, pattern: globFromRaw(raw), text: raw };
}

/**
 * Parses a policy string for variables. With `enabled: false` (2008-10-17
 * policies) the whole text is one literal piece.
 */
export function compileTemplate(raw: string, enabled: boolean): VariableTemplate {
  if (!enabled || !raw.includes('${')) return { parts: [literalPart(raw)], hasVariables: false };
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf('${', i);
    if (start < 0) {
      parts.push(literalPart(raw.slice(i)));
      break;
    }
    const end = raw.indexOf('}', start + 2);
    if (end < 0) {
      parts.push(literalPart(raw.slice(i)));
      break;
    }
    parts.push(literalPart(raw.slice(i, start)));
    const body = raw.slice(start + 2, end);
    i = end + 1;
    if (body === '*' || body === '?' || body === '$') {
      parts.push({ literal: true, pattern: globFromLiteral(body), text: body });
      continue;
    }
    const { key, fallback } = splitDefault(body);
    parts.push({ literal: false, lowerKey: key.toLowerCase(), fallback });
    hasVariables = true;
  }
  return { parts, hasVariables };
}

/** What substitution needs from the request: values by lower-cased key, and which keys were not logged. */
export interface KeySource {
  values(lowerKey: string): readonly string[] | undefined;
  isUnknown(lowerKey: string): boolean;
}

/** Substitutes the variables of a compiled policy string (semantics of {@link substituteVariables}). */
export function substituteTemplate(t: VariableTemplate, keys: KeySource): Substitution {
  let pattern = '';
  let text = '';
  let unknownKey: string | undefined;
  for (const part of t.parts) {
    if (part.literal) {
      pattern += part.pattern;
      text += part.text;
      continue;
    }
    const values = keys.values(part.lowerKey);
    if (values !== undefined && values.length === 1) {
      const value = values[0] as string;
      pattern += globFromLiteral(value);
      text += value;
    } else if (values === undefined && keys.isUnknown(part.lowerKey)) {
      // Keep scanning: a later missing variable (no default) still decides `missing`.
      unknownKey ??= part.lowerKey;
    } else if (part.fallback !== undefined) {
      pattern += globFromLiteral(part.fallback);
      text += part.fallback;
    } else {
      return { kind: 'missing', key: part.lowerKey };
    }
  }
  if (unknownKey !== undefined) return { kind: 'unknown', key: unknownKey };
  return { kind: 'ok', pattern, text };
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
  return substituteTemplate(compileTemplate(raw, enabled), new KeyScope(ctx));
}

/** `aws:PrincipalTag/team, 'none'` → key and default; whitespace around the comma is allowed. */
function splitDefault(body: string): { key: string; fallback: string | undefined } {
  const m = /^\s*([^,]*?)\s*,\s*'([^']*)'\s*$/.exec(body);
  if (m !== null) return { key: m[1] as string, fallback: m[2] as string };
  return { key: body.trim(), fallback: undefined };
}
