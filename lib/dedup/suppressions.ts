import type { Suppression } from '../config/pipelineConfig.js';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import { callerPrincipal } from './fingerprint.js';

const globCache = new Map<string, RegExp>();

/** Whole-value glob: `*` any run of characters (including `/` and `:`), `?` one character. */
export function globMatch(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (re === undefined) {
    const body = pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 's');
    globCache.set(pattern, re);
  }
  return re.test(value);
}

function matches(rule: Suppression, d: Diagnosis): boolean {
  if (rule.causes !== undefined && !d.causes.some((c) => rule.causes?.includes(c.code)))
    return false;
  if (rule.accounts !== undefined) {
    const accounts = [d.caller.accountId, d.target.accountId].filter(
      (a): a is string => a !== undefined,
    );
    if (!accounts.some((a) => rule.accounts?.includes(a))) return false;
  }
  if (rule.caller !== undefined) {
    const candidates = [callerPrincipal(d), d.caller.arn].filter(
      (a): a is string => a !== undefined,
    );
    if (!candidates.some((c) => globMatch(rule.caller as string, c))) return false;
  }
  if (rule.role !== undefined && !globMatch(rule.role, d.target.roleArn ?? '')) return false;
  return true;
}

/** The first suppression rule that matches the diagnosis, if any. */
export function findSuppression(
  rules: readonly Suppression[],
  d: Diagnosis,
): Suppression | undefined {
  return rules.find((r) => matches(r, d));
}
