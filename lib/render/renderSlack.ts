import type { Cause, Diagnosis, Fix } from '../diagnosis/Diagnosis.js';
import type { StateLabel } from '../iam/StateLabel.js';
import { describeState } from '../iam/StateLabel.js';
import { messageUnknowns } from '../intake/errorText/messageUnknowns.js';
import { escapeSlack, slackCode, slackCodeBlock, slackSummary } from './escapeSlack.js';

export interface SlackRenderOptions {
  /** How many denials this message stands for (a burst grouped into one alert). */
  readonly count?: number;
  /** Link-free footer text (e.g. the deployment name). */
  readonly footer?: string;
  /** The IAM state explained against (the CLI names it; alerts of the deployed pipeline read live). */
  readonly state?: StateLabel;
}

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** Slack's limit for a section's text. */
const SECTION_LIMIT = 3000;
const MAX_CAUSES = 5;

function clip(text: string, limit = SECTION_LIMIT): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit - 20)}… (truncated)`;
}

function clipBlock(code: string, limit: number): string {
  return code.length <= limit ? code : `${code.slice(0, limit - 14)}\n… (truncated)`;
}

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

function evidenceLines(c: Cause): string[] {
  const e = c.evidence;
  const out: string[] = [];
  if (typeof e.policy === 'string') out.push(`policy: ${slackCode(e.policy)}`);
  if (typeof e.statement === 'string') out.push(`statement: ${slackCode(e.statement)}`);
  if (typeof e.conditionKey === 'string') {
    out.push(`condition: ${slackCode(`${e.operator ?? ''} ${e.conditionKey}`.trim())}`);
  }
  if (Array.isArray(e.expected))
    out.push(`expected: ${e.expected.map((v) => slackCode(String(v))).join(', ')}`);
  if (e.actual !== undefined) {
    out.push(
      `actual: ${Array.isArray(e.actual) ? e.actual.map((v) => slackCode(String(v))).join(', ') : escapeSlack(String(e.actual))}`,
    );
  }
  if (typeof e.observedSub === 'string') out.push(`observed sub: ${slackCode(e.observedSub)}`);
  return out;
}

function fixBlocks(fix: Fix): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [
    section(
      `*Fix* (${escapeSlack(fix.cause)}${fix.verified ? ', verified' : ''}): ${slackSummary(fix.title)}`,
    ),
  ];
  const budget = SECTION_LIMIT - 200;
  if (fix.iamPolicy !== undefined) {
    blocks.push(
      section(
        `IAM policy:\n${slackCodeBlock(clipBlock(JSON.stringify(fix.iamPolicy, null, 2), budget))}`,
      ),
    );
  }
  if (fix.awsCli !== undefined)
    blocks.push(section(`AWS CLI:\n${slackCodeBlock(clipBlock(fix.awsCli, budget))}`));
  if (fix.terraform !== undefined) {
    blocks.push(section(`Terraform:\n${slackCodeBlock(clipBlock(fix.terraform, budget))}`));
  }
  return blocks;
}

/**
 * The Slack Block Kit payload for one diagnosis: who, which role, which
 * account, the causes in one sentence each with their evidence, and the fix
 * as IAM JSON, AWS CLI and Terraform code blocks. Every value that may come
 * from an event is escaped (lib/render/escapeSlack.ts).
 */
export function renderSlack(d: Diagnosis, opts: SlackRenderOptions = {}): SlackPayload {
  const top = d.causes[0];
  const role = d.target.roleArn ?? 'unknown role';
  const who = d.caller.arn ?? d.caller.type;
  const blocks: Record<string, unknown>[] = [];
  blocks.push({
    type: 'header',
    text: {
      type: 'plain_text',
      text: clip(`${d.eventName} denied: ${top?.code ?? 'UNKNOWN'}`, 150),
      emoji: false,
    },
  });
  const facts = [
    `*Who:* ${slackCode(who)}${d.caller.accountId === undefined ? '' : ` (account ${slackCode(d.caller.accountId)})`}`,
    `*Role:* ${slackCode(role)}`,
    `*Account:* ${slackCode(d.target.accountId ?? 'unknown')}`,
  ];
  if (d.caller.sessionName !== undefined)
    facts.push(`*Session:* ${slackCode(d.caller.sessionName)}`);
  if (d.caller.sourceIp !== undefined) facts.push(`*Source IP:* ${slackCode(d.caller.sourceIp)}`);
  if (d.eventTime !== undefined) facts.push(`*When:* ${slackCode(d.eventTime)}`);
  if (d.input === 'message')
    facts.push(
      `*From:* an error message (unknown, as if unlogged: ${escapeSlack(messageUnknowns(d.eventName).join(', '))})`,
    );
  blocks.push(section(facts.join('\n')));
  if (opts.state !== undefined) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: escapeSlack(`Explained against ${describeState(opts.state)}.`) },
      ],
    });
  }
  if (opts.count !== undefined && opts.count > 1) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${opts.count} denials like this one were grouped into this message.`,
        },
      ],
    });
  }
  blocks.push({ type: 'divider' });
  for (const c of d.causes.slice(0, MAX_CAUSES)) {
    const ev = evidenceLines(c);
    blocks.push(
      section(
        `*${escapeSlack(c.code)}* (${escapeSlack(c.confidence)}, ${escapeSlack(c.side)})\n${slackSummary(c.summary)}${ev.length === 0 ? '' : `\n${ev.join('\n')}`}`,
      ),
    );
  }
  if (d.causes.length > MAX_CAUSES) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${d.causes.length - MAX_CAUSES} more causes: see the full diagnosis.`,
        },
      ],
    });
  }
  const fix = d.fixes[0];
  if (fix !== undefined) {
    blocks.push({ type: 'divider' });
    blocks.push(...fixBlocks(fix));
    if (d.fixes.length > 1) {
      blocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Also: ${d.fixes
              .slice(1)
              .map((f) => slackSummary(f.title))
              .join(' • ')}`,
          },
        ],
      });
    }
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `event ${slackCode(d.eventId)}${opts.footer === undefined ? '' : ` • ${escapeSlack(opts.footer)}`}`,
      },
    ],
  });
  const summaryText = top === undefined ? '' : `: ${top.summary}`;
  return {
    text: escapeSlack(clip(`${d.eventName} denied for ${who} on ${role}${summaryText}`, 300)),
    blocks,
  };
}
