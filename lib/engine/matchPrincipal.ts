import type { PrincipalElement } from '../policy/PolicyDocument.js';
import { BoundedCache } from '../validation/BoundedCache.js';
import { splitArn } from './matchArn.js';
import type { RequestPrincipal, Tri } from './RequestContext.js';
import { globFromRaw, globMatch } from './wildcard.js';

/**
 * How a `Principal` element matched: which entry named the caller decides
 * what else the caller needs (see `TrustGrant` in AssumeRoleEvaluation.ts).
 * - `principal`: the caller's user ARN, session ARN, federated-user ARN or user unique id.
 * - `role`: the caller's role ARN or role unique id (every session of that role).
 * - `account`: the caller's account (`111122223333` or `arn:aws:iam::111122223333:root`).
 * - `federated`: the caller's OIDC/SAML provider.
 * - `service`: the caller's AWS service principal.
 * - `any`: `"*"` or `{"AWS": "*"}`.
 */
export type PrincipalGrant =
  | 'principal'
  | 'role'
  | 'account'
  | 'federated'
  | 'service'
  | 'any'
  | 'none';

export interface PrincipalMatch {
  readonly result: Tri;
  readonly grant: PrincipalGrant;
}

/** Strongest first: a statement naming both the account and the role grants `role`. */
const GRANT_ORDER: readonly PrincipalGrant[] = [
  'principal',
  'role',
  'any',
  'federated',
  'service',
  'account',
];

/** Principal kinds that are AWS identities of an account (what an `AWS` entry can name). */
const AWS_KINDS = new Set<RequestPrincipal['kind']>([
  'IAMUser',
  'AssumedRole',
  'Role',
  'Root',
  'FederatedUser',
]);

/**
 * Matches a `Principal` element against the caller (IAM UG, "AWS JSON policy
 * elements: Principal"):
 * - `"*"` and `{"AWS": "*"}` are equivalent and name everyone (including
 *   anonymous and federated callers).
 * - an account id or `arn:<partition>:iam::<acct>:root` names every principal of that account.
 * - a user or role ARN must match exactly, path included, case-sensitively; a
 *   role ARN names every session of that role.
 * - `arn:…:sts::<acct>:assumed-role/<role>/<session>` names that session;
 *   `arn:…:sts::<acct>:federated-user/<name>` that federated user.
 * - a unique id (`AIDA…`, `AROA…`), which IAM shows once the named principal
 *   was deleted, names only the principal with that id.
 * - a partial wildcard in an `AWS` entry is not supported and matches nothing.
 * - `Service` names a service principal (compared case-insensitively);
 *   `Federated` an OIDC/SAML provider ARN or a web identity provider name.
 * - `CanonicalUser` names S3 canonical users and never an STS caller.
 *
 * `unknown` only when the caller is a role session whose role path is not
 * known and an entry names a role of the same account and name.
 *
 * The entries are classified on each call (each entry's text once, from a
 * bounded cache); `evaluatePolicy` keeps the classified element of a parsed
 * document's statement with its compiled statement.
 */
export function matchPrincipalElement(el: PrincipalElement, p: RequestPrincipal): PrincipalMatch {
  return matchCompiledPrincipal(compilePrincipalElement(el), p);
}

/** A `Principal` element with its entries classified (see {@link compilePrincipalElement}). */
export type CompiledPrincipal = CompiledElement | 'any';

/**
 * Classifies the element's entries. (`evaluatePolicy` keeps the result with
 * the compiled statement of a parsed document: see `compiledPrincipalOf`.)
 */
export function compilePrincipalElement(el: PrincipalElement): CompiledPrincipal {
  if (el.kind === 'any') return 'any';
  // The usual element names one AWS principal: its compiled form is kept with the entry.
  if (el.AWS.length === 1 && el.Service.length === 0 && el.Federated.length === 0) {
    return classifiedAws(el.AWS[0] as string).alone;
  }
  // Most elements list one principal type: the others share one empty list.
  return {
    aws: el.AWS.length === 0 ? NONE : el.AWS.map(classifyAwsEntry),
    services: el.Service.length === 0 ? NONE : el.Service.map((e) => e.toLowerCase()),
    federated:
      el.Federated.length === 0
        ? NONE
        : el.Federated.map((entry) => ({
            entry,
            // Provider names such as `cognito-identity.amazonaws.com` are host names: case-insensitive.
            lower: entry.startsWith('arn:') ? undefined : entry.toLowerCase(),
          })),
  };
}

