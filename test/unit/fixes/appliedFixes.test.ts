/**
 * "Does the fix work?" — for every scenario of the corpus and every fix that
 * says `verified: true`, apply the fix the way a user pasting its AWS CLI
 * command would change AWS, explain the same event again against the patched
 * state, and check that the fix's cause is gone.
 *
 * Applying a fix (target read from `appliesTo` + the awsCli command; the
 * document is always `iamPolicy`, and the command's JSON argument must parse
 * to exactly `iamPolicy`):
 * - `aws iam update-assume-role-policy`      → the role's `AssumeRolePolicyDocument`;
 * - `aws iam put-{role,user,group}-policy`   → that principal's inline policy (added when new);
 * - `aws iam create-policy-version --set-as-default` → a new default version of the managed policy;
 * - `aws organizations update-policy`        → `organization.policies[].content` of that id;
 * - `aws sso-admin put-inline-policy-to-permission-set` → `AwsSSOInlinePolicy` of every
 *   `AWSReservedSSO_<set>_<hex>` role (the command provisions to all accounts);
 * - `aws iam create-role`                     → a new `RoleDetailList` entry in the target account;
 * - `aws iam create-open-id-connect-provider` → a new `OpenIDConnectProviderList` entry.
 * Fixes without `iamPolicy` are applied only when they are a simple change of
 * the event: the ExternalId the caller must pass (into `requestParameters`) or
 * the role ARN it must use (every occurrence of the old ARN in the event
 * file). The others (sign in with MFA, a valid MFA code, new credentials, a
 * session without session policy) are skipped and listed as `it.skip` rows.
 *
 * When is a cause "gone"? Let `targeted` be the causes of the original
 * diagnosis that have the fix's code and whose `evidence.policy` is the fix's
 * `appliesTo` (or every cause with that code when none names it). After the
 * fix, the diagnosis of the same event must still exist and:
 * - explicit denies (`*_EXPLICIT_DENY`): no cause with the same code, the same
 *   `evidence.policy` and the same `evidence.statement` remains;
 * - `IDENTITY_NO_ALLOW`: no `IDENTITY_NO_ALLOW` remains at all (its evidence
 *   lists the caller's identity policies, which the fix itself changes, so the
 *   "same policy" test would be vacuous; a caller has one set of them);
 * - every other code (no-allow of a boundary / SCP, trust conditions and
 *   principals, OIDC / SAML, role not found, …): no cause with the same code
 *   and the same `evidence.policy` remains (the statement may change: a fix
 *   can add a statement or rewrite the one it edits).
 * A cause about another action (`evidence.action`: `sts:SetSourceIdentity`
 * after a fix allowing `sts:TagSession`) is another cause, not this one.
 * A fix may uncover the next blocker (another code, or another policy): that
 * is not a failure of this fix. Ignored as well: the echo of AWS's error
 * message for a policy type today's state no longer shows (evidence
 * `source: "errorMessage"`, policy "… (named in AWS's error message)"): the
 * re-explained event still carries the original message, a retry would not.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import type { Cause, Diagnosis, ExplainOutput, Fix } from '../../../lib/diagnosis/Diagnosis.js';
import { fakeIo } from '../cli/fakeIo.js';
import { loadScenarios, type Scenario } from '../diagnosis/scenarioCorpus.js';

/**
 * Fixes that do NOT work once applied: real product bugs in lib/, kept here
 * (run with `it.fails`, so this list must shrink as soon as lib is fixed).
 * Key: scenario + cause + appliesTo of the fix.
 */
const KNOWN_BROKEN: readonly {
  scenario: string;
  cause: string;
  appliesTo: string;
  reason: string;
}[] = [];

const DEMO_SNAPSHOT = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'lib',
  'snapshot',
  'demo-snapshot.json',
);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function explainArgs(eventFile: string, snapshotFile: string | undefined): string[] {
  return [
    'explain',
    '--format',
    'json',
    ...(snapshotFile ? ['--snapshot', snapshotFile] : ['--demo']),
    eventFile,
  ];
}

