/**
 * Escaping for Slack `mrkdwn`. Every string that may come from an attacker
 * (session names, user agents, source identities, OIDC subjects, role and
 * user names from events) goes through here so it can create no link, no
 * mention and no formatting:
 * - `&`, `<`, `>` become entities, so `<!channel>`, `<@U…>` and `<url|text>`
 *   cannot be formed;
 * - a zero-width space follows every `@` and breaks `://` and `www.`, so
 *   Slack neither resolves `@here`/`@channel` nor auto-links URLs and e-mails;
 * - `*`, `_`, `~` and `` ` `` are preceded by a zero-width space, so they
 *   cannot open or close bold, italic, strike or code.
 */
const ZWSP = '\u200B';

function entities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unlink(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

/** Strips control characters (including ANSI escape sequences' ESC). */
function noControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '');
}

/** Escapes untrusted text for plain `mrkdwn` (outside code spans). */
export function escapeSlack(text: string): string {
  return unlink(entities(noControls(text))).replace(/[*_~`]/g, (c) => `${ZWSP}${c}`);
}

/** Renders untrusted text as an inline code span that it cannot leave. */
export function slackCode(text: string): string {
  const inner = unlink(entities(noControls(text)).replace(/`/g, 'ˋ').replace(/\n/g, ' '));
  return `\`${inner === '' ? ' ' : inner}\``;
}

/** Renders text as a code block (fences cannot be closed from inside). */
export function slackCodeBlock(text: string): string {
  const inner = unlink(entities(noControls(text.replace(/\r/g, ''))).replace(/```/g, 'ˋˋˋ'));
  return `\`\`\`${inner}\`\`\``;
}

/**
 * Renders a diagnosis summary: its backtick-delimited parts become code
 * spans, the rest plain escaped text. An unbalanced backtick from untrusted
 * text can only shift what is shown as code; it can never form a link,
 * mention or markup.
 */
export function slackSummary(summary: string): string {
  return summary
    .split('`')
    .map((part, i) => (i % 2 === 1 ? slackCode(part) : escapeSlack(part)))
    .join('');
}
