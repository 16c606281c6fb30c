import type { Alert } from '../alerts/Alert.js';
import { alertRouteFacts } from '../alerts/destinations/alertRouter.js';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import { ConfigError, escapeControlCharacters } from '../errors/TrustwatchError.js';
import { readRoutingText } from '../routing/parseRoutingTable.js';
import type { Route, RoutingTable } from '../routing/RoutingTable.js';
import { matchRule, routeAlert } from '../routing/routeAlert.js';
import type { IamStateSource } from '../state/IamStateSource.js';
import { EXIT_INTERNAL_LINE } from './awsOptions.js';
import type { CliIo, Command } from './CliIo.js';
import { type CommandDef, parseCommandLine, renderHelp } from './commandLine.js';
import { describeReadError } from './describeReadError.js';

/** `trustwatch routes`'s command line: the parser and the help both come from it. */
export const ROUTES_COMMAND = {
  name: 'routes',
  summary: 'check an alert routing file (`routes check FILE`)',
  synopsis: 'check <routes.json>',
  description:
    "Validates a routing file (the value of the deployment's `routes` parameter): its\ndestinations, rules (first match wins), `also` entries and default.\nTo see where denials would go: trustwatch explain --routes <routes.json> <events>",
  positionals: {
    label: 'check <routes.json>',
    name: 'argument',
    what: 'the subcommand `check` and a routing file',
    help: 'the subcommand (check) and the routing file to validate',
    min: 0,
    max: 2,
  },
  options: {},
  exitCodes: [
    [0, 'the routing file is valid: a one-line summary on stdout'],
    [2, 'it is not: one line naming the file, the rule and the JSON path'],
    EXIT_INTERNAL_LINE,
  ],
} as const satisfies CommandDef;

/**
 * Most of the `routes` parameter may take: it becomes the `TRUSTWATCH_ROUTES`
 * variable, and Lambda allows 4 KB of environment variables in all (the
 * stack's other variables take about 900 bytes).
 */
export const ROUTES_PARAMETER_LIMIT = 3000;

/** Reads a routing file; a read error names the file. */
async function readRoutingSource(io: CliIo, file: string): Promise<string> {
  try {
    return await io.readText(file);
  } catch (err) {
    throw new ConfigError(describeReadError(err), { cause: err, context: { file, path: '' } });
  }
}

/** Reads and validates a routing file. */
export async function readRoutingFile(io: CliIo, file: string): Promise<RoutingTable> {
  return readRoutingText(await readRoutingSource(io, file), file);
}

/** One line describing a valid table. */
export function describeTable(file: string, t: RoutingTable): string {
  const kinds = new Map<string, number>();
  for (const d of t.destinations.values()) {
    kinds.set(d.target.kind, (kinds.get(d.target.kind) ?? 0) + 1);
  }
  const byKind = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  return `${file}: valid: ${t.destinations.size} destination(s) (${byKind}), ${t.rules.length} rule(s), ${t.also.length} also, default ${t.default.join(', ')}`;
}

export interface DiagnosisRoute {
  readonly eventId: string;
  readonly cause: string;
  readonly severity: string;
  readonly destinations: readonly string[];
  /** `null`: the default. */
  readonly rule: string | null;
  readonly also: readonly string[];
  /** Why each rule before the deciding one did not match. */
  readonly skippedRules: readonly string[];
}

/** Where each diagnosis would go, and why, with the state the deployment would read. */
export async function routeDiagnoses(
  table: RoutingTable,
  diagnoses: readonly Diagnosis[],
  source: IamStateSource,
): Promise<DiagnosisRoute[]> {
  const out: DiagnosisRoute[] = [];
  for (const diagnosis of diagnoses) {
    const alert: Alert = { kind: 'diagnosis', diagnosis };
    const facts = await alertRouteFacts(table, alert, async () => source);
    const route: Route = routeAlert(table, facts);
    const skippedRules: string[] = [];
    for (const r of table.rules) {
      if (r.name === route.rule) break;
      skippedRules.push(matchRule(r, facts).explains);
    }
    out.push({
      eventId: diagnosis.eventId,
      cause: facts.cause ?? 'NO_CAUSE_FOUND',
      severity: facts.severity ?? 'unknown',
      destinations: route.destinations,
      rule: route.rule,
      also: route.also,
      skippedRules,
    });
  }
  return out;
}

/** The text view of `explain --routes`: one block per diagnosis. */
export function renderRoutesText(file: string, routes: readonly DiagnosisRoute[]): string {
  const lines = [`routes from ${file}:`];
  for (const r of routes) {
    const why = r.rule === null ? 'default: no rule matched' : `rule \`${r.rule}\``;
    const also = r.also.length === 0 ? '' : `; also ${r.also.map((a) => `\`${a}\``).join(', ')}`;
    lines.push(
      `${escapeControlCharacters(r.eventId)}  ${r.cause} (${r.severity})`,
      `  -> ${r.destinations.join(', ')}  (${why}${also})`,
      ...r.skippedRules.map((s) => `     not ${s}`),
    );
  }
  lines.push(
    'role enumeration (a security alert, cause ROLE_ENUMERATION) is routed the same way with severity critical.',
  );
  return `${lines.join('\n')}\n`;
}

/** `trustwatch routes check FILE`. */
export const routesCommand: Command = async (argv, io) => {
  const { positionals, help } = parseCommandLine(ROUTES_COMMAND, argv);
  if (help) {
    io.stdout(renderHelp(ROUTES_COMMAND));
    return 0;
  }
  const [sub, ...rest] = positionals;
  if (sub === undefined) throw new ConfigError('missing subcommand (expected check)');
  if (sub !== 'check') throw new ConfigError(`unknown subcommand \`${sub}\` (expected check)`);
  if (rest.length === 0) throw new ConfigError('missing routing file');
  const file = rest[0] as string;
  const text = await readRoutingSource(io, file);
  const table = readRoutingText(text, file);
  const bytes = Buffer.byteLength(JSON.stringify(JSON.parse(text)));
  if (bytes > ROUTES_PARAMETER_LIMIT) {
    throw new ConfigError(
      `${bytes} bytes as compact JSON: more than the ${ROUTES_PARAMETER_LIMIT} the \`routes\` parameter may take (Lambda allows 4 KB of environment in all); shorten names or merge rules`,
      { context: { file, path: '$' } },
    );
  }
  io.stdout(`${describeTable(file, table)}, ${bytes} bytes as the \`routes\` parameter\n`);
  return 0;
};
