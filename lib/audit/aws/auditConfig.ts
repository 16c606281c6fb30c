import type { SlackWebhookSource } from '../../config/pipelineConfig.js';
import { ConfigError } from '../../errors/TrustwatchError.js';
import { envInteger, envText } from '../../validation/envVariable.js';
import * as z from '../../validation/z.js';
import { DEFAULT_UNUSED_DAYS } from '../auditAccount.js';
import { type AuditSuppression, parseAuditSuppressions } from '../auditSuppressions.js';
import { DEFAULT_FORWARD_RULE_NAME } from '../blindspots/BlindSpotReader.js';

/** What the audit functions read from their environment, validated at cold start. */
export interface AuditConfig {
  readonly tableName: string;
  readonly queueUrl?: string;
  readonly topicArn?: string;
  readonly slack?: SlackWebhookSource;
  readonly readerRoleName: string;
  readonly readerRolePath: string;
  readonly orgReaderRoleArn?: string;
  readonly suppressions: readonly AuditSuppression[];
  readonly unusedDays: number;
  readonly regions: readonly string[];
  readonly forwardRuleName: string;
  readonly retentionDays: number;
  /** The explain pipeline's noise table, whose denial summaries feed the rules; unset: no denials. */
  readonly denialsTableName?: string;
  /** How far back the worker reads denial summaries. */
  readonly denialLookbackDays: number;
  /** Table of the organization-wide role index this audit writes for the explainer (lib/roleindex). */
  readonly roleIndexTableName?: string;
}

/** Default lookback of the denial summaries, the pipeline's default retention. */
export const DEFAULT_DENIAL_LOOKBACK_DAYS = 30;

const schema = z.object({
  TRUSTWATCH_AUDIT_TABLE_NAME: z.string().check(z.minLength(3)),
  TRUSTWATCH_AUDIT_QUEUE_URL: z.pipe(envText, z.optional(z.string().check(z.url('a queue URL')))),
  TRUSTWATCH_TOPIC_ARN: z.pipe(
    envText,
    z.optional(
      z.string().check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'an SNS topic ARN')),
    ),
  ),
  TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: envText,
  TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: envText,
  TRUSTWATCH_READER_ROLE_NAME: z.pipe(
    envText,
    z._default(z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/)), 'trustwatch-reader'),
  ),
  TRUSTWATCH_READER_ROLE_PATH: z.pipe(
    envText,
    z._default(
      z.string().check(z.regex(/^\/([\w+=,.@-]+\/)*$/, 'an IAM path such as `/trustwatch/`')),
      '/trustwatch/',
    ),
  ),
  TRUSTWATCH_ORG_READER_ROLE_ARN: z.pipe(
    envText,
    z.optional(
      z.string().check(z.regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN')),
    ),
  ),
  TRUSTWATCH_AUDIT_SUPPRESSIONS: envText,
  TRUSTWATCH_AUDIT_UNUSED_DAYS: envInteger(1, 400, DEFAULT_UNUSED_DAYS),
  TRUSTWATCH_AUDIT_RETENTION_DAYS: envInteger(1, 3650, 90),
  TRUSTWATCH_AUDIT_REGIONS: envText,
  TRUSTWATCH_DENIALS_TABLE_NAME: z.pipe(
    envText,
    z.optional(
      z
        .string()
        .check(z.regex(/^[\w.-]{3,255}$/, 'a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)')),
    ),
  ),
  TRUSTWATCH_AUDIT_DENIAL_DAYS: envInteger(1, 365, DEFAULT_DENIAL_LOOKBACK_DAYS),
  TRUSTWATCH_ROLE_INDEX_TABLE_NAME: z.pipe(
    envText,
    z.optional(
      z
        .string()
        .check(z.regex(/^[\w.-]{3,255}$/, 'a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)')),
    ),
  ),
  TRUSTWATCH_FORWARD_RULE_NAME: z.pipe(
    envText,
    z._default(
      z.string().check(z.regex(/^[\w.-]{1,64}$/, 'an EventBridge rule name')),
      DEFAULT_FORWARD_RULE_NAME,
    ),
  ),
  AWS_REGION: envText,
});

/** Parses the environment; a bad variable is a `ConfigError` naming it. */
export function loadAuditConfig(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`\`${variable}\` is invalid: ${issue?.message ?? 'invalid'}`, {
      context: { variable },
    });
  }
  const e = r.data;
  if (
    e.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER !== undefined &&
    e.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID !== undefined
  ) {
    throw new ConfigError(
      'set only one of `TRUSTWATCH_SLACK_WEBHOOK_PARAMETER` and `TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID`',
    );
  }
  const regions = (e.TRUSTWATCH_AUDIT_REGIONS ?? e.AWS_REGION ?? 'us-east-1')
    .split(/[\s,]+/)
    .filter((s) => s !== '');
  for (const reg of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(reg))
      throw new ConfigError(
        `\`TRUSTWATCH_AUDIT_REGIONS\` has \`${reg}\`, which is not a region name`,
        {
          context: { variable: 'TRUSTWATCH_AUDIT_REGIONS' },
        },
      );
  }
  const slack: SlackWebhookSource | undefined =
    e.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER !== undefined
      ? { kind: 'ssm', name: e.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER }
      : e.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID !== undefined
        ? { kind: 'secretsmanager', id: e.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID }
        : undefined;
  return {
    tableName: e.TRUSTWATCH_AUDIT_TABLE_NAME,
    ...(e.TRUSTWATCH_AUDIT_QUEUE_URL === undefined
      ? {}
      : { queueUrl: e.TRUSTWATCH_AUDIT_QUEUE_URL }),
    ...(e.TRUSTWATCH_TOPIC_ARN === undefined ? {} : { topicArn: e.TRUSTWATCH_TOPIC_ARN }),
    ...(slack === undefined ? {} : { slack }),
    readerRoleName: e.TRUSTWATCH_READER_ROLE_NAME,
    readerRolePath: e.TRUSTWATCH_READER_ROLE_PATH,
    ...(e.TRUSTWATCH_ORG_READER_ROLE_ARN === undefined
      ? {}
      : { orgReaderRoleArn: e.TRUSTWATCH_ORG_READER_ROLE_ARN }),
    suppressions: parseAuditSuppressions(
      e.TRUSTWATCH_AUDIT_SUPPRESSIONS,
      'TRUSTWATCH_AUDIT_SUPPRESSIONS',
    ),
    unusedDays: e.TRUSTWATCH_AUDIT_UNUSED_DAYS,
    regions,
    forwardRuleName: e.TRUSTWATCH_FORWARD_RULE_NAME,
    retentionDays: e.TRUSTWATCH_AUDIT_RETENTION_DAYS,
    ...(e.TRUSTWATCH_DENIALS_TABLE_NAME === undefined
      ? {}
      : { denialsTableName: e.TRUSTWATCH_DENIALS_TABLE_NAME }),
    denialLookbackDays: e.TRUSTWATCH_AUDIT_DENIAL_DAYS,
    ...(e.TRUSTWATCH_ROLE_INDEX_TABLE_NAME === undefined
      ? {}
      : { roleIndexTableName: e.TRUSTWATCH_ROLE_INDEX_TABLE_NAME }),
  };
}
