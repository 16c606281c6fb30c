import type { Diagnosis } from '../diagnosis/Diagnosis.js';

/** What follows an ARN's fifth colon (its resource), or '' when it has fewer colons. */
function arnResource(arn: string): string {
  let colon = -1;
  for (let i = 0; i < 5; i++) {
    colon = arn.indexOf(':', colon + 1);
    if (colon === -1) return '';
  }
  return arn.slice(colon + 1);
}

/** Keeps every non-empty string, or (for {@link untrustedLineFeedValues}) those holding a `\n`. */
type Keep = (value: string) => boolean;

const nonEmpty: Keep = (v) => v !== '';
const hasLineFeed: Keep = (v) => v.includes('\n');

function collect(value: unknown, out: Set<string>, keep: Keep): void {
  if (typeof value === 'string') {
    if (!keep(value)) return;
    out.add(value);
    // Fixes quote the name part of an ARN (`role/<name>`, a session name): count it on its own.
    if (value.startsWith('arn:')) {
      const resource = arnResource(value);
      for (const part of [
        resource.slice(resource.indexOf('/') + 1),
        resource.slice(resource.lastIndexOf('/') + 1),
      ]) {
        if (keep(part) && part !== value) out.add(part);
      }
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out, keep);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) collect(v, out, keep);
  }
}

function collectAll(d: Diagnosis, keep: Keep): readonly string[] {
  const out = new Set<string>();
  collect(d.eventId, out, keep);
  collect(d.caller, out, keep);
  collect(d.target, out, keep);
  for (const c of d.causes) collect(c.evidence, out, keep);
  return [...out];
}

/**
 * Every string of a diagnosis that an event (and so a caller) may have
 * chosen: the caller and target fields, the event id, and every evidence
 * value (the request's session name, source identity, OIDC subject, tags…),
 * and the name part of every ARN among them (what a fix quotes on its own).
 * Renderers pass them to the escapers that need to recognise a quoted value
 * inside a sentence (lib/render/escapeSlack.ts `slackSummary`). A superset
 * is harmless: a trusted string treated as untrusted is only escaped harder.
 */
export function untrustedValues(d: Diagnosis): readonly string[] {
  return collectAll(d, nonEmpty);
}

/**
 * {@link untrustedValues} that hold a `\n` (in the same order): what a
 * terminal paste block must not quote. Nearly every diagnosis has none, and
 * then this walk adds nothing to a set and parses no ARN.
 */
export function untrustedLineFeedValues(d: Diagnosis): readonly string[] {
  return collectAll(d, hasLineFeed);
}