async function explain(
  eventFile: string,
  snapshotFile: string | undefined,
): Promise<{ code: number; out?: ExplainOutput; err: string }> {
  const io = fakeIo();
  const code = await main(explainArgs(eventFile, snapshotFile), io);
  const text = io.out.join('');
  return {
    code,
    err: io.err.join(''),
    ...(code === 0 ? { out: JSON.parse(text) as ExplainOutput } : {}),
  };
}

// ---------------------------------------------------------------- shell words

/** Splits one shell line into words: single quotes, double quotes, backslashes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote in: ${line}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) i++;
        cur += line[i];
        i++;
      }
      if (i >= line.length) throw new Error(`unterminated double quote in: ${line}`);
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

interface AwsCommand {
  /** `iam update-assume-role-policy`, `organizations update-policy`, … */
  readonly op: string;
  readonly opts: Readonly<Record<string, string | true>>;
}

/** Every `aws <service> <operation> --opt value …` line of a fix's awsCli text. */
function awsCommands(awsCli: string): AwsCommand[] {
  const cmds: AwsCommand[] = [];
  for (const line of awsCli.split('\n')) {
    if (!line.startsWith('aws ')) continue;
    const w = shellWords(line);
    const opts: Record<string, string | true> = {};
    for (let i = 3; i < w.length; i++) {
      const k = w[i] as string;
      if (!k.startsWith('--')) throw new Error(`unexpected word \`${k}\` in: ${line}`);
      const v = w[i + 1];
      if (v === undefined || v.startsWith('--')) opts[k.slice(2)] = true;
      else {
        opts[k.slice(2)] = v;
        i++;
      }
    }
    cmds.push({ op: `${w[1]} ${w[2]}`, opts });
  }
  return cmds;
}

const POLICY_ARGS = ['policy-document', 'content', 'inline-policy', 'assume-role-policy-document'];

// ----------------------------------------------------------- snapshot patches

function accountOf(snapshot: Json, accountId: string): Json {
  const accounts = snapshot.accounts as Json;
  const acct = accounts[accountId];
  if (!isObject(acct)) throw new Error(`account ${accountId} is not in the snapshot`);
  return acct;
}

function listOf(owner: Json, key: string): Json[] {
  if (!Array.isArray(owner[key])) owner[key] = [];
  return owner[key] as Json[];
}

