import { performance } from 'node:perf_hooks';
import type { AuditReport } from '../audit/AuditReport.js';
import { type AccountAuditOptions, DEFAULT_UNUSED_DAYS } from '../audit/auditAccount.js';
import { auditOrganization } from '../audit/auditOrganization.js';
import { parseAuditSuppressions } from '../audit/auditSuppressions.js';
import { DEFAULT_FORWARD_RULE_NAME } from '../audit/blindspots/BlindSpotReader.js';
import { atLeast, isSeverity, type Severity } from '../audit/findingCodes.js';
import { parseDenialSummaries } from '../audit/parseDenialSummaries.js';
import { renderAuditJson } from '../audit/render/renderAuditJson.js';
import { renderAuditMarkdown } from '../audit/render/renderAuditMarkdown.js';
import { renderAuditText } from '../audit/render/renderAuditText.js';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../aws/accountConcurrency.js';
import { ConfigError, InputError } from '../errors/TrustwatchError.js';
import { liveStateLabel, noStateMessage } from '../iam/StateLabel.js';
import { DEMO_SNAPSHOT_FILE, demoSnapshot } from '../snapshot/demoSnapshot.js';
import { readSnapshotText } from '../snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../state/SnapshotStateSource.js';
import type { CliIo, Command } from './CliIo.js';
import { describeReadError } from './describeReadError.js';

