import { CAUSE_CODE_LIST } from '../diagnosis/causeCodes.js';
import { ConfigError } from '../errors/TrustwatchError.js';
import { findJsonErrorOffset } from '../validation/findJsonErrorOffset.js';
import * as z from '../validation/z.js';
import {
  type Destination,
  type DestinationTarget,
  ENUMERATION_CAUSE,
  ROUTE_SEVERITIES,
  ROUTED_SECRET_PREFIXES,
  type RouteMatch,
  type RouteRule,
  type RoutingTable,
  type SecretRef,
} from './RoutingTable.js';

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const nonEmpty = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.minLength(1));
const accountId = z.string().check(z.regex(/^\d{12}$/, 'an account id is 12 digits'));
const glob = z.string().check(z.minLength(1));
const tagMatch = z
  .record(z.string().check(z.minLength(1)), nonEmpty(glob))
  .check(z.refine((r) => Object.keys(r).length > 0, { message: 'name at least one tag' }));

/**
 * A secret's name, as each store spells it; whether the functions may read
 * it (the granted prefixes) is checked after the schema, so the error names
 * the destination and the prefix ({@link outsideGrant}).
 */
const secretRef = z.union([
  z.strictObject({
    ssm: z
      .string()
      .check(
        z.regex(/^\/[\w.\-/]+$/, 'an SSM parameter name such as `/trustwatch/slack/payments`'),
      ),
  }),
  z.strictObject({
    secret: z
      .string()
      .check(z.regex(/^[\w.\-/+=@]+$/, 'a secret name such as `trustwatch/slack/payments`')),
  }),
]);

const destinationSchema = z
  .strictObject({
    webhook: z.optional(secretRef),
    channel: z.optional(
      z.string().check(z.regex(/^[CG][A-Z0-9]{6,}$/, 'a Slack channel id such as `C0123ABCD`')),
    ),
    sns: z.optional(z.literal(true)),
  })
  .check(
    z.refine((d) => [d.webhook, d.channel, d.sns].filter((v) => v !== undefined).length === 1, {
      message: 'a destination has exactly one of `webhook`, `channel`, `sns`',
    }),
  );

const MATCH_FIELDS = [
  'callerAccount',
  'roleAccount',
  'account',
  'callerOu',
  'roleOu',
  'ou',
  'roleTags',
  'callerTags',
  'roleAccountTags',
  'callerAccountTags',
  'cause',
  'severity',
  'role',
  'caller',
] as const;

const matchSchema = z
  .strictObject({
    callerAccount: z.optional(nonEmpty(accountId)),
    roleAccount: z.optional(nonEmpty(accountId)),
    account: z.optional(nonEmpty(accountId)),
    callerOu: z.optional(nonEmpty(glob)),
    roleOu: z.optional(nonEmpty(glob)),
    ou: z.optional(nonEmpty(glob)),
    roleTags: z.optional(tagMatch),
    callerTags: z.optional(tagMatch),
    roleAccountTags: z.optional(tagMatch),
    callerAccountTags: z.optional(tagMatch),
    cause: z.optional(
      nonEmpty(
        z.enum([...CAUSE_CODE_LIST, ENUMERATION_CAUSE], {
          error: (i) =>
            `unknown cause code \`${String(i.input)}\` (the codes of shared/spec/diagnosis.md, or ${ENUMERATION_CAUSE})`,
        }),
      ),
    ),
    severity: z.optional(
      nonEmpty(
        z.enum(ROUTE_SEVERITIES, {
          error: (i) =>
            `unknown severity \`${String(i.input)}\` (expected ${ROUTE_SEVERITIES.join(', ')})`,
        }),
      ),
    ),
    role: z.optional(nonEmpty(glob)),
    caller: z.optional(nonEmpty(glob)),
  })
  .check(
    z.refine((m) => MATCH_FIELDS.some((f) => m[f] !== undefined), {
      message: `a rule needs at least one condition (${MATCH_FIELDS.join(', ')}); use \`default\` for everything else`,
    }),
  );

const destinationName = z.string().check(z.regex(NAME, 'a name of a-z, 0-9, `-` and `_`'));
const ruleSchema = z.strictObject({
  name: destinationName,
  match: matchSchema,
  to: nonEmpty(destinationName),
});

const fileSchema = z.strictObject({
  slackApp: z.optional(z.strictObject({ botToken: secretRef })),
  destinations: z
    .record(destinationName, destinationSchema)
    .check(
      z.refine((r) => Object.keys(r).length > 0, { message: 'define at least one destination' }),
    ),
  rules: z._default(z.array(ruleSchema), []),
  also: z._default(z.array(ruleSchema), []),
  default: z.union([destinationName, nonEmpty(destinationName)]),
});

type RuleJson = z.infer<typeof ruleSchema>;

function toSecretRef(ref: { ssm: string } | { secret: string }): SecretRef {
  return 'ssm' in ref ? { kind: 'ssm', name: ref.ssm } : { kind: 'secretsmanager', id: ref.secret };
}

/**
 * A secret the function roles cannot read (outside {@link ROUTED_SECRET_PREFIXES})
 * would fail at the first alert; it fails here, in `routes check` and at cold start.
 */
