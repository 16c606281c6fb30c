import { InputError } from '../../errors/TrustwatchError.js';
import type { DenialEvent, IntakeResult, SkippedRecord } from '../DenialEvent.js';
import { cleanLogText } from './cleanLogText.js';
import { findDenialMessages } from './findDenialMessages.js';
import { messageToEvent } from './messageToEvent.js';

/**
 * Reads every denied role assumption out of the text of an error, as
 * Terraform, the AWS CLI, an SDK or a CI log printed it
 * (`shared/spec/diagnosis.md`, "the text of an AccessDenied error"). One
 * event per distinct AWS message (the same message twice is one; the repeat
 * is skipped naming the first), denials of other actions skipped with a
 * reason. Throws `InputError` naming the file when the text holds no
 * access-denied message of a role assumption at all.
 */
export function readErrorText(text: string, file?: string): IntakeResult {
  const found = findDenialMessages(cleanLogText(text));
  const events: DenialEvent[] = [];
  const skipped: SkippedRecord[] = [];
  const firstLine = new Map<string, number>();
  const origin = (line: number) => ({
    ...(file === undefined ? {} : { file }),
    path: `line ${line}`,
  });
  for (const m of found.messages) {
    const seen = firstLine.get(m.message);
    if (seen !== undefined) {
      skipped.push({
        reason: `line ${m.line}: the same message as line ${seen}, explained once`,
        origin: origin(m.line),
      });
      continue;
    }
    firstLine.set(m.message, m.line);
    const r = messageToEvent(m, file);
    if (r.ok) events.push(r.event);
    else skipped.push(r.skipped);
  }
  for (const o of found.others) skipped.push({ reason: o.reason, origin: origin(o.line) });
  if (events.length === 0) {
    const others = skipped.length === 0 ? '' : ` (${skipped[0]?.reason})`;
    throw new InputError(
      `not JSON, and no access-denied message of a role assumption in the text${others}`,
      { context: { ...(file === undefined ? {} : { file }) } },
    );
  }
  return { events, skipped };
}
