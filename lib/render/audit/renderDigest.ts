import type { StoredFinding } from '../../findings/AuditRun.js';
import type { AuditDigest } from '../../findings/buildDigest.js';
import { SEVERITIES } from '../../findings/findingCodes.js';
import { slackCode, slackProse, slackSummary } from '../escapeSlack.js';
import { fitLines } from '../renderSlack.js';

/** One line per digest: the subject of the SNS message and the Slack fallback text. */
export function digestHeadline(d: AuditDigest): string {
  const open = SEVERITIES.reduce((n, s) => n + d.openBySeverity[s], 0);
  return `trustwatch audit: ${d.new.length} new, ${d.resolved.length} resolved, ${open} open finding(s) in ${d.accountsAudited} account(s)${d.accountsFailed.length > 0 ? `, ${d.accountsFailed.length} not audited` : ''}${d.blindSpots.length > 0 ? `, ${d.blindSpots.length} blind spot(s)` : ''}`;
}

const MAX_LISTED = 15;
/** Longest finding summary or error shown per line (the SNS message has the full text). */
const LINE_TEXT = 400;

function findingLine(f: StoredFinding): string {
  return `• *${slackProse(f.severity)}* ${slackCode(f.code)} ${slackCode(f.roleArn)}\n   ${slackSummary(f.summary, [], LINE_TEXT)}`;
}

function listSection(title: string, list: readonly StoredFinding[]): unknown[] {
  if (list.length === 0) return [];
  const shown = list.slice(0, MAX_LISTED).map(findingLine);
  if (list.length > MAX_LISTED) shown.push(`…and ${list.length - MAX_LISTED} more`);
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: fitLines([`*${title}* (${list.length})`, ...shown]) },
    },
  ];
}

/**
 * The digest as a Slack Block Kit payload. Everything that comes from a
 * policy, a role or an account (summaries quote policy values) is escaped.
 */
export function renderDigestSlack(d: AuditDigest): { text: string; blocks: unknown[] } {
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: 'trustwatch trust-policy audit', emoji: false },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: slackProse(digestHeadline(d), 3000),
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: slackProse(
            `run ${d.runId}${d.previousRunId === undefined ? ' (first run: every finding is new)' : `, compared with ${d.previousRunId}`}; open by severity: ${SEVERITIES.map((s) => `${d.openBySeverity[s]} ${s}`).join(', ')}${d.suppressed > 0 ? `; ${d.suppressed} suppressed` : ''}`,
          ),
        },
      ],
    },
    ...listSection('New', d.new),
    ...listSection('Resolved', d.resolved),
  ];
  if (d.accountsFailed.length > 0) {
    const lines = d.accountsFailed
      .slice(0, MAX_LISTED)
      .map((a) => `• ${slackCode(a.accountId)} ${slackProse(a.error, LINE_TEXT)}`);
    if (d.accountsFailed.length > MAX_LISTED)
      lines.push(`…and ${d.accountsFailed.length - MAX_LISTED} more`);
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fitLines([`*Not audited* (${d.accountsFailed.length})`, ...lines]),
      },
    });
  }
  if (d.blindSpots.length > 0) {
    const lines = d.blindSpots
      .slice(0, MAX_LISTED)
      .map(
        (b) =>
          `• *${slackProse(b.severity)}* ${slackCode(b.code)} ${slackCode(`${b.accountId} ${b.region}`)} ${slackSummary(b.summary, [], LINE_TEXT)}`,
      );
    if (d.blindSpots.length > MAX_LISTED)
      lines.push(`…and ${d.blindSpots.length - MAX_LISTED} more`);
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fitLines([
          `*Blind spots: denials here are never seen* (${d.blindSpots.length})`,
          ...lines,
        ]),
      },
    });
  }
  return { text: slackProse(digestHeadline(d), 3000), blocks };
}

/** SNS `Subject`: at most 100 printable ASCII characters. */
export function digestSubject(d: AuditDigest): string {
  const s = digestHeadline(d).replace(/[^\x20-\x7e]/g, '');
  return s.length <= 100 ? s : `${s.slice(0, 99)}…`.replace(/…$/, '.');
}

/** SNS messages are at most 256 KB: the lists are cut (counts stay exact) until the JSON fits. */
export function digestMessage(d: AuditDigest, limitBytes = 250 * 1024): string {
  let keep = Math.max(d.new.length, d.resolved.length, d.stillOpen.length);
  for (;;) {
    const body = {
      kind: 'trustwatch.audit.digest',
      ...d,
      counts: { new: d.new.length, resolved: d.resolved.length, stillOpen: d.stillOpen.length },
      new: d.new.slice(0, keep),
      resolved: d.resolved.slice(0, keep),
      stillOpen: d.stillOpen.slice(0, keep),
      ...(keep < Math.max(d.new.length, d.resolved.length, d.stillOpen.length)
        ? { truncated: true }
        : {}),
    };
    const text = JSON.stringify(body);
    if (Buffer.byteLength(text) <= limitBytes || keep === 0) return text;
    keep = Math.floor(keep / 2);
  }
}
