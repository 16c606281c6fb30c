import type { RouteSeverity } from './RoutingTable.js';

/**
 * What routing knows about one alert (or audit finding): who called, whose
 * role, where both sit in the organization and how they are tagged. A fact
 * that could not be read is `undefined`: a rule conditioned on it does not
 * match (the alert falls through to later rules or the default), it never
 * guesses.
 */
export interface RouteFacts {
  /** The headline cause code, `ROLE_ENUMERATION` for security alerts; none for audit findings. */
  readonly cause?: string;
  /** Unknown for weekly denial counts (no diagnosis kept): severity conditions then do not match. */
  readonly severity?: RouteSeverity;
  readonly callerAccount?: string;
  readonly roleAccount?: string;
  /** Stable caller principal (the role ARN for sessions). */
  readonly callerPrincipal?: string;
  readonly roleArn?: string;
  /** `/Root/Workloads/Payments/` and `o-…/r-…/ou-…/` forms of the caller account's OU path. */
  readonly callerOuPaths?: readonly string[];
  readonly roleOuPaths?: readonly string[];
  readonly roleTags?: ReadonlyMap<string, string>;
  readonly callerTags?: ReadonlyMap<string, string>;
  readonly roleAccountTags?: ReadonlyMap<string, string>;
  readonly callerAccountTags?: ReadonlyMap<string, string>;
}

/** Which state reads a routing table needs (a table without tag rules reads no tags). */
export interface FactNeeds {
  readonly callerOu: boolean;
  readonly roleOu: boolean;
  readonly roleTags: boolean;
  readonly callerTags: boolean;
  readonly roleAccountTags: boolean;
  readonly callerAccountTags: boolean;
}
