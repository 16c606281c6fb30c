import { globFromRaw, globMatch } from '../engine/wildcard.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import type { AuditFinding } from '../findings/AuditFinding.js';
import { FINDING_CODE_LIST, type FindingCode, isFindingCode } from '../findings/findingCodes.js';
import type { Tag } from '../state/IamStateSource.js';
import { zodIssuePath } from '../validation/jsonPath.js';
import * as z from '../validation/z.js';
import { issueText } from './issueText.js';

/** The role tag that silences findings on one role: value `*` or codes separated by commas/spaces. */
export const IGNORE_TAG = 'trustwatch:ignore';

/**
 * One configured suppression. Every field that is set must match (AND); a
 * list matches when any entry does. Role patterns are globs on the role ARN
 * (`*`, `?`), matched against the whole ARN.
 */
export interface AuditSuppression {
  readonly codes?: readonly FindingCode[];
  readonly roles?: readonly string[];
  readonly accounts?: readonly string[];
  readonly reason?: string;
}

const suppressionSchema = z
  .strictObject({
    codes: z.optional(
      z.array(z.enum(FINDING_CODE_LIST as [FindingCode, ...FindingCode[]])).check(z.minLength(1)),
    ),
    roles: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
    accounts: z.optional(
      z
        .array(z.string().check(z.regex(/^\d{12}$/, 'an account id is 12 digits')))
        .check(z.minLength(1)),
    ),
    reason: z.optional(z.string()),
  })
  .check(
    z.refine((s) => s.codes !== undefined || s.roles !== undefined || s.accounts !== undefined, {
      message: 'a suppression needs at least one of codes, roles, accounts',
    }),
  );

/** Parses a JSON array of suppressions; `where` names the source (env variable, file) in errors. */
export function parseAuditSuppressions(
  text: string | undefined,
  where: string,
): AuditSuppression[] {
  if (text === undefined || text.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`audit suppressions in \`${where}\` are not JSON`, {
      context: { variable: where, path: '$' },
    });
  }
  const parsed = z.array(suppressionSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `audit suppression in \`${where}\` is invalid: ${issue === undefined ? 'invalid' : issueText(issue, json)}`,
      { context: { variable: where, path: issue === undefined ? '$' : zodIssuePath('$', issue) } },
    );
  }
  return parsed.data.map((s) => ({
    ...(s.codes === undefined ? {} : { codes: s.codes }),
    ...(s.roles === undefined ? {} : { roles: s.roles }),
    ...(s.accounts === undefined ? {} : { accounts: s.accounts }),
    ...(s.reason === undefined ? {} : { reason: s.reason }),
  }));
}

const NO_TAG = { all: false, codes: new Set<FindingCode>(), unknown: [] as string[] } as const;

/** Reads the ignore tag: `all`, a set of codes, and the words it did not understand. */
export function readIgnoreTag(tags: readonly Tag[]): {
  all: boolean;
  codes: ReadonlySet<FindingCode>;
  unknown: readonly string[];
} {
  const tag = tags.length === 0 ? undefined : tags.find((t) => t.key.toLowerCase() === IGNORE_TAG);
  if (tag === undefined) return NO_TAG;
  const words = tag.value.split(/[\s,]+/).filter((w) => w !== '');
  const codes = new Set<FindingCode>();
  const unknown: string[] = [];
  let all = false;
  for (const w of words) {
    if (w === '*') all = true;
    else if (isFindingCode(w.toUpperCase())) codes.add(w.toUpperCase() as FindingCode);
    else unknown.push(w);
  }
  return { all, codes, unknown };
}

/** Why a finding is suppressed, or `undefined` when it is not. */
export function suppressionReason(
  finding: AuditFinding,
  tags: readonly Tag[],
  config: readonly AuditSuppression[],
): string | undefined {
  if (tags.length === 0 && config.length === 0) return undefined;
  const tag = readIgnoreTag(tags);
  if (tag.all) return `role tag ${IGNORE_TAG}=*`;
  if (tag.codes.has(finding.code)) return `role tag ${IGNORE_TAG} lists ${finding.code}`;
  for (const [i, s] of config.entries()) {
    if (s.codes !== undefined && !s.codes.includes(finding.code)) continue;
    if (s.accounts !== undefined && !s.accounts.includes(finding.accountId)) continue;
    if (s.roles !== undefined && !s.roles.some((p) => globMatch(globFromRaw(p), finding.roleArn)))
      continue;
    return `configured suppression #${i}${s.reason === undefined ? '' : `: ${s.reason}`}`;
  }
  return undefined;
}
