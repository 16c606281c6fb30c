import type { StateLabel } from '../iam/StateLabel.js';
import type { AccountAudit } from './AuditFinding.js';
import type { BlindSpot } from './BlindSpot.js';
import type { Severity } from './findingCodes.js';

/** The result of one audit run over one or more accounts (CLI output, worker results). */
export interface AuditReport {
  /** ISO time the audit judged "now" against (the snapshot's capture time, or the clock). */
  readonly auditedAt: string;
  readonly organizationId?: string;
  /** The IAM state audited: the demo organization, a snapshot file, or live AWS. */
  readonly state: StateLabel;
  readonly accounts: readonly AccountAudit[];
  /** Present when blind spots were checked (live only). */
  readonly blindSpots?: readonly BlindSpot[];
  readonly warnings: readonly string[];
}

export function countBySeverity(report: AuditReport): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const a of report.accounts) for (const f of a.findings) out[f.severity]++;
  return out;
}
