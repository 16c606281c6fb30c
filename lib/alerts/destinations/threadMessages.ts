import { slackCode } from '../../render/escapeSlack.js';
import type { SlackPayload } from '../slackPayload.js';
import type { SlackThread } from './ThreadStore.js';

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

/** The first message with its counter: the same blocks (the fix stays there) plus one context line. */
export function counterPayload(
  thread: SlackThread,
  count: number,
  lastIso: string,
  closed: boolean,
): SlackPayload {
  const blocks = JSON.parse(thread.blocks) as Record<string, unknown>[];
  const line = `*Seen ${count} times* · first ${slackCode(iso(thread.firstAt))} · last ${slackCode(lastIso)}${closed ? ' · window closed: a new occurrence posts a new message' : ' · repeats update this count'}`;
  return {
    text: `${thread.text} (seen ${count} times)`,
    blocks: [...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
  };
}

/** The one reply a window gets in the thread, at its first repeat. */
export function repeatReply(count: number, windowEnd: string): SlackPayload {
  const text = `This denial is repeating (${count} times so far). The count on the message above keeps up; no further replies here until ${windowEnd}.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
