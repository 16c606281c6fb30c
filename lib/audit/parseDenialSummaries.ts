import { InputError } from '../errors/TrustwatchError.js';
import { zodIssuePath } from '../validation/jsonPath.js';
import * as z from '../validation/z.js';
import type { DenialSummary } from './DenialSummary.js';
import { issueText } from './issueText.js';

const schema = z.array(
  z.strictObject({
    roleArn: z.string().check(z.regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'a role ARN')),
    callerArn: z.optional(z.string().check(z.minLength(1))),
    callerType: z.string().check(z.minLength(1)),
    causes: z._default(z.array(z.string()), []),
    count: z._default(z.number().check(z.int(), z.minimum(1)), 1),
    lastSeen: z.optional(z.string()),
  }),
);

/** Reads a JSON array of denial summaries (`--denials`), naming the first bad entry. */
export function parseDenialSummaries(text: string, file: string): DenialSummary[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError('denial summaries are not JSON', { context: { file, path: '$' } });
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(
      `invalid denial summary: ${issue === undefined ? 'invalid' : issueText(issue, json)}`,
      { context: { file, path: issue === undefined ? '$' : zodIssuePath('$', issue) } },
    );
  }
  return r.data.map((d) => ({
    roleArn: d.roleArn,
    callerType: d.callerType,
    causes: d.causes,
    count: d.count,
    ...(d.callerArn === undefined ? {} : { callerArn: d.callerArn }),
    ...(d.lastSeen === undefined ? {} : { lastSeen: d.lastSeen }),
  }));
}
