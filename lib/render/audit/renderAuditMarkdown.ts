import type { AuditFinding } from '../../findings/AuditFinding.js';
import { type AuditReport, countBySeverity } from '../../findings/AuditReport.js';
import { SEVERITIES } from '../../findings/findingCodes.js';
import { describeState } from '../../iam/StateLabel.js';
import { isPlainBlock, terminalLine } from '../safeText.js';
import { sortFindings } from './renderAuditText.js';

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text safe inside a Markdown table cell, a `<summary>` or inline code: one
 * line (see `terminalLine`), pipes escaped, `&<>` as entities so policy text
 * cannot open or close HTML (`</details>`).
 */
export function mdCell(text: string): string {
  return terminalLine(text)
    .replace(/\|/g, '\\|')
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c] as string);
}

/**
 * A fenced code block holding exactly `text`: the fence is one backtick longer
 * than the longest backtick run inside, so the text cannot close it (CommonMark).
 */
function fenced(lang: string, text: string): string[] {
  if (!isPlainBlock(text)) {
    // Not exact once copied (a zero-width or bidi character, a lone surrogate): not shown.
    return ['(not shown: it holds invisible characters; `--format json` has the exact text)'];
  }
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, text, fence];
}

/** Inline code (entities are not decoded there): one line, no backtick, pipes escaped for tables. */
function code(text: string): string {
  const inner = terminalLine(text).replace(/`/g, "'").replace(/\|/g, '\\|');
  // An empty span would be a double backtick, which opens a longer code span.
  return `\`${inner === '' ? ' ' : inner}\``;
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
    `Audited ${mdCell(describeState(report.state)).replace(/[`*_]/g, '')}.`,
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
        ...fenced('sh', fix.awsCli),
        '',
        ...fenced('hcl', fix.terraform),
        '',
        '</details>',
        '',
      );
    }
  }
  return `${out.join('\n')}\n`;
}
