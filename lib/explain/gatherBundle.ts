import { callerIamArn } from '../diagnosis/callerIamArn.js';
import type { BundleGap, DiagnosisBundle } from '../diagnosis/DiagnosisBundle.js';
import { maxSuggestDistance } from '../diagnosis/suggestions.js';
import { parseIamPrincipalArn, parseRoleArn } from '../iam/parseIamArn.js';
import { isRoleOrUserId } from '../iam/uniqueId.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { PolicyStatement, PrincipalElement } from '../policy/PolicyDocument.js';
import type {
  FederatedQuery,
  IamStateSource,
  OidcProviderState,
  OrgPathInfo,
  OrgState,
  PrincipalPolicies,
  PrincipalRef,
  Readable,
  RoleNameQuery,
  RoleState,
  RoleSummary,
  SamlProviderState,
  UserState,
} from '../state/IamStateSource.js';
import { type InMemoryReads, inMemoryReads } from '../state/InMemoryReads.js';
import type { Draft } from '../validation/Draft.js';

/** The account whose roles a web identity / SAML caller may have meant. */
export function federatedRoleAccount(event: DenialEvent): string | undefined {
  return event.target.accountId ?? event.recordedInAccount;
}

function isFederated(event: DenialEvent): boolean {
  return event.eventName !== 'AssumeRole';
}

/** Unique ids (`AROA…`, `AIDA…`) a trust policy names as principals. */
export function uniqueIdsNamedIn(role: RoleState): readonly string[] {
  let ids: string[] | undefined;
  const statements = role.trustPolicy.statements;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i] as PolicyStatement;
    ids = addUniqueIds(ids, s.principal);
    ids = addUniqueIds(ids, s.notPrincipal);
  }
  return ids ?? NO_IDS;
}

const NO_IDS: readonly string[] = [];