/** {@link matchPrincipalElement} for a compiled element. */
export function matchCompiledPrincipal(el: CompiledPrincipal, p: RequestPrincipal): PrincipalMatch {
  if (el === 'any') return ANY;
  // Strongest grant among the entries that name the caller; else the first `unknown`.
  let best: PrincipalMatch | undefined;
  let bestRank = GRANT_ORDER.length;
  let maybe: PrincipalMatch | undefined;
  for (let i = 0; i < el.aws.length; i++) {
    const m = matchAws(el.aws[i] as AwsEntry, p);
    if (m.result === 'yes') {
      const rank = GRANT_RANK.get(m.grant) ?? GRANT_ORDER.length;
      if (rank < bestRank) {
        best = m;
        bestRank = rank;
      }
    } else if (m.result === 'unknown') maybe ??= m;
  }
  if (p.kind === 'Service' && p.service !== undefined && el.services.length > 0) {
    const service = p.service.toLowerCase();
    if (el.services.includes(service) && SERVICE_RANK < bestRank) {
      best = YES.service;
      bestRank = SERVICE_RANK;
    }
  }
  const provider = p.federatedProvider;
  if ((p.kind === 'WebIdentity' || p.kind === 'SAML') && provider !== undefined) {
    let lowerProvider: string | undefined;
    for (const f of el.federated) {
      let yes = f.entry === provider;
      if (!yes && f.lower !== undefined) {
        lowerProvider ??= provider.toLowerCase();
        yes = f.lower === lowerProvider;
      }
      if (yes && FEDERATED_RANK < bestRank) {
        best = YES.federated;
        bestRank = FEDERATED_RANK;
      }
    }
  }
  return best ?? maybe ?? NO;
}

const NO: PrincipalMatch = { result: 'no', grant: 'none' };
const ANY: PrincipalMatch = { result: 'yes', grant: 'any' };
const MAYBE_ROLE: PrincipalMatch = { result: 'unknown', grant: 'role' };
const YES: Readonly<Record<Exclude<PrincipalGrant, 'none'>, PrincipalMatch>> = {
  principal: { result: 'yes', grant: 'principal' },
  role: { result: 'yes', grant: 'role' },
  account: { result: 'yes', grant: 'account' },
  federated: { result: 'yes', grant: 'federated' },
  service: { result: 'yes', grant: 'service' },
  any: ANY,
};

/** Rank of each grant in `GRANT_ORDER` (lower is stronger). */
const GRANT_RANK = new Map<PrincipalGrant, number>(GRANT_ORDER.map((g, i) => [g, i]));
const SERVICE_RANK = GRANT_ORDER.indexOf('service');
const FEDERATED_RANK = GRANT_ORDER.indexOf('federated');

/** What one `AWS` entry names, worked out once from its text. */
type AwsEntry =
  | { readonly t: 'any' }
  | { readonly t: 'none' }
  | { readonly t: 'account'; readonly account: string }
  | { readonly t: 'unique-id'; readonly id: string; readonly grant: 'role' | 'principal' }
  | { readonly t: 'user' | 'session' | 'federated-user'; readonly arn: string }
  | { readonly t: 'role'; readonly arn: string; readonly account: string; readonly name: string };

export interface CompiledElement {
  readonly aws: readonly AwsEntry[];
  /** `Service` entries, lower-cased. */
  readonly services: readonly string[];
  readonly federated: readonly { readonly entry: string; readonly lower: string | undefined }[];
}

const ENTRY_ANY: AwsEntry = { t: 'any' };
const ENTRY_NONE: AwsEntry = { t: 'none' };

const NONE: readonly never[] = [];

/** An `AWS` entry classified, and the compiled element that lists only it. */
interface ClassifiedEntry {
  readonly entry: AwsEntry;
  readonly alone: CompiledElement;
}

/** Upper bound on the entries `classified` keeps; the cache is emptied when full. */
export const CLASSIFIED_LIMIT = 4096;

/**
 * Classified `AWS` entries by text, bounded by {@link CLASSIFIED_LIMIT}: the
 * same ARNs recur across documents (a CI role trusted by every deploy role,
 * the account root) and in the fixes that add them. Each entry is a pure
 * function of its text and is never changed.
 */
const classified = new BoundedCache<string, ClassifiedEntry>(CLASSIFIED_LIMIT);

function classifiedAws(text: string): ClassifiedEntry {
  return classified.get(text, classifyEntry);
}

function classifyEntry(text: string): ClassifiedEntry {
  const entry = classify(text);
  return { entry, alone: { aws: [entry], services: NONE, federated: NONE } };
}

function classifyAwsEntry(text: string): AwsEntry {
  return classifiedAws(text).entry;
}

