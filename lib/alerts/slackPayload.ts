import { deniedHeadline, ROLE_ENUMERATION } from '../diagnosis/causeProse.js';
import { slackCode, slackProse } from '../render/escapeSlack.js';
import { fitLines, renderSlack, type SlackPayload } from '../render/renderSlack.js';
import type { Alert } from './Alert.js';
import { alertSeverity } from './severity.js';

export type { SlackPayload };

/** A section of lines escaped by lib/render/escapeSlack.ts; whole lines are dropped to fit, never cut. */
function section(...lines: string[]): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: fitLines(lines) } };
}

function minutes(fromIso: string, toIso: string): number {
  return Math.max(1, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
}

/**
 * The Block Kit message for an alert. A diagnosis is rendered by the shared
 * renderer (lib/render/renderSlack.ts), which escapes every event string; a
 * summary prefixes it with the repeat count; a security alert lists the roles
 * the caller tried, each as an escaped code span. The `text` fallback (used
 * for notifications) carries no event string at all.
 */
export function slackPayload(alert: Alert): SlackPayload {
  const severity = alertSeverity(alert);
  const top = alert.diagnosis.causes[0]?.code;
  const first = top ?? 'NO_CAUSE_FOUND';
  switch (alert.kind) {
    case 'diagnosis': {
      const rendered = renderSlack(alert.diagnosis);
      return {
        text: `trustwatch [${severity}]: ${deniedHeadline(alert.diagnosis.eventName, top)}`,
        blocks: rendered.blocks,
      };
    }
    case 'summary': {
      const rendered = renderSlack(alert.diagnosis, { count: alert.repeats + 1 });
      const mins = minutes(alert.windowStart, alert.windowEnd);
      return {
        text: `trustwatch [${severity}]: the same denial repeated ${alert.repeats} more times (${first})`,
        blocks: [
          section(
            `*Repeated ${alert.repeats} more times* within ${mins} min after the alert of ${slackCode(alert.windowStart)}. The repeats were counted, not alerted one by one.`,
          ),
          ...rendered.blocks,
        ],
      };
    }
    case 'security': {
      const shown = alert.rolesTried.slice(0, 20).map((r) => `• ${slackCode(r, 140)}`);
      if (alert.rolesTried.length > 20) shown.push(`…and ${alert.rolesTried.length - 20} more`);
      return {
        text: `trustwatch [critical]: ${ROLE_ENUMERATION} (${alert.rolesTried.length} non-existent roles tried by one caller)`,
        blocks: [
          {
            type: 'header',
            text: { type: 'plain_text', text: 'Possible role enumeration', emoji: false },
          },
          section(
            `*Caller:* ${slackCode(alert.callerPrincipal, 400)} tried *${alert.rolesTried.length}* roles that do not exist between ${slackCode(alert.windowStart)} and ${slackCode(alert.windowEnd)}. Further ${slackProse('ROLE_NOT_FOUND')} alerts for this caller are held back until the window ends.`,
          ),
          section(...shown),
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: `last event ${slackCode(alert.diagnosis.eventId)}` },
            ],
          },
        ],
      };
    }
  }
}