export const AUDIT_FORMATS = ['text', 'json', 'markdown'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditArgs {
  readonly snapshot?: string;
  readonly live: boolean;
  /** Audit the embedded demo organization (never implicit). */
  readonly demo: boolean;
  readonly profile?: string;
  readonly region?: string;
  readonly accounts?: readonly string[];
  readonly format: AuditFormat;
  readonly failOn?: Severity;
  readonly suppressions?: string;
  readonly denials?: string;
  readonly unusedDays: number;
  readonly regions?: readonly string[];
  readonly forwardRule: string;
  readonly readerRole?: string;
  readonly orgRole?: string;
  readonly now?: Date;
  readonly help: boolean;
  /** Accounts audited at once with --live. */
  readonly concurrency: number;
}

export const AUDIT_USAGE = `usage: trustwatch audit (--snapshot FILE | --live [--profile P] [--region R] | --demo) [--accounts a,b]
                       [--format text|json|markdown] [--fail-on SEVERITY] [options]

Audits every role's trust policy: open principals, confused deputies, OIDC/SAML trusts
without the claims that matter, stale or mistyped principals, unused cross-account roles.
Every finding comes with a verified fix (trust policy JSON, AWS CLI, Terraform).
  --snapshot FILE      IAM snapshot to audit
  --live               read IAM and Organizations live through the trustwatch reader roles,
                       and check blind spots (forwarding rule, trail) per account and region
  --demo               audit the embedded demo organization (lib/snapshot/DEMO.md)
  --profile P          AWS profile for --live
  --region R           AWS region for --live (STS)
  --accounts a,b       only these account ids
  --format F           text (default), json or markdown
  --fail-on SEVERITY   exit 1 when a finding of this severity or worse exists
                       (critical, high, medium, low, info); without it the exit status is 0
  --suppressions FILE  JSON array of {codes?, roles?, accounts?, reason?} to silence
                       (roles are ARN globs); roles can also carry the tag trustwatch:ignore
  --denials FILE       JSON array of recent denial summaries {roleArn, callerType,
                       callerArn?, causes[], count} (feeds MFA_REQUIRED_ON_AUTOMATION_ROLE
                       and STALE_PRINCIPAL_ID fixes)
  --unused-days N      days without use after which a cross-account role is reported (default 90)
  --now ISO-TIME       judge "unused" against this time (default: the snapshot's capture
                       time, or the clock with --live)
  --regions r1,r2      regions to check for blind spots with --live (default: --region or us-east-1)
  --forward-rule NAME  forwarding rule name (default ${DEFAULT_FORWARD_RULE_NAME})
  --reader-role NAME   reader role name for --live (default trustwatch-reader)
  --org-role ARN       role to read Organizations with, for --live
  --concurrency N      accounts read at the same time with --live (default 8, at most 32);
                       the AWS calls and wall time per account are reported on stderr
exit status: 0 no finding at or above --fail-on, 1 findings at or above it, 2 unusable input`;

const VALUE_FLAGS = new Set([
  '--snapshot',
  '--profile',
  '--region',
  '--accounts',
  '--format',
  '--fail-on',
  '--suppressions',
  '--denials',
  '--unused-days',
  '--now',
  '--regions',
  '--forward-rule',
  '--reader-role',
  '--org-role',
  '--concurrency',
]);

function list(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return v
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses `audit`'s arguments; throws `ConfigError` for anything it does not accept. */
export function parseAuditArgs(argv: readonly string[]): AuditArgs {
  const values: Record<string, string> = {};
  let live = false;
  let demo = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--live') live = true;
    else if (arg === '--demo') demo = true;
    else if (arg.startsWith('--') && arg.includes('=')) {
      const [flag, ...rest] = arg.split('=');
      if (!VALUE_FLAGS.has(flag as string)) throw new ConfigError(`unknown option \`${flag}\``);
      if (rest.join('=') === '') throw new ConfigError(`option \`${flag}\` needs a value`);
      values[flag as string] = rest.join('=');
    } else if (VALUE_FLAGS.has(arg)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--'))
        throw new ConfigError(`option \`${arg}\` needs a value`);
      values[arg] = v;
      i++;
    } else throw new ConfigError(`unexpected argument \`${arg}\``);
  }
  const stateFlags = [values['--snapshot'] !== undefined, live, demo].filter(Boolean).length;
  if (stateFlags > 1)
    throw new ConfigError('use one of `--snapshot`, `--live` and `--demo`, not several');
  if (!help && stateFlags === 0) throw new ConfigError(noStateMessage('audit'));
  const format = values['--format'] ?? 'text';
  if (!(AUDIT_FORMATS as readonly string[]).includes(format))
    throw new ConfigError(`unknown format \`${format}\` (expected text, json or markdown)`);
  const failOn = values['--fail-on'];
  if (failOn !== undefined && !isSeverity(failOn))
    throw new ConfigError(
      `unknown severity \`${failOn}\` for --fail-on (expected critical, high, medium, low or info)`,
    );
  const accounts = list(values['--accounts']);
  for (const a of accounts ?? [])
    if (!/^\d{12}$/.test(a)) throw new ConfigError(`account \`${a}\` is not a 12-digit account id`);
  const unusedText = values['--unused-days'];
  const unusedDays = unusedText === undefined ? DEFAULT_UNUSED_DAYS : Number(unusedText);
  if (!Number.isInteger(unusedDays) || unusedDays < 1 || unusedDays > 400)
    throw new ConfigError(
      `\`--unused-days\` must be a whole number from 1 to 400, got \`${unusedText}\``,
    );
  let now: Date | undefined;
  if (values['--now'] !== undefined) {
    now = new Date(values['--now']);
    if (Number.isNaN(now.getTime()))
      throw new ConfigError(`\`--now\` is not a date: \`${values['--now']}\``);
  }
  const regions = list(values['--regions']);
  for (const r of regions ?? [])
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r))
      throw new ConfigError(`\`${r}\` is not an AWS region name`);
  const concurrencyText = values['--concurrency'];
  const concurrency =
    concurrencyText === undefined ? DEFAULT_ACCOUNT_CONCURRENCY : Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
    throw new ConfigError(
      `\`--concurrency\` must be an integer from 1 to 32, got \`${concurrencyText}\``,
    );
  const str = (k: string) =>
    values[k] === undefined
      ? {}
      : { [k.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())]: values[k] };
  return {
    live,
    demo,
    help,
    format: format as AuditFormat,
    ...(failOn === undefined ? {} : { failOn: failOn as Severity }),
    ...(accounts === undefined ? {} : { accounts }),
    ...(regions === undefined ? {} : { regions }),
    ...(now === undefined ? {} : { now }),
    unusedDays,
    concurrency,
    forwardRule: values['--forward-rule'] ?? DEFAULT_FORWARD_RULE_NAME,
    ...str('--snapshot'),
    ...str('--profile'),
    ...str('--region'),
    ...str('--suppressions'),
    ...str('--denials'),
    ...str('--reader-role'),
    ...str('--org-role'),
  } as AuditArgs;
}

