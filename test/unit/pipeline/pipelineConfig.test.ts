import { describe, expect, it } from 'vitest';
import { loadPipelineConfig, parseSuppressions } from '../../../lib/config/pipelineConfig.js';
import { ConfigError } from '../../../lib/errors/TrustwatchError.js';

const base = {
  TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:333333333333:trustwatch-prod-diagnoses',
  TRUSTWATCH_EVENT_BUS_NAME: 'trustwatch-prod',
  TRUSTWATCH_TABLE_NAME: 'trustwatch-noise',
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadPipelineConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadPipelineConfig', () => {
  it('applies documented defaults', () => {
    const c = loadPipelineConfig(base);
    expect(c).toMatchObject({
      readerRoleName: 'trustwatch-reader',
      readerRolePath: '/trustwatch/',
      dedupWindowSeconds: 900,
      enumerationThreshold: 5,
      enumerationWindowSeconds: 600,
      suppressions: [],
      denialRetentionDays: 30,
    });
    expect(c.slack).toBeUndefined();
    expect(c.orgReaderRoleArn).toBeUndefined();
  });

  it('treats empty strings (unset osls params) as absent', () => {
    const c = loadPipelineConfig({
      ...base,
      TRUSTWATCH_ORG_READER_ROLE_ARN: '',
      TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: '',
      TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: '/trustwatch/slack',
    });
    expect(c.slack).toEqual({ kind: 'ssm', name: '/trustwatch/slack' });
    expect(c.orgReaderRoleArn).toBeUndefined();
  });

  it.each([
    ['TRUSTWATCH_TOPIC_ARN', { ...base, TRUSTWATCH_TOPIC_ARN: undefined }, 'is not set'],
    ['TRUSTWATCH_TOPIC_ARN', { ...base, TRUSTWATCH_TOPIC_ARN: 'my-topic' }, 'is invalid'],
    ['TRUSTWATCH_TABLE_NAME', { ...base, TRUSTWATCH_TABLE_NAME: undefined }, 'is not set'],
    [
      'TRUSTWATCH_DEDUP_WINDOW_SECONDS',
      { ...base, TRUSTWATCH_DEDUP_WINDOW_SECONDS: 'soon' },
      'integer',
    ],
    [
      'TRUSTWATCH_DEDUP_WINDOW_SECONDS',
      { ...base, TRUSTWATCH_DEDUP_WINDOW_SECONDS: '5' },
      'from 60',
    ],
    [
      'TRUSTWATCH_ENUMERATION_THRESHOLD',
      { ...base, TRUSTWATCH_ENUMERATION_THRESHOLD: '1' },
      'from 2',
    ],
    [
      'TRUSTWATCH_DENIAL_RETENTION_DAYS',
      { ...base, TRUSTWATCH_DENIAL_RETENTION_DAYS: '0' },
      'from 1 to 365',
    ],
    [
      'TRUSTWATCH_DENIAL_RETENTION_DAYS',
      { ...base, TRUSTWATCH_DENIAL_RETENTION_DAYS: '366' },
      'from 1 to 365',
    ],
    [
      'TRUSTWATCH_DENIAL_RETENTION_DAYS',
      { ...base, TRUSTWATCH_DENIAL_RETENTION_DAYS: '30d' },
      'integer',
    ],
    [
      'TRUSTWATCH_READER_ROLE_PATH',
      { ...base, TRUSTWATCH_READER_ROLE_PATH: 'trustwatch' },
      'IAM path',
    ],
    [
      'TRUSTWATCH_ORG_READER_ROLE_ARN',
      { ...base, TRUSTWATCH_ORG_READER_ROLE_ARN: 'role/x' },
      'role ARN',
    ],
  ])('fails fast naming `%s`', (variable, env, text) => {
    const err = errorOf(env);
    expect(err.message).toContain(`\`${variable}\``);
    expect(err.message).toContain(text);
    expect(err.context.variable).toBe(variable);
    expect(err.message).not.toContain('\n');
  });

  it('reads the denial retention in days (blank is the default)', () => {
    expect(
      loadPipelineConfig({ ...base, TRUSTWATCH_DENIAL_RETENTION_DAYS: '365' }).denialRetentionDays,
    ).toBe(365);
    expect(
      loadPipelineConfig({ ...base, TRUSTWATCH_DENIAL_RETENTION_DAYS: ' ' }).denialRetentionDays,
    ).toBe(30);
  });

  it('refuses two Slack webhook sources', () => {
    const err = errorOf({
      ...base,
      TRUSTWATCH_SLACK_WEBHOOK_PARAMETER: '/trustwatch/slack',
      TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: 'trustwatch/slack',
    });
    expect(err.message).toContain('only one of');
  });

  it('reads a Secrets Manager webhook source', () => {
    expect(
      loadPipelineConfig({ ...base, TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID: 'trustwatch/slack' }).slack,
    ).toEqual({
      kind: 'secretsmanager',
      id: 'trustwatch/slack',
    });
  });
});

describe('parseSuppressions', () => {
  it('parses rules', () => {
    expect(
      parseSuppressions(
        '[{"causes":["NO_CAUSE_FOUND"]},{"accounts":["111111111111"],"role":"arn:aws:iam::*:role/sandbox-*","reason":"sandbox"}]',
        'V',
      ),
    ).toEqual([
      { causes: ['NO_CAUSE_FOUND'] },
      { accounts: ['111111111111'], role: 'arn:aws:iam::*:role/sandbox-*', reason: 'sandbox' },
    ]);
  });

  it.each([
    ['not json', '[{', '$', 'not valid JSON'],
    ['unknown cause code', '[{"causes":["NOPE"]}]', '$[0].causes[0]', 'invalid'],
    ['bad account', '[{"accounts":["12"]}]', '$[0].accounts[0]', '12 digits'],
    ['empty rule', '[{"reason":"x"}]', '$[0]', 'at least one'],
    ['unknown field', '[{"cause":"NO_CAUSE_FOUND"}]', '$[0]', 'invalid'],
  ])('rejects %s with the JSON path', (_what, text, path, message) => {
    let err: unknown;
    try {
      parseSuppressions(text, 'TRUSTWATCH_SUPPRESSIONS');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).context.path).toBe(path);
    expect((err as ConfigError).message).toContain('`TRUSTWATCH_SUPPRESSIONS`');
    expect((err as ConfigError).message).toContain(message);
  });
});
