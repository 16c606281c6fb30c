/**
 * Escaping for Slack `mrkdwn`. Attacker-controlled strings reach us verbatim
 * (session names, user agents, OIDC `sub`, role names typed by the caller), so
 * they must render as data: no mention (`<!channel>`, `@here`), no link
 * (`<https://evil|click>`), no formatting (`*bold*`).
 *
 * Slack has no backslash escape. `&`, `<`, `>` become entities (Slack's own
 * rule, which kills every `<…>` control sequence); the formatting markers
 * `*`, `~` and the backtick become look-alike characters; a bare `@here`,
 * `@channel` or `@everyone` gets an invisible word joiner after the `@`.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\*/g, '\u2217')
    .replace(/~/g, '\u223c')
    .replace(/`/g, '\u02cb')
    .replace(/@(here|channel|everyone)/gi, '@\u2060$1');
}

/**
 * An identifier (ARN, session name, account) as an inline code span: nothing
 * inside is formatted or linked by Slack; `&<>` are still entity-escaped and a
 * backtick in the value cannot close the span.
 */
export function codeSpan(value: string, max = 300): string {
  const clipped = value.length > max ? `${value.slice(0, max)}…` : value;
  const inner = clipped
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, '\u02cb')
    .replace(/\r?\n/g, ' ');
  return `\`${inner === '' ? ' ' : inner}\``;
}

/** A multi-line code block (for CLI commands), escaped the same way. */
export function codeBlock(value: string, max = 2500): string {
  const clipped = value.length > max ? `${value.slice(0, max)}\n…` : value;
  const inner = clipped
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/```/g, '\u02cb\u02cb\u02cb');
  return `\`\`\`${inner}\`\`\``;
}

/** Slack's limit for a section's text is 3000 characters. */
export function clip(text: string, max = 2900): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
