import { callerIamArn } from '../diagnosis/callerIamArn.js';
import type { BundleGap, DiagnosisBundle } from '../diagnosis/DiagnosisBundle.js';
import { maxSuggestDistance } from '../diagnosis/suggestions.js';
import { parseIamPrincipalArn, parseRoleArn } from '../iam/parseIamArn.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type {
  FederatedQuery,
  IamStateSource,
  Readable,
  RoleState,
} from '../state/IamStateSource.js';

const UNIQUE_ID = /^(AROA|AIDA)[A-Z0-9]{8,}$/;

/** The account whose roles a web identity / SAML caller may have meant. */
export function federatedRoleAccount(event: DenialEvent): string | undefined {
  return event.target.accountId ?? event.recordedInAccount;
}

function isFederated(event: DenialEvent): boolean {
  return event.eventName !== 'AssumeRole';
}

/** Unique ids (`AROA…`, `AIDA…`) a trust policy names as principals. */
export function uniqueIdsNamedIn(role: RoleState): string[] {
  const ids = new Set<string>();
  for (const s of role.trustPolicy.statements) {
    for (const el of [s.principal, s.notPrincipal]) {
      if (el?.kind === 'map') for (const v of el.AWS) if (UNIQUE_ID.test(v)) ids.add(v);
    }
  }
  return [...ids];
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

  const roleMissing =
    role?.ok === true &&
    (role.value === null ||
      (roleParts !== undefined &&
        (role.value.path !== roleParts.path || role.value.name !== roleParts.name)));
  const accountUnreadable = roleAccount !== undefined && !readableAccounts.includes(roleAccount);
  const trustIds =
    role?.ok === true && role.value !== null ? uniqueIdsNamedIn(role.value) : ([] as string[]);
  const [candidates, federated, principals] = await Promise.all([
    // Role not found, or in an account outside what the source reads: "did you mean".
    optional(roleParts !== undefined && (roleMissing || accountUnreadable), () =>
      source.similarRoles({
        accountId: roleParts!.accountId,
        name: roleParts!.name,
        path: roleParts!.path,
        maxDistance: maxSuggestDistance(roleParts!.name),
      }),
    ),
    // Web identity / SAML naming no role: the roles of the account trusting the provider.
    optional(isFederated(event) && roleParts === undefined && roleAccount !== undefined, () =>
      source.rolesTrustingFederated(roleAccount as string, federatedQuery(event, roleAccount!)),
    ),
    // A trust policy naming unique ids: which of them belong to a principal today.
    optional(trustIds.length > 0, () =>
      source.principalsByUniqueId(trustIds, [
        ...new Set([caller.accountId, roleAccount].filter((a): a is string => a !== undefined)),
      ]),
    ),
  ]);

  const gaps: BundleGap[] = [];
  let knownUniqueIds: Set<string> | undefined;
  if (principals !== undefined) {
    knownUniqueIds = new Set(principals.ok ? principals.value.keys() : trustIds);
    if (!principals.ok) {
      gaps.push({
        unreadable: 'unique ids',
        reason: principals.reason,
        summary: `Whether ${trustIds.map((id) => `\`${id}\``).join(', ')} in the trust policy belong${trustIds.length === 1 ? 's' : ''} to a deleted principal could not be checked (${principals.reason}).`,
        blocksDiagnosis: true,
      });
    }
    if (callerUser?.ok && callerUser.value !== null) knownUniqueIds.add(callerUser.value.userId);
    if (callerRole?.ok && callerRole.value !== null) knownUniqueIds.add(callerRole.value.roleId);
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
  const rolesByAccount: Record<string, Readable<readonly RoleState[]>> | undefined =
    federated === undefined ? undefined : { [roleAccount as string]: federated };

  return {
    organization,
    readableAccounts,
    ...(callerOrgPath === undefined ? {} : { callerOrgPath }),
    ...(roleOrgPath === undefined ? {} : { roleOrgPath }),
    ...(role === undefined ? {} : { role }),
    ...(callerRole === undefined ? {} : { callerRole }),
    ...(callerUser === undefined ? {} : { callerUser }),
    ...(callerPolicies === undefined ? {} : { callerPolicies }),
    ...(rolesByAccount === undefined ? {} : { rolesByAccount }),
    ...(candidates?.ok === true ? { roleCandidates: candidates.value } : {}),
    ...(gaps.length === 0 ? {} : { gaps }),
    ...(oidcProviders === undefined ? {} : { oidcProviders }),
    ...(samlProviders === undefined ? {} : { samlProviders }),
    ...(knownUniqueIds === undefined ? {} : { knownUniqueIds }),
  };
}
