import type { CauseCode } from '../diagnosis/causeCodes.js';

/** The alert severities routing matches on (`lib/alerts/severity.ts`, `lib/findings/findingCodes.ts`). */
export const ROUTE_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type RouteSeverity = (typeof ROUTE_SEVERITIES)[number];

/** The cause a security alert (role enumeration) is routed by. */
export const ENUMERATION_CAUSE = 'ROLE_ENUMERATION';
export type RouteCause = CauseCode | typeof ENUMERATION_CAUSE;

/**
 * The only names a routing file's secrets may have: the function roles grant
 * `ssm:GetParameter` on `parameter/trustwatch/slack/*` and
 * `secretsmanager:GetSecretValue` on `secret:trustwatch/slack/*`
 * (lib/deploy/function-roles.yml), nothing else under `/trustwatch/`.
 */
export const ROUTED_SECRET_PREFIXES = {
  ssm: '/trustwatch/slack/',
  secretsmanager: 'trustwatch/slack/',
} as const;

/** Where a secret string is kept: an SSM SecureString or a Secrets Manager secret. Never the value. */
export type SecretRef =
  | { readonly kind: 'ssm'; readonly name: string }
  | { readonly kind: 'secretsmanager'; readonly id: string };

/**
 * How a destination reaches people. `webhook`: a Slack incoming webhook
 * (count-and-summarise). `channel`: a channel id the Slack app posts to with
 * `chat.postMessage` (threads: repeats update the first message). `sns`: no
 * Slack at all; subscribers of the topic filter on the `destination` attribute.
 */
export type DestinationTarget =
  | { readonly kind: 'webhook'; readonly webhook: SecretRef }
  | { readonly kind: 'channel'; readonly channel: string }
  | { readonly kind: 'sns' };

export interface Destination {
  readonly name: string;
  readonly target: DestinationTarget;
}

/** Tag conditions: every key must be present with a value matching one of its globs. */
export type TagMatch = Readonly<Record<string, readonly string[]>>;

/**
 * The conditions of a rule. Every field given must match (AND); within a
 * field any value matches (OR). Globs: `*` any run of characters, `?` one.
 */
export interface RouteMatch {
  readonly callerAccount?: readonly string[];
  readonly roleAccount?: readonly string[];
  /** Either side's account. */
  readonly account?: readonly string[];
  /** Globs on the caller account's OU path (`/Root/Workloads/Payments/` or `o-…/r-…/ou-…/`). */
  readonly callerOu?: readonly string[];
  readonly roleOu?: readonly string[];
  /** Either side's OU path. */
  readonly ou?: readonly string[];
  /** Tags of the target role. */
  readonly roleTags?: TagMatch;
  /** Tags of the calling role or user. */
  readonly callerTags?: TagMatch;
  readonly roleAccountTags?: TagMatch;
  readonly callerAccountTags?: TagMatch;
  /** The headline (first) cause; `ROLE_ENUMERATION` for security alerts. */
  readonly cause?: readonly RouteCause[];
  readonly severity?: readonly RouteSeverity[];
  /** Globs on the target role ARN. */
  readonly role?: readonly string[];
  /** Globs on the caller principal (the role ARN for sessions). */
  readonly caller?: readonly string[];
}

export interface RouteRule {
  readonly name: string;
  readonly match: RouteMatch;
  readonly to: readonly string[];
}

/**
 * A validated routing file. `rules`: first match wins. `also`: every
 * matching entry adds its destinations (security sees every enumeration
 * alert whoever owns the role). `default`: where an alert no rule matched goes.
 */
export interface RoutingTable {
  readonly destinations: ReadonlyMap<string, Destination>;
  readonly rules: readonly RouteRule[];
  readonly also: readonly RouteRule[];
  readonly default: readonly string[];
  /** The Slack app's bot token (`xoxb-…`), needed by `channel` destinations. */
  readonly slackBotToken?: SecretRef;
}

/** Where one alert goes, and why. */
export interface Route {
  /** Destination names, each once, primary ones first. */
  readonly destinations: readonly string[];
  /** The first rule that matched; `null`: the default. */
  readonly rule: string | null;
  /** The `also` entries that matched. */
  readonly also: readonly string[];
}
