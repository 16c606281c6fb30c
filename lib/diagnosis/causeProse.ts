/**
 * The English of causes: one function per cause code and variant, each
 * taking the typed facts it names and returning the sentence a diagnosis
 * carries as `summary`. Cause rules (lib/diagnosis/causes/) detect and
 * propose remedies; they call these for their words, so the phrasing of a
 * cause lives here once and the renderers show it unchanged. Values are
 * backtick-quoted (the renderers escape them per format). The titles of
 * fixes are worded beside it, in fixProse.ts.
 */
import type { Blocker } from '../engine/AssumeRoleEvaluation.js';
import type { ConditionTrace, StatementTrace } from '../engine/PolicyEvaluation.js';
import type { DenialEvent, PolicyTypeInMessage } from '../intake/DenialEvent.js';
import { messageUnknowns } from '../intake/errorText/messageUnknowns.js';
import { clauseCertaintyNote, sessionTagNote } from './clauseCertainty.js';
import {
  actualText,
  callerLabel,
  equalsWithWildcard,
  quoteList,
  statementRef,
} from './describe.js';
import { type SubjectDifference, subjectDifferenceNote } from './githubSubject.js';
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

// --- caller allows -----------------------------------------------------------

const LEVEL_WORD = { ROOT: 'root', ORGANIZATIONAL_UNIT: 'OU', ACCOUNT: 'account' } as const;

/** ` attached to the OU \`Prod\` (\`ou-…\`)`: where an SCP or RCP blocker sits. */
export function levelText(b: Blocker): string {
  const l = b.level;
  if (l === undefined) return '';
  return ` attached to the ${LEVEL_WORD[l.targetType]} \`${l.name ?? l.targetId}\`${l.name === undefined ? '' : ` (\`${l.targetId}\`)`}`;
}

/** How the trust policy bears on a missing identity-based allow. */
export type TrustSide = 'whole-account' | 'same-account' | 'cross-account';

/**
 * IDENTITY_NO_ALLOW. `tagKey`: the `aws:PrincipalTag/…` key an Allow that
 * would grant the action requires (the session may carry it).
 */
export function identityNoAllow(
  event: DenialEvent,
  action: string,
  roleArn: string,
  roleName: string,
  trust: TrustSide,
  tagKey: string | undefined,
): string {
  const accountGrant =
    trust === 'whole-account'
      ? ` The trust policy of \`${roleName}\` trusts the whole account, which delegates the decision to the caller's IAM policies.`
      : trust === 'same-account'
        ? ''
        : ' A cross-account assumption needs an allow on both sides.';
  const tag =
    tagKey === undefined
      ? ''
      : ` A statement that would allow it requires \`${tagKey}\`.${sessionTagNote(event, tagKey)}`;
  return `No identity-based policy of ${callerLabel(event)} allows \`${action}\` on \`${roleArn}\`: attach a policy allowing it.${accountGrant}${tag}`;
}

/** BOUNDARY_NO_ALLOW: AWS's reason for the denial. */
export function boundaryNoAllow(
  event: DenialEvent,
  boundary: string,
  action: string,
  roleArn: string,
): string {
  return `The permissions boundary \`${boundary}\` of ${callerLabel(event)} does not allow \`${action}\` on \`${roleArn}\`, so no identity allow takes effect: add it to the boundary.`;
}

/**
 * BOUNDARY_NO_ALLOW beside a trust policy that does not name a same-account
 * caller: the trust fix a grant to the role ARN or the account would still be
 * limited by it, a grant to an IAM user ARN would not.
 */
export function boundaryBesideUntrusted(
  event: DenialEvent,
  callerArn: string | undefined,
  boundary: string,
  action: string,
  roleArn: string,
): string {
  const arn = callerArn === undefined ? '' : ` \`${callerArn}\``;
  const limit =
    event.caller.type === 'IAMUser'
      ? `a trust grant to the account would still be limited by it, one to the user ARN${arn} itself would not`
      : `once the trust policy trusts the role ARN${arn}, the boundary still limits that grant`;
  return `The permissions boundary \`${boundary}\` of ${callerLabel(event)} does not allow \`${action}\` on \`${roleArn}\` either: ${limit} (IAM User Guide, "Policy evaluation logic": same-account resource-based policies and permissions boundaries): add it to the boundary.`;
}

