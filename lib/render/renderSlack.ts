import { messageUnknownsNote } from '../diagnosis/causeProse.js';
import type { Cause, Diagnosis, Fix } from '../diagnosis/Diagnosis.js';
import type { StateLabel } from '../iam/StateLabel.js';
import { describeState } from '../iam/StateLabel.js';
import {
  type CodeBlockOmission,
  slackCode,
  slackCodeBlock,
  slackPlain,
  slackProse,
  slackSummary,
} from './escapeSlack.js';
import { untrustedValues } from './untrustedValues.js';

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

/** Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  sectionText: 3000,
  headerText: 150,
  contextText: 3000,
  blocks: 50,
  /** Top-level `text` (notifications): kept short, Slack truncates long ones. */
  text: 3000,
} as const;

const MAX_CAUSES = 5;
const MAX_LISTED = 5;
const LIST_VALUE = 100;
const SUMMARY_LIMIT = 1000;
const TITLE_LIMIT = 1500;

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): Record<string, unknown> {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/**
 * Joins already escaped lines while they fit in a section; the first line
 * that does not fit and all after it are replaced by one note. Lines are
 * never cut, so no span is ever left open.
 */
export function fitLines(lines: readonly string[], limit = SLACK_LIMITS.sectionText): string {
  const note = '_(more in the full diagnosis)_';
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (next.length > limit - note.length - 1) return out === '' ? note : `${out}\n${note}`;
    out = next;
  }
  return out;
}

function codeList(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED).map((v) => slackCode(String(v), LIST_VALUE));
  if (values.length > MAX_LISTED) shown.push(`and ${values.length - MAX_LISTED} more`);
  return shown.join(', ');
}

function evidenceLines(c: Cause): string[] {
  const e = c.evidence;
  const out: string[] = [];
  if (typeof e.policy === 'string') out.push(`policy: ${slackCode(e.policy)}`);
  if (typeof e.statement === 'string') out.push(`statement: ${slackCode(e.statement)}`);
  if (typeof e.conditionKey === 'string') {
    out.push(`condition: ${slackCode(`${e.operator ?? ''} ${e.conditionKey}`.trim())}`);
  }
  if (Array.isArray(e.expected)) out.push(`expected: ${codeList(e.expected)}`);
  if (e.actual !== undefined) {
    out.push(
      `actual: ${Array.isArray(e.actual) ? codeList(e.actual) : slackProse(String(e.actual), LIST_VALUE)}`,
    );
  }
  if (typeof e.observedSub === 'string') out.push(`observed sub: ${slackCode(e.observedSub)}`);
  return out;
}

const OMISSION: Readonly<Record<CodeBlockOmission, string>> = {
  'too-long': 'too long for Slack',
  backtick: 'it holds a backtick, which Slack cannot show in a code block',
  invisible: 'it holds an invisible character, which would not survive a copy from Slack',
  'quoted-line-break': 'it quotes event text that holds a line break',
};

/** Where the text is when Slack cannot show it: said wherever a code block or cause is left out. */
function pointer(eventId: string): string {
  return `the full text is in the SNS message of event ${slackCode(eventId, 120)} and in \`trustwatch explain\` on that CloudTrail event`;
}

function codeSection(
  label: string,
  text: string,
  untrusted: readonly string[],
  eventId: string,
): Record<string, unknown> {
  const head = `${label}:\n`;
  const block = slackCodeBlock(text, SLACK_LIMITS.sectionText - head.length, untrusted);
  return section(
    block.kind === 'block'
      ? `${head}${block.mrkdwn}`
      : `${label}: not shown here (${OMISSION[block.reason]}); ${pointer(eventId)}.`,
  );
}

function fixBlocks(
  fix: Fix,
  untrusted: readonly string[],
  eventId: string,
): Record<string, unknown>[] {
  const head = `*Fix* (${slackProse(fix.cause)}${fix.verified ? ', verified' : ''}): `;
  const blocks: Record<string, unknown>[] = [
    section(`${head}${slackSummary(fix.title, untrusted, TITLE_LIMIT)}`),
  ];
  if (fix.iamPolicy !== undefined) {
    blocks.push(
      codeSection('IAM policy', JSON.stringify(fix.iamPolicy, null, 2), untrusted, eventId),
    );
  }
  if (fix.awsCli !== undefined) blocks.push(codeSection('AWS CLI', fix.awsCli, untrusted, eventId));
  if (fix.terraform !== undefined)
    blocks.push(codeSection('Terraform', fix.terraform, untrusted, eventId));
  return blocks;
}

