import type { AuditReport } from '../../findings/AuditReport.js';
import { countBySeverity } from '../../findings/AuditReport.js';

/** The audit report as JSON (stable field order, a `summary` of counts first). */
export function renderAuditJson(report: AuditReport): string {
  const bySeverity = countBySeverity(report);
  return `${JSON.stringify(
    {
      summary: {
        auditedAt: report.auditedAt,
        ...(report.organizationId === undefined ? {} : { organizationId: report.organizationId }),
        state: report.state,
        accounts: report.accounts.length,
        accountsNotAudited: report.accounts
          .filter((a) => a.error !== undefined)
          .map((a) => a.accountId),
        roles: report.accounts.reduce((n, a) => n + a.rolesAudited, 0),
        findings: bySeverity,
        suppressed: report.accounts.reduce((n, a) => n + a.suppressed.length, 0),
        ...(report.blindSpots === undefined ? {} : { blindSpots: report.blindSpots.length }),
      },
      accounts: report.accounts,
      ...(report.blindSpots === undefined ? {} : { blindSpots: report.blindSpots }),
      warnings: report.warnings,
    },
    null,
    2,
  )}\n`;
}