/** SESSION_POLICY_NO_ALLOW. */
export function sessionPolicyNoAllow(event: DenialEvent, action: string, roleArn: string): string {
  return `The session policy of ${callerLabel(event)}'s session does not allow \`${action}\` on \`${roleArn}\`: start the session without that session policy or with one that allows it.`;
}

/** SCP_NO_ALLOW at the blocker's level. */
export function scpNoAllow(b: Blocker, roleArn: string): string {
  return `No service control policy${levelText(b)} allows \`${b.action}\` on \`${roleArn}\`; every level from the root to the caller's account must allow it.`;
}

// --- explicit deny -----------------------------------------------------------

/** Where an explicit deny sits (the engine's blocker kinds). */
export type DenyKind =
  | 'trust-deny'
  | 'identity-deny'
  | 'boundary-deny'
  | 'session-deny'
  | 'scp-deny'
  | 'rcp-deny';

/** Prefix before the policy label (labels of SCPs, RCPs and trust policies name their kind). */
const DENY_NOUN: Record<DenyKind, string> = {
  'trust-deny': '',
  'identity-deny': 'identity-based policy ',
  'boundary-deny': 'permissions boundary ',
  'session-deny': 'session policy ',
  'scp-deny': '',
  'rcp-deny': '',
};

/**
 * Why a deny of `sts:TagSession` / `sts:SetSourceIdentity` blocks an
 * `AssumeRole…` call: the request needed that action too, and adding it to
 * an Allow cannot help while the Deny matches it (issue 12.1).
 */
function sessionActionNote(b: Blocker, eventName: string): string {
  if (b.action.toLowerCase() === `sts:${eventName.toLowerCase()}`) return '';
  const needs =
    b.action === 'sts:TagSession'
      ? 'passing session tags (or transitive tag keys) needs `sts:TagSession`'
      : 'setting a source identity (or carrying one over in a role chain) needs `sts:SetSourceIdentity`';
  const known =
    b.certainty === 'yes' ? '' : ' if the request did so (CloudTrail did not log its parameters)';
  return ` The call is denied because ${needs}${known}, and this statement denies it: narrow the deny, or call without them; allowing the action in another statement does not help.`;
}

const NOT_PRINCIPAL_NOTE =
  ' A `Deny` with `NotPrincipal` denies every principal that has a permissions boundary, whatever `NotPrincipal` lists (IAM User Guide, "Permissions boundaries for IAM entities"): use `"Principal": "*"` with an `ArnNotEquals` condition on `aws:PrincipalArn` instead.';

/**
 * `*_EXPLICIT_DENY`: the statement, the condition that matched, and why
 * the deny reaches this call. `notPrincipalListsCaller`: a trust `Deny`
 * with `NotPrincipal` that lists the caller (which denies it anyway).
 */
export function explicitDeny(f: {
  readonly event: DenialEvent;
  readonly kind: DenyKind;
  readonly blocker: Blocker;
  readonly statement: StatementTrace | undefined;
  readonly policyLabel: string | undefined;
  readonly roleName: string;
  readonly condition: ConditionTrace | undefined;
  readonly notPrincipalListsCaller: boolean;
}): string {
  const { event, blocker: b, statement: s, condition: cond } = f;
  const matched =
    cond === undefined
      ? ''
      : ` (its condition \`${cond.key}\` ${cond.operator} ${quoteList(cond.expected)} matches: the request carried ${actualText(cond)})`;
  return `Statement \`${s === undefined ? '?' : statementRef(s)}\` of ${DENY_NOUN[f.kind]}${f.policyLabel ?? 'unknown'}${levelText(b)} explicitly denies \`${b.action}\` on \`${f.roleName}\` for ${callerLabel(event)}${matched}; an explicit deny overrides every allow.${sessionActionNote(b, event.eventName)}${cond === undefined ? '' : sessionTagNote(event, cond.key)}${f.notPrincipalListsCaller ? NOT_PRINCIPAL_NOTE : ''}`;
}

// --- web identity ------------------------------------------------------------

/**
 * OIDC_PROVIDER_NOT_TRUSTED from AWS's message: no IAM OIDC provider for the
 * issuer. `accountId` absent when the role's account is unknown;
 * `trustingRoles` name its ARN and let the token in once it exists.
 */
