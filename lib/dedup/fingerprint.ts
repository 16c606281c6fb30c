import { createHash } from 'node:crypto';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';

/**
 * The principal a denial is about, stable across sessions: for an assumed-role
 * session the role ARN (`arn:aws:sts::1:assumed-role/R/s` →
 * `arn:aws:iam::1:role/R`), never the session name, which an attacker chooses
 * freely and which would defeat grouping; otherwise the caller ARN, or the
 * caller type and account when the event had no ARN (web identity, SAML).
 */
export function callerPrincipal(d: Diagnosis): string {
  const arn = d.caller.arn;
  if (arn !== undefined) {
    const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.*$/.exec(arn);
    if (m) return `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
    return arn;
  }
  return `${d.caller.type}:${d.caller.accountId ?? d.target.accountId ?? 'unknown'}`;
}

/** First cause code, the one the alert headlines. */
export function firstCause(d: Diagnosis): string {
  return d.causes[0]?.code ?? 'NO_CAUSE_FOUND';
}

/** Dedup key: caller principal + role ARN + first cause code, hashed to a fixed length. */
export function fingerprint(d: Diagnosis): string {
  const material = [callerPrincipal(d), d.target.roleArn ?? '-', firstCause(d)].join('\n');
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}