function putInline(entries: Json[], name: string, doc: unknown): void {
  const existing = entries.find((p) => p.PolicyName === name);
  if (existing) existing.PolicyDocument = doc;
  else entries.push({ PolicyName: name, PolicyDocument: doc });
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** Applies one awsCli command of `fix` to `snapshot` (mutates it). */
function applyCommand(snapshot: Json, d: Diagnosis, fix: Fix, cmd: AwsCommand): void {
  const doc = fix.iamPolicy;
  const str = (k: string): string => {
    const v = cmd.opts[k];
    if (typeof v !== 'string') throw new Error(`\`aws ${cmd.op}\` without --${k}`);
    return v;
  };
  switch (cmd.op) {
    case 'iam update-assume-role-policy': {
      const arn = /^trust policy of (\S+)$/.exec(fix.appliesTo ?? '')?.[1];
      const m = arn === undefined ? null : ROLE_ARN.exec(arn);
      if (!m) throw new Error(`appliesTo \`${fix.appliesTo}\` does not name a role`);
      expect(str('role-name')).toBe(m[2]);
      const role = listOf(accountOf(snapshot, m[1] as string), 'RoleDetailList').find(
        (r) => r.Arn === arn,
      );
      if (!role) throw new Error(`role ${arn} is not in the snapshot`);
      role.AssumeRolePolicyDocument = doc;
      return;
    }
    case 'iam put-role-policy':
    case 'iam put-user-policy':
    case 'iam put-group-policy': {
      const kind = cmd.op.slice('iam put-'.length, -'-policy'.length);
      const m = /^inline policy `([^`]+)` of (role|user|group) `([^`]+)`$/.exec(
        fix.appliesTo ?? '',
      );
      if (!m) throw new Error(`appliesTo \`${fix.appliesTo}\` is not an inline policy`);
      expect([m[2], m[1], m[3]]).toEqual([kind, str('policy-name'), str(`${kind}-name`)]);
      const [listKey, nameKey, policiesKey] = {
        role: ['RoleDetailList', 'RoleName', 'RolePolicyList'],
        user: ['UserDetailList', 'UserName', 'UserPolicyList'],
        group: ['GroupDetailList', 'GroupName', 'GroupPolicyList'],
      }[kind as 'role' | 'user' | 'group'];
      // The caller's account first; else the one account that has a principal of that name.
      const accounts = snapshot.accounts as Json;
      const candidates = [
        ...(d.caller.accountId !== undefined && isObject(accounts[d.caller.accountId])
          ? [d.caller.accountId]
          : []),
        ...Object.keys(accounts),
      ];
      for (const id of candidates) {
        const principal = listOf(accountOf(snapshot, id), listKey as string).find(
          (p) => p[nameKey as string] === m[3],
        );
        if (principal) {
          putInline(listOf(principal, policiesKey as string), m[1] as string, doc);
          return;
        }
      }
      throw new Error(`${kind} ${m[3]} is not in the snapshot`);
    }
    case 'iam create-policy-version': {
      const arn = str('policy-arn');
      expect(cmd.opts['set-as-default'], 'create-policy-version --set-as-default').toBe(true);
      expect(fix.appliesTo).toBe(arn);
      const acct = /^arn:aws[\w-]*:iam::(\d{12}):policy\//.exec(arn)?.[1];
      if (acct === undefined) throw new Error(`not a customer managed policy: ${arn}`);
      const policy = listOf(accountOf(snapshot, acct), 'Policies').find((p) => p.Arn === arn);
      if (!policy) throw new Error(`managed policy ${arn} is not in the snapshot`);
      const versions = listOf(policy, 'PolicyVersionList');
      const next =
        Math.max(
          0,
          ...versions.map((v) => Number(/^v(\d+)$/.exec(String(v.VersionId))?.[1] ?? 0)),
        ) + 1;
      for (const v of versions) v.IsDefaultVersion = false;
      versions.push({ Document: doc, VersionId: `v${next}`, IsDefaultVersion: true });
      policy.DefaultVersionId = `v${next}`;
      return;
    }
    case 'organizations update-policy': {
      const id = str('policy-id');
      expect(fix.appliesTo).toContain(`/${id})`);
      const org = snapshot.organization;
      const policy = isObject(org) ? listOf(org, 'policies').find((p) => p.id === id) : undefined;
      if (!policy) throw new Error(`organization policy ${id} is not in the snapshot`);
      policy.content = doc;
      return;
    }
    case 'sso-admin put-inline-policy-to-permission-set': {
      const set = /^permission set `([^`]+)`/.exec(fix.appliesTo ?? '')?.[1];
      if (set === undefined)
        throw new Error(`appliesTo \`${fix.appliesTo}\` names no permission set`);
      const provisioned = new RegExp(`^AWSReservedSSO_${set}_[0-9a-f]{16}$`);
      let roles = 0;
      for (const id of Object.keys(snapshot.accounts as Json)) {
        for (const role of listOf(accountOf(snapshot, id), 'RoleDetailList')) {
          if (!provisioned.test(String(role.RoleName))) continue;
          putInline(listOf(role, 'RolePolicyList'), 'AwsSSOInlinePolicy', doc);
          roles++;
        }
      }
      expect(roles, `roles provisioned by permission set ${set}`).toBeGreaterThan(0);
      return;
    }
    case 'sso-admin provision-permission-set':
      return; // done above: every AWSReservedSSO_<set> role is updated
    case 'iam create-role': {
      const name = str('role-name');
      expect(fix.appliesTo).toBe(`a new role \`${name}\``);
      const acct = d.target.accountId;
      if (acct === undefined) throw new Error('a new role, but no target account');
      const path = typeof cmd.opts.path === 'string' ? cmd.opts.path : '/';
      const roles = listOf(accountOf(snapshot, acct), 'RoleDetailList');
      expect(roles.map((r) => r.RoleName)).not.toContain(name);
      roles.push({
        RoleName: name,
        RoleId: `AROANEWROLE${String(roles.length).padStart(9, '0')}`,
        Arn: `arn:aws:iam::${acct}:role${path}${name}`,
        Path: path,
        AssumeRolePolicyDocument: doc,
        RolePolicyList: [],
        AttachedManagedPolicies: [],
        Tags: [],
      });
      return;
    }
    case 'iam create-open-id-connect-provider': {
      const url = str('url').replace(/^https:\/\//, '');
      const acct =
        /:iam::(\d{12}):oidc-provider\//.exec(fix.appliesTo ?? '')?.[1] ?? d.target.accountId;
      if (acct === undefined) throw new Error('an OIDC provider, but no account');
      const providers = listOf(accountOf(snapshot, acct), 'OpenIDConnectProviderList');
      const arn = `arn:aws:iam::${acct}:oidc-provider/${url}`;
      expect(providers.map((p) => p.Arn)).not.toContain(arn);
      const list = (k: string): string[] =>
        typeof cmd.opts[k] === 'string' ? (cmd.opts[k] as string).split(',') : [];
      providers.push({
        Arn: arn,
        Url: url,
        ClientIDList: list('client-id-list'),
        ThumbprintList: list('thumbprint-list'),
      });
      return;
    }
    default:
      throw new Error(`do not know how to apply \`aws ${cmd.op}\``);
  }
}