function classify(entry: string): AwsEntry {
  if (entry === '*') return ENTRY_ANY;
  // IAM does not support partial wildcards in principal ARNs.
  if (entry.includes('*') || entry.includes('?')) return ENTRY_NONE;
  // An ARN is neither an account id nor a unique id: no need to try those patterns.
  if (!entry.startsWith('arn:')) {
    if (/^\d{12}$/.test(entry)) return { t: 'account', account: entry };
    if (isUniqueId(entry)) {
      return { t: 'unique-id', id: entry, grant: entry.startsWith('AROA') ? 'role' : 'principal' };
    }
  }
  const parts = splitArn(entry);
  if (parts === undefined) return ENTRY_NONE;
  // Indexed, not destructured: array destructuring runs the iterator protocol while interpreted.
  const service = parts[2];
  const entryAccount = parts[4];
  const resource = parts[5];
  if (service === 'iam' && resource === 'root') return { t: 'account', account: entryAccount };
  if (service === 'iam' && resource.startsWith('user/')) return { t: 'user', arn: entry };
  if (service === 'iam' && resource.startsWith('role/')) {
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    return { t: 'role', arn: entry, account: entryAccount, name };
  }
  if (service === 'sts' && resource.startsWith('assumed-role/'))
    return { t: 'session', arn: entry };
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return { t: 'federated-user', arn: entry };
  }
  return ENTRY_NONE;
}

/**
 * One `AWS` entry against the caller. The caller's account and session ARN
 * are derived only for the entries that need them (an account entry of a
 * caller without `accountId`, a role entry of a session whose role path is
 * not known), so that a match allocates nothing in the usual case.
 */
function matchAws(entry: AwsEntry, p: RequestPrincipal): PrincipalMatch {
  switch (entry.t) {
    case 'any':
      return ANY;
    case 'none':
      return NO;
    case 'account':
      return AWS_KINDS.has(p.kind) && principalAccount(p) === entry.account ? YES.account : NO;
    case 'unique-id':
      return p.uniqueId !== undefined && p.uniqueId === entry.id ? YES[entry.grant] : NO;
    case 'user':
      return p.kind === 'IAMUser' && p.arn === entry.arn ? YES.principal : NO;
    case 'session':
      return p.kind === 'AssumedRole' && p.arn === entry.arn ? YES.principal : NO;
    case 'federated-user':
      return p.kind === 'FederatedUser' && p.arn === entry.arn ? YES.principal : NO;
    case 'role': {
      if (p.kind === 'Role') return p.arn === entry.arn ? YES.role : NO;
      if (p.kind !== 'AssumedRole') return NO;
      if (p.roleArn !== undefined) return p.roleArn === entry.arn ? YES.role : NO;
      // Role path unknown: decide on account and role name, the path stays open.
      const session = parseSessionArn(p.arn);
      if (session === undefined) return NO;
      return session.account === entry.account && session.roleName === entry.name ? MAYBE_ROLE : NO;
    }
  }
}

function matchAwsEntry(entry: string, p: RequestPrincipal): PrincipalMatch {
  return matchAws(classifyAwsEntry(entry), p);
}

/** `AIDA…` (user), `AROA…` (role) and the other IAM unique-id prefixes. */
export function isUniqueId(s: string): boolean {
  return /^(AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ASIA|AKIA)[A-Z0-9]{12,}$/.test(s);
}

function principalAccount(p: RequestPrincipal): string | undefined {
  if (p.accountId !== undefined) return p.accountId;
  if (p.arn === undefined) return undefined;
  return splitArn(p.arn)?.[4];
}

/** `arn:aws:sts::111122223333:assumed-role/Name/session` → account, role name, session name. */
export function parseSessionArn(
  arn: string | undefined,
): { account: string; roleName: string; sessionName: string } | undefined {
  if (arn === undefined) return undefined;
  const parts = splitArn(arn);
  if (parts === undefined || parts[2] !== 'sts') return undefined;
  const m = /^assumed-role\/([^/]+)\/(.+)$/.exec(parts[5]);
  if (m === null) return undefined;
  return { account: parts[4], roleName: m[1] as string, sessionName: m[2] as string };
}

function sameProvider(entry: string, provider: string): boolean {
  if (entry === provider) return true;
  // Provider names such as `cognito-identity.amazonaws.com` are host names: case-insensitive.
  return !entry.startsWith('arn:') && entry.toLowerCase() === provider.toLowerCase();
}

// ---------------------------------------------------------------------------
// Near misses

