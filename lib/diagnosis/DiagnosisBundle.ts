import type {
  OidcProviderState,
  OrgPathInfo,
  OrgState,
  PrincipalPolicies,
  Readable,
  RoleState,
  RoleSummary,
  SamlProviderState,
  UserState,
} from '../iam/IamState.js';

/**
 * Everything `diagnose` needs about IAM and Organizations for one event, read
 * ahead by `gatherBundle` so the diagnosis itself is a pure function. A field
 * left `undefined` was not needed for this event; a `Readable` with
 * `ok: false` could not be read.
 */
export interface DiagnosisBundle {
  readonly organization: Readable<OrgState | null>;
  /** Accounts whose IAM state the source can read. */
  readonly readableAccounts: readonly string[];
  readonly callerOrgPath?: Readable<OrgPathInfo | null>;
  readonly roleOrgPath?: Readable<OrgPathInfo | null>;
  /** The target role as named by the event (`null`: no such role). */
  readonly role?: Readable<RoleState | null>;
  /** The role a session caller comes from (tags, unique id). */
  readonly callerRole?: Readable<RoleState | null>;
  /** An IAM user caller. */
  readonly callerUser?: Readable<UserState | null>;
  /** Identity policies and boundary of the caller's role or user. */
  readonly callerPolicies?: Readable<PrincipalPolicies>;
  /**
   * Web identity / SAML naming no role: the roles of the account whose trust
   * policies name the provider (from the source's provider index).
   */
  readonly rolesByAccount?: Readonly<Record<string, Readable<readonly RoleState[]>>>;
  /**
   * Role not found, or its account outside what the source reads: roles the
   * caller may have meant (from the source's name index; ranked by
   * `suggestRoles`).
   */
  readonly roleCandidates?: readonly RoleSummary[];
  readonly oidcProviders?: Readable<readonly OidcProviderState[]>;
  readonly samlProviders?: Readable<readonly SamlProviderState[]>;
  /**
   * Of the unique ids (`AROA…`, `AIDA…`) the target's trust policy names, those
   * that belong to a principal today, plus the caller's own: read only when a
   * trust policy names a unique id (stale-id detection). When the lookup
   * could not be made, every named id counts as known (no stale claim) and
   * `gaps` says so.
   */
  readonly knownUniqueIds?: ReadonlySet<string>;
  /** What could not be read beyond the fields above (budget spent, no role index). */
  readonly gaps?: readonly BundleGap[];
}

/** Something the diagnosis would have read and could not: reported as INSUFFICIENT_DATA. */
export interface BundleGap {
  readonly unreadable: string;
  readonly reason: string;
  readonly accountId?: string;
  readonly summary: string;
  /** `false`: only suggestions are missing (reported as a possibility, after the causes). */
  readonly blocksDiagnosis: boolean;
}
