import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANIZATION_READER_ACTIONS, READER_ROLE_ACTIONS } from '../../../lib/aws/readerPolicy.js';
import {
  cfnLint,
  iamStatements,
  isIamWrite,
  loadCfnYaml,
  resolveConditions,
  sdkActionsIn,
} from './cfnTemplates.js';
import { packageOnce } from './packagedStack.js';

/**
 * Packages the audit stack with osls exactly as a deployment would (offline,
 * no AWS credentials: osls resolves `${aws:region}` from the provider and
 * never calls STS for `package`), then lints every template and checks that
 * nothing anywhere can write IAM.
 */
const root = resolve(import.meta.dirname, '../../..');
const HAND_WRITTEN = ['lib/deploy/member-account.yml', 'lib/deploy/org-reader.yml'];
const AUDIT_FRAGMENTS = ['lib/deploy/audit-functions.yml', 'lib/deploy/audit-resources.yml'];

/** Environment the functions validate at cold start (values as the stack would set them). */
const LAMBDA_ENV = {
  TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:eu-west-1:333333333333:trustwatch-diagnoses',
  TRUSTWATCH_EVENT_BUS_NAME: 'trustwatch-central',
  TRUSTWATCH_TABLE_NAME: 'trustwatch-noise',
  TRUSTWATCH_AUDIT_TABLE_NAME: 'trustwatch-audit',
  TRUSTWATCH_AUDIT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/333333333333/trustwatch-audit',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

let outDir: string;
const unzippedDirs: string[] = [];
afterAll(() => {
  for (const d of unzippedDirs) rmSync(d, { recursive: true, force: true });
});
let generated: Record<string, unknown>;

function resources(
  t: Record<string, unknown>,
): Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: string }> {
  return t.Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Condition?: string }
  >;
}

