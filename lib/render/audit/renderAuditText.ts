import type { AuditFinding } from '../../findings/AuditFinding.js';
import { type AuditReport, countBySeverity } from '../../findings/AuditReport.js';
import { SEVERITIES, SEVERITY_RANK } from '../../findings/findingCodes.js';
import { describeState } from '../../iam/StateLabel.js';
import { terminalLine } from '../safeText.js';

export interface AuditTextOptions {
  readonly color?: boolean;
  /** Print each fix's CLI command (default true). */
  readonly commands?: boolean;
}

const COLORS: Record<string, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

export function sortFindings(findings: readonly AuditFinding[]): AuditFinding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.roleArn.localeCompare(b.roleArn) ||
      a.code.localeCompare(b.code) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}

function evidenceLine(f: AuditFinding): string {
  const e = f.evidence;
  const parts = [
    e.sid === undefined
      ? `statement #${e.statementIndex}`
      : `statement ${e.sid} (#${e.statementIndex})`,
  ];
  if (e.principal !== undefined) parts.push(`principal ${e.principal}`);
  if (e.conditionKey !== undefined) {
    parts.push(
      `condition ${e.operator === undefined ? '' : `${e.operator} `}${e.conditionKey}${e.values === undefined ? '' : ` = ${e.values.join(', ')}`}`,
    );
  }
  return terminalLine(parts.join(', '));
}

/** The audit as text for a terminal: findings by account, most severe first, with fixes. */
export function renderAuditText(report: AuditReport, opts: AuditTextOptions = {}): string {
  const paint = (sev: string, text: string) =>
    opts.color === true ? `${COLORS[sev] ?? ''}${text}\x1b[0m` : text;
  const lines: string[] = [];
  const counts = countBySeverity(report);
  const total = SEVERITIES.reduce((n, s) => n + counts[s], 0);
  const roles = report.accounts.reduce((n, a) => n + a.rolesAudited, 0);
  lines.push(
    `trustwatch audit: ${roles} role(s) in ${report.accounts.length} account(s)${report.organizationId === undefined ? '' : ` of ${report.organizationId}`}, as of ${report.auditedAt}`,
  );
  lines.push(`audited ${terminalLine(describeState(report.state))}`);
  lines.push(`${total} finding(s): ${SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}`);
  for (const a of report.accounts) {
    lines.push('');
    if (a.error !== undefined) {
      lines.push(`account ${a.accountId}: not audited: ${terminalLine(a.error)}`);
      continue;
    }
    const supp = a.suppressed.length > 0 ? `, ${a.suppressed.length} suppressed` : '';
    lines.push(
      `account ${a.accountId}: ${a.rolesAudited} role(s), ${a.findings.length} finding(s)${supp}${a.rolesSkipped > 0 ? `, ${a.rolesSkipped} AWS-managed role(s) skipped` : ''}`,
    );
    for (const f of sortFindings(a.findings)) {
      lines.push(
        `  ${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${f.code}  ${terminalLine(f.roleName)}`,
      );
      lines.push(`           ${terminalLine(f.summary)}`);
      lines.push(`           evidence: ${evidenceLine(f)}`);
      if (f.fix !== undefined) {
        lines.push(
          `           fix${f.fix.verified ? ' (verified)' : ' (NOT verified)'}: ${terminalLine(f.fix.title)}`,
        );
        for (const p of f.fix.placeholders) lines.push(`             fill in: ${terminalLine(p)}`);
        if (opts.commands !== false) {
          const cli = f.fix.awsCli.split('\n');
          // delete-role: the detach loops are in the json/markdown output; show the decisive command.
          const shown = f.fix.kind === 'delete-role' ? cli.slice(-1) : cli;
          for (const l of shown) lines.push(`             $ ${terminalLine(l)}`);
          if (shown.length < cli.length)
            lines.push(
              '             (detach its policies and instance profiles first: see --format markdown)',
            );
        }
      } else if (f.noFixReason !== undefined) {
        lines.push(`           no automatic fix: ${terminalLine(f.noFixReason)}`);
      }
    }
    for (const w of a.warnings) lines.push(`  warning: ${terminalLine(w)}`);
  }
  if (report.blindSpots !== undefined) {
    lines.push('');
    lines.push(
      report.blindSpots.length === 0
        ? 'blind spots: none (forwarding rule and management-event trail in every checked region)'
        : `blind spots: ${report.blindSpots.length}`,
    );
    for (const b of report.blindSpots) {
      lines.push(
        `  ${paint(b.severity, b.severity.toUpperCase().padEnd(8))} ${b.code}  ${b.accountId} ${b.region}: ${terminalLine(b.summary)}`,
      );
    }
  }
  for (const w of report.warnings) lines.push(`warning: ${terminalLine(w)}`);
  return `${lines.join('\n')}\n`;
}
