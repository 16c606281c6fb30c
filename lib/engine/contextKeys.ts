import type { RequestContext } from './RequestContext.js';

/**
 * How a condition key stands in a request: known with values, known to be
 * absent, or not logged (its value cannot be known from CloudTrail).
 * Key names are case-insensitive (IAM UG, "IAM JSON policy elements:
 * Condition": condition key names are not case-sensitive).
 */
export type KeyLookup =
  | { readonly state: 'present'; readonly values: readonly string[] }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown' };

/** True when `lowerKey` is listed in `ctx.unknownKeys`, exactly or under a `…/` prefix entry. */
export function isUnknownKey(ctx: RequestContext, lowerKey: string): boolean {
  for (const entry of ctx.unknownKeys) {
    const e = entry.toLowerCase();
    if (e === lowerKey) return true;
    if (e.endsWith('/') && lowerKey.startsWith(e)) return true;
  }
  return false;
}

/** Looks a condition key up in the request. Known values win over an `unknownKeys` entry. */
export function lookupKey(ctx: RequestContext, key: string): KeyLookup {
  const lowerKey = key.toLowerCase();
  const values = Object.hasOwn(ctx.values, lowerKey) ? ctx.values[lowerKey] : undefined;
  if (values !== undefined) return { state: 'present', values };
  if (isUnknownKey(ctx, lowerKey)) return { state: 'unknown' };
  return { state: 'absent' };
}
