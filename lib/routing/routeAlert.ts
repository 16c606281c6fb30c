import { globMatch } from '../dedup/suppressions.js';
import type { FactNeeds, RouteFacts } from './RouteFacts.js';
import type { Route, RouteMatch, RouteRule, RoutingTable, TagMatch } from './RoutingTable.js';

/** A condition's verdict and, when it failed, why (shown by `trustwatch explain --routes`). */
export interface MatchResult {
  readonly matches: boolean;
  readonly explains: string;
}

const anyGlob = (patterns: readonly string[], values: readonly (string | undefined)[]) =>
  values.some((v) => v !== undefined && patterns.some((p) => globMatch(p, v)));

function tagsMatch(want: TagMatch, have: ReadonlyMap<string, string> | undefined): boolean {
  if (have === undefined) return false;
  return Object.entries(want).every(([key, globs]) => {
    const v = have.get(key);
    return v !== undefined && globs.some((g) => globMatch(g, v));
  });
}

type Check = (m: RouteMatch, f: RouteFacts) => boolean | undefined;

/** One entry per condition: `undefined` when the rule does not set it. */
const CHECKS: Readonly<Record<keyof RouteMatch, Check>> = {
  callerAccount: (m, f) => m.callerAccount && anyGlob(m.callerAccount, [f.callerAccount]),
  roleAccount: (m, f) => m.roleAccount && anyGlob(m.roleAccount, [f.roleAccount]),
  account: (m, f) => m.account && anyGlob(m.account, [f.callerAccount, f.roleAccount]),
  callerOu: (m, f) => m.callerOu && anyGlob(m.callerOu, f.callerOuPaths ?? []),
  roleOu: (m, f) => m.roleOu && anyGlob(m.roleOu, f.roleOuPaths ?? []),
  ou: (m, f) => m.ou && anyGlob(m.ou, [...(f.callerOuPaths ?? []), ...(f.roleOuPaths ?? [])]),
  roleTags: (m, f) => m.roleTags && tagsMatch(m.roleTags, f.roleTags),
  callerTags: (m, f) => m.callerTags && tagsMatch(m.callerTags, f.callerTags),
  roleAccountTags: (m, f) => m.roleAccountTags && tagsMatch(m.roleAccountTags, f.roleAccountTags),
  callerAccountTags: (m, f) =>
    m.callerAccountTags && tagsMatch(m.callerAccountTags, f.callerAccountTags),
  cause: (m, f) =>
    m.cause && f.cause !== undefined && (m.cause as readonly string[]).includes(f.cause),
  severity: (m, f) => m.severity && f.severity !== undefined && m.severity.includes(f.severity),
  role: (m, f) => m.role && anyGlob(m.role, [f.roleArn]),
  caller: (m, f) => m.caller && anyGlob(m.caller, [f.callerPrincipal]),
};

const tagText = (t: ReadonlyMap<string, string> | undefined) =>
  t === undefined
    ? 'unknown'
    : t.size === 0
      ? 'none'
      : [...t].map(([k, v]) => `${k}=${v}`).join(', ');

/** What the alert had for a condition, for the explanation of a miss. */
const FACT_TEXT: Readonly<Record<keyof RouteMatch, (f: RouteFacts) => string>> = {
  callerAccount: (f) => f.callerAccount ?? 'unknown',
  roleAccount: (f) => f.roleAccount ?? 'unknown',
  account: (f) => `${f.callerAccount ?? 'unknown'} and ${f.roleAccount ?? 'unknown'}`,
  callerOu: (f) => f.callerOuPaths?.[0] ?? 'unknown',
  roleOu: (f) => f.roleOuPaths?.[0] ?? 'unknown',
  ou: (f) => `${f.callerOuPaths?.[0] ?? 'unknown'} and ${f.roleOuPaths?.[0] ?? 'unknown'}`,
  roleTags: (f) => tagText(f.roleTags),
  callerTags: (f) => tagText(f.callerTags),
  roleAccountTags: (f) => tagText(f.roleAccountTags),
  callerAccountTags: (f) => tagText(f.callerAccountTags),
  cause: (f) => f.cause ?? 'none',
  severity: (f) => f.severity ?? 'unknown',
  role: (f) => f.roleArn ?? 'unknown',
  caller: (f) => f.callerPrincipal ?? 'unknown',
};

/** Whether a rule matches; `explains` names the first condition that did not, and what the alert had. */
export function matchRule(rule: RouteRule, facts: RouteFacts): MatchResult {
  for (const [field, check] of Object.entries(CHECKS) as [keyof RouteMatch, Check][]) {
    if (rule.match[field] === undefined) continue;
    if (check(rule.match, facts) !== true) {
      return {
        matches: false,
        explains: `\`${rule.name}\`: ${field} is ${FACT_TEXT[field](facts)}`,
      };
    }
  }
  return { matches: true, explains: `\`${rule.name}\` matches` };
}

/**
 * Routes one alert (pure): the first matching rule's destinations (or the
 * default), then every matching `also` entry's, each destination once.
 */
export function routeAlert(table: RoutingTable, facts: RouteFacts): Route {
  const first = table.rules.find((r) => matchRule(r, facts).matches);
  const also = table.also.filter((r) => matchRule(r, facts).matches);
  const destinations = new Set(first?.to ?? table.default);
  for (const a of also) for (const d of a.to) destinations.add(d);
  return {
    destinations: [...destinations],
    rule: first?.name ?? null,
    also: also.map((a) => a.name),
  };
}

/** The state reads a table's conditions need. */
export function factNeeds(table: RoutingTable): FactNeeds {
  const all = [...table.rules, ...table.also].map((r) => r.match);
  const uses = (...fields: (keyof RouteMatch)[]) =>
    all.some((m) => fields.some((f) => m[f] !== undefined));
  return {
    callerOu: uses('callerOu', 'ou'),
    roleOu: uses('roleOu', 'ou'),
    roleTags: uses('roleTags'),
    callerTags: uses('callerTags'),
    roleAccountTags: uses('roleAccountTags'),
    callerAccountTags: uses('callerAccountTags'),
  };
}