/** Exit status of an audit: 2 when nothing could be audited, 1 when `--fail-on` is met. */
export function auditExitStatus(report: AuditReport, failOn: Severity | undefined): number {
  if (report.accounts.length > 0 && report.accounts.every((a) => a.error !== undefined)) return 2;
  if (failOn === undefined) return 0;
  return report.accounts.some((a) => a.findings.some((f) => atLeast(f.severity, failOn))) ? 1 : 0;
}

async function readOptional(
  io: CliIo,
  path: string | undefined,
  what: string,
): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await io.readText(path);
  } catch (err) {
    throw new InputError(`cannot read ${what} \`${path}\`: ${describeReadError(err)}`, {
      cause: err,
    });
  }
}

export const auditCommand: Command = async (argv, io) => {
  const args = parseAuditArgs(argv);
  if (args.help) {
    io.stdout(`${AUDIT_USAGE}\n`);
    return 0;
  }
  const suppressions = parseAuditSuppressions(
    await readOptional(io, args.suppressions, 'suppressions file'),
    args.suppressions ?? 'suppressions',
  );
  const denialsText = await readOptional(io, args.denials, 'denials file');
  const denials =
    denialsText === undefined ? [] : parseDenialSummaries(denialsText, args.denials ?? 'denials');
  const common: Omit<AccountAuditOptions, 'organization' | 'now'> = {
    suppressions,
    denials,
    unusedDays: args.unusedDays,
  };
  let report: AuditReport;
  if (args.live) {
    const { createLiveAuditSources } = await import('../audit/live/createLiveAuditSources.js');
    const live = await createLiveAuditSources({
      ...(args.profile === undefined ? {} : { profile: args.profile }),
      ...(args.region === undefined ? {} : { region: args.region }),
      ...(args.readerRole === undefined ? {} : { readerRoleName: args.readerRole }),
      ...(args.orgRole === undefined ? {} : { orgRoleArn: args.orgRole }),
      ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
      // Accounts without a usable reader role are read with the user's own profiles.
      ownProfiles: true,
      env: io.env,
    });
    const started = performance.now();
    report = await auditOrganization(live.source, {
      ...common,
      now: args.now ?? io.now(),
      fetchDetails: true,
      state: { kind: 'live', label: liveStateLabel(args.profile, io.env) },
      accountConcurrency: args.concurrency,
      onProgress: (done, total) => {
        if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0)
          io.stderr(`trustwatch audit: ${done}/${total} accounts audited\n`);
      },
      ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
      blindSpots: {
        reader: live.blindSpots,
        regions: args.regions ?? [args.region ?? io.env.AWS_REGION ?? 'us-east-1'],
        ruleName: args.forwardRule,
      },
    });
    report = { ...report, warnings: [...report.warnings, `${live.counter.count} AWS call(s)`] };
    const n = Math.max(1, report.accounts.length);
    const wall = performance.now() - started;
    io.stderr(
      `trustwatch audit: ${report.accounts.length} account(s) read live: ${live.counter.count} AWS calls (${(live.counter.count / n).toFixed(1)} per account), ${(wall / 1000).toFixed(1)} s wall (${(wall / n).toFixed(0)} ms per account at ${args.concurrency} at once)\n`,
    );
  } else {
    const snapshot =
      args.snapshot === undefined
        ? demoSnapshot()
        : readSnapshotText(
            (await readOptional(io, args.snapshot, 'snapshot')) as string,
            args.snapshot,
            // One unreadable trust policy is that role's finding, not the end of the audit.
            { invalidTrustPolicies: 'keep' },
          );
    const captured = snapshot.capturedAt === undefined ? undefined : new Date(snapshot.capturedAt);
    report = await auditOrganization(new SnapshotStateSource(snapshot), {
      ...common,
      now: args.now ?? captured ?? io.now(),
      state:
        args.snapshot === undefined
          ? { kind: 'demo', label: DEMO_SNAPSHOT_FILE }
          : { kind: 'snapshot', label: args.snapshot },
      ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
    });
  }
  const text =
    args.format === 'json'
      ? renderAuditJson(report)
      : args.format === 'markdown'
        ? renderAuditMarkdown(report)
        : renderAuditText(report, { color: io.isTty && io.env.NO_COLOR === undefined });
  io.stdout(text);
  return auditExitStatus(report, args.failOn);
};
