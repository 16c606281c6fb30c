import { InputError } from '../errors/TrustwatchError.js';
import { findJsonErrorOffset } from '../validation/findJsonErrorOffset.js';
import { describeJsonValue, joinPath } from '../validation/jsonPath.js';
import { lineColumnAt, parseJsonText } from '../validation/parseJsonText.js';
import type { DenialEvent, IntakeResult, SkippedRecord } from './DenialEvent.js';
import { readErrorText } from './errorText/readErrorText.js';
import { normalizeRecord } from './normalizeRecord.js';

/** EventBridge's `detail-type` for CloudTrail-delivered API calls. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Keys every CloudTrail record carries; one of them is enough to call an object a record. */
const RECORD_KEYS = ['eventSource', 'eventName', 'eventVersion', 'userIdentity', 'eventID'];

function looksLikeRecord(v: JsonObject): boolean {
  for (let i = 0; i < RECORD_KEYS.length; i++) if ((RECORD_KEYS[i] as string) in v) return true;
  return false;
}

/**
 * Arrays inside arrays deeper than this are not an input shape of the spec:
 * they are reported, not walked (a 100k-deep array would overflow the stack).
 */
export const MAX_ARRAY_NESTING = 32;

interface Walk {
  readonly file: string | undefined;
  readonly events: DenialEvent[];
  readonly skipped: SkippedRecord[];
  /** Containers and records recognized; 0 at the end means the input was none of the shapes. */
  recognized: number;
  /** The first place that held no record where one was expected: the error when nothing was recognized. */
  firstProblem?: { readonly path: string; readonly message: string };
}

function addRecord(w: Walk, record: unknown, path: string, fallbackEventId?: string): void {
  w.recognized++;
  const r = normalizeRecord(
    record,
    w.file === undefined ? { path } : { file: w.file, path },
    fallbackEventId,
  );
  if (r.ok) w.events.push(r.event);
  else w.skipped.push(r.skipped);
}

function shownPath(path: string): string {
  return path === '' ? '$' : path;
}

function skipHere(w: Walk, path: string, reason: string, eventId?: string): void {
  const origin = w.file === undefined ? { path } : { file: w.file, path };
  w.skipped.push(eventId === undefined ? { reason, origin } : { eventId, reason, origin });
}

/**
 * Something that holds no record where one was expected (an envelope without
 * `detail`, `Records` that is not an array, …): skipped with its path when
 * other records are read, the whole input's error when none is.
 */
function noRecordHere(w: Walk, path: string, message: string, eventId?: string): void {
  w.firstProblem ??= { path: shownPath(path), message };
  skipHere(w, path, `\`${shownPath(path)}\`: ${message}`, eventId);
}

function jsonErrorDetail(text: string, err: unknown): string {
  const found = findJsonErrorOffset(text);
  if (found !== undefined) {
    const { line, column } = lineColumnAt(text, found.offset);
    return `line ${line}, column ${column}: ${found.reason}`;
  }
  return err instanceof Error ? (err.message.split('\n')[0] ?? '').toLowerCase() : String(err);
}

function walkLookupEvent(w: Walk, entry: unknown, path: string): void {
  if (!isObject(entry)) {
    noRecordHere(w, path, `expected a lookup-events entry object, got ${describeJsonValue(entry)}`);
    return;
  }
  const eventId = typeof entry.EventId === 'string' ? entry.EventId : undefined;
  const embedded = entry.CloudTrailEvent;
  const embeddedPath = joinPath(path, 'CloudTrailEvent');
  if (typeof embedded === 'string') {
    let record: unknown;
    try {
      record = JSON.parse(embedded);
    } catch (err) {
      w.recognized++;
      skipHere(
        w,
        embeddedPath,
        `\`${embeddedPath}\`: not valid JSON at ${jsonErrorDetail(embedded, err)}`,
        eventId,
      );
      return;
    }
    addRecord(w, record, embeddedPath, eventId);
    return;
  }
  if (isObject(embedded)) {
    addRecord(w, embedded, embeddedPath, eventId);
    return;
  }
  noRecordHere(
    w,
    embeddedPath,
    embedded === undefined
      ? 'missing required key'
      : `expected a JSON string, got ${describeJsonValue(embedded)}`,
    eventId,
  );
}

/** A log file's `Records` or lookup-events' `Events`: each entry read by `read`. */
function walkList(
  w: Walk,
  list: unknown,
  listPath: string,
  read: (w: Walk, entry: unknown, path: string) => void,
): void {
  if (!Array.isArray(list)) {
    noRecordHere(w, listPath, `expected an array, got ${describeJsonValue(list)}`);
    return;
  }
  w.recognized++;
  for (let i = 0; i < list.length; i++) read(w, list[i], joinPath(listPath, i));
}

