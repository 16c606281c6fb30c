import type { DigestSink } from '../../audit/digest/DigestSink.js';
import { DeliveryError, SinkDisabledError } from '../../errors/TrustwatchError.js';
import type { StoredFinding } from '../../findings/AuditRun.js';
import type { AuditDigest } from '../../findings/buildDigest.js';
import { SEVERITIES, type Severity } from '../../findings/findingCodes.js';
import {
  digestMessage,
  digestSubject,
  renderDigestSlack,
} from '../../render/audit/renderDigest.js';
import type { Destination, Route, RoutingTable } from '../../routing/RoutingTable.js';
import { readOwnershipFacts } from '../../routing/readOwnershipFacts.js';
import { factNeeds, routeAlert } from '../../routing/routeAlert.js';
import type { IamStateSource } from '../../state/IamStateSource.js';
import type { DestinationMessage, PublishProgress } from './destinationPublisher.js';

/**
 * Routes by the role's side only: an audit finding has a role, its account,
 * the account's OU path and the tags of both, but no caller and no cause, so
 * rules on those never match it. An account that could not be audited, and
 * a blind spot, are routed by their account.
 */
async function routeOf(
  table: RoutingTable,
  source: IamStateSource,
  accountId: string,
  severity: Severity,
  roleArn?: string,
): Promise<Route> {
  const sides = { roleAccount: accountId, ...(roleArn === undefined ? {} : { roleArn }) };
  const needs = {
    ...factNeeds(table),
    callerOu: false,
    callerTags: false,
    callerAccountTags: false,
  };
  const ownership = await readOwnershipFacts(source, needs, sides);
  return routeAlert(table, { ...sides, severity, ...ownership });
}

/**
 * Splits a run's digest by the routing table: each destination gets the new,
 * resolved and still-open findings of the roles routed to it, the accounts
 * and blind spots routed to it, and its own open-by-severity counts. A
 * destination with nothing at all is left out (a quiet day stays quiet).
 */
export async function splitDigest(
  table: RoutingTable,
  digest: AuditDigest,
  source: IamStateSource,
): Promise<Map<string, AuditDigest>> {
  const memo = new Map<string, Promise<Route>>();
  const route = (accountId: string, severity: Severity, roleArn?: string) => {
    const key = `${accountId}|${severity}|${roleArn ?? ''}`;
    let r = memo.get(key);
    if (r === undefined) {
      r = routeOf(table, source, accountId, severity, roleArn);
      memo.set(key, r);
    }
    return r;
  };
  const names = [...table.destinations.keys()];
  const lists = new Map(
    names.map((n) => [
      n,
      {
        new: [] as StoredFinding[],
        resolved: [] as StoredFinding[],
        stillOpen: [] as StoredFinding[],
        failed: [] as AuditDigest['accountsFailed'][number][],
        blind: [] as AuditDigest['blindSpots'][number][],
      },
    ]),
  );
  const add = async <K extends 'new' | 'resolved' | 'stillOpen'>(key: K, f: StoredFinding) => {
    for (const d of (await route(f.accountId, f.severity, f.roleArn)).destinations)
      lists.get(d)?.[key].push(f);
  };
  for (const f of digest.new) await add('new', f);
  for (const f of digest.resolved) await add('resolved', f);
  for (const f of digest.stillOpen) await add('stillOpen', f);
  for (const a of digest.accountsFailed)
    for (const d of (await route(a.accountId, 'high')).destinations) lists.get(d)?.failed.push(a);
  for (const b of digest.blindSpots)
    for (const d of (await route(b.accountId, b.severity)).destinations)
      lists.get(d)?.blind.push(b);

  const out = new Map<string, AuditDigest>();
  for (const [name, l] of lists) {
    if (
      l.new.length + l.resolved.length + l.stillOpen.length + l.failed.length + l.blind.length ===
      0
    )
      continue;
    const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<
      Severity,
      number
    >;
    for (const f of [...l.new, ...l.stillOpen]) openBySeverity[f.severity]++;
    out.set(name, {
      ...digest,
      new: l.new,
      resolved: l.resolved,
      stillOpen: l.stillOpen,
      accountsFailed: l.failed,
      blindSpots: l.blind,
      openBySeverity,
    });
  }
  return out;
}

/** A team's digest as a destination message (Slack blocks, SNS JSON with the destination named). */
export function teamDigestMessage(destination: string, d: AuditDigest): DestinationMessage {
  const slack = renderDigestSlack(d);
  return {
    slack: {
      text: `${slack.text} (for ${destination})`,
      blocks: slack.blocks as Record<string, unknown>[],
    },
    subject: digestSubject(d),
    json: digestMessage(d),
    kind: 'audit-digest',
  };
}

/**
 * The digest sink of a routed deployment: one digest per destination (its
 * Slack webhook or channel, and SNS with the `destination` attribute). Each
 * destination's Slack and SNS parts are recorded in the run as they are
 * accepted (`routes:<destination>:slack`, `…:sns`), so a retry re-sends only
 * what failed. A failure of one destination does not stop the others; the
 * sink then throws naming them: {@link DeliveryError} (the worker's message
 * is retried), or {@link SinkDisabledError} when every failure is a revoked
 * webhook (the `SinkDisabled` alarm; no retry storm).
 */
export function routedDigestSink(
  table: RoutingTable,
  source: () => Promise<IamStateSource>,
  publish: (
    destination: Destination,
    message: DestinationMessage,
    progress?: PublishProgress,
  ) => Promise<void>,
): DigestSink {
  return {
    name: 'routes',
    async deliver(digest, progress) {
      const split = await splitDigest(table, digest, await source());
      const failures: string[] = [];
      const disabled: string[] = [];
      for (const [name, d] of split) {
        const destination = table.destinations.get(name);
        if (destination === undefined) continue;
        try {
          await publish(
            destination,
            teamDigestMessage(name, d),
            progress && {
              delivered: (part) => progress.delivered(`${name}:${part}`),
              mark: (part) => progress.mark(`${name}:${part}`),
            },
          );
        } catch (err) {
          (err instanceof SinkDisabledError ? disabled : failures).push(
            `${name}: ${(err as Error).message}`,
          );
        }
      }
      const lines = [...failures, ...disabled].join('; ');
      if (failures.length > 0) throw new DeliveryError(`team digests not delivered (${lines})`);
      if (disabled.length > 0) throw new SinkDisabledError(`team digests not delivered (${lines})`);
    },
  };
}
