import { z } from 'zod';
import { CAUSE_CODE_LIST, CAUSE_CODES, CONFIDENCE_LEVELS } from '../causeCodes.js';

/**
 * zod schema of the CLI's JSON output (`trustwatch explain --format json`,
 * `shared/spec/diagnosis.md`). The committed JSON Schema next to this file
 * (`explain-output.schema.json`) is generated from it with `z.toJSONSchema`
 * (`npx tsx lib/diagnosis/schema/writeExplainOutputJsonSchema.ts`); a test
 * checks that it is up to date.
 */
const causeCode = z.enum(
  CAUSE_CODE_LIST as [keyof typeof CAUSE_CODES, ...(keyof typeof CAUSE_CODES)[]],
);
const side = z.enum(['caller', 'trust', 'target', 'any']);

export const causeEvidenceSchema = z
  .object({
    policy: z.string().optional(),
    statement: z.string().optional(),
    conditionKey: z.string().optional(),
    operator: z.string().optional(),
    expected: z.array(z.string()).optional(),
    actual: z.union([z.array(z.string()), z.literal('not logged'), z.literal('absent')]).optional(),
  })
  .catchall(z.unknown());

export const causeSchema = z
  .object({
    code: causeCode,
    confidence: z.enum(CONFIDENCE_LEVELS),
    side,
    summary: z.string().min(1),
    evidence: causeEvidenceSchema,
  })
  .strict()
  .refine((c) => CAUSE_CODES[c.code] === c.side, {
    message: 'side does not match the cause code',
    path: ['side'],
  });

export const fixSchema = z
  .object({
    cause: causeCode,
    title: z.string().min(1),
    iamPolicy: z.record(z.string(), z.unknown()).optional(),
    awsCli: z.string().optional(),
    terraform: z.string().optional(),
    appliesTo: z.string().optional(),
    verified: z.boolean().optional(),
  })
  .strict();

export const diagnosisSchema = z
  .object({
    eventId: z.string(),
    eventName: z.enum(['AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML']),
    eventTime: z.string().optional(),
    caller: z
      .object({
        arn: z.string().optional(),
        accountId: z.string().optional(),
        type: z.string(),
        sessionName: z.string().optional(),
        sourceIp: z.string().optional(),
        userAgent: z.string().optional(),
      })
      .strict(),
    target: z.object({ roleArn: z.string().optional(), accountId: z.string().optional() }).strict(),
    causes: z.array(causeSchema).min(1),
    fixes: z.array(fixSchema),
  })
  .strict();

export const explainOutputSchema = z
  .object({
    diagnoses: z.array(diagnosisSchema),
    skipped: z.array(z.object({ eventId: z.string().optional(), reason: z.string() }).strict()),
  })
  .strict();

export type ExplainOutputJson = z.infer<typeof explainOutputSchema>;

/** The JSON Schema (draft 2020-12) of the CLI's JSON output, as committed. */
export function explainOutputJsonSchema(): Record<string, unknown> {
  return {
    title: 'trustwatch explain --format json output',
    ...(z.toJSONSchema(explainOutputSchema, { io: 'output' }) as Record<string, unknown>),
  };
}