// -------------------------------------------------------------- event patches

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every CloudTrail record in any of the accepted input shapes, edited in place by `fn`. */
function editRecords(doc: unknown, fn: (record: Json) => void): unknown {
  if (Array.isArray(doc)) return doc.map((d) => editRecords(d, fn));
  if (!isObject(doc)) return doc;
  if (Array.isArray(doc.Records)) return { ...doc, Records: editRecords(doc.Records, fn) };
  if (Array.isArray(doc.Events)) {
    return {
      ...doc,
      Events: doc.Events.map((e: Json) =>
        typeof e.CloudTrailEvent === 'string'
          ? {
              ...e,
              CloudTrailEvent: JSON.stringify(editRecords(JSON.parse(e.CloudTrailEvent), fn)),
            }
          : e,
      ),
    };
  }
  if (isObject(doc.detail)) return { ...doc, detail: editRecords(doc.detail, fn) };
  fn(doc);
  return doc;
}

interface EventChange {
  readonly roleArn?: { readonly from: string; readonly to: string };
  readonly externalId?: string;
  readonly roleSessionName?: string;
}

/** The event as the caller would send it after the fix (a new file), or the original file. */
function patchEvent(s: Scenario, d: Diagnosis, change: EventChange, dir: string): string {
  if (change.roleArn === undefined && change.externalId === undefined) return s.eventFile;
  let text = readFileSync(s.eventFile, 'utf8');
  if (change.roleArn !== undefined) {
    // CloudTrail logs the ARN asked for in requestParameters, errorMessage and resources.
    const old = new RegExp(`${escapeRegExp(change.roleArn.from)}(?![\\w+=,.@/-])`, 'g');
    expect(text, 'the event names the role ARN to correct').toMatch(old);
    text = text.replace(old, change.roleArn.to);
  }
  if (change.externalId !== undefined) {
    let edited = 0;
    const doc = editRecords(JSON.parse(text), (record) => {
      if (record.eventID !== d.eventId) return;
      const params = isObject(record.requestParameters)
        ? record.requestParameters
        : {
            ...(d.target.roleArn !== undefined ? { roleArn: d.target.roleArn } : {}),
            roleSessionName: change.roleSessionName ?? 'trustwatch-fix',
          };
      record.requestParameters = { ...params, externalId: change.externalId };
      edited++;
    });
    expect(edited, `records with eventID ${d.eventId}`).toBe(1);
    text = JSON.stringify(doc);
  }
  const file = join(dir, 'event.json');
  writeFileSync(file, text);
  return file;
}

