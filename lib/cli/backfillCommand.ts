import type { AwsClientFactory, Credentials } from '../aws/clients.js';
import { commaList, REGION_NAME } from '../aws/cliOptions.js';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import { terminalLine } from '../render/safeText.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import {
  AWS_OPTIONS,
  type AwsOptionValues,
  awsValuesOf,
  EXIT_INTERNAL_LINE,
  EXIT_USAGE_LINE,
  formatOptions,
  formatValue,
  liveOptionsFrom,
  profileName,
} from './awsOptions.js';
import type { CliIo, Command } from './CliIo.js';
import { checkCredentials } from './checkCredentials.js';
import { type CommandDef, parseCommandLine, renderHelp } from './commandLine.js';
import { commandStateSource } from './commandStateSource.js';

const BACKFILL_FORMATS = ['text', 'json'] as const;

/** `trustwatch backfill`'s command line: the parser and the help both come from it. */
export const BACKFILL_COMMAND = {
  name: 'backfill',
  summary: 'report past AssumeRole denials from CloudTrail (live)',
  synopsis: '[--since 7d] [--regions R,R] [--format text|json] [--snapshot FILE] [AWS options]',
  description: `Reads the denied AssumeRole, AssumeRoleWithWebIdentity and AssumeRoleWithSAML calls of
the last days from CloudTrail (LookupEvents, every region asked, at most 2 requests per
second per region), explains each and prints one line per caller, role and cause with
how often and when it happened, and the fix. Progress goes to stderr on a terminal.`,
  options: {
    since: {
      type: 'string',
      value: 'D',
      help: 'how far back: 30m, 12h, 7d (default 7d, at most 90d) or a date',
    },
    regions: {
      type: 'string',
      value: 'R,R',
      help: 'regions to ask (default: every region enabled in the account)',
    },
    ...formatOptions(BACKFILL_FORMATS),
    snapshot: {
      type: 'string',
      value: 'FILE',
      help: 'explain against a snapshot instead of reading IAM live',
    },
    ...AWS_OPTIONS,
  },
  exitCodes: [
    [0, 'every region asked was read (whether or not anything was denied)'],
    [1, 'the report was printed, but regions (named on stderr) could not be read'],
    EXIT_USAGE_LINE,
    EXIT_INTERNAL_LINE,
  ],
} as const satisfies CommandDef;

/** CloudTrail's event history keeps 90 days. */
const MAX_DAYS = 90;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export interface BackfillArgs {
  readonly since: Date;
  readonly regions?: readonly string[];
  readonly format: (typeof BACKFILL_FORMATS)[number];
  readonly snapshot?: string;
  readonly aws: AwsOptionValues;
}

/** `7d`, `12h`, `30m` or an ISO date, relative to `now`. */
export function parseSince(text: string, now: Date): Date {
  const rel = /^(\d+)([mhd])$/.exec(text);
  let at: Date;
  if (rel !== null) {
    at = new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) {
    at = new Date(text);
  } else {
    throw new ConfigError(`\`--since\` must look like 30m, 12h, 7d or a date, got \`${text}\``);
  }
  if (at.getTime() >= now.getTime())
    throw new ConfigError(`\`--since ${text}\` is not in the past`);
  if (now.getTime() - at.getTime() > MAX_DAYS * UNIT_MS.d) {
    throw new ConfigError(
      `\`--since ${text}\` is more than ${MAX_DAYS} days back (cloudtrail event history keeps ${MAX_DAYS})`,
    );
  }
  return at;
}

export function parseBackfillArgs(argv: readonly string[], now: Date): BackfillArgs | 'help' {
  const { values, help } = parseCommandLine(BACKFILL_COMMAND, argv);
  if (help) return 'help';
  return {
    since: parseSince(values.since ?? '7d', now),
    format: formatValue(BACKFILL_FORMATS, values.format),
    ...(values.regions === undefined
      ? {}
      : { regions: commaList(values.regions, 'regions', REGION_NAME) }),
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
    aws: awsValuesOf(values),
  };
}

/** One line of the report: a caller denied a role for a cause, `count` times. */
export interface DenialGroup {
  readonly caller: string;
  readonly roleArn: string;
  readonly cause: string;
  readonly confidence: string;
  readonly summary: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly regions: readonly string[];
  readonly fix?: { readonly title: string; readonly awsCli?: string; readonly appliesTo?: string };
}

