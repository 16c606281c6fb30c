import { DEFAULT_CALL_BUDGET, MAX_CALL_BUDGET } from '../aws/callBudget.js';
import { CAUSE_CODE_LIST, type CauseCode } from '../diagnosis/causeCodes.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import { envInteger, envText } from '../validation/envVariable.js';
import * as z from '../validation/z.js';

/**
 * One suppression rule. Every field that is set must match (AND); a field left
 * out matches anything. Globs accept `*` (any run of characters) and `?` (one
 * character) and are matched against the whole value.
 */
export interface Suppression {
  /** Matches when any cause of the diagnosis has one of these codes. */
  readonly causes?: readonly CauseCode[];
  /** Caller or role account id (either side matches). */
  readonly accounts?: readonly string[];
  /** Glob on the caller principal (role ARN for sessions, user ARN, OIDC sub for web identity). */
  readonly caller?: string;
  /** Glob on the target role ARN. */
  readonly role?: string;
  /** Free text shown in logs when the rule fires. */
  readonly reason?: string;
}

/** Where the Slack incoming-webhook URL is kept. Never the URL itself. */
export type SlackWebhookSource =
  | { readonly kind: 'ssm'; readonly name: string }
  | { readonly kind: 'secretsmanager'; readonly id: string };

/** Everything the pipeline functions read from their environment, validated once at cold start. */
export interface PipelineConfig {
  readonly topicArn: string;
  readonly eventBusName: string;
  readonly tableName: string;
  readonly slack?: SlackWebhookSource;
  readonly readerRoleName: string;
  readonly readerRolePath: string;
  readonly orgReaderRoleArn?: string;
  readonly dedupWindowSeconds: number;
  readonly enumerationThreshold: number;
  readonly enumerationWindowSeconds: number;
  readonly suppressions: readonly Suppression[];
  /** Attempts per Slack delivery, the first included (retries on 429/5xx). */
  readonly slackMaxAttempts: number;
  /** Days a denial summary (audit evidence) is kept after its last occurrence. */
  readonly denialRetentionDays: number;
  /** DynamoDB table of the organization-wide role index the audit writes (lib/roleindex). */
  readonly roleIndexTableName?: string;
  /** AWS calls one diagnosis may make; past it, what was not read is INSUFFICIENT_DATA. */
  readonly callBudget: number;
}

const causeCode = z.enum(CAUSE_CODE_LIST as [CauseCode, ...CauseCode[]]);

const suppressionSchema = z
  .strictObject({
    causes: z.optional(z.array(causeCode).check(z.minLength(1))),
    accounts: z.optional(
      z
        .array(z.string().check(z.regex(/^\d{12}$/, 'an account id is 12 digits')))
        .check(z.minLength(1)),
    ),
    caller: z.optional(z.string().check(z.minLength(1))),
    role: z.optional(z.string().check(z.minLength(1))),
    reason: z.optional(z.string()),
  })
  .check(
    z.refine(
      (s) =>
        s.causes !== undefined ||
        s.accounts !== undefined ||
        s.caller !== undefined ||
        s.role !== undefined,
      { message: 'a suppression needs at least one of causes, accounts, caller, role' },
    ),
  );

const envSchema = z.object({
  TRUSTWATCH_TOPIC_ARN: z
    .string()
    .check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'an SNS topic ARN')),
  TRUSTWATCH_EVENT_BUS_NAME: z.string().check(z.minLength(1)),
  TRUSTWATCH_TABLE_NAME: z.string().check(z.minLength(3)),
  TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: envText,
  TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: envText,
  TRUSTWATCH_READER_ROLE_NAME: z._default(
    z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/)),
    'trustwatch-reader',
  ),
  TRUSTWATCH_READER_ROLE_PATH: z._default(
    z.string().check(z.regex(/^\/([\w+=,.@-]+\/)*$/, 'an IAM path such as `/trustwatch/`')),
    '/trustwatch/',
  ),
  TRUSTWATCH_ORG_READER_ROLE_ARN: z.pipe(
    envText,
    z.optional(
      z.string().check(z.regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN')),
    ),
  ),
  TRUSTWATCH_DEDUP_WINDOW_SECONDS: envInteger(60, 86_400, 900),
  TRUSTWATCH_ENUMERATION_THRESHOLD: envInteger(2, 1000, 5),
  TRUSTWATCH_ENUMERATION_WINDOW_SECONDS: envInteger(60, 86_400, 600),
  TRUSTWATCH_SLACK_MAX_ATTEMPTS: envInteger(1, 10, 4),
  TRUSTWATCH_DENIAL_RETENTION_DAYS: envInteger(1, 365, 30),
  TRUSTWATCH_SUPPRESSIONS: envText,
  TRUSTWATCH_ROLE_INDEX_TABLE_NAME: z.pipe(envText, z.optional(z.string().check(z.minLength(3)))),
  TRUSTWATCH_CALL_BUDGET: envInteger(10, MAX_CALL_BUDGET, DEFAULT_CALL_BUDGET),
});

