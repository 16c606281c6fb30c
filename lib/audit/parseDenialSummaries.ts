import { z } from 'zod';
import { InputError } from '../errors/TrustwatchError.js';
import { zodIssuePath } from '../intake/jsonPath.js';
import type { DenialSummary } from './DenialSummary.js';
import { issueText } from './issueText.js';

const schema = z.array(
  z
    .object({
      roleArn: z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'a role ARN'),
      callerArn: z.string().min(1).optional(),
      callerType: z.string().min(1),
      causes: z.array(z.string()).default([]),
      count: z.number().int().min(1).default(1),
      lastSeen: z.string().optional(),
    })
    .strict(),
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
