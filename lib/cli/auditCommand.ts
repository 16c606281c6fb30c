import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type AccountAuditOptions, DEFAULT_UNUSED_DAYS } from '../audit/auditAccount.js';
import { type JournaledAccount, journalLine, parseAuditJournal } from '../audit/auditJournal.js';
import { auditOrganization } from '../audit/auditOrganization.js';
import { parseAuditSuppressions } from '../audit/auditSuppressions.js';
import { DEFAULT_FORWARD_RULE_NAME } from '../audit/blindspots/BlindSpotReader.js';
import { parseDenialSummaries } from '../audit/parseDenialSummaries.js';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../aws/accountConcurrency.js';
import { ACCOUNT_ID, commaList, REGION_NAME } from '../aws/cliOptions.js';
import { ConfigError, InputError } from '../errors/TrustwatchError.js';
import type { AuditReport } from '../findings/AuditReport.js';
import { atLeast, isSeverity, type Severity } from '../findings/findingCodes.js';
import { liveStateLabel } from '../iam/StateLabel.js';
import { renderAuditJson } from '../render/audit/renderAuditJson.js';
import { renderAuditMarkdown } from '../render/audit/renderAuditMarkdown.js';
import { renderAuditText } from '../render/audit/renderAuditText.js';
import { DEMO_SNAPSHOT_FILE, demoSnapshot } from '../snapshot/demoSnapshot.js';
import { readSnapshotText } from '../snapshot/loadSnapshot.js';
import { SnapshotStateSource } from '../state/SnapshotStateSource.js';
import {
  AWS_OPTIONS,
  type AwsOptionValues,
  anyAwsOption,
  awsValuesOf,
  EXIT_INTERNAL_LINE,
  formatOptions,
  formatValue,
  liveOptionsFrom,
  useColor,
} from './awsOptions.js';
import type { CliIo, Command } from './CliIo.js';
import { type CommandDef, parseCommandLine, renderHelp } from './commandLine.js';
import { requireOneState } from './commandStateSource.js';
import { describeReadError } from './describeReadError.js';
import { progressLine, withAccountProgress } from './progress.js';

