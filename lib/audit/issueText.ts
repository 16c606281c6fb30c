import { describeZodIssue } from '../validation/jsonPath.js';
import type * as z from '../validation/z.js';

/**
 * The schema's own message when it set one (house style: lower-case), else a
 * plain description of the zod issue (zod's defaults are capitalised jargon).
 */
export function issueText(issue: z.core.$ZodIssue, json: unknown): string {
  return /^[a-z]/.test(issue.message) ? issue.message : describeZodIssue(issue, json);
}
