import { globMatch } from './wildcard.js';

/**
 * ARN matching. Patterns are in the escaped glob form of `wildcard.ts` (use
 * `globFromRaw` for text written in a policy, or the result of policy-variable
 * substitution).
 */

/** Splits an ARN into its six parts: `arn`, partition, service, region, account, resource. */
export function splitArn(
  arn: string,
): readonly [string, string, string, string, string, string] | undefined {
  const parts: string[] = [];
  let rest = arn;
  for (let i = 0; i < 5; i++) {
    const at = indexOfUnescapedColon(rest);
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts as unknown as [string, string, string, string, string, string];
}

/** Index of the first `:` that is not escaped with `\` (patterns may escape characters). */
function indexOfUnescapedColon(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ':') return i;
  }
  return -1;
}

/**
 * `ArnLike` / `ArnEquals` (IAM UG, condition operators, "Amazon Resource Name
 * (ARN) condition operators"): case-sensitive; each of the six colon-delimited
 * parts is matched separately and may hold `*` / `?`, so a wildcard in the
 * first five parts never spans a `:`; the resource part (the sixth, which may
 * itself contain `:` and `/`) is matched as a whole. A value that is not a
 * six-part ARN matches nothing. `ArnEquals` behaves exactly like `ArnLike`.
 */
export function matchArnLike(pattern: string, value: string): boolean {
  const p = splitArn(pattern);
  const v = splitArn(value);
  if (p === undefined || v === undefined) return false;
  for (let i = 0; i < 6; i++) {
    if (!globMatch(p[i] as string, v[i] as string)) return false;
  }
  return true;
}

/**
 * `Resource` / `NotResource` element matching (IAM UG, "IAM JSON policy
 * elements: Resource"): `*` alone matches every resource; an ARN pattern is
 * matched part by part like `ArnLike` (wildcards allowed in every part, never
 * spanning the `:` between the first five parts), case-sensitively. A pattern
 * that is not a six-part ARN is compared to the whole resource string.
 */
export function matchResource(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  if (p === undefined) return globMatch(pattern, resource);
  return matchArnLike(pattern, resource);
}
