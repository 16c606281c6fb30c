import { InputError } from '../../errors/TrustwatchError.js';
import * as z from '../../validation/z.js';

/** One fan-out message: audit this account for this run. */
export interface AuditMessage {
  readonly runId: string;
  readonly accountId: string;
}

const schema = z.strictObject({
  runId: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z-[a-z0-9]{6,}$/, 'a run id')),
  accountId: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit account id')),
});

/** Parses a message body; a bad one is an `InputError` (the record fails and ends in the DLQ). */
export function parseAuditMessage(body: string, where: string): AuditMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InputError('audit message body is not json', { context: { file: where, path: '$' } });
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`audit message is invalid: ${issue?.message ?? 'invalid'}`, {
      context: { file: where, path: `$.${String(issue?.path[0] ?? '')}` },
    });
  }
  return r.data;
}

/** A run id that sorts by start time: `<ISO time>-<6+ random base-36 chars>`. */
export function newRunId(now: Date, random: () => number = Math.random): string {
  const suffix = Array.from({ length: 8 }, () => Math.floor(random() * 36).toString(36)).join('');
  return `${now.toISOString()}-${suffix}`;
}