export function oidcProviderMissing(
  host: string,
  accountId: string | undefined,
  audience: string | undefined,
  trustingRoles: readonly string[],
): string {
  const where = accountId === undefined ? 'the account' : `account \`${accountId}\``;
  const then =
    trustingRoles.length > 0
      ? `; ${quoteList(trustingRoles)} already name${trustingRoles.length === 1 ? 's' : ''} its ARN and will trust it again`
      : ', then a role that trusts it with a scoped `sub`';
  return `AWS found no IAM OIDC provider for \`https://${host}\` in ${where}, so no role there can trust its tokens: create it (URL \`https://${host}\`, audience \`${audience ?? 'sts.amazonaws.com'}\`)${then}.`;
}

/**
 * OIDC_CLAIM_MISMATCH from AWS's message: the token's audience is not a client
 * id of the provider. `clientIds`: what the provider lists today (absent when
 * it is not in the state).
 */
export function oidcAudienceRejected(
  audience: string | undefined,
  providerArn: string | undefined,
  clientIds: readonly string[] | undefined,
): string {
  const today =
    clientIds !== undefined && audience !== undefined && clientIds.includes(audience)
      ? 'Today the provider lists it, so it was probably added since the denial.'
      : `${clientIds === undefined ? '' : `It lists ${quoteList(clientIds)}. `}Add the audience to the provider, or make the workflow request a registered one.`;
  return `STS rejected the token's audience${audience === undefined ? '' : ` \`${audience}\``}: it is not one of the client ids (audiences) of the OIDC provider${providerArn === undefined ? '' : ` \`${providerArn}\``}. ${today}`;
}

// --- trust conditions --------------------------------------------------------

/** The codes a failing trust-policy condition is reported under. */
export type TrustConditionCode =
  | 'TRUST_CONDITION_EXTERNAL_ID'
  | 'TRUST_CONDITION_MFA'
  | 'TRUST_CONDITION_ORG'
  | 'TRUST_CONDITION_OTHER'
  | 'OIDC_CLAIM_MISMATCH'
  | 'SAML_CLAIM_MISMATCH';

/**
 * A trust-policy condition that fails (or may fail): what the statement
 * requires, what the request carried, what to do, and what is (not) known of
 * the value (`clauseCertaintyNote`). `subject`: how a GitHub `sub` differs
 * from the pattern (OIDC_CLAIM_MISMATCH only).
 */
export function trustConditionFailed(f: {
  readonly event: DenialEvent;
  readonly code: TrustConditionCode;
  readonly roleName: string;
  readonly callerInOrg: boolean;
  readonly statement: StatementTrace;
  readonly clause: ConditionTrace;
  readonly subject: SubjectDifference | undefined;
}): string {
  return `${conditionSentence(f)}${clauseCertaintyNote(f.event, f.clause)}`;
}

function conditionSentence(f: Parameters<typeof trustConditionFailed>[0]): string {
  const { event, roleName, clause } = f;
  const where = `Statement \`${statementRef(f.statement)}\` of the trust policy of \`${roleName}\``;
  const req = `\`${clause.key}\` ${clause.operator} ${quoteList(clause.expected)}`;
  const got = actualText(clause);
  const wildcard = equalsWithWildcard(clause)
    ? ` Note: \`${clause.operator}\` does not expand wildcards, so \`*\` there is a literal character; use \`${clause.operator.replace(/Equals/, 'Like')}\`.`
    : '';
  switch (f.code) {
    case 'TRUST_CONDITION_EXTERNAL_ID': {
      const inOrg = f.callerInOrg
        ? ' ExternalId is meant for third parties; for a caller inside your organization, `aws:PrincipalOrgID` is the better condition.'
        : '';
      const sent =
        clause.actual === undefined && clause.result === 'unknown'
          ? 'CloudTrail did not log which ExternalId the request sent (if any)'
          : `the request carried ${got}`;
      return `${where} requires ${req} but ${sent}: call AssumeRole with the expected \`--external-id\`.${inOrg}${wildcard}`;
    }
    case 'TRUST_CONDITION_MFA': {
      const how =
        event.caller.type === 'IAMUser'
          ? 'call AssumeRole with `--serial-number` and `--token-code`'
          : 'start a session authenticated with MFA and retry';
      const had =
        clause.actual === undefined && clause.result === 'unknown'
          ? event.caller.type === 'IAMUser'
            ? 'CloudTrail did not log whether the request sent an MFA code (SerialNumber and TokenCode), and the caller uses long-term keys'
            : "CloudTrail does not tell whether the caller's session was MFA-authenticated"
          : clause.actual === undefined
            ? 'the request had no MFA at all'
            : `the caller's session carried ${got}`;
      return `${where} requires ${req} but ${had}: ${how}.`;
    }
    case 'TRUST_CONDITION_ORG':
      return `${where} requires ${req} but the caller has ${got}: the caller is outside the organization or OU path the role expects.${wildcard}`;
    case 'OIDC_CLAIM_MISMATCH': {
      const env =
        clause.key.toLowerCase().endsWith(':sub') &&
        (clause.actual ?? []).some((v) => v.includes(':environment:')) &&
        !clause.expected.some((v) => v.includes(':environment:'))
          ? ' The job declares an environment, so GitHub sends `repo:…:environment:…` instead of a branch `sub`.'
          : '';
      const subject = f.subject === undefined ? '' : subjectDifferenceNote(f.subject);
      return `${where} requires ${req} but the token's claim was ${got}.${subject}${env}${wildcard}`;
    }
    case 'SAML_CLAIM_MISMATCH':
      return `${where} requires ${req} but the SAML assertion carried ${got}.${wildcard}`;
    default:
      return `${where} requires ${req} but the request carried ${got}.${wildcard}`;
  }
}

