import type { STSClient } from '@aws-sdk/client-sts';
import type { Credentials } from '../aws/clients.js';
import type { LiveSourceOptions } from '../aws/createLiveStateSource.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import { parseRoleArn } from '../iam/parseIamArn.js';
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
  useColor,
} from './awsOptions.js';
import type { CliIo, Command } from './CliIo.js';
import { checkCredentials } from './checkCredentials.js';
import { type CommandDef, parseCommandLine, renderHelp } from './commandLine.js';
import { commandStateSource } from './commandStateSource.js';
import { type WebIdentityTokenSource, webIdentityTokenSource } from './webIdentityTokenSource.js';

const PROBE_FORMATS = ['text', 'json'] as const;

/** `trustwatch probe`'s command line: the parser and the help both come from it. */
export const PROBE_COMMAND = {
  name: 'probe',
  summary: 'try an AssumeRole now and explain the denial',
  synopsis: `--role-arn ARN [--external-id X] [--serial-number S --token-code C]
                       [--session-name N] [--snapshot FILE | --live] [--format text|json] [AWS options]
       trustwatch probe --role-arn ARN (--web-identity-token-file FILE | --github-audience AUD)
                       [--session-name N] [--snapshot FILE | --live] [--format text|json] [AWS options]`,
  description: `Calls sts:AssumeRole now with your current credentials. On success prints the assumed
identity; when denied, explains why from that very attempt (every input is known, so
conditions are confirmed, not guessed).`,
  options: {
    'role-arn': { type: 'string', value: 'ARN', help: 'the role to assume' },
    'external-id': { type: 'string', value: 'X', help: 'ExternalId to send' },
    'serial-number': {
      type: 'string',
      value: 'S',
      help: 'MFA device serial number (with --token-code)',
    },
    'token-code': { type: 'string', value: 'C', help: 'MFA one-time code' },
    'session-name': {
      type: 'string',
      value: 'N',
      help: 'role session name (default trustwatch-probe)',
    },
    snapshot: {
      type: 'string',
      value: 'FILE',
      help: 'explain against a snapshot instead of reading IAM live',
    },
    'web-identity-token-file': {
      type: 'string',
      value: 'FILE',
      help: 'call sts:AssumeRoleWithWebIdentity with this OIDC token instead; its claims\nare decoded (signature not checked: STS checks it) and every one is known to\nthe explanation (environment, job_workflow_ref, ...)',
    },
    'github-audience': {
      type: 'string',
      value: 'AUD',
      help: "inside GitHub Actions (permissions: id-token: write): request the job's own\nOIDC token for this audience (sts.amazonaws.com) and probe with it",
    },
    live: { type: 'boolean', help: 'read IAM and Organizations live (the default)' },
    ...formatOptions(PROBE_FORMATS),
    ...AWS_OPTIONS,
  },
  exitCodes: [
    [0, 'the role was assumed'],
    [1, 'the role assumption was denied (and is explained on stdout)'],
    EXIT_USAGE_LINE,
    EXIT_INTERNAL_LINE,
  ],
} as const satisfies CommandDef;

export interface ProbeArgs {
  readonly roleArn: string;
  readonly externalId?: string;
  readonly serialNumber?: string;
  readonly tokenCode?: string;
  readonly sessionName: string;
  readonly snapshot?: string;
  readonly format: (typeof PROBE_FORMATS)[number];
  readonly aws: AwsOptionValues;
  /** Probe `AssumeRoleWithWebIdentity` with a token from a file, or the GitHub Actions job's own. */
  readonly webIdentity?: WebIdentityTokenSource;
}

export function parseProbeArgs(argv: readonly string[]): ProbeArgs | 'help' {
  const { values, help } = parseCommandLine(PROBE_COMMAND, argv);
  if (help) return 'help';
  const roleArn = values['role-arn'];
  if (roleArn === undefined) throw new ConfigError('missing `--role-arn ARN`');
  if (parseRoleArn(roleArn) === undefined)
    throw new ConfigError(`\`${roleArn}\` is not an iam role arn`);
  const webIdentity = webIdentityTokenSource(values);
  if (
    webIdentity !== undefined &&
    (values['external-id'] !== undefined || values['serial-number'] !== undefined)
  ) {
    throw new ConfigError(
      '`--external-id` and `--serial-number` apply to sts:AssumeRole, not to a web identity',
    );
  }
  if ((values['serial-number'] === undefined) !== (values['token-code'] === undefined)) {
    throw new ConfigError('`--serial-number` and `--token-code` go together');
  }
  if (values.snapshot !== undefined && values.live === true) {
    throw new ConfigError('use either `--snapshot` or `--live`, not both');
  }
  const sessionName = values['session-name'] ?? 'trustwatch-probe';
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ConfigError(`\`${sessionName}\` is not a valid role session name`);
  }
  return {
    roleArn,
    sessionName,
    format: formatValue(PROBE_FORMATS, values.format),
    ...(values['external-id'] === undefined ? {} : { externalId: values['external-id'] }),
    ...(values['serial-number'] === undefined ? {} : { serialNumber: values['serial-number'] }),
    ...(values['token-code'] === undefined ? {} : { tokenCode: values['token-code'] }),
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
    aws: awsValuesOf(values),
    ...(webIdentity === undefined ? {} : { webIdentity }),
  };
}