/** The role ARN a caller-side fix tells the caller to use (`aws sts assume-role --role-arn`). */
function correctedRoleArn(fix: Fix): string | undefined {
  const assume = awsCommands(fix.awsCli ?? '').find((c) => c.op === 'sts assume-role');
  const arn = assume?.opts['role-arn'];
  return typeof arn === 'string' && !arn.startsWith('$') ? arn : undefined;
}

// ------------------------------------------------------------------- the rows

type Plan =
  | { kind: 'snapshot'; commands: AwsCommand[]; event: EventChange }
  | { kind: 'event'; event: EventChange }
  | { kind: 'skip'; why: string };

/** How to apply `fix`: snapshot commands (+ event change), only an event change, or skip. */
function planFor(d: Diagnosis, fix: Fix): Plan {
  const appliesTo = fix.appliesTo ?? '';
  if (fix.verified !== true) return { kind: 'skip', why: 'not verified' };
  if (fix.iamPolicy !== undefined) {
    const commands = awsCommands(fix.awsCli ?? '');
    // An identity fix that grants the role ROLE_NOT_FOUND suggests assumes the
    // caller also uses that role's ARN (the ROLE_NOT_FOUND fix of the same diagnosis).
    const renamed = d.fixes
      .filter((f) => f.cause === 'ROLE_NOT_FOUND' || f.cause === 'TARGET_ACCOUNT_OUTSIDE_ORG')
      .map(correctedRoleArn)
      .find((arn) => arn !== undefined && JSON.stringify(fix.iamPolicy).includes(`"${arn}"`));
    const event: EventChange =
      renamed !== undefined && d.target.roleArn !== undefined && renamed !== d.target.roleArn
        ? { roleArn: { from: d.target.roleArn, to: renamed } }
        : {};
    return { kind: 'snapshot', commands, event };
  }
  if (appliesTo.startsWith("the caller's configuration (role ARN)")) {
    const to = correctedRoleArn(fix);
    if (to === undefined || d.target.roleArn === undefined) {
      return { kind: 'skip', why: 'role ARN change without a literal ARN' };
    }
    return { kind: 'event', event: { roleArn: { from: d.target.roleArn, to } } };
  }
  if (appliesTo.startsWith("the caller's AssumeRole call")) {
    const assume = awsCommands(fix.awsCli ?? '').find((c) => c.op === 'sts assume-role');
    const externalId = assume?.opts['external-id'];
    const roleSessionName = assume?.opts['role-session-name'];
    if (typeof externalId !== 'string' || externalId.startsWith('$')) {
      return { kind: 'skip', why: 'caller call change without a literal ExternalId' };
    }
    return {
      kind: 'event',
      event: {
        externalId,
        ...(typeof roleSessionName === 'string' ? { roleSessionName } : {}),
      },
    };
  }
  // STS rejected the token (InvalidIdentityToken) before any policy: the cause
  // rests on AWS's message alone, which the old event keeps carrying.
  if (
    d.causes.some(
      (c) =>
        c.code === fix.cause &&
        c.evidence.awsMessage !== undefined &&
        c.evidence.source === 'errorMessage' &&
        c.evidence.policy === undefined,
    )
  ) {
    return {
      kind: 'skip',
      why: "STS token rejection: only a retry's new message can show the fix",
    };
  }
  if (appliesTo.startsWith('the OIDC provider ')) {
    return { kind: 'snapshot', commands: awsCommands(fix.awsCli ?? ''), event: {} };
  }
  if (appliesTo.startsWith("the caller's credentials")) {
    return { kind: 'skip', why: `caller credentials: ${appliesTo.replace(/^.*\((.*)\)$/, '$1')}` };
  }
  if (appliesTo.startsWith("the caller's MFA device")) {
    return { kind: 'skip', why: 'caller MFA device and code' };
  }
  if (appliesTo.startsWith("whatever creates the caller's session")) {
    return { kind: 'skip', why: 'caller session without a session policy' };
  }
  return { kind: 'skip', why: `unrecognised caller-side fix (${appliesTo})` };
}