export const AUDIT_FORMATS = ['text', 'json', 'markdown'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditArgs {
  readonly snapshot?: string;
  readonly live: boolean;
  /** Audit the embedded demo organization (never implicit). */
  readonly demo: boolean;
  readonly aws: AwsOptionValues;
  readonly accounts?: readonly string[];
  readonly format: AuditFormat;
  readonly failOn?: Severity;
  readonly suppressions?: string;
  readonly denials?: string;
  readonly unusedDays: number;
  readonly regions?: readonly string[];
  readonly forwardRule: string;
  readonly now?: Date;
  readonly help: boolean;
  /** Accounts audited at once with --live. */
  readonly concurrency: number;
  /** JSON Lines file each audited account is appended to (--live), so a run can be resumed. */
  readonly journal?: string;
  /** Keep the accounts the journal holds and audit only the others. */
  readonly resume: boolean;
}

/** Most accounts `--concurrency` reads at once. */
const MAX_CONCURRENCY = 32;

/** `trustwatch audit`'s command line: the parser and the help both come from it. */
export const AUDIT_COMMAND = {
  name: 'audit',
  summary: 'audit trust policies (offline or --live)',
  synopsis:
    '(--demo | --snapshot FILE | --live [AWS options]) [--accounts a,b]\n                       [--format text|json|markdown] [--fail-on SEVERITY] [options]',
  description: `Audits every role's trust policy: open principals, confused deputies, OIDC/SAML trusts
without the claims that matter, stale or mistyped principals, unused cross-account roles.
Every finding comes with a verified fix (trust policy JSON, AWS CLI, Terraform).`,
  options: {
    demo: {
      type: 'boolean',
      help: 'audit the embedded demo organization (lib/snapshot/DEMO.md)',
    },
    snapshot: { type: 'string', value: 'FILE', help: 'IAM snapshot to audit' },
    live: {
      type: 'boolean',
      help: 'read IAM and Organizations live through the trustwatch reader roles,\nand check blind spots (forwarding rule, trail) per account and region',
    },
    accounts: { type: 'string', value: 'a,b', help: 'only these account ids' },
    ...formatOptions(AUDIT_FORMATS),
    'fail-on': {
      type: 'string',
      value: 'SEVERITY',
      help: 'exit 1 when a finding of this severity or worse exists\n(critical, high, medium, low, info); without it the exit status is 0',
    },
    suppressions: {
      type: 'string',
      value: 'FILE',
      help: 'JSON array of {codes?, roles?, accounts?, reason?} to silence\n(roles are ARN globs); roles can also carry the tag trustwatch:ignore',
    },
    denials: {
      type: 'string',
      value: 'FILE',
      help: 'JSON array of recent denial summaries {roleArn, callerType,\ncallerArn?, causes[], count} (feeds MFA_REQUIRED_ON_AUTOMATION_ROLE\nand STALE_PRINCIPAL_ID fixes)',
    },
    'unused-days': {
      type: 'string',
      value: 'N',
      help: `days without use after which a cross-account role is reported (default ${DEFAULT_UNUSED_DAYS})`,
    },
    now: {
      type: 'string',
      value: 'ISO-TIME',
      help: 'judge "unused" against this time (default: the snapshot\'s capture\ntime, or the clock with --live)',
    },
    regions: {
      type: 'string',
      value: 'r1,r2',
      help: 'regions to check for blind spots with --live (default: the region)',
    },
    'forward-rule': {
      type: 'string',
      value: 'NAME',
      help: `forwarding rule name (default ${DEFAULT_FORWARD_RULE_NAME})`,
    },
    concurrency: {
      type: 'string',
      value: 'N',
      help: `accounts read at the same time with --live (default ${DEFAULT_ACCOUNT_CONCURRENCY}, at most ${MAX_CONCURRENCY});\nthe AWS calls and wall time per account are reported on stderr`,
    },
    journal: {
      type: 'string',
      value: 'FILE',
      help: 'with --live, append each audited account to FILE (JSON Lines) as it finishes;\nremoved once every account was audited, kept when the run stops or accounts\nfailed, so `--journal FILE --resume` audits only the accounts missing from it',
    },
    resume: {
      type: 'boolean',
      help: 'keep the accounts --journal FILE holds (same options, same "now"), audit the rest;\nthe report is the one a clean run would print',
    },
    ...AWS_OPTIONS,
  },
  exitCodes: [
    [0, 'no finding at or above --fail-on (always, without --fail-on)'],
    [1, 'findings at or above --fail-on'],
    [2, 'unusable input, option or AWS access, or no account could be audited: one line on stderr'],
    EXIT_INTERNAL_LINE,
  ],
} as const satisfies CommandDef;

/** Parses `audit`'s arguments; throws `ConfigError` for anything it does not accept. */
export function parseAuditArgs(argv: readonly string[]): AuditArgs {
  const { values, help } = parseCommandLine(AUDIT_COMMAND, argv);
  const live = values.live === true;
  const demo = values.demo === true;
  requireOneState({ demo, snapshot: values.snapshot !== undefined, live }, help, 'audit');
  const format = formatValue(AUDIT_FORMATS, values.format);
  const failOn = values['fail-on'];
  if (failOn !== undefined && !isSeverity(failOn))
    throw new ConfigError(
      `unknown severity \`${failOn}\` for --fail-on (expected critical, high, medium, low or info)`,
    );
  const accounts =
    values.accounts === undefined ? undefined : commaList(values.accounts, 'accounts', ACCOUNT_ID);
  const unusedText = values['unused-days'];
  const unusedDays = unusedText === undefined ? DEFAULT_UNUSED_DAYS : Number(unusedText);
  if (!Number.isInteger(unusedDays) || unusedDays < 1 || unusedDays > 400)
    throw new ConfigError(
      `\`--unused-days\` must be a whole number from 1 to 400, got \`${unusedText}\``,
    );
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime()))
      throw new ConfigError(`\`--now\` is not a date: \`${values.now}\``);
  }
  const regions =
    values.regions === undefined ? undefined : commaList(values.regions, 'regions', REGION_NAME);
  const aws = awsValuesOf(values);
  if (!live && anyAwsOption(aws)) {
    throw new ConfigError('the AWS options (`--profile`, `--region`, …) only apply with `--live`');
  }
  const concurrencyText = values.concurrency;
  if (!live && concurrencyText !== undefined)
    throw new ConfigError('`--concurrency` only applies with `--live`');
  const concurrency =
    concurrencyText === undefined ? DEFAULT_ACCOUNT_CONCURRENCY : Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)
    throw new ConfigError(
      `\`--concurrency\` must be an integer from 1 to ${MAX_CONCURRENCY}, got \`${concurrencyText}\``,
    );
  const journal = values.journal;
  if (!live && journal !== undefined)
    throw new ConfigError('`--journal` only applies with `--live`');
  const resume = values.resume === true;
  if (resume && journal === undefined)
    throw new ConfigError('`--resume` needs `--journal FILE` (the journal of the run to resume)');
  return {
    live,
    demo,
    help,
    aws,
    format,
    resume,
    ...(journal === undefined ? {} : { journal }),
    ...(failOn === undefined ? {} : { failOn: failOn as Severity }),
    ...(accounts === undefined ? {} : { accounts }),
    ...(regions === undefined ? {} : { regions }),
    ...(now === undefined ? {} : { now }),
    unusedDays,
    concurrency,
    forwardRule: values['forward-rule'] ?? DEFAULT_FORWARD_RULE_NAME,
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
    ...(values.suppressions === undefined ? {} : { suppressions: values.suppressions }),
    ...(values.denials === undefined ? {} : { denials: values.denials }),
  };
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

/**
 * What shapes an audit's findings besides the IAM state: a run may only be
 * resumed with the same (the journal's header keeps it).
 */
