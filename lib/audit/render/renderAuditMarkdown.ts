import { describeState } from '../../iam/StateLabel.js';
import type { AuditFinding } from '../AuditFinding.js';
import { type AuditReport, countBySeverity } from '../AuditReport.js';
import { SEVERITIES } from '../findingCodes.js';
import { printable, sortFindings } from './renderAuditText.js';

/** Text safe inside a Markdown table cell or inline code. */
export function mdCell(text: string): string {
  return printable(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  const t = mdCell(text).replace(/`/g, "'");
  return `\`${t}\``;
}

/** The findings table alone (also what the README shows for the demo organization). */
export function renderFindingsTable(findings: readonly AuditFinding[]): string {
  const rows = sortFindings(findings).map(
    (f) =>
      `| ${f.severity} | ${code(f.code)} | ${f.accountId} | ${code(f.roleName)} | ${mdCell(f.summary)} |`,
  );
  return ['| severity | code | account | role | finding |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** The audit as Markdown (pull-request comments, CI job summaries). */
export function renderAuditMarkdown(report: AuditReport): string {
  const counts = countBySeverity(report);
  const all = report.accounts.flatMap((a) => a.findings);
  const out: string[] = [
    `## trustwatch audit${report.organizationId === undefined ? '' : ` of ${code(report.organizationId)}`}`,
    '',
    `As of ${report.auditedAt}, ${report.accounts.reduce((n, a) => n + a.rolesAudited, 0)} roles in ${report.accounts.length} accounts: ${SEVERITIES.map((s) => `**${counts[s]}** ${s}`).join(', ')}.`,
    '',
    `Audited ${describeState(report.state).replace(/[`*_<>|]/g, '')}.`,
    '',
  ];
  if (all.length > 0) out.push(renderFindingsTable(all), '');
  const notAudited = report.accounts.filter((a) => a.error !== undefined);
  if (notAudited.length > 0) {
    out.push('### Accounts not audited', '');
    for (const a of notAudited) out.push(`- ${a.accountId}: ${mdCell(a.error ?? '')}`);
    out.push('');
  }
  if (report.blindSpots !== undefined && report.blindSpots.length > 0) {
    out.push(
      '### Blind spots',
      '',
      '| severity | code | account | region | detail |',
      '|---|---|---|---|---|',
    );
    for (const b of report.blindSpots)
      out.push(
        `| ${b.severity} | ${code(b.code)} | ${b.accountId} | ${b.region} | ${mdCell(b.summary)} |`,
      );
    out.push('');
  }
  const withFix = sortFindings(all).filter((f) => f.fix !== undefined);
  if (withFix.length > 0) {
    out.push('### Fixes', '');
    for (const f of withFix) {
      const fix = f.fix!;
      out.push(
        `<details><summary>${mdCell(f.code)} on ${mdCell(f.roleName)}: ${mdCell(fix.title)}${fix.verified ? ' (verified)' : ''}</summary>`,
        '',
      );
      for (const p of fix.placeholders) out.push(`- fill in: ${mdCell(p)}`);
      out.push(
        '',
        '```sh',
        fix.awsCli,
        '```',
        '',
        '```hcl',
        fix.terraform,
        '```',
        '',
        '</details>',
        '',
      );
    }
  }
  return `${out.join('\n')}\n`;
}