/**
 * The Slack Block Kit payload for one diagnosis: who, which role, which
 * account, the causes in one sentence each with their evidence, and the fix
 * as IAM JSON, AWS CLI and Terraform code blocks. Every value that may come
 * from an event is clipped and escaped for the exact place it lands in
 * (lib/render/escapeSlack.ts); every Block Kit limit is kept ({@link SLACK_LIMITS}).
 */
export function renderSlack(d: Diagnosis, opts: SlackRenderOptions = {}): SlackPayload {
  const untrusted = untrustedValues(d);
  const top = d.causes[0];
  const role = d.target.roleArn ?? 'unknown role';
  const who = d.caller.arn ?? d.caller.type;
  const blocks: Record<string, unknown>[] = [];
  blocks.push({
    type: 'header',
    text: {
      type: 'plain_text',
      text: slackPlain(`${d.eventName} denied: ${top?.code ?? 'UNKNOWN'}`, SLACK_LIMITS.headerText),
      emoji: false,
    },
  });
  const facts = [
    `*Who:* ${slackCode(who)}${d.caller.accountId === undefined ? '' : ` (account ${slackCode(d.caller.accountId, 40)})`}`,
    `*Role:* ${slackCode(role)}`,
    `*Account:* ${slackCode(d.target.accountId ?? 'unknown', 40)}`,
  ];
  if (d.caller.sessionName !== undefined)
    facts.push(`*Session:* ${slackCode(d.caller.sessionName)}`);
  if (d.caller.sourceIp !== undefined) facts.push(`*Source IP:* ${slackCode(d.caller.sourceIp)}`);
  if (d.eventTime !== undefined) facts.push(`*When:* ${slackCode(d.eventTime, 60)}`);
  if (d.input === 'message')
    facts.push(`*From:* an error message (${slackProse(messageUnknownsNote(d.eventName))})`);
  blocks.push(section(fitLines(facts)));
  if (opts.state !== undefined) {
    blocks.push(context(slackProse(`Explained against ${describeState(opts.state)}.`, 300)));
  }
  if (opts.count !== undefined && opts.count > 1) {
    blocks.push(context(`${opts.count} denials like this one were grouped into this message.`));
  }
  blocks.push({ type: 'divider' });
  for (const c of d.causes.slice(0, MAX_CAUSES)) {
    blocks.push(
      section(
        fitLines([
          `*${slackProse(c.code)}* (${slackProse(c.confidence)}, ${slackProse(c.side)})`,
          slackSummary(c.summary, untrusted, SUMMARY_LIMIT),
          ...evidenceLines(c),
        ]),
      ),
    );
  }
  if (d.causes.length > MAX_CAUSES) {
    blocks.push(context(`${d.causes.length - MAX_CAUSES} more causes: ${pointer(d.eventId)}.`));
  }
  const fix = d.fixes[0];
  if (fix !== undefined) {
    blocks.push({ type: 'divider' });
    blocks.push(...fixBlocks(fix, untrusted, d.eventId));
    if (d.fixes.length > 1) {
      const others = d.fixes.slice(1);
      const shown = others.slice(0, 3).map((f) => slackSummary(f.title, untrusted, 600));
      if (others.length > 3) shown.push(`and ${others.length - 3} more`);
      blocks.push(context(`Also: ${shown.join(' • ')}`));
    }
  }
  blocks.push(
    context(
      `event ${slackCode(d.eventId, 120)}${opts.footer === undefined ? '' : ` • ${slackProse(opts.footer, 200)}`}`,
    ),
  );
  const summaryText = top === undefined ? '' : `: ${slackSummary(top.summary, untrusted, 600)}`;
  return {
    text: `${slackProse(d.eventName)} denied for ${slackCode(who, 200)} on ${slackCode(role, 200)}${summaryText}`,
    blocks,
  };
}