// --- trust principal ---------------------------------------------------------

/** TRUST_PRINCIPAL_NOT_TRUSTED when only the principal match is undecided. */
export function principalUndecided(
  event: DenialEvent,
  statement: string,
  roleName: string,
): string {
  return `Whether statement \`${statement}\` of the trust policy of \`${roleName}\` names ${callerLabel(event)} depends on a value CloudTrail did not log or trustwatch could not read.`;
}

/** A statement trusts the caller for another action (`TRUST_PRINCIPAL_NOT_TRUSTED` or `OIDC_PROVIDER_NOT_TRUSTED`). */
export function wrongActionForCaller(
  event: DenialEvent,
  statement: string,
  roleName: string,
  listed: readonly string[],
  action: string,
): string {
  return `Statement \`${statement}\` of the trust policy of \`${roleName}\` trusts ${callerLabel(event)} but allows only ${quoteList(listed)}, not \`${action}\`, the action this call needs: add it to that statement${listed.length > 0 ? ' (or replace the wrong one)' : ''}.`;
}

/** OIDC_PROVIDER_NOT_TRUSTED: no statement names the token's provider. */
export function oidcProviderNotTrusted(roleName: string, provider: string): string {
  return `The trust policy of \`${roleName}\` does not trust the OIDC provider \`${provider}\` for \`sts:AssumeRoleWithWebIdentity\`: add a statement with that \`Federated\` principal and a scoped \`sub\` condition.`;
}

/** TRUST_PRINCIPAL_STALE_ID: the trust policy names a deleted principal's unique id. */
export function staleUniqueId(
  event: DenialEvent,
  roleName: string,
  staleId: string,
  currentId: string | undefined,
  callerArn: string | undefined,
): string {
  return `The trust policy of \`${roleName}\` names \`${staleId}\`, the unique id of a deleted principal, not an ARN; ${callerLabel(event)} was recreated with ${currentId === undefined ? 'a new id' : `the new id \`${currentId}\``}, so trust is not restored until the trust policy names \`${callerArn ?? 'its ARN'}\` again.`;
}

/** What else the trust policy shows about an untrusted caller. */
export interface PrincipalNotes {
  /** A principal ARN naming the caller without (or with another) path. */
  readonly pathless?: { readonly named: string; readonly path: string; readonly realArn: string };
  /** A statement that names the caller but not the action. */
  readonly otherActionStatement?: string;
  /** The role assumes itself. */
  readonly selfAssume?: boolean;
}

function otherActionNote(n: PrincipalNotes, action: string): string {
  return n.otherActionStatement === undefined
    ? ''
    : ` Statement \`${n.otherActionStatement}\` names the caller but not the action \`${action}\`.`;
}

/** TRUST_PRINCIPAL_NOT_TRUSTED for an AWS service caller. */
export function serviceNotTrusted(
  roleName: string,
  service: string,
  action: string,
  notes: PrincipalNotes,
): string {
  return `The trust policy of \`${roleName}\` does not trust the service \`${service}\` for \`${action}\`: a service assumes a role only when a \`Service\` principal of the trust policy names it.${otherActionNote(notes, action)}`;
}

