import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from '@cdktf/hcl-tools';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { loadCfnYaml } from '../../integration/pipeline/cfnTemplates.js';

/**
 * lib/deploy/terraform/member-stackset.tf, the Terraform shops' step 3: it is
 * valid HCL formatted as `terraform fmt` leaves it, it passes the member
 * template every parameter the template needs and no other, it reads only
 * outputs the audit stack declares, and its variable checks are the
 * template's own AllowedPatterns.
 */
/** How hcl2json writes a reference: the interpolation `${…}` (not a template here). */
const ref = (expr: string) => ['$', '{', expr, '}'].join('');
const ROOT = resolve(import.meta.dirname, '../../..');
const TF_DIR = join(ROOT, 'lib/deploy/terraform');
const TF_FILE = join(TF_DIR, 'member-stackset.tf');
const source = readFileSync(TF_FILE, 'utf8');

interface CfnParameter {
  readonly Type: string;
  readonly Default?: unknown;
  readonly AllowedPattern?: string;
}
const memberTemplate = loadCfnYaml(join(ROOT, 'lib/deploy/member-account.yml')) as {
  Parameters: Record<string, CfnParameter>;
};
const tf = (await parse('member-stackset.tf', source)) as {
  resource: Record<string, Record<string, Record<string, unknown>[]>>;
  variable: Record<string, { validation?: { condition: string }[] }[]>;
};
const stackSet = tf.resource.aws_cloudformation_stack_set?.trustwatch_member?.[0] as {
  parameters: Record<string, string>;
  template_body: string;
  permission_model: string;
  call_as: string;
};

describe('the Terraform example deploying the member template', () => {
  it('is formatted as terraform fmt writes it', async () => {
    expect(await format(source)).toBe(source);
  });

  it('deploys lib/deploy/member-account.yml, service-managed, as the caller says', () => {
    const [, relative] =
      /^\$\{file\("\$\{path\.module\}\/(.+)"\)\}$/.exec(stackSet.template_body) ?? [];
    expect(relative).toBe('../member-account.yml');
    expect(existsSync(join(TF_DIR, relative as string))).toBe(true);
    expect(stackSet.permission_model).toBe('SERVICE_MANAGED');
    expect(stackSet.call_as).toBe(ref('var.call_as'));
    const instances = tf.resource.aws_cloudformation_stack_instances?.trustwatch_member?.[0];
    expect(instances?.call_as).toBe(ref('var.call_as'));
  });

  it('passes every parameter the template requires, and only parameters it has', () => {
    const declared = Object.keys(memberTemplate.Parameters).sort();
    const required = declared.filter((p) => memberTemplate.Parameters[p]?.Default === undefined);
    const given = Object.keys(stackSet.parameters).sort();
    for (const p of required) expect(given).toContain(p);
    for (const p of given) expect(declared).toContain(p);
  });

  it('reads only outputs the audit stack (serverless.yml) declares', () => {
    const sls = loadCfnYaml(join(ROOT, 'serverless.yml')) as {
      resources: ({ Outputs?: Record<string, unknown> } | string | null)[];
    };
    const outputs = sls.resources.flatMap((r) =>
      r !== null && typeof r === 'object' ? Object.keys(r.Outputs ?? {}) : [],
    );
    const read = [...source.matchAll(/\.outputs\["([^"]+)"\]/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(outputs).toContain(name);
  });

  it("checks the organization id with the template's own AllowedPattern", () => {
    const pattern = memberTemplate.Parameters.OrganizationId?.AllowedPattern as string;
    const condition = tf.variable.organization_id?.[0]?.validation?.[0]?.condition ?? '';
    expect(condition).toContain(JSON.stringify(pattern).slice(1, -1));
  });
});

describe('the member template refuses obviously wrong parameters', () => {
  const good: Record<string, string> = {
    CentralEventBusArn: 'arn:aws:events:eu-west-1:333333333333:event-bus/trustwatch-prod',
    AuditAccountId: '333333333333',
    OrganizationId: 'o-abc123def4',
    ReaderRegion: 'us-east-1',
  };
  const bad: Record<string, readonly string[]> = {
    CentralEventBusArn: [
      '',
      'trustwatch-prod',
      'arn:aws:sns:eu-west-1:333333333333:trustwatch',
      'arn:aws:events:eu-west-1:3333:event-bus/trustwatch-prod',
    ],
    AuditAccountId: ['', '3333333333', 'o-abc123def4', ' 333333333333'],
    OrganizationId: ['', 'r-abcd', 'o-abc', 'O-ABC123DEF4', '333333333333'],
    ReaderRegion: ['', 'us-east', 'US-EAST-1', 'useast1'],
  };

  it.each(Object.keys(good))(
    '%s has an AllowedPattern that takes a real value and refuses wrong ones',
    (name) => {
      const pattern = memberTemplate.Parameters[name]?.AllowedPattern;
      expect(pattern).toBeDefined();
      const re = new RegExp(pattern as string);
      expect(good[name]).toMatch(re);
      for (const value of bad[name] ?? []) expect(value).not.toMatch(re);
    },
  );

  it('every parameter of the template is covered here', () => {
    expect(Object.keys(memberTemplate.Parameters).sort()).toEqual(Object.keys(good).sort());
  });
});

describe('the audit stack (serverless.yml)', () => {
  it('has no default organization id: osls refuses to package without --param orgId', () => {
    const sls = loadCfnYaml(join(ROOT, 'serverless.yml')) as {
      params?: { default?: Record<string, unknown> };
    };
    expect(Object.keys(sls.params?.default ?? {})).not.toContain('orgId');
    expect(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')).toContain(ref('param:orgId'));
  });
});