/**
 * Groups diagnoses by caller, role and most probable cause, most frequent
 * first. The caller is the IAM principal (a role's sessions count together).
 */
export function aggregateDenials(
  items: readonly { diagnosis: Diagnosis; region?: string }[],
): DenialGroup[] {
  const groups = new Map<string, { g: Omit<DenialGroup, 'regions'> & { regions: Set<string> } }>();
  for (const { diagnosis: d, region } of items) {
    const top = d.causes[0];
    const cause = top?.code ?? 'NO_CAUSE_FOUND';
    const caller = d.caller.arn ?? `(${d.caller.type} caller)`;
    const callerKey = caller.replace(
      /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.*$/,
      'arn:$1:iam::$2:role/$3',
    );
    const roleArn = d.target.roleArn ?? '(role unknown)';
    const key = `${callerKey}\u0000${roleArn}\u0000${cause}`;
    const at = d.eventTime ?? '';
    const existing = groups.get(key);
    if (existing === undefined) {
      const fix = d.fixes.find((f) => f.cause === cause);
      groups.set(key, {
        g: {
          caller: callerKey,
          roleArn,
          cause,
          confidence: top?.confidence ?? 'possible',
          summary: top?.summary ?? 'no cause found',
          count: 1,
          firstSeen: at,
          lastSeen: at,
          regions: new Set(region === undefined ? [] : [region]),
          ...(fix === undefined
            ? {}
            : {
                fix: {
                  title: fix.title,
                  ...(fix.awsCli === undefined ? {} : { awsCli: fix.awsCli }),
                  ...(fix.appliesTo === undefined ? {} : { appliesTo: fix.appliesTo }),
                },
              }),
        },
      });
      continue;
    }
    const g = existing.g;
    existing.g = {
      ...g,
      count: g.count + 1,
      firstSeen: at !== '' && (g.firstSeen === '' || at < g.firstSeen) ? at : g.firstSeen,
      lastSeen: at.localeCompare(g.lastSeen) > 0 ? at : g.lastSeen,
    };
    if (region !== undefined) existing.g.regions.add(region);
  }
  return [...groups.values()]
    .map(({ g }) => ({ ...g, regions: [...g.regions].sort() }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        b.lastSeen.localeCompare(a.lastSeen) ||
        a.caller.localeCompare(b.caller),
    );
}

/** Attacker-controlled strings (session names, OIDC subjects) reach the terminal as data. */
const safe = (text: string): string => terminalLine(text);

export function renderBackfillText(r: BackfillReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.denied} denied role assumption${r.denied === 1 ? '' : 's'} since ${r.since} in ${r.regions.length} region${r.regions.length === 1 ? '' : 's'} (${r.scanned} AssumeRole* events read)`,
  );
  if (r.groups.length === 0) lines.push('', 'nothing was denied.');
  for (const g of r.groups) {
    lines.push('');
    lines.push(`${g.count}× ${safe(g.caller)} → ${safe(g.roleArn)}`);
    lines.push(`   ${g.cause} (${g.confidence}): ${safe(g.summary)}`);
    lines.push(
      `   first ${g.firstSeen}, last ${g.lastSeen}${g.regions.length > 0 ? `, in ${g.regions.join(', ')}` : ''}`,
    );
    if (g.fix !== undefined) {
      lines.push(`   fix: ${safe(g.fix.title)}`);
      if (g.fix.awsCli !== undefined)
        for (const l of g.fix.awsCli.split('\n')) lines.push(`     ${safe(l)}`);
    }
  }
  for (const f of r.failures) lines.push('', `not read: ${f.region}: ${safe(f.reason)}`);
  return `${lines.join('\n')}\n`;
}

export interface BackfillReport {
  readonly since: string;
  readonly until: string;
  readonly regions: readonly string[];
  readonly scanned: number;
  readonly denied: number;
  readonly groups: readonly DenialGroup[];
  readonly skipped: number;
  readonly failures: readonly { readonly region: string; readonly reason: string }[];
}

export interface BackfillDeps {
  readonly credentials?: Credentials;
  readonly source?: IamStateSource;
  /** Spacing of LookupEvents calls per region; tests pass 0. */
  readonly intervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

function stateSource(
  args: BackfillArgs,
  live: LiveSourceOptions,
  io: CliIo,
  deps: BackfillDeps,
): Promise<IamStateSource> {
  return commandStateSource(
    {
      ...(deps.source === undefined ? {} : { source: deps.source }),
      ...(args.snapshot === undefined ? {} : { snapshot: args.snapshot }),
      live,
      ...(deps.credentials === undefined ? {} : { credentials: deps.credentials }),
      purpose: 'backfill',
    },
    io,
  );
}

export function createBackfillCommand(deps: BackfillDeps = {}): Command {
  return async (argv, io) => {
    const now = io.now();
    const args = parseBackfillArgs(argv, now);
    if (args === 'help') {
      io.stdout(renderHelp(BACKFILL_COMMAND));
      return 0;
    }
    const live = await liveOptionsFrom(args.aws, io);
    const { createClientFactory } = await import('../aws/clients.js');
    const { lookupAssumeRoleEvents, enabledRegions } = await import('../aws/lookupDenials.js');
    const { createTrailClients } = await import('../aws/trailClients.js');
    const { readInput } = await import('../intake/readInput.js');
    const { explainEvent } = await import('../explain/explainEvent.js');
    const clients: AwsClientFactory = createClientFactory({
      env: io.env,
      ...(live.region === undefined ? {} : { region: live.region }),
      ...(live.profile === undefined ? {} : { profile: live.profile }),
      ...(deps.credentials === undefined ? {} : { credentials: deps.credentials }),
    });
    // The standard chain's credentials: missing or expired ones are one line naming the profile
    // (not a failure per region). Credentials a caller injects are its own business.
    if (deps.credentials === undefined)
      await checkCredentials(clients, profileName(args.aws, io), io.env);
    const trail = createTrailClients(clients);
    let regions: readonly string[];
    if (args.regions !== undefined) regions = args.regions;
    else {
      try {
        regions = await enabledRegions(trail);
      } catch (err) {
        const { describeAwsError } = await import('../aws/awsErrors.js');
        throw new ConfigError(
          `cannot list the account's enabled regions (${describeAwsError(err)}): pass \`--regions\``,
        );
      }
    }
    if (regions.length === 0) throw new ConfigError('no region to read: pass `--regions`');
    // LookupEvents returns successful calls too, 50 a page at 2 pages a second: show progress on a terminal.
    const seen = new Map<string, number>();
    const found = await lookupAssumeRoleEvents(trail, {
      regions,
      since: args.since,
      until: now,
      ...((io.stderrIsTty ?? io.isTty)
        ? {
            onPage: (region: string, n: number) => {
              seen.set(region, (seen.get(region) ?? 0) + n);
              const total = [...seen.values()].reduce((a, b) => a + b, 0);
              io.stderr(
                `\rread ${total} AssumeRole* events in ${seen.size}/${regions.length} regions`,
              );
            },
          }
        : {}),
      ...(deps.intervalMs === undefined ? {} : { intervalMs: deps.intervalMs }),
      ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    });
    if ((io.stderrIsTty ?? io.isTty) && seen.size > 0) io.stderr('\n');
    const source = await stateSource(args, live, io, deps);
    const explained: { diagnosis: Diagnosis; region: string }[] = [];
    let skipped = 0;
    for (const r of found.records) {
      const intake = readInput(r.record, `cloudtrail:${r.region}`);
      skipped += intake.skipped.length;
      for (const event of intake.events) {
        explained.push({ diagnosis: await explainEvent(event, source), region: r.region });
      }
    }
    const report: BackfillReport = {
      since: args.since.toISOString(),
      until: now.toISOString(),
      regions,
      scanned: found.records.length,
      denied: explained.length,
      groups: aggregateDenials(explained),
      skipped,
      failures: found.failures,
    };
    if (args.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(renderBackfillText(report));
    for (const f of found.failures) io.stderr(`trustwatch backfill: ${f.region}: ${f.reason}\n`);
    return found.failures.length > 0 ? 1 : 0;
  };
}

/** `trustwatch backfill`: report past AssumeRole denials from CloudTrail. */
export const backfillCommand: Command = createBackfillCommand();
