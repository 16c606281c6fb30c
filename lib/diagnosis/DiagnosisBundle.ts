import type {
  OidcProviderState,
  OrgPathInfo,
  OrgState,
  PrincipalPolicies,
  Readable,
  RoleState,
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
   * Roles per account read for suggestions (role not found, account outside
   * the organization) and for web identity / SAML matching.
   */
  readonly rolesByAccount?: Readonly<Record<string, Readable<readonly RoleState[]>>>;
  readonly oidcProviders?: Readable<readonly OidcProviderState[]>;
  readonly samlProviders?: Readable<readonly SamlProviderState[]>;
  /**
   * Unique ids (`AROA…`, `AIDA…`) of every principal in the readable accounts,
   * read only when a trust policy names a unique id (stale-id detection).
   */
  readonly knownUniqueIds?: ReadonlySet<string>;
}