/** Parses the suppression list (a JSON array), naming the failing entry. */
export function parseSuppressions(text: string | undefined, variable: string): Suppression[] {
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`\`${variable}\` is not valid JSON`, {
      context: { variable, path: '$' },
    });
  }
  const parsed = z.array(suppressionSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = `$${(issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
    throw new ConfigError(`\`${variable}\` is invalid: ${issue?.message ?? 'unknown problem'}`, {
      context: { variable, path },
    });
  }
  return parsed.data as Suppression[];
}

/**
 * Reads and validates the pipeline configuration from an environment map.
 * Fails fast with a {@link ConfigError} naming the variable, so a broken
 * deployment stops at cold start with one clear log line instead of failing
 * on the first alert.
 */
export function loadPipelineConfig(
  env: Readonly<Record<string, string | undefined>>,
): PipelineConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const value = env[variable];
    const what =
      value === undefined ? 'is not set' : `is invalid (${issue?.message ?? 'bad value'})`;
    throw new ConfigError(`environment variable \`${variable}\` ${what}`, {
      context: { variable },
    });
  }
  const e = parsed.data;
  if (e.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER && e.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID) {
    throw new ConfigError(
      'set only one of `TRUSTWATCH_SLACK_WEBHOOK_PARAMETER` and `TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID`',
      { context: { variable: 'TRUSTWATCH_SLACK_WEBHOOK_PARAMETER' } },
    );
  }
  const slack: SlackWebhookSource | undefined = e.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER
    ? { kind: 'ssm', name: e.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER }
    : e.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID
      ? { kind: 'secretsmanager', id: e.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID }
      : undefined;
  return {
    topicArn: e.TRUSTWATCH_TOPIC_ARN,
    eventBusName: e.TRUSTWATCH_EVENT_BUS_NAME,
    tableName: e.TRUSTWATCH_TABLE_NAME,
    ...(slack ? { slack } : {}),
    readerRoleName: e.TRUSTWATCH_READER_ROLE_NAME,
    readerRolePath: e.TRUSTWATCH_READER_ROLE_PATH,
    ...(e.TRUSTWATCH_ORG_READER_ROLE_ARN
      ? { orgReaderRoleArn: e.TRUSTWATCH_ORG_READER_ROLE_ARN }
      : {}),
    dedupWindowSeconds: e.TRUSTWATCH_DEDUP_WINDOW_SECONDS,
    enumerationThreshold: e.TRUSTWATCH_ENUMERATION_THRESHOLD,
    enumerationWindowSeconds: e.TRUSTWATCH_ENUMERATION_WINDOW_SECONDS,
    slackMaxAttempts: e.TRUSTWATCH_SLACK_MAX_ATTEMPTS,
    denialRetentionDays: e.TRUSTWATCH_DENIAL_RETENTION_DAYS,
    suppressions: parseSuppressions(e.TRUSTWATCH_SUPPRESSIONS, 'TRUSTWATCH_SUPPRESSIONS'),
    ...(e.TRUSTWATCH_ROLE_INDEX_TABLE_NAME
      ? { roleIndexTableName: e.TRUSTWATCH_ROLE_INDEX_TABLE_NAME }
      : {}),
    callBudget: e.TRUSTWATCH_CALL_BUDGET,
  };
}
