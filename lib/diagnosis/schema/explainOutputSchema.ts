import * as z from '../../validation/z.js';
import { CAUSE_CODE_LIST, CAUSE_CODES, CONFIDENCE_LEVELS } from '../causeCodes.js';

/**
 * zod schema of the CLI's JSON output (`trustwatch explain --format json`,
 * `shared/spec/diagnosis.md`). The committed JSON Schema next to this file
 * (`explain-output.schema.json`) is generated from it with `z.toJSONSchema`
 * (`npx tsx test/support/writeExplainOutputJsonSchema.ts`); a test
 * checks that it is up to date.
 */
const causeCode = z.enum(
  CAUSE_CODE_LIST as [keyof typeof CAUSE_CODES, ...(keyof typeof CAUSE_CODES)[]],
);
const side = z.enum(['caller', 'trust', 'target', 'any']);

export const causeEvidenceSchema = z.catchall(
  z.object({
    policy: z.optional(z.string()),
    statement: z.optional(z.string()),
    conditionKey: z.optional(z.string()),
    operator: z.optional(z.string()),
    expected: z.optional(z.array(z.string())),
    actual: z.optional(
      z.union([z.array(z.string()), z.literal('not logged'), z.literal('absent')]),
    ),
  }),
  z.unknown(),
);

export const causeSchema = z
  .strictObject({
    code: causeCode,
    confidence: z.enum(CONFIDENCE_LEVELS),
    side,
    summary: z.string().check(z.minLength(1)),
    evidence: causeEvidenceSchema,
  })
  .check(
    z.refine((c) => CAUSE_CODES[c.code] === c.side, {
      message: 'side does not match the cause code',
      path: ['side'],
    }),
  );

export const fixSchema = z.strictObject({
  cause: causeCode,
  title: z.string().check(z.minLength(1)),
  iamPolicy: z.optional(z.record(z.string(), z.unknown())),
  awsCli: z.optional(z.string()),
  terraform: z.optional(z.string()),
  appliesTo: z.optional(z.string()),
  verified: z.optional(z.boolean()),
});

export const diagnosisSchema = z.strictObject({
  eventId: z.string(),
  input: z.enum(['record', 'message']),
  eventName: z.enum(['AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']),
  eventTime: z.optional(z.string()),
  caller: z.strictObject({
    arn: z.optional(z.string()),
    accountId: z.optional(z.string()),
    type: z.string(),
    sessionName: z.optional(z.string()),
    sourceIp: z.optional(z.string()),
    userAgent: z.optional(z.string()),
  }),
  target: z.strictObject({ roleArn: z.optional(z.string()), accountId: z.optional(z.string()) }),
  causes: z.array(causeSchema).check(z.minLength(1)),
  fixes: z.array(fixSchema),
});

export const explainOutputSchema = z.strictObject({
  state: z.strictObject({
    kind: z.enum(['demo', 'snapshot', 'live']),
    label: z.string(),
  }),
  diagnoses: z.array(diagnosisSchema),
  skipped: z.array(z.strictObject({ eventId: z.optional(z.string()), reason: z.string() })),
});

export type ExplainOutputJson = z.infer<typeof explainOutputSchema>;

/** The JSON Schema (draft 2020-12) of the CLI's JSON output, as committed. */
export function explainOutputJsonSchema(): Record<string, unknown> {
  return {
    title: 'trustwatch explain --format json output',
    ...(z.toJSONSchema(explainOutputSchema, { io: 'output' }) as Record<string, unknown>),
  };
}
