import type { Cause, Diagnosis, Fix } from '../diagnosis/Diagnosis.js';
import type { Alert } from './Alert.js';

/** SNS and EventBridge both cap a message at 256 KiB; keep a margin for attributes and the envelope. */
export const MESSAGE_LIMIT_BYTES = 240 * 1024;

const TRUNCATION_NOTE =
  ' (fix body omitted: the alert exceeded the 256 KB message limit; run `trustwatch explain` on the event for the full fix)';

export interface AlertMessage {
  /** The JSON text to publish. */
  readonly body: string;
  /** True when fix bodies were dropped to stay under the limit. */
  readonly truncated: boolean;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function shrinkFix<C extends string>(fix: Fix<C>): Fix<C> {
  const { iamPolicy: _p, terraform: _t, awsCli: _c, ...rest } = fix;
  return { ...rest, title: `${fix.title}${TRUNCATION_NOTE}` };
}

/**
 * The JSON document of an alert: for a `diagnosis` alert exactly the diagnosis
 * object of `shared/spec/diagnosis.md`; summaries and security alerts wrap it
 * with their own fields (`kind`, counts, window). When the document would pass
 * `limit` bytes the fixes lose their policy/CLI/Terraform bodies (largest
 * first), each such fix says so in its title, and `truncated` is set; causes
 * and evidence are kept because they are the explanation.
 */
export function alertMessage(alert: Alert, limit = MESSAGE_LIMIT_BYTES): AlertMessage {
  const build = (diagnosis: Diagnosis): string => {
    switch (alert.kind) {
      case 'diagnosis':
        return JSON.stringify(diagnosis);
      case 'summary':
        return JSON.stringify({ ...alert, diagnosis });
      case 'security':
        return JSON.stringify({ ...alert, diagnosis });
    }
  };
  let body = build(alert.diagnosis);
  if (byteLength(body) <= limit) return { body, truncated: false };

  const fixes = [...alert.diagnosis.fixes];
  const order = fixes
    .map((f, i) => ({ i, size: byteLength(JSON.stringify(f)) }))
    .sort((a, b) => b.size - a.size);
  for (const { i } of order) {
    fixes[i] = shrinkFix(fixes[i] as Diagnosis['fixes'][number]);
    body = build({ ...alert.diagnosis, fixes });
    if (byteLength(body) <= limit) return { body, truncated: true };
  }
  // Still too large (huge evidence): keep the causes' codes and summaries only.
  const causes = alert.diagnosis.causes.map(
    (c) =>
      ({
        ...c,
        evidence: { note: 'evidence omitted: the alert exceeded the 256 KB message limit' },
      }) as Cause,
  );
  body = build({ ...alert.diagnosis, causes, fixes });
  return { body, truncated: true };
}
