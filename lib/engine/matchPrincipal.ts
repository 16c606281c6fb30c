import type { PrincipalElement } from '../policy/PolicyDocument.js';
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
 */
export function matchPrincipalElement(el: PrincipalElement, p: RequestPrincipal): PrincipalMatch {
  if (el.kind === 'any') return { result: 'yes', grant: 'any' };
  const matches: PrincipalMatch[] = [];
  for (const entry of el.AWS) matches.push(matchAwsEntry(entry, p));
  for (const entry of el.Service) {
    const yes =
      p.kind === 'Service' &&
      p.service !== undefined &&
      p.service.toLowerCase() === entry.toLowerCase();
    matches.push({ result: yes ? 'yes' : 'no', grant: yes ? 'service' : 'none' });
  }
  for (const entry of el.Federated) {
    const yes =
      (p.kind === 'WebIdentity' || p.kind === 'SAML') &&
      p.federatedProvider !== undefined &&
      sameProvider(entry, p.federatedProvider);
    matches.push({ result: yes ? 'yes' : 'no', grant: yes ? 'federated' : 'none' });
  }
  for (const grant of GRANT_ORDER) {
    if (matches.some((m) => m.result === 'yes' && m.grant === grant))
      return { result: 'yes', grant };
  }
  const maybe = matches.find((m) => m.result === 'unknown');
  if (maybe !== undefined) return maybe;
  return { result: 'no', grant: 'none' };
}

const NO: PrincipalMatch = { result: 'no', grant: 'none' };

function matchAwsEntry(entry: string, p: RequestPrincipal): PrincipalMatch {
  if (entry === '*') return { result: 'yes', grant: 'any' };
  // IAM does not support partial wildcards in principal ARNs.
  if (entry.includes('*') || entry.includes('?')) return NO;
  const account = principalAccount(p);

  if (/^\d{12}$/.test(entry)) {
    return AWS_KINDS.has(p.kind) && account === entry ? { result: 'yes', grant: 'account' } : NO;
  }
  if (isUniqueId(entry)) {
    if (p.uniqueId === undefined || p.uniqueId !== entry) return NO;
    return { result: 'yes', grant: entry.startsWith('AROA') ? 'role' : 'principal' };
  }
  const parts = splitArn(entry);
  if (parts === undefined) return NO;
  const [, , service, , entryAccount, resource] = parts;
  if (service === 'iam' && resource === 'root') {
    return AWS_KINDS.has(p.kind) && account === entryAccount
      ? { result: 'yes', grant: 'account' }
      : NO;
  }
  if (service === 'iam' && resource.startsWith('user/')) {
    return p.kind === 'IAMUser' && p.arn === entry ? { result: 'yes', grant: 'principal' } : NO;
  }
  if (service === 'iam' && resource.startsWith('role/')) {
    if (p.kind === 'Role') return p.arn === entry ? { result: 'yes', grant: 'role' } : NO;
    if (p.kind !== 'AssumedRole') return NO;
    if (p.roleArn !== undefined) return p.roleArn === entry ? { result: 'yes', grant: 'role' } : NO;
    // Role path unknown: decide on account and role name, the path stays open.
    const session = parseSessionArn(p.arn);
    if (session === undefined) return NO;
    const name = resource.slice(resource.lastIndexOf('/') + 1);
    return session.account === entryAccount && session.roleName === name
      ? { result: 'unknown', grant: 'role' }
      : NO;
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    return p.kind === 'AssumedRole' && p.arn === entry ? { result: 'yes', grant: 'principal' } : NO;
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return p.kind === 'FederatedUser' && p.arn === entry
      ? { result: 'yes', grant: 'principal' }
      : NO;
  }
  return NO;
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