interface Row {
  readonly name: string;
  readonly scenario: Scenario;
  readonly diagnosis: Diagnosis;
  readonly fix: Fix;
  readonly plan: Plan;
  readonly broken?: string;
}

async function collectRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of loadScenarios()) {
    const before = await explain(scenario.eventFile, scenario.snapshotFile);
    if (before.out === undefined) throw new Error(`${scenario.name}: exit ${before.code}`);
    for (const diagnosis of before.out.diagnoses) {
      for (const fix of diagnosis.fixes) {
        const broken = KNOWN_BROKEN.find(
          (k) =>
            k.scenario === scenario.name && k.cause === fix.cause && k.appliesTo === fix.appliesTo,
        );
        rows.push({
          name: `${scenario.name} › ${fix.cause} › ${fix.appliesTo ?? '?'}`,
          scenario,
          diagnosis,
          fix,
          plan: planFor(diagnosis, fix),
          ...(broken ? { broken: broken.reason } : {}),
        });
      }
    }
  }
  return rows;
}

const DENY_CODES = new Set([
  'TRUST_EXPLICIT_DENY',
  'IDENTITY_EXPLICIT_DENY',
  'BOUNDARY_EXPLICIT_DENY',
  'SESSION_POLICY_EXPLICIT_DENY',
  'SCP_EXPLICIT_DENY',
  'RCP_EXPLICIT_DENY',
]);

/** The causes of `before` that `fix` addresses. */
function targetedCauses(before: Diagnosis, fix: Fix): Cause[] {
  const sameCode = before.causes.filter((c) => c.code === fix.cause);
  const named = sameCode.filter((c) => c.evidence.policy === fix.appliesTo);
  return named.length > 0 ? named : sameCode;
}

/**
 * AWS's own words about the original denial, which the snapshot no longer
 * shows (lib/diagnosis/reconcileMessage.ts): re-explaining the same event
 * repeats them whatever the state; a retry after the fix would carry a new
 * message. Not evidence that the fix left its cause in place.
 */
const isMessageEcho = (c: Cause): boolean =>
  c.evidence.source === 'errorMessage' &&
  (c.evidence.policy ?? '').endsWith("(named in AWS's error message)");

/** The causes of `after` that show `cause` is still in place (see the rule at the top). */
function remaining(cause: Cause, after: Diagnosis): Cause[] {
  return after.causes.filter((c) => {
    if (c.code !== cause.code || isMessageEcho(c)) return false;
    // A cause about another session action is another cause (allowing
    // sts:TagSession does not claim to allow sts:SetSourceIdentity).
    if (
      cause.evidence.action !== undefined &&
      c.evidence.action !== undefined &&
      c.evidence.action !== cause.evidence.action
    )
      return false;
    if (cause.code === 'IDENTITY_NO_ALLOW') return true;
    if (c.evidence.policy !== cause.evidence.policy) return false;
    return !DENY_CODES.has(cause.code) || c.evidence.statement === cause.evidence.statement;
  });
}

const describeCause = (c: Cause): string =>
  `${c.code} (${c.confidence}) policy=${c.evidence.policy ?? '-'} statement=${c.evidence.statement ?? '-'}${c.evidence.action === undefined ? '' : ` action=${String(c.evidence.action)}`}: ${c.summary}`;

// -------------------------------------------------------------------- tests