function outsideGrant(
  ref: SecretRef,
  owner: string,
  path: readonly PropertyKey[],
  where: string,
): ConfigError | undefined {
  const [name, prefix, store] =
    ref.kind === 'ssm'
      ? [ref.name, ROUTED_SECRET_PREFIXES.ssm, 'SSM parameter']
      : [ref.id, ROUTED_SECRET_PREFIXES.secretsmanager, 'secret'];
  if (name.startsWith(prefix) && name.length > prefix.length) return undefined;
  return problem(
    where,
    `${owner}: ${store} \`${name}\` is outside \`${prefix}\`, the only ${store}s the functions may read (lib/deploy/function-roles.yml)`,
    jsonPath(path),
  );
}

function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** The rule a JSON path points into, named for the error line. */
function ruleAt(json: unknown, path: readonly PropertyKey[]): string | undefined {
  const [list, index] = path;
  if ((list !== 'rules' && list !== 'also') || typeof index !== 'number') return undefined;
  const rule = (json as Record<string, unknown[]>)[list]?.[index] as { name?: unknown } | undefined;
  return typeof rule?.name === 'string' ? rule.name : `#${index}`;
}

function problem(where: string, message: string, path: string, rule?: string): ConfigError {
  return new ConfigError(`${rule === undefined ? '' : `rule \`${rule}\`: `}${message}`, {
    context: { file: where, path, ...(rule === undefined ? {} : { rule }) },
  });
}

/**
 * Validates a routing file (already parsed JSON) into a {@link RoutingTable}.
 * Throws one {@link ConfigError} for the first mistake, naming the rule and
 * its JSON path: a schema error, a rule name used twice, a destination no
 * rule may send to, a `channel` destination without the Slack app's token.
 */
export function parseRoutingTable(json: unknown, where: string): RoutingTable {
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    throw problem(where, issue?.message ?? 'invalid', jsonPath(path), ruleAt(json, path));
  }
  const f = parsed.data;
  const destinations = new Map<string, Destination>();
  for (const [name, d] of Object.entries(f.destinations)) {
    const target: DestinationTarget =
      d.webhook !== undefined
        ? { kind: 'webhook', webhook: toSecretRef(d.webhook) }
        : d.channel !== undefined
          ? { kind: 'channel', channel: d.channel }
          : { kind: 'sns' };
    if (target.kind === 'webhook') {
      const key = d.webhook !== undefined && 'ssm' in d.webhook ? 'ssm' : 'secret';
      const err = outsideGrant(
        target.webhook,
        `destination \`${name}\``,
        ['destinations', name, 'webhook', key],
        where,
      );
      if (err !== undefined) throw err;
    }
    if (target.kind === 'channel' && f.slackApp === undefined) {
      throw problem(
        where,
        `destination \`${name}\` posts to channel \`${d.channel}\`, which needs \`slackApp.botToken\``,
        jsonPath(['destinations', name, 'channel']),
      );
    }
    destinations.set(name, { name, target });
  }
  if (f.slackApp !== undefined) {
    const token = f.slackApp.botToken;
    const err = outsideGrant(
      toSecretRef(token),
      '`slackApp.botToken`',
      ['slackApp', 'botToken', 'ssm' in token ? 'ssm' : 'secret'],
      where,
    );
    if (err !== undefined) throw err;
  }
  const seen = new Map<string, string>();
  const rules = (list: 'rules' | 'also', entries: readonly RuleJson[]): RouteRule[] =>
    entries.map((r, i) => {
      const at = jsonPath([list, i]);
      const earlier = seen.get(r.name);
      if (earlier !== undefined) {
        throw problem(where, `the name is used twice (${earlier} and ${at})`, at, r.name);
      }
      seen.set(r.name, at);
      r.to.forEach((t, j) => {
        if (!destinations.has(t)) {
          throw problem(
            where,
            `unknown destination \`${t}\` (defined: ${[...destinations.keys()].join(', ')})`,
            jsonPath([list, i, 'to', j]),
            r.name,
          );
        }
      });
      return { name: r.name, match: r.match as RouteMatch, to: [...new Set(r.to)] };
    });
  const defaults = typeof f.default === 'string' ? [f.default] : [...new Set(f.default)];
  for (const d of defaults) {
    if (!destinations.has(d)) {
      throw problem(where, `unknown default destination \`${d}\``, '$.default');
    }
  }
  return {
    destinations,
    rules: rules('rules', f.rules),
    also: rules('also', f.also),
    default: defaults,
    ...(f.slackApp === undefined ? {} : { slackBotToken: toSecretRef(f.slackApp.botToken) }),
  };
}

/** Parses a routing file's text (JSON): a syntax error names the file and the line. */
export function readRoutingText(text: string, where: string): RoutingTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const found = findJsonErrorOffset(text);
    const line =
      found === undefined
        ? ''
        : ` at line ${text.slice(0, found.offset).split('\n').length}: ${found.reason}`;
    throw new ConfigError(`not valid JSON${line}`, {
      context: { file: where, path: '$' },
    });
  }
  return parseRoutingTable(json, where);
}
