import { callerIamArn } from '../diagnosis/callerIamArn.js';
import type { DiagnosisBundle } from '../diagnosis/DiagnosisBundle.js';
import { parseIamPrincipalArn, parseRoleArn } from '../iam/parseIamArn.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { IamStateSource, Readable, RoleState } from '../state/IamStateSource.js';

const UNIQUE_ID = /^(AROA|AIDA)[A-Z0-9]{8,}$/;

/** The account whose roles a web identity / SAML caller may have meant. */
export function federatedRoleAccount(event: DenialEvent): string | undefined {
  return event.target.accountId ?? event.recordedInAccount;
}

function isFederated(event: DenialEvent): boolean {
  return event.eventName !== 'AssumeRole';
}

/** True when some trust statement names a principal by unique id. */
export function trustNamesUniqueId(role: RoleState): boolean {
  return role.trustPolicy.statements.some(
    (s) =>
      (s.principal?.kind === 'map' && s.principal.AWS.some((v) => UNIQUE_ID.test(v))) ||
      (s.notPrincipal?.kind === 'map' && s.notPrincipal.AWS.some((v) => UNIQUE_ID.test(v))),
  );
}

async function optional<T>(cond: unknown, read: () => Promise<T>): Promise<T | undefined> {
  return cond ? read() : undefined;
}

/**
 * Reads, from the state source, everything the diagnosis of this event may
 * need. Reads run in parallel; nothing here interprets policies.
 */
export async function gatherBundle(
  event: DenialEvent,
  source: IamStateSource,
): Promise<DiagnosisBundle> {
  const caller = event.caller;
  const roleParts =
    event.target.roleArn === undefined ? undefined : parseRoleArn(event.target.roleArn);
  const roleAccount =
    roleParts?.accountId ?? (isFederated(event) ? federatedRoleAccount(event) : undefined);
  const iamArn = callerIamArn(event);
  const issuer =
    caller.type === 'AssumedRole' && iamArn !== undefined ? parseRoleArn(iamArn) : undefined;
  const user =
    caller.type === 'IAMUser' && iamArn !== undefined ? parseIamPrincipalArn(iamArn) : undefined;

  const [
    organization,
    readableAccounts,
    callerOrgPath,
    roleOrgPath,
    role,
    callerRole,
    callerUser,
    callerPolicies,
    oidcProviders,
    samlProviders,
  ] = await Promise.all([
    source.organization(),
    source.readableAccounts(),
    optional(caller.accountId, () => source.orgPath(caller.accountId as string)),
    optional(roleAccount !== undefined && roleAccount !== caller.accountId, () =>
      source.orgPath(roleAccount as string),
    ),
    optional(roleParts, () => source.role(roleParts!.accountId, roleParts!.name)),
    optional(issuer, () => source.role(issuer!.accountId, issuer!.name)),
    optional(user, () => source.user(user!.accountId, user!.name)),
    optional(iamArn, () => source.principalPolicies(iamArn as string)),
    optional(event.eventName === 'AssumeRoleWithWebIdentity' && roleAccount, () =>
      source.oidcProviders(roleAccount as string),
    ),
    optional(event.eventName === 'AssumeRoleWithSAML' && roleAccount, () =>
      source.samlProviders(roleAccount as string),
    ),
  ]);

  // Which accounts' role lists are needed.
  const wantRoles = new Set<string>();
  const roleMissing =
    role?.ok === true &&
    (role.value === null ||
      (roleParts !== undefined &&
        (role.value.path !== roleParts.path || role.value.name !== roleParts.name)));
  const accountUnreadable = roleAccount !== undefined && !readableAccounts.includes(roleAccount);
  if (roleMissing || (roleParts !== undefined && accountUnreadable)) {
    for (const a of readableAccounts) wantRoles.add(a);
  }
  if (isFederated(event) && roleParts === undefined && roleAccount !== undefined) {
    wantRoles.add(roleAccount);
  }
  const staleCheck = role?.ok === true && role.value !== null && trustNamesUniqueId(role.value);
  if (staleCheck) for (const a of readableAccounts) wantRoles.add(a);

  const rolesByAccount: Record<string, Readable<readonly RoleState[]>> = {};
  const ids = [...wantRoles].filter((a) => readableAccounts.includes(a) || a === roleAccount);
  const lists = await Promise.all(ids.map((a) => source.roles(a)));
  ids.forEach((a, i) => {
    rolesByAccount[a] = lists[i] as Readable<readonly RoleState[]>;
  });

  let knownUniqueIds: Set<string> | undefined;
  if (staleCheck) {
    knownUniqueIds = new Set();
    for (const list of Object.values(rolesByAccount)) {
      if (list.ok) for (const r of list.value) knownUniqueIds.add(r.roleId);
    }
    if (callerUser?.ok && callerUser.value !== null) knownUniqueIds.add(callerUser.value.userId);
    if (callerRole?.ok && callerRole.value !== null) knownUniqueIds.add(callerRole.value.roleId);
  }

  return {
    organization,
    readableAccounts,
    ...(callerOrgPath === undefined ? {} : { callerOrgPath }),
    ...(roleOrgPath === undefined ? {} : { roleOrgPath }),
    ...(role === undefined ? {} : { role }),
    ...(callerRole === undefined ? {} : { callerRole }),
    ...(callerUser === undefined ? {} : { callerUser }),
    ...(callerPolicies === undefined ? {} : { callerPolicies }),
    ...(ids.length === 0 ? {} : { rolesByAccount }),
    ...(oidcProviders === undefined ? {} : { oidcProviders }),
    ...(samlProviders === undefined ? {} : { samlProviders }),
    ...(knownUniqueIds === undefined ? {} : { knownUniqueIds }),
  };
}