export function journalSettings(
  args: AuditArgs,
  regions: readonly string[],
  suppressionsText: string | undefined,
  denialsText: string | undefined,
): string {
  const digest = (text: string | undefined) =>
    text === undefined ? null : createHash('sha256').update(text).digest('hex');
  return JSON.stringify({
    accounts: args.accounts ?? null,
    profile: args.aws.profile ?? null,
    readerRole: args.aws['reader-role'] ?? null,
    regions,
    forwardRule: args.forwardRule,
    unusedDays: args.unusedDays,
    suppressions: digest(suppressionsText),
    denials: digest(denialsText),
  });
}

interface OpenJournal {
  /** Accounts the interrupted run audited (none on a fresh run). */
  readonly resumed: ReadonlyMap<string, JournaledAccount>;
  /** The time the audit judges against: the interrupted run's on a resume. */
  readonly now: Date;
  readonly append: (line: string) => Promise<void>;
}

/**
 * Opens `--journal FILE`: with `--resume`, the accounts it holds (a missing
 * file is a fresh start); otherwise a new journal, replacing an old one.
 */
async function openJournal(
  io: CliIo,
  args: AuditArgs,
  run: { readonly settings: string; readonly now: Date },
): Promise<OpenJournal> {
  const file = args.journal as string;
  const { appendText, removeFile } = io;
  if (appendText === undefined || removeFile === undefined)
    throw new ConfigError('`--journal` needs a file system to write to');
  const append = (line: string) => appendText(file, line);
  if (args.resume) {
    let text: string | undefined;
    try {
      text = await io.readText(file);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT')
        throw new InputError(`cannot read the journal \`${file}\`: ${describeReadError(err)}`, {
          cause: err,
        });
    }
    if (text !== undefined) {
      const { header, accounts } = parseAuditJournal(text, file);
      if (header.settings !== run.settings)
        throw new ConfigError(
          `the journal \`${file}\` is of an audit with other options (accounts, profile, reader role, regions, forward rule, unused days, suppressions or denials): resume with the same, or run without --resume`,
        );
      if (args.now !== undefined && args.now.toISOString() !== header.auditedAt)
        throw new ConfigError(
          `the journal \`${file}\` judged "unused" against ${header.auditedAt}: resume without --now or with that time`,
        );
      return { resumed: accounts, now: new Date(header.auditedAt), append };
    }
  }
  await removeFile(file);
  await append(
    journalLine({
      trustwatchAuditJournal: 1,
      auditedAt: run.now.toISOString(),
      settings: run.settings,
    }),
  );
  return { resumed: new Map(), now: run.now, append };
}

export const auditCommand: Command = async (argv, io) => {
  const args = parseAuditArgs(argv);
  if (args.help) {
    io.stdout(renderHelp(AUDIT_COMMAND));
    return 0;
  }
  const suppressionsText = await readOptional(io, args.suppressions, 'suppressions file');
  const denialsText = await readOptional(io, args.denials, 'denials file');
  const suppressions = parseAuditSuppressions(
    suppressionsText,
    args.suppressions ?? 'suppressions',
  );
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
    const liveOptions = await liveOptionsFrom(args.aws, io);
    const live = await createLiveAuditSources({
      ...liveOptions,
      ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
    });
    const regions = args.regions ?? [liveOptions.region ?? 'us-east-1'];
    const journal =
      args.journal === undefined
        ? undefined
        : await openJournal(io, args, {
            settings: journalSettings(args, regions, suppressionsText, denialsText),
            now: args.now ?? io.now(),
          });
    const started = performance.now();
    // Only on a terminal (stderr): first the roles of every account, then the audit proper.
    const progress = progressLine(io);
    const source = withAccountProgress(live.source, (n) =>
      progress.update(`read the roles of ${n} account${n === 1 ? '' : 's'}`),
    );
    report = await auditOrganization(source, {
      ...common,
      now: journal?.now ?? args.now ?? io.now(),
      fetchDetails: true,
      ...(journal === undefined
        ? {}
        : {
            resumed: journal.resumed,
            onAccount: (account: JournaledAccount) => journal.append(journalLine(account)),
          }),
      state: { kind: 'live', label: liveStateLabel(args.aws.profile, io.env) },
      accountConcurrency: args.concurrency,
      onProgress: (done, total) => progress.update(`audited ${done}/${total} accounts`),
      ...(args.accounts === undefined ? {} : { accounts: args.accounts }),
      blindSpots: {
        reader: live.blindSpots,
        regions,
        ruleName: args.forwardRule,
      },
    });
    progress.done();
    const kept = journal?.resumed.size ?? 0;
    report = { ...report, warnings: [...report.warnings, `${live.counter.count} AWS call(s)`] };
    if (journal !== undefined && args.journal !== undefined) {
      const failed = report.accounts.filter((a) => a.error !== undefined).length;
      if (kept > 0)
        io.stderr(
          `trustwatch audit: ${kept} account(s) kept from the journal \`${args.journal}\`, not read again\n`,
        );
      // Complete: the journal has served. Otherwise it stays for the next --resume.
      if (failed === 0) await io.removeFile?.(args.journal);
      else
        io.stderr(
          `trustwatch audit: ${failed} account(s) could not be audited: \`--journal ${args.journal} --resume\` audits only those\n`,
        );
    }
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
        : renderAuditText(report, { color: useColor(io) });
  io.stdout(text);
  return auditExitStatus(report, args.failOn);
};
