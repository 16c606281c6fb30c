import { accountIdOfArn } from '../../iam/parseIamArn.js';
import { slackCode } from '../../render/escapeSlack.js';
import type { RoutingTable } from '../../routing/RoutingTable.js';
import { readOwnershipFacts } from '../../routing/readOwnershipFacts.js';
import { factNeeds, routeAlert } from '../../routing/routeAlert.js';
import type { IamStateSource } from '../../state/IamStateSource.js';
import type { DestinationMessage } from './destinationPublisher.js';
import type { WeeklyDenial } from './weeklyDenials.js';

/** How many entries each top list shows. */
export const TOP = 10;

export interface Counted {
  readonly name: string;
  readonly count: number;
}

/** One destination's week. */
export interface DenialDigest {
  readonly destination: string;
  /** ISO week label, e.g. `2026W49`, and its bounds (ISO times). */
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly denials: number;
  readonly roles: number;
  readonly callers: number;
  readonly topCallers: readonly Counted[];
  readonly topRoles: readonly Counted[];
  /** A denial with several causes counts once for each. */
  readonly topCauses: readonly Counted[];
}

function top(counts: Map<string, number>): Counted[] {
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, TOP);
}

const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);

/**
 * Groups a week's denials by destination, routed like their alerts were:
 * caller and role sides, OU paths and tags, and the cause when the summary
 * has exactly one (a rule on causes does not match an ambiguous one). No
 * severity is kept with the counts, so severity rules do not match here.
 * Destinations without denials get no digest.
 */
export async function buildDenialDigests(
  table: RoutingTable,
  denials: readonly WeeklyDenial[],
  source: () => Promise<IamStateSource>,
  week: { readonly label: string; readonly start: number },
): Promise<DenialDigest[]> {
  const needs = factNeeds(table);
  const state = Object.values(needs).some(Boolean) ? await source() : undefined;
  const groups = new Map<string, WeeklyDenial[]>();
  for (const d of denials) {
    const callerAccount = accountIdOfArn(d.callerPrincipal);
    const sides = {
      roleAccount: d.roleAccount,
      roleArn: d.roleArn,
      ...(d.callerPrincipal.startsWith('arn:') ? { callerPrincipal: d.callerPrincipal } : {}),
      ...(callerAccount === undefined ? {} : { callerAccount }),
    };
    const ownership = state === undefined ? {} : await readOwnershipFacts(state, needs, sides);
    const route = routeAlert(table, {
      ...sides,
      callerPrincipal: d.callerPrincipal,
      ...(d.causes.length === 1 ? { cause: d.causes[0] as string } : {}),
      ...ownership,
    });
    for (const name of route.destinations) groups.set(name, [...(groups.get(name) ?? []), d]);
  }
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return [...groups].map(([destination, list]) => {
    const callers = new Map<string, number>();
    const roles = new Map<string, number>();
    const causes = new Map<string, number>();
    for (const d of list) {
      bump(callers, d.callerPrincipal, d.count);
      bump(roles, d.roleArn, d.count);
      for (const c of d.causes) bump(causes, c, d.count);
    }
    return {
      destination,
      week: week.label,
      from: iso(week.start),
      to: iso(week.start + 7 * 86_400),
      denials: list.reduce((n, d) => n + d.count, 0),
      roles: roles.size,
      callers: callers.size,
      topCallers: top(callers),
      topRoles: top(roles),
      topCauses: top(causes),
    };
  });
}

function list(title: string, items: readonly Counted[], more: number): Record<string, unknown> {
  const lines = items.map((i) => `• *${i.count}* ${slackCode(i.name)}`);
  if (more > items.length) lines.push(`…and ${more - items.length} more`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: `*${title}*\n${lines.join('\n')}`.slice(0, 2900) },
  };
}

/** The digest as a destination message: Slack blocks and the SNS JSON. */
export function denialDigestMessage(d: DenialDigest): DestinationMessage {
  const headline = `trustwatch weekly denials ${d.week} for ${d.destination}: ${d.denials} denial(s) of ${d.roles} role(s) by ${d.callers} caller(s)`;
  return {
    slack: {
      text: headline,
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: `trustwatch weekly denials, ${d.week}`, emoji: false },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: `${slackCode(d.destination)}: ${d.denials} denial(s) of ${d.roles} role(s) by ${d.callers} caller(s), ${slackCode(d.from)} to ${slackCode(d.to)}`,
            },
          ],
        },
        list('Top callers', d.topCallers, d.callers),
        list('Top roles', d.topRoles, d.roles),
        list('Top causes', d.topCauses, d.topCauses.length),
      ],
    },
    subject: headline.replace(/[^\x20-\x7e]/g, '').slice(0, 99),
    json: JSON.stringify({ kind: 'trustwatch.denial.digest', ...d }),
    kind: 'denial-digest',
  };
}