export type PrincipalMissKind =
  /** Same account and role name as the caller's role, different path. */
  | 'role-path-mismatch'
  /** Same account and user name as the caller, different path. */
  | 'user-path-mismatch'
  /** The caller's ARN (or role ARN) written with different letter case. */
  | 'case-mismatch'
  /** A unique id left by a deleted principal; the caller's id differs. */
  | 'stale-unique-id'
  /** An `AWS` entry with a partial wildcard that would cover the caller: IAM does not support it. */
  | 'wildcard-not-supported'
  /** A session ARN of the caller's role, with another session name. */
  | 'other-session'
  /** Another principal (or role) of the caller's own account. */
  | 'same-account-other-principal'
  /** A principal of the same name as the caller's, in another account. */
  | 'same-name-other-account'
  /** The caller's identifier listed under the wrong principal type (e.g. a role ARN under `Service`). */
  | 'wrong-principal-type'
  /** A provider of the caller's kind (OIDC/SAML) that is not the caller's provider. */
  | 'other-federated-provider'
  /** A service principal that is not the calling service. */
  | 'other-service';

export interface PrincipalMiss {
  readonly kind: PrincipalMissKind;
  /** The principal type the entry is listed under. */
  readonly type: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
  /** The entry as written. */
  readonly entry: string;
}

/**
 * When `matchPrincipalElement` did not match, lists the entries that came
 * close, as data for the diagnosis (no prose). Empty for `"*"`.
 */
export function explainPrincipalMiss(el: PrincipalElement, p: RequestPrincipal): PrincipalMiss[] {
  if (el.kind === 'any') return [];
  const misses: PrincipalMiss[] = [];
  const callerArns = [p.arn, p.roleArn].filter((a): a is string => a !== undefined);
  const callerAccount = principalAccount(p);
  const session = p.kind === 'AssumedRole' ? parseSessionArn(p.arn) : undefined;
  const callerRoleName =
    session?.roleName ??
    (p.kind === 'Role' && p.arn !== undefined ? lastSegment(p.arn) : undefined);
  const callerUserName =
    p.kind === 'IAMUser' && p.arn !== undefined ? lastSegment(p.arn) : undefined;

  for (const entry of el.AWS) {
    if (matchAwsEntry(entry, p).result !== 'no') continue;
    const add = (kind: PrincipalMissKind) => misses.push({ kind, type: 'AWS', entry });
    if (isUniqueId(entry)) {
      add('stale-unique-id');
      continue;
    }
    if (entry !== '*' && (entry.includes('*') || entry.includes('?'))) {
      if (callerArns.some((a) => wildcardCovers(entry, a))) add('wildcard-not-supported');
      continue;
    }
    if (callerArns.some((a) => a.toLowerCase() === entry.toLowerCase())) {
      add('case-mismatch');
      continue;
    }
    const parts = splitArn(entry);
    if (parts === undefined) continue;
    const [, , service, , account, resource] = parts;
    if (service === 'iam' && resource.startsWith('role/') && callerRoleName !== undefined) {
      if (lastSegment(resource) === callerRoleName) {
        add(account === callerAccount ? 'role-path-mismatch' : 'same-name-other-account');
        continue;
      }
    }
    if (service === 'iam' && resource.startsWith('user/') && callerUserName !== undefined) {
      if (lastSegment(resource) === callerUserName) {
        add(account === callerAccount ? 'user-path-mismatch' : 'same-name-other-account');
        continue;
      }
    }
    if (service === 'sts' && resource.startsWith('assumed-role/') && session !== undefined) {
      const other = parseSessionArn(entry);
      if (
        other !== undefined &&
        other.roleName === session.roleName &&
        other.account === session.account
      ) {
        add('other-session');
        continue;
      }
    }
    if (account !== '' && account === callerAccount && resource !== 'root')
      add('same-account-other-principal');
  }

  for (const entry of el.Service) {
    if (callerArns.includes(entry) || entry === callerAccount) {
      misses.push({ kind: 'wrong-principal-type', type: 'Service', entry });
    } else if (p.kind === 'Service' && p.service?.toLowerCase() !== entry.toLowerCase()) {
      misses.push({ kind: 'other-service', type: 'Service', entry });
    }
  }
  for (const entry of el.Federated) {
    if (callerArns.includes(entry) || entry === callerAccount) {
      misses.push({ kind: 'wrong-principal-type', type: 'Federated', entry });
    } else if (
      (p.kind === 'WebIdentity' || p.kind === 'SAML') &&
      (p.federatedProvider === undefined || !sameProvider(entry, p.federatedProvider))
    ) {
      misses.push({ kind: 'other-federated-provider', type: 'Federated', entry });
    }
  }
  for (const entry of el.CanonicalUser) {
    if (callerArns.includes(entry))
      misses.push({ kind: 'wrong-principal-type', type: 'CanonicalUser', entry });
  }
  return misses;
}

function lastSegment(s: string): string {
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Would a glob entry (`arn:aws:iam::111:role/ci-*`) cover the ARN, if IAM supported it? */
function wildcardCovers(entry: string, arn: string): boolean {
  return globMatch(globFromRaw(entry), arn);
}