interface Statement {
  readonly Sid?: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Slack from the default SSM parameter, no customer managed key. */
const SLACK_SSM = {
  SlackWebhookParameter: '/trustwatch/slack-webhook-url',
  SlackWebhookSecretName: '',
  SlackWebhookKmsKeyArn: '',
};
/** A routing file, as the `routes` parameter carries it (compact JSON). */
const ROUTES = JSON.stringify({
  destinations: { payments: { webhook: { ssm: '/trustwatch/slack/payments' } } },
  rules: [{ match: { roleAccount: '111111111111' }, to: ['payments'] }],
});

/** The statements a function role grants once the stack parameters are applied. */
function statementsOf(
  roleId: string,
  parameters: Readonly<Record<string, string>> = {
    SlackWebhookParameter: '/trustwatch/slack-webhook-url',
    SlackWebhookSecretName: '',
    SlackWebhookKmsKeyArn: '',
  },
): Statement[] {
  const role = resources(generated)[roleId];
  const policies = resolveConditions(generated, role?.Properties?.Policies ?? [], parameters) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

const actionsOfStatements = (st: readonly Statement[]) => st.flatMap((s) => [s.Action].flat());

beforeAll(() => {
  // Shared with deployedStack.test.ts: one packaging per source state (packagedStack.ts).
  outDir = packageOnce(root);
  generated = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Record<string, unknown>;
}, 300_000);

describe('osls package (offline)', () => {
  it('bundles each function as an arm64 nodejs22.x ESM zip', () => {
    const zips = readdirSync(outDir).filter((f) => f.endsWith('.zip'));
    expect(zips).toEqual(expect.arrayContaining(['explainDenial.zip', 'flushSummaries.zip']));
    const listing = spawnSync('unzip', ['-l', join(outDir, 'explainDenial.zip')], {
      encoding: 'utf8',
    });
    expect(listing.stdout).toContain('functions/explainDenial.mjs');
    const fn = resources(generated).ExplainDenialLambdaFunction?.Properties ?? {};
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('functions/explainDenial.handler');
  });

  it('zips each function with exactly its own chunks, and each entry loads from its zip alone', () => {
    const zips = readdirSync(outDir).filter((f) => f.endsWith('.zip'));
    for (const zip of zips) {
      const name = zip.replace(/\.zip$/, '');
      const dir = mkdtempSync(join(tmpdir(), `trustwatch-unzipped-${name}-`));
      unzippedDirs.push(dir);
      const unzip = spawnSync('unzip', ['-q', '-o', join(outDir, zip), '-d', dir], {
        encoding: 'utf8',
      });
      expect(unzip.status, unzip.stderr).toBe(0);
      const files = readdirSync(join(dir, 'functions'), { recursive: true }).map(String);
      // Nothing from another function's build.
      expect(files.filter((f) => !f.startsWith(`${name}.`))).toEqual([]);
      // Every chunk any module imports, statically or with import(), is in this zip.
      const referenced = new Set<string>();
      for (const f of files.filter((x) => x.endsWith('.mjs'))) {
        const text = readFileSync(join(dir, 'functions', f), 'utf8');
        for (const m of text.matchAll(/(?:from|import\s*\(?)\s*["'](\.\.?\/[^"']+)["']/g)) {
          referenced.add(join(dirname(f), m[1] ?? ''));
        }
      }
      expect([...referenced].filter((r) => !files.includes(r))).toEqual([]);
      expect(referenced.size).toBeGreaterThan(0);
      // The entry module links (every static chunk resolves) in a fresh node.
      const load = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(dir, 'functions', `${name}.mjs`))}); if (typeof m.handler !== 'function') process.exit(9);`,
        ],
        { encoding: 'utf8', env: { ...process.env, ...LAMBDA_ENV } },
      );
      expect(load.status, `${name}: ${load.stderr}`).toBe(0);
    }
  });

  it('lints clean with cfn-lint (generated and hand-written templates)', () => {
    // W3005 (redundant DependsOn) is osls's own doing: for a function with
    // `role: <LogicalId>` it emits both `DependsOn` and `Fn::GetAtt`.
    const generatedLint = cfnLint(
      [join(outDir, 'cloudformation-template-update-stack.json')],
      ['W3005'],
    );
    expect(generatedLint.output).toBe('');
    expect(generatedLint.status).toBe(0);
    const handWritten = cfnLint(HAND_WRITTEN.map((f) => join(root, f)));
    expect(handWritten.output).toBe('');
    expect(handWritten.status).toBe(0);
  });

  it('includes the audit fragments (functions and resources) whenever they exist', () => {
    const serverlessYml = readFileSync(join(root, 'serverless.yml'), 'utf8');
    for (const f of AUDIT_FRAGMENTS) expect(serverlessYml).toContain(`\${file(./${f}), null}`);
    const r = resources(generated);
    if (existsSync(join(root, 'lib/deploy/audit-resources.yml'))) {
      const fragment = resources(loadCfnYaml(join(root, 'lib/deploy/audit-resources.yml')));
      expect(Object.keys(r)).toEqual(expect.arrayContaining(Object.keys(fragment)));
    }
    if (existsSync(join(root, 'lib/deploy/audit-functions.yml'))) {
      const fns = Object.keys(loadCfnYaml(join(root, 'lib/deploy/audit-functions.yml')) ?? {});
      const lambdas = Object.keys(r).filter((k) => r[k]?.Type === 'AWS::Lambda::Function');
      // explainDenial, flushSummaries, denialDigest (serverless.yml) and the audit fragment's.
      expect(lambdas.length).toBe(3 + fns.length);
    }
  });
});

describe('audit stack wiring', () => {
  it('lets only the organization put events on the central bus', () => {
    const policy = Object.values(resources(generated)).find(
      (r) => r.Type === 'AWS::Events::EventBusPolicy',
    );
    const st = policy?.Properties?.Statement as Record<string, unknown>;
    expect(st.Action).toBe('events:PutEvents');
    expect(st.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': expect.stringMatching(/^o-/) },
    });
  });

  it('feeds the queue with a DLQ, a visibility timeout ≥ 6× the function timeout, partial batch failures and capped concurrency', () => {
    const r = resources(generated);
    const timeout = Number(r.ExplainDenialLambdaFunction?.Properties?.Timeout);
    const queue = r.DenialQueue?.Properties ?? {};
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * timeout);
    expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: expect.any(Number) });
    const esm =
      Object.values(r).find(
        (x) =>
          x.Type === 'AWS::Lambda::EventSourceMapping' &&
          JSON.stringify(x.Properties?.FunctionName).includes('ExplainDenialLambdaFunction'),
      )?.Properties ?? {};
    expect(esm.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(esm.ScalingConfig).toMatchObject({ MaximumConcurrency: expect.any(Number) });
    expect(esm.BatchSize).toBeGreaterThan(1);
  });

  it('gives the noise table a TTL attribute and the due-summary index', () => {
    const t = resources(generated).NoiseTable?.Properties ?? {};
    expect(t.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(JSON.stringify(t.GlobalSecondaryIndexes)).toContain('"IndexName":"due"');
  });

  it('indexes denial summaries by role account for the audit (GSI denials, all attributes)', () => {
    const t = resources(generated).NoiseTable?.Properties ?? {};
    expect(t.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'denialAccount', AttributeType: 'S' },
        { AttributeName: 'lastSeenAt', AttributeType: 'N' },
      ]),
    );
    expect(t.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'denials',
      KeySchema: [
        { AttributeName: 'denialAccount', KeyType: 'HASH' },
        { AttributeName: 'lastSeenAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
  });

  it("lets the audit functions only Query the noise table's denials index, and tells the worker its name", () => {
    const r = resources(generated);
    for (const roleId of ['AuditSchedulerRole', 'AuditWorkerRole']) {
      const onNoise = statementsOf(roleId).filter((st) =>
        JSON.stringify(st.Resource).includes('NoiseTable'),
      );
      expect(onNoise.length, roleId).toBeLessThanOrEqual(1);
    }
    const onNoise = statementsOf('AuditWorkerRole').filter((st) =>
      JSON.stringify(st.Resource).includes('NoiseTable'),
    );
    expect(onNoise).toHaveLength(1);
    expect([onNoise[0]?.Action].flat()).toEqual(['dynamodb:Query']);
    expect(onNoise[0]?.Resource).toEqual({
      'Fn::Join': ['/', [{ 'Fn::GetAtt': ['NoiseTable', 'Arn'] }, 'index', 'denials']],
    });
    const worker = Object.values(r).find(
      (x) =>
        x.Type === 'AWS::Lambda::Function' &&
        JSON.stringify(x.Properties?.Handler ?? '').includes('auditWorker'),
    );
    const env = (worker?.Properties?.Environment as { Variables: Record<string, unknown> })
      ?.Variables;
    expect(env?.TRUSTWATCH_DENIALS_TABLE_NAME).toEqual({ Ref: 'NoiseTable' });
    expect(env?.TRUSTWATCH_AUDIT_DENIAL_DAYS).toBe('30');
  });

  it('scopes sts:AssumeRole to the reader roles of the organization', () => {
    const st = iamStatements(generated, 'generated').filter((s) =>
      s.actions.includes('sts:AssumeRole'),
    );
    const role = resources(generated).ExplainDenialRole?.Properties ?? {};
    const text = JSON.stringify(role.Policies);
    expect(st.length).toBeGreaterThan(0);
    expect(text).toContain(':iam::*:role/trustwatch/trustwatch-reader');
    expect(text).toContain('aws:ResourceOrgID');
    expect(role.Path).toBe('/trustwatch/');
  });
});

describe('function roles and reader trust', () => {
  it('runs every function under a role at /trustwatch/, the only path the reader roles trust', () => {
    const r = resources(generated);
    const roleIds = Object.values(r)
      .filter((x) => x.Type === 'AWS::Lambda::Function')
      .map(
        (x) => (x.Properties?.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0],
      );
    expect(roleIds.length).toBeGreaterThanOrEqual(2);
    for (const id of roleIds) {
      expect(id, 'function role must be a role of this stack').toBeDefined();
      expect(r[id as string]?.Properties?.Path, String(id)).toBe('/trustwatch/');
    }
  });
});

describe('member account template', () => {
  const t = loadCfnYaml(join(root, 'lib/deploy/member-account.yml'));
  const r = resources(t);

  it('forwards only denied AssumeRole* calls, seeing read-only management events', () => {
    const rule = r.ForwardDenialsRule?.Properties ?? {};
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventName: ['AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'],
        errorCode: expect.arrayContaining(['AccessDenied']),
      },
    });
  });

  it('creates the reader role in the reader region only, trusted only by the audit functions within the org', () => {
    expect(r.ReaderRole?.Condition).toBe('IsReaderRegion');
    const p = r.ReaderRole?.Properties ?? {};
    expect(p.Path).toBe('/trustwatch/');
    expect(p.RoleName).toBe('trustwatch-reader');
    const trust = JSON.stringify(p.AssumeRolePolicyDocument);
    expect(trust).toContain('aws:PrincipalOrgID');
    expect(trust).toContain(':role/trustwatch/*');
  });
});

describe('reader roles grant what the live state source reads', () => {
  const actionsOf = (file: string, resource: string) =>
    iamStatements(loadCfnYaml(join(root, file)), file)
      .filter((st) => st.where.includes(`Resources.${resource}.Properties.Policies`))
      .flatMap((st) => st.actions);

  it('member reader role ⊇ lib/aws/readerPolicy.ts READER_ROLE_ACTIONS', () => {
    expect(actionsOf('lib/deploy/member-account.yml', 'ReaderRole')).toEqual(
      expect.arrayContaining([...READER_ROLE_ACTIONS]),
    );
  });

  it('org reader role ⊇ ORGANIZATION_READER_ACTIONS', () => {
    expect(actionsOf('lib/deploy/org-reader.yml', 'OrgReaderRole')).toEqual(
      expect.arrayContaining([...ORGANIZATION_READER_ACTIONS]),
    );
  });
});

describe('no stack can write IAM', () => {
  const all = () => [
    ...iamStatements(generated, 'generated'),
    ...[...HAND_WRITTEN, ...AUDIT_FRAGMENTS.filter((f) => existsSync(join(root, f)))].flatMap((f) =>
      iamStatements(loadCfnYaml(join(root, f)), f),
    ),
  ];

  it('finds the statements it checks (guard against a vacuous pass)', () => {
    expect(all().length).toBeGreaterThan(10);
  });

  it.each([
    ['a write action on IAM', (a: string) => isIamWrite(a)],
    ['a `*` action', (a: string) => a === '*' || a.endsWith(':*')],
    ['`iam:*`', (a: string) => a.toLowerCase().startsWith('iam:') && a.includes('*')],
  ])('grants no %s', (_what, bad) => {
    const offenders = all()
      .filter((s) => s.effect === 'Allow')
      .flatMap((s) => s.actions.filter(bad).map((a) => `${s.where}: ${a}`));
    expect(offenders).toEqual([]);
  });

  it('uses no Allow with NotAction', () => {
    expect(
      all()
        .filter((s) => s.effect === 'Allow' && s.notAction)
        .map((s) => s.where),
    ).toEqual([]);
  });

  it('classifies IAM actions correctly', () => {
    expect(isIamWrite('iam:GetRole')).toBe(false);
    expect(isIamWrite('iam:ListRoleTags')).toBe(false);
    expect(isIamWrite('iam:UpdateAssumeRolePolicy')).toBe(true);
    expect(isIamWrite('iam:PassRole')).toBe(true);
    expect(isIamWrite('iam:Get*')).toBe(true);
    expect(isIamWrite('sts:AssumeRole')).toBe(false);
  });
});

describe('least privilege: one role per function', () => {
  const lambdas = () =>
    Object.entries(resources(generated)).filter(([, x]) => x.Type === 'AWS::Lambda::Function');
  const roleOf = (props: Record<string, unknown> | undefined) =>
    (props?.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0] as string;
  const fnName = (props: Record<string, unknown> | undefined) =>
    String(props?.Handler).replace(/^functions\/(\w+)\.handler$/, '$1');

  it('gives each of the five functions its own role, and leaves no shared default role', () => {
    const roles = lambdas().map(([, x]) => roleOf(x.Properties));
    expect(roles).toHaveLength(5);
    expect(new Set(roles).size).toBe(5);
    expect(resources(generated).IamRoleLambdaExecution).toBeUndefined();
  });

  it('lets each function write only its own log group', () => {
    for (const [, x] of lambdas()) {
      const name = fnName(x.Properties);
      const logs = statementsOf(roleOf(x.Properties)).filter((s) =>
        actionsOfStatements([s]).some((a) => a.startsWith('logs:')),
      );
      expect(logs.length, name).toBe(1);
      expect(JSON.stringify(logs[0]?.Resource), name).toMatch(
        new RegExp(`log-group:/aws/lambda/trustwatch-prod-${name}:\\*"`),
      );
      expect(actionsOfStatements(logs).sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
    }
  });

  it('lets only the explainer and the audit worker assume member reader roles (flushSummaries assumes nothing)', () => {
    const assumes = (roleId: string) =>
      statementsOf(roleId)
        .filter((s) => actionsOfStatements([s]).includes('sts:AssumeRole'))
        .flatMap((s) => [s.Resource].flat().map((r) => JSON.stringify(r)));
    expect(assumes('FlushSummariesRole')).toEqual([]);
    expect(assumes('AuditSchedulerRole').join()).not.toContain('trustwatch-reader');
    expect(assumes('ExplainDenialRole').join()).toContain('role/trustwatch/trustwatch-reader');
    expect(assumes('AuditWorkerRole').join()).toContain('role/trustwatch/trustwatch-reader');
    expect(assumes('DenialDigestRole').join()).toContain('role/trustwatch/trustwatch-reader');
  });

  it('lets flushSummaries assume the reader roles only when alerts are routed (owners read live)', () => {
    const assumes = (p: Record<string, string>) =>
      actionsOfStatements(statementsOf('FlushSummariesRole', p)).filter(
        (a) => a === 'sts:AssumeRole',
      );
    expect(assumes({ ...SLACK_SSM, Routes: '{}' })).toEqual([]);
    expect(assumes({ ...SLACK_SSM, Routes: ROUTES })).toEqual(['sts:AssumeRole']);
  });

  it('gives the weekly denial digest a Scan on the denials index only, and no write but its sent marks', () => {
    const st = statementsOf('DenialDigestRole');
    const scan = st.filter((s) => actionsOfStatements([s]).includes('dynamodb:Scan'));
    expect(scan).toHaveLength(1);
    expect(JSON.stringify(scan[0]?.Resource)).toContain('"index","denials"');
    expect(
      actionsOfStatements(st)
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan']);
    expect(actionsOfStatements(st)).not.toContain('events:PutEvents');
  });

  it('keeps the explainer off the due-summary index and the flush off everything but its windows', () => {
    // Its one Query is on the organization's role index (issue 13), never on the noise table.
    const queries = statementsOf('ExplainDenialRole').filter((s) =>
      actionsOfStatements([s]).includes('dynamodb:Query'),
    );
    expect(queries.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': ['RoleIndexTable', 'Arn'] }]);
    expect(actionsOfStatements(statementsOf('FlushSummariesRole')).sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'ssm:GetParameter',
      ].sort(),
    );
  });
});

describe('least privilege: only the configured secret store and key', () => {
  const KEY = 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const secretActions = (p: Record<string, string>) =>
    ['ExplainDenialRole', 'FlushSummariesRole', 'AuditWorkerRole', 'DenialDigestRole'].map(
      (roleId) =>
        statementsOf(roleId, p).filter((s) =>
          actionsOfStatements([s]).some((a) => /^(ssm|secretsmanager|kms):/.test(a)),
        ),
    );

  it('grants SSM only, on the one parameter, and no KMS for the AWS managed key', () => {
    for (const st of secretActions({
      SlackWebhookParameter: '/team/slack',
      SlackWebhookSecretName: '',
      SlackWebhookKmsKeyArn: '',
    })) {
      expect(actionsOfStatements(st)).toEqual(['ssm:GetParameter']);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      expect(JSON.stringify(st[0]?.Resource)).toContain(':parameter${SlackWebhookParameter}');
    }
  });

  it('grants Secrets Manager only when it is the store, and kms:Decrypt on exactly the configured key through it', () => {
    for (const st of secretActions({
      SlackWebhookParameter: '',
      SlackWebhookSecretName: 'team/slack',
      SlackWebhookKmsKeyArn: KEY,
    })) {
      expect(actionsOfStatements(st).sort()).toEqual([
        'kms:Decrypt',
        'secretsmanager:GetSecretValue',
      ]);
      const kms = st.find((s) => s.Action === 'kms:Decrypt');
      expect(kms?.Resource).toBe(KEY);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      expect(JSON.stringify(kms?.Condition)).toContain('secretsmanager.${AWS::Region}');
      expect(JSON.stringify(kms?.Condition)).not.toContain('ssm.');
    }
  });

  it('grants no secret store and no key when Slack is off', () => {
    for (const st of secretActions({
      SlackWebhookParameter: '',
      SlackWebhookSecretName: '',
      SlackWebhookKmsKeyArn: KEY,
    })) {
      expect(st).toEqual([]);
    }
  });

  it("grants the routing destinations' stores (trustwatch/slack/ prefixes) only when routes are configured", () => {
    const routed = (p: Record<string, string>) =>
      secretActions(p).map((st) =>
        st
          .filter((s) => JSON.stringify(s.Resource).includes('trustwatch/slack/*'))
          .flatMap((s) => actionsOfStatements([s]))
          .sort(),
      );
    const off = {
      SlackWebhookParameter: '',
      SlackWebhookSecretName: '',
      SlackWebhookKmsKeyArn: '',
    };
    expect(routed({ ...off, Routes: '{}' })).toEqual([[], [], [], []]);
    expect(routed({ ...off, Routes: ROUTES })).toEqual(
      Array.from({ length: 4 }, () => ['secretsmanager:GetSecretValue', 'ssm:GetParameter']),
    );
    // Still no key/* and no other parameter or secret.
    for (const st of secretActions({ ...off, Routes: ROUTES })) {
      expect(JSON.stringify(st)).not.toMatch(/:key\/\*|parameter\/\*|secret:\*/);
    }
  });

  it('never grants kms on key/* anywhere', () => {
    expect(JSON.stringify(generated)).not.toMatch(/:key\/\*/);
  });

  it('names the same store in the environment as in the grants (stack parameters)', () => {
    const environment = resources(generated).ExplainDenialLambdaFunction?.Properties?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const env = environment?.Variables ?? {};
    expect(env.TRUSTWATCH_SLACK_WEBHOOK_PARAMETER).toEqual({ Ref: 'SlackWebhookParameter' });
    expect(env.TRUSTWATCH_SLACK_WEBHOOK_SECRET_ID).toEqual({ Ref: 'SlackWebhookSecretName' });
  });

  it('raises one alarm when the Slack webhook is revoked', () => {
    const alarm = resources(generated).SlackWebhookDisabledAlarm?.Properties ?? {};
    expect(alarm).toMatchObject({ Namespace: 'trustwatch', MetricName: 'SinkDisabled' });
    // The audit digest's revoked webhook raises the same metric from its own function.
    expect(resources(generated).AuditDigestSlackDisabledAlarm?.Properties).toMatchObject({
      Namespace: 'trustwatch',
      MetricName: 'SinkDisabled',
      Dimensions: [{ Name: 'service', Value: 'auditWorker' }],
    });
  });
});

describe('least privilege: the member reader role keeps only the reads trustwatch makes', () => {
  const member = loadCfnYaml(join(root, 'lib/deploy/member-account.yml'));
  const statements = iamStatements(member, 'member').filter((s) =>
    s.where.includes('ReaderRole.Properties.Policies'),
  );
  const granted = (prefix: string) =>
    statements
      .flatMap((s) => s.actions)
      .filter((a) => a.startsWith(prefix))
      .sort();

  it('grants exactly the IAM calls of the code that runs under it (live explainer, audit, snapshot)', () => {
    const called = [
      ...new Set(
        [
          'lib/aws/LiveStateSource.ts',
          'lib/audit/live/authorizationDetailsSource.ts',
          'lib/aws/collectSnapshot.ts',
        ].flatMap((f) => sdkActionsIn(join(root, f), '@aws-sdk/client-iam', 'iam')),
      ),
    ].sort();
    expect(called.length).toBeGreaterThan(10);
    expect(granted('iam:')).toEqual(called);
    expect([...READER_ROLE_ACTIONS].sort()).toEqual(called);
  });

  it('grants exactly the forwarding blind-spot reads the audit makes', () => {
    const f = join(root, 'lib/audit/blindspots/liveBlindSpotReader.ts');
    const called = [
      ...sdkActionsIn(f, '@aws-sdk/client-eventbridge', 'events'),
      ...sdkActionsIn(f, '@aws-sdk/client-cloudtrail', 'cloudtrail'),
    ].sort();
    expect(called.length).toBeGreaterThan(2);
    expect([...granted('events:'), ...granted('cloudtrail:')].sort()).toEqual(called);
  });
});