/** Dependencies a test may replace. */
export interface ProbeDeps {
  /** Base credentials instead of the standard chain. */
  readonly credentials?: Credentials;
  /** State source instead of the one the arguments name. */
  readonly source?: IamStateSource;
  /** STS client of the web-identity probe (tests). */
  readonly sts?: STSClient;
  /** `fetch` for the GitHub Actions token request (tests). */
  readonly fetch?: typeof fetch;
}

/** Errors that are AWS refusing the role assumption (as opposed to a broken request). */
const DENIAL_CODES = new Set(['AccessDenied', 'AccessDeniedException']);

function stateSource(
  args: ProbeArgs,
  live: LiveSourceOptions,
  io: CliIo,
  deps: ProbeDeps,
): Promise<IamStateSource> {
  return commandStateSource(
    {
      ...(deps.source === undefined ? {} : { source: deps.source }),
      ...(args.snapshot === undefined ? {} : { snapshot: args.snapshot }),
      live,
      ...(deps.credentials === undefined ? {} : { credentials: deps.credentials }),
      purpose: 'probe',
    },
    io,
  );
}

/** `trustwatch probe` with injectable credentials and state source. */
export function createProbeCommand(deps: ProbeDeps = {}): Command {
  return async (argv, io) => {
    const args = parseProbeArgs(argv);
    if (args === 'help') {
      io.stdout(renderHelp(PROBE_COMMAND));
      return 0;
    }
    const live = await liveOptionsFrom(args.aws, io);
    if (args.webIdentity !== undefined) {
      const { probeWebIdentity } = await import('./probeWebIdentity.js');
      return probeWebIdentity(args, live, args.webIdentity, io, {
        ...deps,
        stateSource: () => stateSource(args, live, io, deps),
      });
    }
    const { createClientFactory } = await import('../aws/clients.js');
    const { awsErrorName } = await import('../aws/awsErrors.js');
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const clients = createClientFactory({
      env: io.env,
      ...(live.region === undefined ? {} : { region: live.region }),
      ...(live.profile === undefined ? {} : { profile: live.profile }),
      ...(deps.credentials === undefined ? {} : { credentials: deps.credentials }),
    });
    const sts = clients.sts();
    const identity = await checkCredentials(clients, profileName(args.aws, io), io.env);
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: args.roleArn,
          RoleSessionName: args.sessionName,
          ...(args.externalId === undefined ? {} : { ExternalId: args.externalId }),
          ...(args.serialNumber === undefined ? {} : { SerialNumber: args.serialNumber }),
          ...(args.tokenCode === undefined ? {} : { TokenCode: args.tokenCode }),
        }),
      );
      const assumed = out.AssumedRoleUser?.Arn ?? '(no arn returned)';
      const expires = out.Credentials?.Expiration?.toISOString() ?? 'unknown';
      if (args.format === 'json') {
        io.stdout(
          `${JSON.stringify({ assumed: true, caller: identity.arn, assumedRoleArn: assumed, expiration: expires }, null, 2)}\n`,
        );
      } else {
        io.stdout(
          `${identity.arn} may assume ${args.roleArn}\n  assumed identity: ${assumed}\n  credentials expire: ${expires}\n`,
        );
      }
      return 0;
    } catch (err) {
      const code = awsErrorName(err);
      if (!DENIAL_CODES.has(code)) throw err;
      const source = await stateSource(args, live, io, deps);
      const { buildProbeEvent } = await import('../aws/probeEvent.js');
      const { explainEvent } = await import('../explain/explainEvent.js');
      let issuerArn: string | undefined;
      const session = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(identity.arn);
      if (session?.[1] !== undefined && session[2] !== undefined) {
        // The session ARN has no path; the role's real ARN (with path) is what trust policies name.
        const role = await source.role(session[1], session[2]);
        if (role.ok && role.value !== null) issuerArn = role.value.arn;
      }
      const event = buildProbeEvent({
        roleArn: args.roleArn,
        roleSessionName: args.sessionName,
        ...(args.externalId === undefined ? {} : { externalId: args.externalId }),
        ...(args.serialNumber === undefined ? {} : { serialNumber: args.serialNumber }),
        tokenCodeSent: args.tokenCode !== undefined,
        identity,
        ...(issuerArn === undefined ? {} : { issuerArn }),
        errorCode: code,
        errorMessage: (err as Error).message,
        region: clients.region,
        at: io.now(),
      });
      const diagnosis = await explainEvent(event, source);
      const { snapshotOrLiveState } = await import('../iam/StateLabel.js');
      const state = snapshotOrLiveState(args.snapshot, live.profile, io.env);
      const out = { state, diagnoses: [diagnosis], skipped: [] };
      if (args.format === 'json') {
        const { renderJson } = await import('../render/renderJson.js');
        io.stdout(renderJson(out));
      } else {
        const { renderText } = await import('../render/renderText.js');
        io.stdout(`${identity.arn} may not assume ${args.roleArn}\n\n`);
        io.stdout(renderText(out, { color: useColor(io) }));
        io.stdout('\n');
      }
      return 1;
    }
  };
}

/** `trustwatch probe`: try an AssumeRole now and explain the denial. */
export const probeCommand: Command = createProbeCommand();