/** `ids` with the unique ids `el` names added (a list made at the first one). */
function addUniqueIds(
  ids: string[] | undefined,
  el: PrincipalElement | undefined,
): string[] | undefined {
  if (el?.kind !== 'map') return ids;
  const aws = el.AWS;
  let out = ids;
  for (let i = 0; i < aws.length; i++) {
    const v = aws[i] as string;
    // An ARN or account id (the usual entry) is told apart by its first letter, without the regex.
    if (!v.startsWith('A') || !isRoleOrUserId(v)) continue;
    if (out === undefined) out = [v];
    else if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** The `Federated` principals a web identity / SAML denial may have used. */
function federatedQuery(event: DenialEvent, accountId: string): FederatedQuery {
  const web = event.caller.webIdentity;
  if (event.eventName === 'AssumeRoleWithWebIdentity') {
    const principals = [web?.providerArn, web?.provider].filter(
      (p): p is string => p !== undefined,
    );
    // The ARN an IAM OIDC provider for the issuer host has (the token was rejected for lack of it).
    if (web?.provider !== undefined)
      principals.push(`arn:aws:iam::${accountId}:oidc-provider/${web.provider}`);
    return { principals };
  }
  const saml = event.caller.saml?.providerArn;
  return saml === undefined ? { principals: [], anySaml: true } : { principals: [saml] };
}

/** A role or user named by account and name. */
interface NamedPrincipal {
  readonly accountId: string;
  readonly name: string;
}

/** The target role as the event names it: account, name and path of its ARN. */
interface NamedRole {
  readonly accountId: string;
  readonly roleName: string;
  readonly rolePath: string;
}

/**
 * The reads an event names, worked out from the event alone: each is the
 * argument of one state source read, `undefined` when the event does not
 * call for that read.
 */
interface NamedPlan {
  /** The target role's account, or the account a web identity / SAML denial naming no role meant. */
  readonly roleAccount: string | undefined;
  readonly role: NamedRole | undefined;
  readonly callerOrgPath: string | undefined;
  /** Only when it is not the caller's account. */
  readonly roleOrgPath: string | undefined;
  /** The role of a session caller. */
  readonly callerRole: NamedPrincipal | undefined;
  readonly callerUser: NamedPrincipal | undefined;
  /** The caller's IAM ARN (role ARN for sessions). */
  readonly callerPolicies: string | undefined;
  readonly oidcProviders: string | undefined;
  readonly samlProviders: string | undefined;
}

/**
 * The target role: intake sets the target's account, name and path from its
 * ARN taken apart (`roleTarget`), so the ARN is parsed here only for an
 * event built without them.
 */
function namedRole(target: DenialEvent['target']): NamedRole | undefined {
  const roleArn = target.roleArn;
  if (roleArn === undefined) return undefined;
  if (hasRoleParts(target)) return target;
  const parts = parseRoleArn(roleArn);
  return parts === undefined
    ? undefined
    : { accountId: parts.accountId, roleName: parts.name, rolePath: parts.path };
}

function hasRoleParts(target: DenialEvent['target']): target is DenialEvent['target'] & NamedRole {
  return (
    target.accountId !== undefined && target.roleName !== undefined && target.rolePath !== undefined
  );
}

function planNamed(event: DenialEvent): NamedPlan {
  const caller = event.caller;
  const role = namedRole(event.target);
  const roleAccount =
    role?.accountId ?? (isFederated(event) ? federatedRoleAccount(event) : undefined);
  const iamArn = callerIamArn(event);
  // The caller's role or user ARN, taken apart once for both reads that name it.
  const iam = iamArn === undefined ? undefined : parseIamPrincipalArn(iamArn);
  return {
    roleAccount,
    role,
    callerOrgPath: caller.accountId || undefined,
    roleOrgPath: roleAccount !== caller.accountId ? roleAccount : undefined,
    callerRole: caller.type === 'AssumedRole' && iam?.resourceType === 'role' ? iam : undefined,
    callerUser: caller.type === 'IAMUser' ? iam : undefined,
    callerPolicies: iamArn || undefined,
    oidcProviders:
      event.eventName === 'AssumeRoleWithWebIdentity' ? roleAccount || undefined : undefined,
    samlProviders: event.eventName === 'AssumeRoleWithSAML' ? roleAccount || undefined : undefined,
  };
}

/**
 * A read's answer as a source gives it: at once from `InMemoryReads`, as a
 * promise from an `IamStateSource`.
 */
type Answer<T, Async extends boolean> = Async extends true ? Promise<T> : T;

/**
 * The answers to a `NamedPlan`, a field only for a read that was asked: once
 * settled, the bundle's named fields (the follow-ups are added to it).
 */
interface NamedReadsOf<A extends boolean> {
  organization: Answer<Readable<OrgState | null>, A>;
  readableAccounts: Answer<readonly string[], A>;
  callerOrgPath?: Answer<Readable<OrgPathInfo | null>, A>;
  roleOrgPath?: Answer<Readable<OrgPathInfo | null>, A>;
  role?: Answer<Readable<RoleState | null>, A>;
  callerRole?: Answer<Readable<RoleState | null>, A>;
  callerUser?: Answer<Readable<UserState | null>, A>;
  callerPolicies?: Answer<Readable<PrincipalPolicies>, A>;
  oidcProviders?: Answer<Readable<readonly OidcProviderState[]>, A>;
  samlProviders?: Answer<Readable<readonly SamlProviderState[]>, A>;
}

type NamedReads = NamedReadsOf<false>;

/** The plan's reads, called on either kind of source (the same method names), in this order. */
function callNamed(p: NamedPlan, s: IamStateSource): NamedReadsOf<true>;
function callNamed(p: NamedPlan, s: InMemoryReads): NamedReadsOf<false>;
function callNamed(p: NamedPlan, s: IamStateSource | InMemoryReads): NamedReadsOf<boolean> {
  const r: NamedReadsOf<boolean> = {
    organization: s.organization(),
    readableAccounts: s.readableAccounts(),
  };
  if (p.callerOrgPath !== undefined) r.callerOrgPath = s.orgPath(p.callerOrgPath);
  if (p.roleOrgPath !== undefined) r.roleOrgPath = s.orgPath(p.roleOrgPath);
  if (p.role !== undefined) r.role = s.role(p.role.accountId, p.role.roleName);
  if (p.callerRole !== undefined) r.callerRole = s.role(p.callerRole.accountId, p.callerRole.name);
  if (p.callerUser !== undefined) r.callerUser = s.user(p.callerUser.accountId, p.callerUser.name);
  if (p.callerPolicies !== undefined) r.callerPolicies = s.principalPolicies(p.callerPolicies);
  if (p.oidcProviders !== undefined) r.oidcProviders = s.oidcProviders(p.oidcProviders);
  if (p.samlProviders !== undefined) r.samlProviders = s.samlProviders(p.samlProviders);
  return r;
}

/** An object of pending reads, once they have all settled (in parallel, fields in order). */
async function settled<T extends object>(reads: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const keys = Object.keys(reads) as (keyof T)[];
  const values = await Promise.all(keys.map((k) => reads[k]));
  const out = {} as { [K in keyof T]: Awaited<T[K]> };
  keys.forEach((k, i) => {
    out[k] = values[i] as Awaited<T[typeof k]>;
  });
  return out;
}

/** The lookups the named reads call for (`undefined`: not called for). */
interface FollowUpPlan {
  /** Role not found, or in an account outside what the source reads: "did you mean". */
  readonly similarRoles: RoleNameQuery | undefined;
  /** Web identity / SAML naming no role: the roles of the account trusting the provider. */
  readonly rolesTrustingFederated:
    | { readonly accountId: string; readonly query: FederatedQuery }
    | undefined;
  /** A trust policy naming unique ids: which of them belong to a principal today. */
  readonly principalsByUniqueId:
    | { readonly ids: readonly string[]; readonly near: readonly string[] }
    | undefined;
}

/** The follow-up lookups the named reads call for; `undefined` when they call for none (the usual case). */
function planFollowUps(
  event: DenialEvent,
  p: NamedPlan,
  named: NamedReads,
): FollowUpPlan | undefined {
  const { role, roleAccount } = p;
  const found = named.role?.ok === true ? named.role.value : undefined;
  const roleMissing =
    found === null ||
    (found !== undefined &&
      role !== undefined &&
      (found.path !== role.rolePath || found.name !== role.roleName));
  const accountUnreadable =
    roleAccount !== undefined && !named.readableAccounts.includes(roleAccount);
  const trustIds = found ? uniqueIdsNamedIn(found) : NO_IDS;
  const similarRoles =
    role !== undefined && (roleMissing || accountUnreadable)
      ? {
          accountId: role.accountId,
          name: role.roleName,
          path: role.rolePath,
          maxDistance: maxSuggestDistance(role.roleName),
        }
      : undefined;
  const rolesTrustingFederated =
    role === undefined && roleAccount !== undefined && isFederated(event)
      ? { accountId: roleAccount, query: federatedQuery(event, roleAccount) }
      : undefined;
  const callerAccount = event.caller.accountId;
  const principalsByUniqueId =
    trustIds.length > 0
      ? {
          ids: trustIds,
          near: [
            ...new Set([callerAccount, roleAccount].filter((a): a is string => a !== undefined)),
          ],
        }
      : undefined;
  if (
    similarRoles === undefined &&
    rolesTrustingFederated === undefined &&
    principalsByUniqueId === undefined
  )
    return undefined;
  return { similarRoles, rolesTrustingFederated, principalsByUniqueId };
}

/** The answers to a `FollowUpPlan` (`undefined`: not asked). */
interface FollowUpReadsOf<A extends boolean> {
  readonly candidates: Answer<Readable<readonly RoleSummary[]>, A> | undefined;
  readonly federated: Answer<Readable<readonly RoleState[]>, A> | undefined;
  readonly principals: Answer<Readable<ReadonlyMap<string, PrincipalRef>>, A> | undefined;
}

type FollowUpReads = FollowUpReadsOf<false>;

/** The follow-up lookups, called on either kind of source. */
function callFollowUps(f: FollowUpPlan, s: IamStateSource): FollowUpReadsOf<true>;
function callFollowUps(f: FollowUpPlan, s: InMemoryReads): FollowUpReadsOf<false>;
function callFollowUps(
  f: FollowUpPlan,
  s: IamStateSource | InMemoryReads,
): FollowUpReadsOf<boolean> {
  const fed = f.rolesTrustingFederated;
  const ids = f.principalsByUniqueId;
  return {
    candidates: f.similarRoles === undefined ? undefined : s.similarRoles(f.similarRoles),
    federated: fed === undefined ? undefined : s.rolesTrustingFederated(fed.accountId, fed.query),
    principals: ids === undefined ? undefined : s.principalsByUniqueId(ids.ids, ids.near),
  };
}

/**
 * The bundle of what was read: the named reads (a field only for a read that
 * was asked) with what the follow-up lookups found added to them.
 */
function assembleBundle(f: FollowUpPlan, named: NamedReads, more: FollowUpReads): DiagnosisBundle {
  const b: Draft<DiagnosisBundle> = named;
  if (more.federated !== undefined && f.rolesTrustingFederated !== undefined)
    b.rolesByAccount = { [f.rolesTrustingFederated.accountId]: more.federated };
  if (more.candidates?.ok === true) b.roleCandidates = more.candidates.value;
  const gaps = bundleGaps(f, more);
  if (gaps.length > 0) b.gaps = gaps;
  if (more.principals !== undefined) b.knownUniqueIds = knownUniqueIds(f, named, more.principals);
  return b;
}

/** What the follow-up lookups could not read. */
function bundleGaps(f: FollowUpPlan, more: FollowUpReads): BundleGap[] {
  const gaps: BundleGap[] = [];
  const { principals, candidates } = more;
  const trustIds = f.principalsByUniqueId?.ids ?? [];
  if (principals !== undefined && !principals.ok) {
    gaps.push({
      unreadable: 'unique ids',
      reason: principals.reason,
      summary: `Whether ${trustIds.map((id) => `\`${id}\``).join(', ')} in the trust policy belong${trustIds.length === 1 ? 's' : ''} to a deleted principal could not be checked (${principals.reason}).`,
      blocksDiagnosis: true,
    });
  }
  if (candidates !== undefined && !candidates.ok) {
    gaps.push({
      unreadable: 'role names',
      reason: candidates.reason,
      ...(candidates.accountId === undefined ? {} : { accountId: candidates.accountId }),
      summary: `The role names of the organization could not be read for suggestions (${candidates.reason}).`,
      blocksDiagnosis: false,
    });
  }
  return gaps;
}

/**
 * Of the unique ids the trust policy names, those that belong to a principal
 * today (every one when that could not be read), plus the caller's own.
 */
function knownUniqueIds(
  f: FollowUpPlan,
  named: NamedReads,
  principals: Readable<ReadonlyMap<string, PrincipalRef>>,
): Set<string> {
  const known = new Set(principals.ok ? principals.value.keys() : f.principalsByUniqueId?.ids);
  const { callerUser, callerRole } = named;
  if (callerUser?.ok && callerUser.value !== null) known.add(callerUser.value.userId);
  if (callerRole?.ok && callerRole.value !== null) known.add(callerRole.value.roleId);
  return known;
}

/**
 * Reads, from the state source, everything the diagnosis of this event may
 * need: first what the event names, then the lookups those answers call
 * for, each round in parallel. A source holding its state in memory is read
 * synchronously (`inMemoryReads`). Nothing here interprets policies.
 */
export async function gatherBundle(
  event: DenialEvent,
  source: IamStateSource,
): Promise<DiagnosisBundle> {
  const now = inMemoryReads(source);
  if (now !== undefined) return gatherBundleNow(event, now);
  const plan = planNamed(event);
  const named: NamedReads = await settled(callNamed(plan, source));
  const followUps = planFollowUps(event, plan, named);
  if (followUps === undefined) return named;
  const more: FollowUpReads = await settled(callFollowUps(followUps, source));
  return assembleBundle(followUps, named, more);
}

/** `gatherBundle` from a source holding its state in memory: no promise at all. */
export function gatherBundleNow(event: DenialEvent, now: InMemoryReads): DiagnosisBundle {
  const plan = planNamed(event);
  const named = callNamed(plan, now);
  const followUps = planFollowUps(event, plan, named);
  if (followUps === undefined) return named;
  return assembleBundle(followUps, named, callFollowUps(followUps, now));
}