/** TRUST_PRINCIPAL_NOT_TRUSTED for a SAML caller; `trusted`: the providers the policy names. */
export function samlProviderNotTrusted(
  roleName: string,
  provider: string,
  trusted: readonly string[],
): string {
  return `The trust policy of \`${roleName}\` does not trust the SAML provider \`${provider}\` the assertion named${trusted.length > 0 ? `; it trusts ${quoteList(trusted)}: either trust this provider too, or make the identity provider send the trusted provider's ARN in its \`Role\` attribute` : ''}.`;
}

/** TRUST_PRINCIPAL_NOT_TRUSTED: no statement names the caller. */
export function principalNotTrusted(
  event: DenialEvent,
  roleName: string,
  callerArn: string | undefined,
  action: string,
  notes: PrincipalNotes,
): string {
  const p = notes.pathless;
  const pathNote =
    p === undefined
      ? ''
      : ` It names \`${p.named}\`, which lacks the path \`${p.path}\` of the real ARN \`${p.realArn}\`: a principal ARN must include the path.`;
  const selfNote = notes.selfAssume
    ? ' A role assuming itself needs a trust statement naming its own ARN (since September 2022).'
    : '';
  return `The trust policy of \`${roleName}\` does not name ${callerLabel(event)} (${callerArn === undefined ? 'its ARN' : `\`${callerArn}\``}), its account or a matching wildcard for \`${action}\`.${pathNote}${otherActionNote(notes, action)}${selfNote}`;
}

/**
 * TRUST_MISSING_SESSION_ACTION: the request passed session tags or set a
 * source identity (or may have: `certain` false when CloudTrail did not log
 * its parameters) and no trust statement allows that action.
 */
export function missingSessionAction(
  event: DenialEvent,
  certain: boolean,
  action: string,
  roleName: string,
): string {
  const what = action === 'sts:TagSession' ? 'passed session tags' : 'set a source identity';
  return `${certain ? `The request ${what}` : `If the request ${what} (CloudTrail did not log its parameters)`}, ${certain ? 'but ' : ''}no statement of the trust policy of \`${roleName}\` allows \`${action}\` for ${callerLabel(event)}: add \`${action}\` to the statement that trusts it.`;
}

// --- what the renderers and alerts say about a diagnosis ----------------------

/**
 * `AssumeRole denied (TRUST_PRINCIPAL_NOT_TRUSTED)`: a denial and its first
 * cause in one line (an SNS subject, a Slack notification).
 */
export function deniedHeadline(eventName: string, topCode: string | undefined): string {
  return `${eventName} denied (${topCode ?? 'NO_CAUSE_FOUND'})`;
}

/** What a security alert reports: many roles that do not exist tried by one caller. */
export const ROLE_ENUMERATION = 'possible role enumeration';

/** What an explanation from an error message (`input: message`) does not know. */
export function messageUnknownsNote(eventName: Parameters<typeof messageUnknowns>[0]): string {
  return `unknown, as if unlogged: ${messageUnknowns(eventName).join(', ')}`;
}

// --- AWS's message and no cause found ------------------------------------------

/** NO_CAUSE_FOUND: AWS's message names a session action today's policies allow. */
export function sessionActionAllowedToday(action: string | undefined): string {
  return `AWS's message says \`${action}\` was denied, and today's policies allow it: it was probably fixed since the denial, or IAM had not yet propagated a change.`;
}

/** NO_CAUSE_FOUND beside session-action causes only a request parameter would make real. */
export function allowedUnlessSessionParameters(): string {
  return "Unless the request passed session tags or a source identity (CloudTrail did not log its parameters), today's policies would allow it: it was probably fixed since, or IAM had not yet propagated a change.";
}

/** NO_CAUSE_FOUND: today's policies allow the request. */
export function allowedToday(event: DenialEvent): string {
  return `With today's policies this request would be allowed: it was probably fixed since the denial, or IAM had not yet propagated a change when ${callerLabel(event)} tried.`;
}

/** A certain caller-side cause AWS's message (naming no caller-side policy) demotes. */
export function demotedByMessage(summary: string): string {
  return `${summary} (AWS's message names no caller-side policy, so this may have changed since the denial.)`;
}