const rows = await collectRows();
const applied = rows.filter((r) => r.plan.kind !== 'skip');
const skipped = rows.filter((r) => r.plan.kind === 'skip');
const work = mkdtempSync(join(tmpdir(), 'trustwatch-applied-fixes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function checkRow(row: Row, index: number): Promise<void> {
  const { scenario, diagnosis, fix, plan } = row;
  if (plan.kind === 'skip') return;
  const dir = join(work, String(index));
  mkdirSync(dir, { recursive: true });

  let snapshotFile = scenario.snapshotFile;
  if (plan.kind === 'snapshot') {
    expect(plan.commands.length, 'the awsCli has an `aws …` command').toBeGreaterThan(0);
    for (const cmd of plan.commands) {
      for (const arg of POLICY_ARGS) {
        const v = cmd.opts[arg];
        if (typeof v === 'string') {
          expect(JSON.parse(v), `--${arg} of \`aws ${cmd.op}\` is iamPolicy`).toEqual(
            fix.iamPolicy,
          );
        }
      }
    }
    const snapshot = JSON.parse(readFileSync(snapshotFile ?? DEMO_SNAPSHOT, 'utf8')) as Json;
    for (const cmd of plan.commands) applyCommand(snapshot, diagnosis, fix, cmd);
    snapshotFile = join(dir, 'snapshot.json');
    writeFileSync(snapshotFile, JSON.stringify(snapshot));
  }
  const eventFile = patchEvent(scenario, diagnosis, plan.event, dir);

  const after = await explain(eventFile, snapshotFile);
  expect(after.code, `explain exits 0 on the patched input (${after.err.trim()})`).toBe(0);
  const again = after.out?.diagnoses.find((d) => d.eventId === diagnosis.eventId);
  expect(again, 'the event is still a diagnosed denial').toBeDefined();
  if (again === undefined) return;
  const targeted = targetedCauses(diagnosis, fix);
  expect(targeted.length, `the diagnosis has a ${fix.cause} cause`).toBeGreaterThan(0);
  const left = targeted.flatMap((c) => remaining(c, again));
  expect(
    left.map(describeCause),
    `after applying "${fix.title}", causes now: ${again.causes.map(describeCause).join(' | ')}`,
  ).toEqual([]);
}

describe('reading the awsCli of a fix', () => {
  it('splits shell words as a POSIX shell does', () => {
    expect(shellWords(`aws iam x --a 'it'\\''s "q"' --b "$V" --c d\\ e --flag`)).toEqual([
      'aws',
      'iam',
      'x',
      '--a',
      `it's "q"`,
      '--b',
      '$V',
      '--c',
      'd e',
      '--flag',
    ]);
  });
});

describe('applied fixes remove their cause', () => {
  it('covers the corpus', () => {
    expect(applied.length).toBeGreaterThan(40);
    // Every broken entry still names a fix of the corpus.
    for (const k of KNOWN_BROKEN) {
      expect(
        rows.some(
          (r) =>
            r.scenario.name === k.scenario &&
            r.fix.cause === k.cause &&
            r.fix.appliesTo === k.appliesTo,
        ),
        `KNOWN_BROKEN ${k.scenario} ${k.cause}`,
      ).toBe(true);
    }
  });

  const working = applied.filter((r) => r.broken === undefined);
  const broken = applied.filter((r) => r.broken !== undefined);
  if (working.length > 0) {
    it.each(working.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
      await checkRow(row, rows.indexOf(row));
    });
  }
  if (broken.length > 0) {
    // Known product bugs: these must still fail; remove the entry once lib is fixed.
    it.fails.each(broken.map((r) => [`${r.name} (KNOWN_BROKEN: ${r.broken})`, r] as const))(
      '%s',
      async (_name, row) => {
        await checkRow(row, rows.indexOf(row));
      },
    );
  }
  if (skipped.length > 0) {
    it.skip.each(
      skipped.map((r) => [`${r.name} (${r.plan.kind === 'skip' ? r.plan.why : ''})`] as const),
    )('%s', () => {});
  }
});