function walk(w: Walk, value: unknown, path: string, depth: number): void {
  if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_NESTING) {
      noRecordHere(w, path, `arrays nested more than ${MAX_ARRAY_NESTING} deep`);
      return;
    }
    // An empty array is an empty list of records (what `jq '[…|select(…)]'`
    // prints when nothing matches), as `{"Records": []}` is an empty log file.
    if (value.length === 0) w.recognized++;
    for (let i = 0; i < value.length; i++) walk(w, value[i], joinPath(path, i), depth + 1);
    return;
  }
  if (isObject(value)) {
    if ('detail-type' in value) {
      const detailType = value['detail-type'];
      const envelopeId = typeof value.id === 'string' ? value.id : undefined;
      if (detailType !== CLOUDTRAIL_DETAIL_TYPE) {
        w.recognized++;
        skipHere(
          w,
          path,
          `eventbridge event of type \`${String(detailType)}\` is not a cloudtrail api call`,
          envelopeId,
        );
        return;
      }
      if (value.detail === undefined) {
        noRecordHere(
          w,
          joinPath(path, 'detail'),
          'missing required key (an eventbridge event carries its cloudtrail record there)',
          envelopeId,
        );
        return;
      }
      addRecord(w, value.detail, joinPath(path, 'detail'), envelopeId);
      return;
    }
    if ('Records' in value) {
      walkList(w, value.Records, joinPath(path, 'Records'), addRecord);
      return;
    }
    if ('Events' in value) {
      walkList(w, value.Events, joinPath(path, 'Events'), walkLookupEvent);
      return;
    }
    if (looksLikeRecord(value)) {
      addRecord(w, value, path);
      return;
    }
  }
  noRecordHere(
    w,
    path,
    `expected an eventbridge event, a cloudtrail record, a log file \`{"Records": […]}\` or lookup-events output \`{"Events": […]}\`, got ${describeInput(value)}`,
  );
}

function describeInput(value: unknown): string {
  if (Array.isArray(value) && value.length === 0) return 'an empty array';
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 3).map((k) => `\`${k}\``);
    return `an object with ${keys.length === 1 ? 'key' : 'keys'} ${shown.join(', ')}${keys.length > 3 ? ', …' : ''}`;
  }
  return describeJsonValue(value);
}

function whereIs(origin: { readonly file?: string; readonly path: string }): string {
  const at = `\`${shownPath(origin.path)}\``;
  return origin.file === undefined ? at : `${at} of \`${origin.file}\``;
}

/**
 * Keeps the first of events that share an `eventId` (the same CloudTrail event
 * delivered twice: EventBridge retries, overlapping exports, a directory with
 * both the event and its lookup-events output); the others are skipped with a
 * reason naming where the first one is, so nothing disappears silently.
 */
export function dropDuplicateEvents(result: IntakeResult): IntakeResult {
  const first = new Map<string, DenialEvent>();
  const all = result.events;
  // Copies are made from the first duplicate on: without one, the result is returned as it is.
  let events: DenialEvent[] | undefined;
  let skipped: SkippedRecord[] | undefined;
  for (let i = 0; i < all.length; i++) {
    const event = all[i] as DenialEvent;
    const seen = first.get(event.eventId);
    if (seen === undefined) {
      first.set(event.eventId, event);
      events?.push(event);
      continue;
    }
    if (events === undefined || skipped === undefined) {
      events = all.slice(0, i);
      skipped = result.skipped.slice();
    }
    skipped.push({
      eventId: event.eventId,
      reason: `${whereIs(event.origin)}: duplicate of event \`${event.eventId}\` already read at ${whereIs(seen.origin)}`,
      origin: { ...event.origin },
    });
  }
  return events === undefined || skipped === undefined ? result : { events, skipped };
}

/**
 * Reads every denied role assumption out of an input document of any shape of
 * `shared/spec/diagnosis.md` (EventBridge event, bare CloudTrail record,
 * CloudTrail log file, `lookup-events` output, or an array of those).
 * Records that are not denied `AssumeRole*` calls, or cannot be read, and
 * repeats of an event already read, are returned in `skipped` with a reason.
 * Throws `InputError` (with the JSON path) only when the document holds no
 * record at all. A recognized but empty container (a log file with
 * `Records: []`, a lookup with no `Events`, an empty array) is a valid, empty input.
 */
export function readInput(json: unknown, file?: string): IntakeResult {
  const w: Walk = { file, events: [], skipped: [], recognized: 0 };
  walk(w, json, '', 0);
  if (w.recognized === 0) {
    const problem = w.firstProblem ?? {
      path: '$',
      message: `expected an eventbridge event, a cloudtrail record, a log file \`{"Records": […]}\` or lookup-events output \`{"Events": […]}\`, got ${describeInput(json)}`,
    };
    throw new InputError(`no cloudtrail record found: ${problem.message}`, {
      context: { file, path: problem.path },
    });
  }
  return dropDuplicateEvents({ events: w.events, skipped: w.skipped });
}

/** Text meant as JSON (by its start or its file name): its JSON error says more than "no denial message". */
function meantAsJson(text: string, file: string | undefined): boolean {
  return /^\uFEFF?\s*[{["]/.test(text) || /\.json(?:\.gz)?$/i.test(file ?? '');
}

/**
 * Reads an input of either kind, detected automatically: text that parses as
 * JSON is records (`readInput`); anything else is the text of an error
 * (`readErrorText`). An empty input, and text meant as JSON (a `*.json` file,
 * or text starting like JSON) that is not JSON and holds no denial message,
 * fail with the JSON error (file, line, column).
 */
export function readInputText(text: string, file?: string): IntakeResult {
  let json: unknown;
  try {
    json = parseJsonText(text, file, 'input', (m, o) => new InputError(m, o));
  } catch (jsonError) {
    if (text.trim() === '') throw jsonError;
    try {
      return readErrorText(text, file);
    } catch (textError) {
      throw meantAsJson(text, file) ? jsonError : textError;
    }
  }
  return readInput(json, file);
}
