import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  type CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';

/**
 * `osls package` output, built once per source state: the directory is keyed
 * by a hash of everything that goes into the package (serverless.yml,
 * lib/deploy, functions, lib, package-lock.json), so the template tests and
 * the deployed-stack test of one run share one packaging (about 15 s of the
 * CI budget), and a change to any source packages again.
 */
const CACHE_PREFIX = 'trustwatch-package-cache-';

/** The organization the packaged stack is for: `orgId` has no default (deployments pass their own). */
export const PACKAGED_ORG_ID = 'o-exampleorgid';

export function packageOnce(root: string): string {
  const hash = createHash('sha256');
  hash.update(PACKAGED_ORG_ID);
  const files = ['serverless.yml', 'package-lock.json'];
  for (const dir of ['lib', 'functions']) {
    for (const f of readdirSync(join(root, dir), { recursive: true }).map(String).sort()) {
      if (/\.(ts|js|cjs|mjs|yml|json)$/.test(f)) files.push(join(dir, f));
    }
  }
  for (const f of files) {
    hash.update(relative(root, join(root, f)));
    hash.update(readFileSync(join(root, f)));
  }
  const key = hash.digest('hex').slice(0, 16);
  const out = join(tmpdir(), `${CACHE_PREFIX}${key}`);
  if (existsSync(join(out, 'cloudformation-template-update-stack.json'))) return out;
  // Older packagings of other source states: only stale ones (another checkout may be using a fresh one).
  for (const old of readdirSync(tmpdir()).filter((d) => d.startsWith(CACHE_PREFIX))) {
    const path = join(tmpdir(), old);
    if (Date.now() - statSync(path).mtimeMs > 86_400_000)
      rmSync(path, { recursive: true, force: true });
  }
  const work = mkdtempSync(join(tmpdir(), 'trustwatch-pkg-'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // Dummy credentials prove nothing is fetched; osls package does not call AWS.
    AWS_ACCESS_KEY_ID: 'AKIAOFFLINEPACKAGE00',
    AWS_SECRET_ACCESS_KEY: 'offline',
    AWS_REGION: 'eu-west-1',
  };
  delete env.AWS_PROFILE;
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_SESSION_TOKEN;
  const res = spawnSync(
    join(root, 'node_modules/.bin/osls'),
    ['package', '--package', work, `--param=orgId=${PACKAGED_ORG_ID}`],
    {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  if (res.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`osls package failed (${res.status}):\n${res.stdout}${res.stderr}`);
  }
  renameSync(work, out);
  return out;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Replaces every `{ Ref: name }` in a template fragment with `value`. */
function replaceRef(node: unknown, name: string, value: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => replaceRef(n, name, value));
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (Object.keys(o).length === 1 && o.Ref === name) return value;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, replaceRef(v, name, value)]));
}

/** What the test checks from the template itself, because moto does not create it. */
export interface MotoSkipped {
  readonly logicalId: string;
  readonly type: string;
}

/**
 * The one place that bends a template to what moto 5.2.1's CloudFormation
 * can create; everything not listed here is deployed exactly as packaged.
 *
 * 1. `Ref` to an `AWS::Events::EventBus` must become its name: moto resolves
 *    the `Ref` of a bus to its ARN, and then cannot find the bus by that
 *    "name" when it creates a rule on it (real CloudFormation returns the
 *    name).
 * 2. moto does not create `AWS::Events::EventBusPolicy`,
 *    `AWS::SQS::QueuePolicy` or `AWS::CloudWatch::Alarm` (and does not
 *    enforce resource policies at all): they are dropped here and returned,
 *    so the caller checks them from the template itself.
 * 3. The deployment bucket osls adds is replaced by a bucket the test creates
 *    and fills with the zips (osls uploads them there on `deploy`).
 * 4. moto rejects the rule state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`
 *    (which real EventBridge needs for read-only STS events): it becomes
 *    `ENABLED`, which moto delivers everything to anyway.
 */
export function motoCompatible(
  template: Record<string, unknown>,
  deploymentBucket?: string,
): { template: Record<string, unknown>; skipped: MotoSkipped[] } {
  let t = structuredClone(template);
  const resources = t.Resources as Resources;
  const skipped: MotoSkipped[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Events::EventBus' && typeof r.Properties?.Name === 'string') {
      t = replaceRef(t, id, r.Properties.Name) as Record<string, unknown>;
    }
  }
  const out = t.Resources as Resources;
  for (const [id, r] of Object.entries(out)) {
    if (
      r.Type === 'AWS::Events::EventBusPolicy' ||
      r.Type === 'AWS::SQS::QueuePolicy' ||
      r.Type === 'AWS::CloudWatch::Alarm'
    ) {
      skipped.push({ logicalId: id, type: r.Type });
      delete out[id];
    }
    if (
      r.Type === 'AWS::Events::Rule' &&
      r.Properties?.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'
    ) {
      r.Properties.State = 'ENABLED';
    }
  }
  if (deploymentBucket !== undefined && out.ServerlessDeploymentBucket !== undefined) {
    delete out.ServerlessDeploymentBucket;
    delete out.ServerlessDeploymentBucketPolicy;
    t = replaceRef(t, 'ServerlessDeploymentBucket', deploymentBucket) as Record<string, unknown>;
    const outputs = t.Outputs as Record<string, unknown> | undefined;
    if (outputs !== undefined) delete outputs.ServerlessDeploymentBucketName;
  }
  return { template: t, skipped };
}

/** Creates a stack and waits for it; a failure names the resources that failed and why. */
export async function createStack(
  cfn: CloudFormationClient,
  name: string,
  template: Record<string, unknown>,
  parameters: Readonly<Record<string, string>> = {},
): Promise<Record<string, string>> {
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify(template),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
    }),
  );
  for (let i = 0; i < 120; i++) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    const status = stack?.StackStatus ?? '';
    if (status === 'CREATE_COMPLETE') {
      return Object.fromEntries(
        (stack?.Outputs ?? []).map((o: Output) => [o.OutputKey ?? '', o.OutputValue ?? '']),
      );
    }
    if (!status.endsWith('IN_PROGRESS')) {
      const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: name })))
        .StackEvents;
      const failed = (events ?? [])
        .filter((e) => (e.ResourceStatus ?? '').endsWith('FAILED'))
        .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
      throw new Error(`stack ${name} ended ${status}: ${failed.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`stack ${name} not created in time`);
}
