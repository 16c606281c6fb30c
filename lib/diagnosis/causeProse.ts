/**
 * The English of causes: one function per cause code and variant, each
 * taking the typed facts it names and returning the sentence a diagnosis
 * carries as `summary`. Cause rules (lib/diagnosis/causes/) detect and
 * propose remedies; they call these for their words, so the phrasing of a
 * cause lives here once and the renderers show it unchanged. Values are
 * backtick-quoted (the renderers escape them per format).
 */
import { quoteList } from './describe.js';
import type { RoleSuggestion } from './suggestions.js';

/** `role \`ci\``, `user \`alice\``…: see `callerLabel` (describe.ts). */
type Caller = string;

// --- forbidden caller ------------------------------------------------------

/** IDENTITY_NO_ALLOW for a `GetFederationToken` federated user. */
export function federatedUserCannotAssume(caller: Caller, role: string): string {
  return `The call was made with the credentials of federated user ${caller} (from \`GetFederationToken\`), which AWS never lets call an AWS STS operation other than \`GetCallerIdentity\`, whatever the policies say (IAM User Guide, "Compare AWS STS credentials"): assume ${role} with the IAM user's own credentials or a role session instead.`;
}

/** IDENTITY_NO_ALLOW for the root user. */
export function rootCannotAssume(caller: Caller, role: string): string {
  return `The call was made with the credentials of ${caller}, and AWS never lets the root user assume a role, whatever the trust and identity policies say: sign in as an IAM user or role (or through IAM Identity Center) and assume ${role} from there.`;
}

// --- MFA code --------------------------------------------------------------

/** MFA_CODE_INVALID: the device serial or the one-time code. */
export function mfaRejected(caller: Caller, failure: 'invalid-serial' | 'other'): string {
  return failure === 'invalid-serial'
    ? `AWS could not validate the MFA device sent by ${caller}: the serial number is wrong or not associated with this user.`
    : `AWS rejected the one-time MFA code sent by ${caller}: it was wrong or expired (codes are valid for about 30 seconds and cannot be reused).`;
}

// --- unreadable inputs (INSUFFICIENT_DATA) ---------------------------------

export function identityPoliciesUnreadable(caller: Caller, reason: string): string {
  return `The identity-based policies of ${caller} could not be read (${reason}), so caller-side causes cannot be checked.`;
}

export function scpsUnreadable(accountId: string, reason: string): string {
  return `The service control policies of account \`${accountId}\` could not be read (${reason}).`;
}

export function rcpsUnreadable(accountId: string, reason: string): string {
  return `The resource control policies of account \`${accountId}\` could not be read (${reason}).`;
}

export function noTargetRole(): string {
  return 'The event names no role (requestParameters were not logged and the error message has no resource), so there is nothing to evaluate.';
}

export function targetAccountUnreadable(
  accountId: string,
  roleName: string,
  reason: string,
): string {
  return `The IAM state of account \`${accountId}\` could not be read (${reason}), so the trust policy of \`${roleName}\` cannot be checked.`;
}

// --- target role -----------------------------------------------------------

const SUGGESTION_HINT = {
  'other-path': (s: RoleSuggestion) => ` It exists under another path: did you mean \`${s.arn}\`?`,
  'case-only': (s: RoleSuggestion) =>
    ` Role names are case-sensitive in ARNs: did you mean \`${s.arn}\`?`,
  'other-account': (s: RoleSuggestion) =>
    ` A role of that name exists in account \`${s.accountId}\`: did you mean \`${s.arn}\`?`,
  'similar-name': (s: RoleSuggestion) => ` Did you mean \`${s.arn}\`?`,
} as const;

/** ROLE_NOT_FOUND, with the best existing role as a question. */
export function roleNotFound(
  wanted: { readonly name: string; readonly path: string; readonly accountId: string },
  best: RoleSuggestion | undefined,
): string {
  const hint = best === undefined ? '' : SUGGESTION_HINT[best.reason](best);
  return `There is no role \`${wanted.name}\`${wanted.path === '/' ? '' : ` with path \`${wanted.path}\``} in account \`${wanted.accountId}\`; AWS reports a missing role with the same message as an untrusted caller.${hint}`;
}

/** What an account outside the organization could have meant. */
export type OutsideOrgTip =
  | {
      readonly kind: 'role';
      readonly accountId: string;
      readonly name: string;
      readonly arn: string;
    }
  | { readonly kind: 'near-accounts'; readonly accountIds: readonly string[] }
  | { readonly kind: 'third-party' };

/** TARGET_ACCOUNT_OUTSIDE_ORG. */
export function targetOutsideOrg(
  accountId: string,
  roleArn: string,
  noOrganization: boolean,
  tip: OutsideOrgTip,
): string {
  const tipText =
    tip.kind === 'role'
      ? ` Account \`${tip.accountId}\` of your organization has a role \`${tip.name}\`: did you mean \`${tip.arn}\`?`
      : tip.kind === 'near-accounts'
        ? ` Close account ids in the organization: ${quoteList(tip.accountIds)}.`
        : ' If it is a third party, its trust policy cannot be read: ask its owner to trust your role (and agree an ExternalId).';
  return `Account \`${accountId}\` of \`${roleArn}\` is not in your organization${noOrganization ? ' (the snapshot has no organization and does not hold this account)' : ''}, so its trust policy cannot be read.${tipText}`;
}

/** TRUST_PRINCIPAL_NOT_TRUSTED when the role's account could not be read. */
export function mayNotTrust(roleName: string, caller: Caller): string {
  return `The trust policy of \`${roleName}\` may not name ${caller} (AWS's message points at the role's side).`;
}

/** ROLE_NOT_FOUND when the role's account could not be read. */
export function mayNotExist(roleArn: string): string {
  return `The role \`${roleArn}\` may not exist (AWS's message is the same either way).`;
}