const TYPE_NOUN: Record<PolicyTypeInMessage, string> = {
  identity: 'identity-based policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  resource: 'resource-based (trust) policy',
  vpce: 'VPC endpoint policy',
};

/** `service control policy`, `permissions boundary`…: the policy type AWS's message names. */
export function policyTypeNoun(t: PolicyTypeInMessage): string {
  return TYPE_NOUN[t];
}

/**
 * A cause known from AWS's message only. `stateHasIt`: trustwatch read the
 * policies of that kind and today's state does not show it.
 */
export function namedByMessage(f: {
  readonly event: DenialEvent;
  readonly policyType: PolicyTypeInMessage;
  readonly policyArn: string | undefined;
  readonly explicitDeny: boolean;
  readonly action: string;
  readonly stateHasIt: boolean;
}): string {
  const noun = TYPE_NOUN[f.policyType];
  const named =
    f.policyArn === undefined
      ? `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`
      : `the ${noun} \`${f.policyArn}\``;
  const why =
    f.policyType === 'session'
      ? ' Session policies are passed when a session is created and are never in IAM, so trustwatch can only report what AWS said.'
      : f.policyType === 'vpce'
        ? ' trustwatch does not read VPC endpoint policies: check the endpoint policy of the VPC endpoint the call went through.'
        : f.stateHasIt
          ? " Today's IAM state does not show it, so IAM has probably changed since the denial."
          : " trustwatch could not read that policy, so only AWS's word is available.";
  const verb = f.explicitDeny ? 'explicitly denies' : 'does not allow';
  return `AWS's error message says ${named} ${verb} \`${f.action}\` for ${callerLabel(f.event)}.${why}`;
}

// --- a web identity or SAML caller whose role is searched for ---------------------

/** INSUFFICIENT_DATA: the roles of the account to search could not be read. */
export function rolesToSearchUnreadable(
  accountId: string | undefined,
  reason: string | undefined,
  web: boolean,
): string {
  return `The roles of account \`${accountId ?? 'unknown'}\` could not be read (${reason ?? 'the event names no account'}), so the role this ${web ? 'web identity' : 'SAML'} caller asked for cannot be found.`;
}

/** Why no role of the account lets a federated caller in (no role named by the event). */
export type NoTrustingRole =
  /** The OIDC provider does not exist; `stillTrusting` name its ARN and would let the token in. */
  | { readonly kind: 'oidc-provider-missing'; readonly stillTrusting: readonly string[] }
  /** The event names no SAML provider and no role trusts one. */
  | { readonly kind: 'no-saml-trust' }
  | { readonly kind: 'provider-not-trusted'; readonly web: boolean };

/** OIDC_PROVIDER_NOT_TRUSTED / TRUST_PRINCIPAL_NOT_TRUSTED found by searching the account's roles. */
export function noRoleTrustsProvider(
  accountId: string,
  provider: string,
  why: NoTrustingRole,
): string {
  switch (why.kind) {
    case 'oidc-provider-missing': {
      const t = why.stillTrusting;
      return t.length > 0
        ? `The OIDC provider \`${provider}\` does not exist in account \`${accountId}\` (it was deleted?), although ${quoteList(t)} still trust${t.length === 1 ? 's' : ''} it and would let this token in: recreate it with the same URL, which gives it the same ARN.`
        : `The OIDC provider \`${provider}\` does not exist in account \`${accountId}\`: create it, and a role whose trust policy names it with a scoped \`sub\`.`;
    }
    case 'no-saml-trust':
      return `No role in account \`${accountId}\` trusts a SAML provider: add the SAML provider as the \`Federated\` principal of the intended role's trust policy.`;
    case 'provider-not-trusted':
      return `No role in account \`${accountId}\` trusts the ${why.web ? 'OIDC' : 'SAML'} provider \`${provider}\`: add it as the \`Federated\` principal of the intended role's trust policy${why.web ? ', with a scoped `sub` condition' : ''}.`;
  }
}

/** A cause of the role a search picked: how it was picked (`trusting`: roles that trust the provider). */
export function pickedRole(summary: string, trusting: number, samlUnknown: boolean): string {
  return trusting > 1
    ? `${summary} (nearest of ${trusting} roles trusting this provider; the event does not name the role.)`
    : samlUnknown
      ? `${summary} (the only role trusting a SAML provider; the event names neither the role nor the provider.)`
      : summary;
}
