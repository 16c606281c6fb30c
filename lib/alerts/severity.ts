import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import type { Alert } from './Alert.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const HIGH_WHEN_CONFIRMED: ReadonlySet<string> = new Set([
  'SCP_EXPLICIT_DENY',
  'SCP_NO_ALLOW',
  'RCP_EXPLICIT_DENY',
  'IDENTITY_EXPLICIT_DENY',
  'IDENTITY_NO_ALLOW',
  'BOUNDARY_EXPLICIT_DENY',
  'BOUNDARY_NO_ALLOW',
  'TRUST_EXPLICIT_DENY',
  'TRUST_PRINCIPAL_STALE_ID',
  'TARGET_ACCOUNT_OUTSIDE_ORG',
]);

const LOW: ReadonlySet<string> = new Set(['NO_CAUSE_FOUND', 'INSUFFICIENT_DATA']);

/**
 * Severity of a diagnosis, from its first (most probable) cause:
 * - `high`: a confirmed organization- or identity-level block (SCP, RCP,
 *   identity policy, boundary, explicit trust deny, stale principal id,
 *   account outside the organization) — these need a platform team;
 * - `medium`: any other cause that is confirmed or likely (a trust policy or
 *   condition to adjust, a mistyped role);
 * - `low`: only `possible` causes, or nothing could be read / found;
 * Security alerts (role enumeration) are `critical`.
 */
export function diagnosisSeverity(d: Diagnosis): Severity {
  const first = d.causes[0];
  if (first === undefined || LOW.has(first.code)) return 'low';
  if (first.confidence === 'possible') return 'low';
  if (first.confidence === 'confirmed' && HIGH_WHEN_CONFIRMED.has(first.code)) return 'high';
  return 'medium';
}

export function alertSeverity(alert: Alert): Severity {
  if (alert.kind === 'security') return 'critical';
  return diagnosisSeverity(alert.diagnosis);
}
