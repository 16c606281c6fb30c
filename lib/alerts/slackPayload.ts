import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import type { Alert } from './Alert.js';
import { alertSeverity, type Severity } from './severity.js';
import { clip, codeBlock, codeSpan, escapeMrkdwn } from './slackEscape.js';

/** A Slack incoming-webhook message with Block Kit blocks. */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const SEVERITY_ICON: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':white_circle:',
  info: ':information_source:',
};

const MAX_CAUSES = 5;

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

function header(text: string): Record<string, unknown> {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: true } };
}

/** The principal as people know it: the role ARN for sessions, the session name alongside. */
function callerLines(d: Diagnosis): string[] {
  const lines = [`*Caller:* ${codeSpan(d.caller.arn ?? d.caller.type)}`];
  if (d.caller.sessionName !== undefined)
    lines.push(`*Session:* ${codeSpan(d.caller.sessionName)}`);
  lines.push(`*Role:* ${codeSpan(d.target.roleArn ?? 'unknown (not in the event)')}`);
  return lines;
}

function diagnosisBlocks(d: Diagnosis): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [section(callerLines(d).join('\n'))];
  const causes = d.causes.slice(0, MAX_CAUSES).map((c, i) => {
    const lead = i === 0 ? '*Why:*' : '*Also:*';
    return `${lead} ${codeSpan(c.code)} (${c.confidence}) ${escapeMrkdwn(c.summary)}`;
  });
  if (d.causes.length > MAX_CAUSES) causes.push(`…and ${d.causes.length - MAX_CAUSES} more causes`);
  if (causes.length > 0) blocks.push(section(causes.join('\n')));
  const fix = d.fixes[0];
  if (fix !== undefined) {
    const parts = [`*Fix:* ${escapeMrkdwn(fix.title)}`];
    if (fix.appliesTo !== undefined) parts.push(`_applies to ${escapeMrkdwn(fix.appliesTo)}_`);
    if (fix.awsCli !== undefined) parts.push(codeBlock(fix.awsCli));
    blocks.push(section(parts.join('\n')));
  }
  const context = [
    `event ${codeSpan(d.eventId)}`,
    d.eventTime !== undefined ? `at ${escapeMrkdwn(d.eventTime)}` : undefined,
    d.caller.sourceIp !== undefined ? `from ${codeSpan(d.caller.sourceIp)}` : undefined,
  ].filter((x): x is string => x !== undefined);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(context.join(' · ')) }] });
  return blocks;
}

function minutes(fromIso: string, toIso: string): number {
  return Math.max(1, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
}

/**
 * The Block Kit message for an alert. Every string that came from the event
 * (ARNs, session names, summaries quoting them) goes through
 * {@link escapeMrkdwn} or {@link codeSpan}; the `text` fallback (used for
 * notifications) carries no event string at all.
 */
export function slackPayload(alert: Alert): SlackPayload {
  const severity = alertSeverity(alert);
  const icon = SEVERITY_ICON[severity];
  const first = alert.diagnosis.causes[0]?.code ?? 'NO_CAUSE_FOUND';
  switch (alert.kind) {
    case 'diagnosis':
      return {
        text: `trustwatch: ${alert.diagnosis.eventName} denied (${first}, ${severity})`,
        blocks: [
          header(
            `${severity === 'low' ? '' : `${icon} `}${alert.diagnosis.eventName} denied: ${first}`,
          ),
          ...diagnosisBlocks(alert.diagnosis),
        ],
      };
    case 'summary': {
      const mins = minutes(alert.windowStart, alert.windowEnd);
      return {
        text: `trustwatch: the same denial repeated ${alert.repeats} more times (${first})`,
        blocks: [
          header(`${icon} Repeated ${alert.repeats}× more: ${first}`),
          section(
            `The denial alerted at ${escapeMrkdwn(alert.windowStart)} happened *${alert.repeats} more times* in the following ${mins} min. Repeats were counted, not alerted.`,
          ),
          ...diagnosisBlocks(alert.diagnosis),
        ],
      };
    }
    case 'security': {
      const shown = alert.rolesTried.slice(0, 20).map((r) => `• ${codeSpan(r)}`);
      if (alert.rolesTried.length > 20) shown.push(`…and ${alert.rolesTried.length - 20} more`);
      return {
        text: `trustwatch: possible role enumeration by one caller (${alert.rolesTried.length} non-existent roles)`,
        blocks: [
          header(`${icon} Possible role enumeration`),
          section(
            `*Caller:* ${codeSpan(alert.callerPrincipal)} tried *${alert.rolesTried.length}* roles that do not exist between ${escapeMrkdwn(alert.windowStart)} and ${escapeMrkdwn(alert.windowEnd)}. Individual \`ROLE_NOT_FOUND\` alerts for this caller are held back for the rest of the window.`,
          ),
          section(shown.join('\n')),
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `last event ${codeSpan(alert.diagnosis.eventId)}` }],
          },
        ],
      };
    }
  }
}
