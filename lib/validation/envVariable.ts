import * as z from './z.js';

/** An optional environment variable, trimmed; blank counts as unset. */
export const envText = z.pipe(
  z.optional(z.string()),
  z.transform((v: string | undefined) =>
    v === undefined || v.trim() === '' ? undefined : v.trim(),
  ),
);

/** An optional integer variable within `min`..`max`; `fallback` when unset or blank. */
export function envInteger(min: number, max: number, fallback: number) {
  return z.pipe(
    envText,
    z.transform((v: string | undefined, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        // zod/mini's transform context has no `addIssue`: push the issue itself.
        ctx.issues.push({
          code: 'custom',
          message: `expected an integer from ${min} to ${max}`,
          input: v,
        });
        return z.NEVER;
      }
      return n;
    }),
  );
}
