import { callerPrincipal, firstCause } from '../../dedup/fingerprint.js';
import type { Diagnosis } from '../../diagnosis/Diagnosis.js';
import type { RouteFacts } from '../../routing/RouteFacts.js';
import { ENUMERATION_CAUSE, type Route, type RoutingTable } from '../../routing/RoutingTable.js';
import { readOwnershipFacts } from '../../routing/readOwnershipFacts.js';
import { factNeeds, routeAlert } from '../../routing/routeAlert.js';
import type { IamStateSource } from '../../state/IamStateSource.js';
import type { Alert } from '../Alert.js';
import { alertSeverity } from '../severity.js';

/** Where an alert goes. Memoized per alert object: every destination sink of one delivery asks. */
export type AlertRouter = (alert: Alert) => Promise<Route>;

/** The routing facts of an alert: the diagnosis's sides, its headline cause and severity, and the state the table needs. */
export async function alertRouteFacts(
  table: RoutingTable,
  alert: Alert,
  source: () => Promise<IamStateSource>,
): Promise<RouteFacts> {
  const d: Diagnosis = alert.diagnosis;
  const caller = callerPrincipal(d);
  const sides = {
    ...(d.caller.accountId === undefined ? {} : { callerAccount: d.caller.accountId }),
    ...(caller.startsWith('arn:') ? { callerPrincipal: caller } : {}),
    ...(d.target.accountId === undefined ? {} : { roleAccount: d.target.accountId }),
    ...(d.target.roleArn === undefined ? {} : { roleArn: d.target.roleArn }),
  };
  const needs = factNeeds(table);
  const ownership = Object.values(needs).some(Boolean)
    ? await readOwnershipFacts(await source(), needs, sides)
    : {};
  return {
    ...sides,
    callerPrincipal: caller,
    cause: alert.kind === 'security' ? ENUMERATION_CAUSE : firstCause(d),
    severity: alertSeverity(alert),
    ...ownership,
  };
}

/**
 * The router of a deployment: facts from the state source the diagnosis
 * reads (only when a rule needs OU paths or tags), then the table.
 */
export function createAlertRouter(
  table: RoutingTable,
  source: () => Promise<IamStateSource>,
): AlertRouter {
  const memo = new WeakMap<Alert, Promise<Route>>();
  return (alert) => {
    let route = memo.get(alert);
    if (route === undefined) {
      route = alertRouteFacts(table, alert, source).then((facts) => routeAlert(table, facts));
      memo.set(alert, route);
    }
    return route;
  };
}
