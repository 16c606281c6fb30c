import { InputError } from '../errors/TrustwatchError.js';
import type { DenialEvent, IntakeResult, SkippedRecord } from './DenialEvent.js';
import { joinPath } from './jsonPath.js';
import { normalizeRecord } from './normalizeRecord.js';
import { parseJsonText } from './parseJsonText.js';

/** EventBridge's `detail-type` for CloudTrail-delivered API calls. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Keys every CloudTrail record carries; one of them is enough to call an object a record. */
const RECORD_KEYS = ['eventSource', 'eventName', 'eventVersion', 'userIdentity', 'eventID'];

function looksLikeRecord(v: JsonObject): boolean {
  return RECORD_KEYS.some((k) => k in v);
}

interface Walk {
  readonly file: string | undefined;
  readonly events: DenialEvent[];
  readonly skipped: SkippedRecord[];
  /** Containers and records recognized; 0 at the end means the input was none of the shapes. */
  recognized: number;
  firstUnrecognized?: string;
}

function addRecord(w: Walk, record: unknown, path: string, fallbackEventId?: string): void {
  w.recognized++;
  const r = normalizeRecord(record, { file: w.file, path }, fallbackEventId);
  if (r.ok) w.events.push(r.event);
  else w.skipped.push(r.skipped);
}

function skipHere(w: Walk, path: string, reason: string, eventId?: string): void {
  w.skipped.push({
    ...(eventId === undefined ? {} : { eventId }),
    reason,
    origin: w.file === undefined ? { path } : { file: w.file, path },
  });
}

function walkLookupEvent(w: Walk, entry: unknown, path: string): void {
  if (!isObject(entry)) {
    w.recognized++;
    skipHere(w, path, `\`${path}\`: expected a lookup-events entry object`);
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
      const detail = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      skipHere(w, embeddedPath, `\`${embeddedPath}\`: not valid JSON (${detail})`, eventId);
      return;
    }
    addRecord(w, record, embeddedPath, eventId);
    return;
  }
  if (isObject(embedded)) {
    addRecord(w, embedded, embeddedPath, eventId);
    return;
  }
  w.recognized++;
  skipHere(
    w,
    embeddedPath,
    `\`${embeddedPath}\`: ${embedded === undefined ? 'missing' : 'expected a JSON string'}`,
    eventId,
  );
}

function walk(w: Walk, value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((el, i) => {
      walk(w, el, joinPath(path, i));
    });
    return;
  }
  if (isObject(value)) {
    if ('detail-type' in value && 'detail' in value) {
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
      addRecord(w, value.detail, joinPath(path, 'detail'), envelopeId);
      return;
    }
    if (Array.isArray(value.Records)) {
      w.recognized++;
      value.Records.forEach((rec, i) => {
        addRecord(w, rec, joinPath(path, 'Records', i));
      });
      return;
    }
    if (Array.isArray(value.Events)) {
      w.recognized++;
      value.Events.forEach((entry, i) => {
        walkLookupEvent(w, entry, joinPath(path, 'Events', i));
      });
      return;
    }
    if (looksLikeRecord(value)) {
      addRecord(w, value, path);
      return;
    }
  }
  w.firstUnrecognized ??= path;
  skipHere(
    w,
    path,
    `\`${path === '' ? '$' : path}\`: not a cloudtrail record, eventbridge event, log file or lookup-events output`,
  );
}

/**
 * Reads every denied role assumption out of an input document of any shape of
 * `shared/spec/diagnosis.md` (EventBridge event, bare CloudTrail record,
 * CloudTrail log file, `lookup-events` output, or an array of those).
 * Records that are not denied `AssumeRole*` calls, or cannot be read, are
 * returned in `skipped` with a reason. Throws `InputError` only when the
 * document holds no record at all. A recognized but empty container (a log
 * file with `Records: []`, a lookup with no `Events`) is a valid, empty input.
 */
export function readInput(json: unknown, file?: string): IntakeResult {
  const w: Walk = { file, events: [], skipped: [], recognized: 0 };
  walk(w, json, '');
  if (w.recognized === 0) {
    const path = w.firstUnrecognized ?? '';
    const what =
      Array.isArray(json) && json.length === 0
        ? 'the input is an empty array'
        : 'expected an eventbridge event, a cloudtrail record, a log file `{"Records": […]}` or lookup-events output `{"Events": […]}`';
    throw new InputError(`no cloudtrail record found: ${what}`, { context: { file, path } });
  }
  return { events: w.events, skipped: w.skipped };
}

/** Parses `text` as JSON (one-line `InputError` naming file, line and column if it is not) and reads it. */
export function readInputText(text: string, file?: string): IntakeResult {
  const json = parseJsonText(text, file, 'input', (m, o) => new InputError(m, o));
  return readInput(json, file);
}
