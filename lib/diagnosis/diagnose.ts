import type {
  AssumeRoleEvaluation,
  AssumeRoleInputs,
  OrgPolicies,
} from '../engine/AssumeRoleEvaluation.js';
import { evaluateAssumeRole } from '../engine/evaluateAssumeRole.js';
import type { Tri } from '../engine/RequestContext.js';
import { buildFix } from '../fixes/buildFix.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import { parseRoleArn } from '../intake/parseIamArn.js';
import type { LabeledPolicy, PolicyDocument } from '../policy/PolicyDocument.js';
import type { OrgPathInfo, Readable, RoleState, RoleSummary } from '../state/IamStateSource.js';
import { buildRequestContext } from './buildRequestContext.js';
import type { CauseDraft } from './CauseDraft.js';
import { CAUSE_CODE_LIST, CAUSE_CODES, type CauseCode, type Confidence } from './causeCodes.js';
import type { Cause, Diagnosis, Fix } from './Diagnosis.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';
import { callerLabel, editDistanceText, quoteList, roleNameOf } from './describe.js';
import { callerHeader } from './diagnosisMemo.js';
import { callerIamArn } from './gatherBundle.js';
import { type BlockerContext, mapBlockers } from './mapBlockers.js';
import { reconcileMessage } from './reconcileMessage.js';
import { suggestAccountIds, suggestRoles } from './suggestions.js';

/** One evaluated (caller, role) pair: what fixes need to re-check themselves. */
interface Evaluated {
  readonly inputs: AssumeRoleInputs;
  readonly evaluation: AssumeRoleEvaluation;
  readonly blockerCtx: Omit<BlockerContext, 'evaluation'>;
  readonly role?: RoleState;
}

/** A trust policy that allows anyone: used to evaluate the caller's side alone. */
const OPEN_TRUST: LabeledPolicy = {
  label: 'trust policy (not readable; assumed to allow)',
  document: {
    version: '2012-10-17',
    statements: [
      { index: 0, effect: 'Allow', principal: { kind: 'any' }, action: ['sts:*'], conditions: [] },
    ],
  },
};

function orgPolicies(
  path: Readable<OrgPathInfo | null> | undefined,
  organization: DiagnosisBundle['organization'],
  accountId: string | undefined,
  kind: 'scp' | 'rcp',
): OrgPolicies | undefined {
  if (organization.ok && organization.value === null) {
    return { exempt: true, exemptReason: 'not-in-organization', levels: [] };
  }
  if (path === undefined || !path.ok || !organization.ok || organization.value === null)
    return undefined;
  if (path.value === null) return { exempt: true, exemptReason: 'not-in-organization', levels: [] };
  if (accountId === organization.value.managementAccountId) {
    return {
      exempt: true,
      exemptReason: 'management-account',
      levels: kind === 'scp' ? path.value.scpLevels : path.value.rcpLevels,
    };
  }
  return { exempt: false, levels: kind === 'scp' ? path.value.scpLevels : path.value.rcpLevels };
}

/**
 * Whether the request needed `sts:TagSession` / `sts:SetSourceIdentity`. When
 * requestParameters were not logged, AWS's message still tells: a missing
 * session action is reported as that action (`…not authorized to perform:
 * sts:TagSession on resource…`, the familiar configure-aws-credentials
 * error), so a message naming the main action rules them out as the cause of
 * this denial, and one naming a session action confirms it was needed.
 */
function sessionActionsOf(event: DenialEvent): AssumeRoleInputs['sessionActions'] {
  const r = event.request;
  // Role chaining carries the caller's source identity into the new session,
  // which needs `sts:SetSourceIdentity` from both policies (IAM UG,
  // "Monitor and control actions taken with assumed roles").
  const chainedSource =
    event.eventName === 'AssumeRole' && event.caller.sessionSourceIdentity !== undefined;
  if (!r.logged) {
    const named = event.errorMessage.action?.toLowerCase();
    const main = `sts:${event.eventName.toLowerCase()}`;
    const tagSession: Tri = named === 'sts:tagsession' ? 'yes' : named === main ? 'no' : 'unknown';
    const setSourceIdentity: Tri =
      named === 'sts:setsourceidentity' || chainedSource
        ? 'yes'
        : named === main
          ? 'no'
          : 'unknown';
    return [
      { action: 'sts:TagSession', needed: tagSession },
      { action: 'sts:SetSourceIdentity', needed: setSourceIdentity },
    ];
  }
  const tags: Tri =
    (r.tags?.length ?? 0) > 0 || (r.transitiveTagKeys?.length ?? 0) > 0 ? 'yes' : 'no';
  const source: Tri = r.sourceIdentity !== undefined || chainedSource ? 'yes' : 'no';
  return [
    { action: 'sts:TagSession', needed: tags },
    { action: 'sts:SetSourceIdentity', needed: source },
  ];
}

function principalTags(
  bundle: DiagnosisBundle,
): DiagnosisBundle['callerRole'] extends never
  ? never
  : readonly { key: string; value: string }[] | undefined {
  if (bundle.callerRole?.ok && bundle.callerRole.value !== null)
    return bundle.callerRole.value.tags;
  if (bundle.callerUser?.ok && bundle.callerUser.value !== null)
    return bundle.callerUser.value.tags;
  return undefined;
}

/** Builds the engine inputs for the event against one role (or an open trust policy). */
function inputsFor(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  role: { arn: string; accountId: string; isServiceLinked: boolean },
  trust: LabeledPolicy,
  roleState?: RoleState,
): AssumeRoleInputs {
  const federated = event.eventName !== 'AssumeRole';
  const tags = principalTags(bundle);
  const callerAccount = event.caller.accountId;
  const rolePath = role.accountId === callerAccount ? bundle.callerOrgPath : bundle.roleOrgPath;
  const context = buildRequestContext(event, role.arn, {
    organization: bundle.organization,
    ...(bundle.callerOrgPath === undefined ? {} : { callerOrgPath: bundle.callerOrgPath }),
    ...(tags === undefined ? {} : { principalTags: tags }),
    ...(roleState === undefined ? {} : { resourceTags: roleState.tags }),
    ...(rolePath === undefined ? {} : { resourceOrgPath: rolePath }),
  });
  const pol = bundle.callerPolicies;
  return {
    context,
    role,
    trust,
    identity: federated ? [] : pol?.ok ? pol.value.identity : undefined,
    boundary: federated ? null : pol?.ok ? pol.value.boundary : undefined,
    sessionPolicies: [],
    scp: federated
      ? { exempt: true, exemptReason: 'not-in-organization', levels: [] }
      : orgPolicies(bundle.callerOrgPath, bundle.organization, callerAccount, 'scp'),
    rcp: orgPolicies(rolePath, bundle.organization, role.accountId, 'rcp'),
    sessionActions: sessionActionsOf(event),
  };
}

/** Evaluates the event against an existing role as it stands in the state. */
function evaluateRole(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  r: RoleState,
): ReturnType<typeof evaluate> {
  return evaluate(
    event,
    bundle,
    { arn: r.arn, accountId: r.accountId, isServiceLinked: r.isServiceLinked },
    trustOf(r),
    r,
  );
}

function trustOf(role: RoleState): LabeledPolicy {
  return { label: `trust policy of ${role.arn}`, document: role.trustPolicy };
}

function callerInOrg(event: DenialEvent, bundle: DiagnosisBundle, roleAccount: string): boolean {
  const org = bundle.organization;
  if (!org.ok || org.value === null) return false;
  const ids = org.value.accounts.map((a) => a.id);
  return (
    event.caller.accountId !== undefined &&
    ids.includes(event.caller.accountId) &&
    ids.includes(roleAccount)
  );
}

/** A cause that blocks only if the unlogged request set session tags or a source identity. */
function isSpeculative(d: CauseDraft, mainAction: string): boolean {
  return d.certainty === 'unknown' && d.blocker !== undefined && d.blocker.action !== mainAction;
}

/**
 * Speculative causes (a session action such as `sts:TagSession` that blocks
 * only if the unlogged request used it) are kept only when nothing else
 * explains the denial, and then only on the trust side, which AWS checks
 * for them first.
 */
function dropSpeculative(drafts: readonly CauseDraft[], mainAction: string): CauseDraft[] {
  const others = drafts.filter((d) => !isSpeculative(d, mainAction));
  if (others.length > 0) return others;
  const trustSide = drafts.filter((d) => d.code === 'TRUST_MISSING_SESSION_ACTION');
  return trustSide.length > 0 ? trustSide : [...drafts];
}

function evaluate(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  role: { arn: string; accountId: string; isServiceLinked: boolean },
  trust: LabeledPolicy,
  roleState?: RoleState,
): Evaluated & { drafts: CauseDraft[] } {
  // Evaluate without the unlogged session actions first: they can only add
  // speculative causes, which are dropped whenever anything else blocks.
  const full = inputsFor(event, bundle, role, trust, roleState);
  const known = full.sessionActions.filter((a) => a.needed !== 'unknown');
  let inputs =
    known.length === full.sessionActions.length ? full : { ...full, sessionActions: known };
  let evaluation = evaluateAssumeRole(inputs);
  if (inputs !== full && evaluation.blockers.length === 0) {
    inputs = full;
    evaluation = evaluateAssumeRole(inputs);
  }
  const blockerCtx = {
    event,
    roleArn: role.arn,
    roleName: roleNameOf(role.arn),
    trust,
    ...(callerIamArn(event) === undefined ? {} : { callerArn: callerIamArn(event) as string }),
    ...(callerUniqueId(event, bundle) === undefined
      ? {}
      : { callerUniqueId: callerUniqueId(event, bundle) as string }),
    callerInOrg: callerInOrg(event, bundle, role.accountId),
    ...(bundle.knownUniqueIds === undefined ? {} : { knownUniqueIds: bundle.knownUniqueIds }),
  };
  const drafts = mapBlockers({ ...blockerCtx, evaluation });
  return {
    inputs,
    evaluation,
    blockerCtx,
    drafts,
    ...(roleState === undefined ? {} : { role: roleState }),
  };
}

function callerUniqueId(event: DenialEvent, bundle: DiagnosisBundle): string | undefined {
  if (bundle.callerRole?.ok && bundle.callerRole.value !== null)
    return bundle.callerRole.value.roleId;
  if (bundle.callerUser?.ok && bundle.callerUser.value !== null)
    return bundle.callerUser.value.userId;
  return (
    event.caller.issuerUniqueId ??
    (event.caller.type === 'IAMUser' ? event.caller.principalId : undefined)
  );
}

/**
 * Whether the caller has an IAM side (identity policies, boundary, SCPs):
 * not for web identity and SAML callers, nor for an AWS service principal.
 */
function hasCallerSide(event: DenialEvent): boolean {
  return event.eventName === 'AssumeRole' && event.caller.type !== 'AWSService';
}

/**
 * Callers AWS never lets assume a role, whatever the policies say, so the one
 * cause is on the caller's side and no policy change helps:
 * - the root user (IAM User Guide, "Switch to an IAM role (AWS API)"; STS
 *   answers `Roles may not be assumed by root accounts.`);
 * - a federated user from `GetFederationToken`, whose credentials cannot call
 *   any AWS STS operation but `GetCallerIdentity` (IAM User Guide, "Compare
 *   AWS STS credentials").
 */
function rootCaller(event: DenialEvent, targetArn: string | undefined): CauseDraft {
  const account = event.caller.accountId ?? event.recordedInAccount ?? '?';
  const role = targetArn === undefined ? 'the role' : `\`${targetArn}\``;
  const federated = event.caller.type === 'FederatedUser';
  return {
    code: 'IDENTITY_NO_ALLOW',
    certainty: 'yes',
    summary: federated
      ? `The call was made with the credentials of federated user ${callerLabel(event)} (from \`GetFederationToken\`), which AWS never lets call an AWS STS operation other than \`GetCallerIdentity\`, whatever the policies say (IAM User Guide, "Compare AWS STS credentials"): assume ${role} with the IAM user's own credentials or a role session instead.`
      : `The call was made with the credentials of ${callerLabel(event)}, and AWS never lets the root user assume a role, whatever the trust and identity policies say: sign in as an IAM user or role (or through IAM Identity Center) and assume ${role} from there.`,
    evidence: {
      policy: federated
        ? 'none: GetFederationToken credentials cannot call sts:AssumeRole'
        : 'none: the root user cannot be granted sts:AssumeRole',
      principal:
        event.caller.arn ?? (federated ? 'unknown federated user' : `arn:aws:iam::${account}:root`),
      action: 'sts:AssumeRole',
      ...(targetArn === undefined ? {} : { resource: targetArn }),
      ...(event.errorMessage.raw === '' ? {} : { awsMessage: event.errorMessage.raw }),
    },
  };
}

/** INSUFFICIENT_DATA drafts for every input the evaluation could not read. */
function unreadableDrafts(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  inputs: AssumeRoleInputs,
): CauseDraft[] {
  const out: CauseDraft[] = [];
  const federated = !hasCallerSide(event);
  const who = callerLabel(event);
  const reasonOf = (r: Readable<unknown> | undefined): string =>
    r !== undefined && !r.ok ? r.reason : 'not available';
  if (!federated && inputs.identity === undefined) {
    out.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: `The identity-based policies of ${who} could not be read (${reasonOf(bundle.callerPolicies)}), so caller-side causes cannot be checked.`,
      evidence: {
        unreadable: 'identity policies',
        principal: callerIamArn(event) ?? 'unknown',
        reason: reasonOf(bundle.callerPolicies),
        accountId: event.caller.accountId,
      },
    });
  }
  if (!federated && inputs.scp === undefined) {
    out.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: `The service control policies of account \`${event.caller.accountId ?? '?'}\` could not be read (${reasonOf(bundle.callerOrgPath ?? bundle.organization)}).`,
      evidence: {
        unreadable: 'service control policies',
        accountId: event.caller.accountId,
        reason: reasonOf(bundle.callerOrgPath ?? bundle.organization),
      },
    });
  }
  if (inputs.rcp === undefined && !inputs.role.isServiceLinked) {
    out.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary: `The resource control policies of account \`${inputs.role.accountId}\` could not be read (${reasonOf(bundle.roleOrgPath ?? bundle.organization)}).`,
      evidence: {
        unreadable: 'resource control policies',
        accountId: inputs.role.accountId,
        reason: reasonOf(bundle.roleOrgPath ?? bundle.organization),
      },
    });
  }
  return out;
}

/** Roles the caller may have meant, from the source's name index (for suggestions). */
function candidateRoles(bundle: DiagnosisBundle): readonly RoleSummary[] {
  return bundle.roleCandidates ?? [];
}

/** INSUFFICIENT_DATA for what the bundle could not read beyond its fields. */
function gapDrafts(bundle: DiagnosisBundle): CauseDraft[] {
  return (bundle.gaps ?? []).map((g) => ({
    code: 'INSUFFICIENT_DATA',
    certainty: g.blocksDiagnosis ? 'yes' : 'inferred',
    summary: g.summary,
    evidence: {
      unreadable: g.unreadable,
      reason: g.reason,
      ...(g.accountId === undefined ? {} : { accountId: g.accountId }),
    },
  }));
}

function roleNotFound(_event: DenialEvent, bundle: DiagnosisBundle, roleArn: string): CauseDraft {
  const parts = parseRoleArn(roleArn);
  const wanted = {
    accountId: parts?.accountId ?? '',
    name: parts?.name ?? roleNameOf(roleArn),
    path: parts?.path ?? '/',
  };
  const suggestions = suggestRoles(wanted, candidateRoles(bundle));
  const best = suggestions[0];
  const hint =
    best === undefined
      ? ''
      : best.reason === 'other-path'
        ? ` It exists under another path: did you mean \`${best.arn}\`?`
        : best.reason === 'case-only'
          ? ` Role names are case-sensitive in ARNs: did you mean \`${best.arn}\`?`
          : best.reason === 'other-account'
            ? ` A role of that name exists in account \`${best.accountId}\`: did you mean \`${best.arn}\`?`
            : ` Did you mean \`${best.arn}\`?`;
  return {
    code: 'ROLE_NOT_FOUND',
    certainty: 'yes',
    summary: `There is no role \`${wanted.name}\`${wanted.path === '/' ? '' : ` with path \`${wanted.path}\``} in account \`${wanted.accountId}\`; AWS reports a missing role with the same message as an untrusted caller.${hint}`,
    evidence: {
      roleArn,
      accountId: wanted.accountId,
      suggestions: suggestions.map((s) => ({ arn: s.arn, reason: s.reason, distance: s.distance })),
    },
    ...(best === undefined ? {} : { hint: { suggestedArn: best.arn } }),
  };
}

function outsideOrg(bundle: DiagnosisBundle, roleArn: string): CauseDraft {
  const parts = parseRoleArn(roleArn);
  const accountId = parts?.accountId ?? '';
  const name = parts?.name ?? roleNameOf(roleArn);
  const org = bundle.organization.ok ? bundle.organization.value : null;
  const orgIds = org?.accounts.map((a) => a.id) ?? [];
  const near = suggestAccountIds(accountId, orgIds);
  const holders = candidateRoles(bundle).filter(
    (r) => r.name === name || r.name.toLowerCase() === name.toLowerCase(),
  );
  const ranked = [...holders].sort((a, b) => {
    const da = near.find((n) => n.accountId === a.accountId)?.distance ?? 99;
    const db = near.find((n) => n.accountId === b.accountId)?.distance ?? 99;
    return da - db || a.arn.localeCompare(b.arn);
  });
  const best = ranked[0];
  const tip =
    best !== undefined
      ? ` Account \`${best.accountId}\` of your organization has a role \`${best.name}\`: did you mean \`${best.arn}\`?`
      : near.length > 0
        ? ` Close account ids in the organization: ${quoteList(near.map((n) => n.accountId))}.`
        : ' If it is a third party, its trust policy cannot be read: ask its owner to trust your role (and agree an ExternalId).';
  return {
    code: 'TARGET_ACCOUNT_OUTSIDE_ORG',
    certainty: best !== undefined || near.length > 0 ? 'unknown' : 'unknown',
    summary: `Account \`${accountId}\` of \`${roleArn}\` is not in your organization${org === null ? ' (the snapshot has no organization and does not hold this account)' : ''}, so its trust policy cannot be read.${tip}`,
    evidence: {
      roleArn,
      accountId,
      nearAccountIds: near.map((n) => n.accountId),
      suggestions: ranked.slice(0, 3).map((r) => r.arn),
    },
    ...(best === undefined ? {} : { hint: { suggestedArn: best.arn } }),
  };
}

/**
 * STS rejected the web identity token because of the account's IAM setup
 * (`InvalidIdentityToken`): no OIDC provider for the issuer, or an audience
 * that is not one of the provider's client ids. AWS's message is the evidence;
 * no policy is evaluated (STS checks the provider before any trust policy).
 */
function tokenRejection(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  account: string | undefined,
): CauseDraft {
  const w = event.caller.webIdentity;
  const host = w?.provider ?? 'the issuer';
  const where = account === undefined ? 'the account' : `account \`${account}\``;
  if (event.errorMessage.kind === 'oidc-provider-missing') {
    const providerArn =
      account === undefined ? undefined : `arn:aws:iam::${account}:oidc-provider/${host}`;
    // Roles that name the provider's ARN and, evaluated with this token, let it in:
    // recreating the provider is then the whole fix.
    const listed = account === undefined ? undefined : bundle.rolesByAccount?.[account];
    const target = bundle.role?.ok === true ? bundle.role.value : null;
    const candidates = [
      ...(listed?.ok === true ? listed.value : []),
      ...(target !== null &&
      !(listed?.ok === true && listed.value.some((r) => r.arn === target.arn))
        ? [target]
        : []),
    ];
    const trusting =
      providerArn === undefined
        ? []
        : candidates
            .filter(
              (r) =>
                r.trustPolicy.statements.some(
                  (s) =>
                    s.effect === 'Allow' &&
                    s.principal?.kind === 'map' &&
                    s.principal.Federated.includes(providerArn),
                ) && evaluateRole(event, bundle, r).evaluation.allowed === 'yes',
            )
            .map((r) => r.name);
    return {
      code: 'OIDC_PROVIDER_NOT_TRUSTED',
      certainty: 'message',
      summary: `AWS found no IAM OIDC provider for \`https://${host}\` in ${where}, so no role there can trust its tokens: create it (URL \`https://${host}\`, audience \`${w?.aud ?? 'sts.amazonaws.com'}\`)${trusting.length > 0 ? `; ${quoteList(trusting)} already name${trusting.length === 1 ? 's' : ''} its ARN and will trust it again` : ', then a role that trusts it with a scoped `sub`'}.`,
      evidence: {
        ...(providerArn === undefined ? {} : { provider: providerArn }),
        providerExists: false,
        awsMessage: event.errorMessage.raw,
        source: 'errorMessage',
      },
      hint: {
        providerMissing: 'true',
        providerArn: providerArn ?? '',
        ...(trusting.length > 0 ? { trustingRoles: trusting.join(',') } : {}),
      },
    };
  }
  const providerArn = w?.providerArn;
  const providers = bundle.oidcProviders;
  const provider =
    providers?.ok === true ? providers.value.find((p) => p.arn === providerArn) : undefined;
  return {
    code: 'OIDC_CLAIM_MISMATCH',
    certainty: 'message',
    summary: `STS rejected the token's audience${w?.aud === undefined ? '' : ` \`${w.aud}\``}: it is not one of the client ids (audiences) of the OIDC provider${providerArn === undefined ? '' : ` \`${providerArn}\``}. ${
      provider !== undefined && w?.aud !== undefined && provider.clientIds.includes(w.aud)
        ? 'Today the provider lists it, so it was probably added since the denial.'
        : `${provider === undefined ? '' : `It lists ${quoteList(provider.clientIds)}. `}Add the audience to the provider, or make the workflow request a registered one.`
    }`,
    evidence: {
      conditionKey: `${host}:aud`,
      ...(provider === undefined ? {} : { expected: provider.clientIds }),
      actual: w?.aud === undefined ? 'not logged' : [w.aud],
      ...(providerArn === undefined ? {} : { provider: providerArn }),
      awsMessage: event.errorMessage.raw,
      source: 'errorMessage',
    },
    ...(providerArn === undefined || w?.aud === undefined
      ? {}
      : { hint: { audienceRejected: w.aud, providerArn } }),
  };
}

/** Web identity / SAML with no role in the event: find the roles that trust the provider. */
function federatedSearch(
  event: DenialEvent,
  bundle: DiagnosisBundle,
): { drafts: CauseDraft[]; evaluated?: Evaluated; roleArn?: string; accountId?: string } {
  const web = event.eventName === 'AssumeRoleWithWebIdentity';
  const account = event.target.accountId ?? event.recordedInAccount;
  const providerArn = web ? event.caller.webIdentity?.providerArn : event.caller.saml?.providerArn;
  const providerName = providerArn ?? event.caller.webIdentity?.provider ?? 'unknown';
  const roles = account === undefined ? undefined : bundle.rolesByAccount?.[account];
  if (account === undefined || roles === undefined || !roles.ok) {
    return {
      drafts: [
        {
          code: 'INSUFFICIENT_DATA',
          certainty: 'yes',
          summary: `The roles of account \`${account ?? 'unknown'}\` could not be read (${roles !== undefined && !roles.ok ? roles.reason : 'the event names no account'}), so the role this ${web ? 'web identity' : 'SAML'} caller asked for cannot be found.`,
          evidence: {
            unreadable: 'roles',
            accountId: account,
            reason: roles !== undefined && !roles.ok ? roles.reason : 'no account',
          },
        },
      ],
      ...(account === undefined ? {} : { accountId: account }),
    };
  }
  // Amazon Cognito, Login with Amazon, Facebook and Google are named by host
  // (`cognito-identity.amazonaws.com`, `accounts.google.com`, …): they are
  // built into STS and have no IAM OIDC provider resource.
  const builtInProvider =
    web && providerArn === undefined && event.caller.webIdentity?.provider !== undefined;
  const providerKnown = web
    ? builtInProvider ||
      (bundle.oidcProviders?.ok === true &&
        bundle.oidcProviders.value.some(
          (p) => p.arn === providerArn || p.url === event.caller.webIdentity?.provider,
        ))
    : bundle.samlProviders?.ok === true &&
      bundle.samlProviders.value.some((p) => p.arn === providerArn);
  // SAML: CloudTrail logs a hash as `identityProvider`; the provider ARN is
  // only in `requestParameters.principalArn`, which denials do not log. Then
  // every role trusting some SAML provider is a candidate, for that provider.
  const samlUnknown = !web && providerArn === undefined;
  const samlProviderOf = (r: RoleState): string | undefined =>
    r.trustPolicy.statements
      .flatMap((s) =>
        s.effect === 'Allow' && s.principal?.kind === 'map' ? s.principal.Federated : [],
      )
      .find((f) => f.includes(':saml-provider/'));
  const trusting = roles.value.filter((r) =>
    samlUnknown
      ? samlProviderOf(r) !== undefined
      : r.trustPolicy.statements.some(
          (s) =>
            s.effect === 'Allow' &&
            s.principal?.kind === 'map' &&
            s.principal.Federated.some(
              (f) => f === providerArn || f === event.caller.webIdentity?.provider,
            ),
        ),
  );
  const eventFor = (r: RoleState): DenialEvent => {
    const guessed = samlUnknown ? samlProviderOf(r) : undefined;
    return guessed === undefined
      ? event
      : {
          ...event,
          caller: { ...event.caller, saml: { ...event.caller.saml, providerArn: guessed } },
        };
  };
  if (trusting.length === 0 || (web && !providerKnown && bundle.oidcProviders?.ok === true)) {
    const missing = web && bundle.oidcProviders?.ok === true && !providerKnown;
    // Roles that still name a deleted provider's ARN trust it again once it is
    // recreated with the same URL (the ARN is derived from the URL).
    const stillTrusting = missing
      ? trusting
          .filter((r) => evaluateRole(eventFor(r), bundle, r).evaluation.allowed === 'yes')
          .map((r) => r.name)
      : [];
    return {
      drafts: [
        {
          code: web ? 'OIDC_PROVIDER_NOT_TRUSTED' : 'TRUST_PRINCIPAL_NOT_TRUSTED',
          certainty: 'yes',
          summary: missing
            ? stillTrusting.length > 0
              ? `The OIDC provider \`${providerName}\` does not exist in account \`${account}\` (it was deleted?), although ${quoteList(stillTrusting)} still trust${stillTrusting.length === 1 ? 's' : ''} it and would let this token in: recreate it with the same URL, which gives it the same ARN.`
              : `The OIDC provider \`${providerName}\` does not exist in account \`${account}\`: create it, and a role whose trust policy names it with a scoped \`sub\`.`
            : samlUnknown
              ? `No role in account \`${account}\` trusts a SAML provider: add the SAML provider as the \`Federated\` principal of the intended role's trust policy.`
              : `No role in account \`${account}\` trusts the ${web ? 'OIDC' : 'SAML'} provider \`${providerName}\`: add it as the \`Federated\` principal of the intended role's trust policy${web ? ', with a scoped `sub` condition' : ''}.`,
          evidence: {
            policy: `trust policies of the roles of account ${account}`,
            provider: providerName,
            providerExists: providerKnown,
            ...(web && event.caller.webIdentity?.sub !== undefined
              ? { observedSub: event.caller.webIdentity.sub }
              : {}),
          },
          ...(missing
            ? {
                hint: {
                  providerMissing: 'true',
                  ...(stillTrusting.length > 0 ? { trustingRoles: stillTrusting.join(',') } : {}),
                },
              }
            : {}),
        },
      ],
      accountId: account,
    };
  }
  // Evaluate each trusting role; keep the nearest by claim similarity.
  const observed = web ? event.caller.webIdentity?.sub : event.caller.saml?.subject;
  const scored = trusting.map((r) => {
    const ev = evaluateRole(eventFor(r), bundle, r);
    const patterns = ev.drafts.flatMap((d) =>
      d.clause !== undefined && /:sub$/i.test(d.clause.key) ? d.clause.expected : [],
    );
    const distance =
      observed === undefined || patterns.length === 0
        ? 1000
        : Math.min(...patterns.map((p) => editDistanceText(observed, p.replace(/\*/g, ''))));
    return { r, ev, distance };
  });
  const allowing = scored.filter((x) => x.ev.evaluation.allowed === 'yes');
  if (allowing.length > 0) {
    const x = allowing[0]!;
    return {
      drafts: [],
      evaluated: x.ev,
      roleArn: x.r.arn,
      accountId: account,
    };
  }
  scored.sort(
    (a, b) =>
      a.distance - b.distance ||
      a.ev.drafts.length - b.ev.drafts.length ||
      a.r.arn.localeCompare(b.r.arn),
  );
  const best = scored[0]!;
  const drafts = best.ev.drafts.map((d) => ({
    ...d,
    certainty:
      d.certainty === 'yes' && (trusting.length > 1 || samlUnknown)
        ? ('unknown' as const)
        : d.certainty,
    evidence: {
      ...d.evidence,
      roleArn: best.r.arn,
      ...(observed === undefined ? {} : { [web ? 'observedSub' : 'observedSubject']: observed }),
      ...(trusting.length > 1
        ? { otherTrustingRoles: trusting.filter((r) => r !== best.r).map((r) => r.arn) }
        : {}),
    },
    summary:
      trusting.length > 1
        ? `${d.summary} (nearest of ${trusting.length} roles trusting this provider; the event does not name the role.)`
        : samlUnknown
          ? `${d.summary} (the only role trusting a SAML provider; the event names neither the role nor the provider.)`
          : d.summary,
  }));
  return { drafts, evaluated: best.ev, roleArn: best.r.arn, accountId: account };
}

const RANK: Record<Confidence, number> = { confirmed: 0, likely: 1, possible: 2 };

/** Settles confidence and order, and merges duplicates. */
function settle(
  event: DenialEvent,
  drafts: readonly CauseDraft[],
): { draft: CauseDraft; confidence: Confidence }[] {
  const certain = drafts.filter(
    (d) => (d.certainty === 'yes' && !d.demoted) || d.certainty === 'message',
  );
  const unknownCodes = new Set(drafts.filter((d) => d.certainty === 'unknown').map((d) => d.code));
  const withConf = drafts.map((d) => {
    let confidence: Confidence;
    if (d.certainty === 'message') confidence = 'confirmed';
    else if (d.certainty === 'yes') confidence = d.demoted ? 'possible' : 'confirmed';
    else if (d.certainty === 'inferred') confidence = 'possible';
    else confidence = certain.length === 0 && unknownCodes.size === 1 ? 'likely' : 'possible';
    return { draft: d, confidence };
  });
  const plain =
    event.errorMessage.kind === 'not-authorized' && event.errorMessage.reason === undefined;
  const sideRank = (code: CauseCode): number => {
    const side = CAUSE_CODES[code];
    if (code === 'INSUFFICIENT_DATA') return 0;
    if (side === 'any') return 3;
    if (plain) return side === 'caller' ? 2 : 1;
    return side === 'caller' ? 1 : 2;
  };
  withConf.sort(
    (a, b) =>
      (a.draft.certainty === 'message' ? -1 : 0) - (b.draft.certainty === 'message' ? -1 : 0) ||
      RANK[a.confidence] - RANK[b.confidence] ||
      sideRank(a.draft.code) - sideRank(b.draft.code) ||
      CAUSE_CODE_LIST.indexOf(a.draft.code) - CAUSE_CODE_LIST.indexOf(b.draft.code),
  );
  const seen = new Set<string>();
  return withConf.filter(({ draft }) => {
    const e = draft.evidence;
    const key = `${draft.code}|${String(e.policy)}|${String(e.statement)}|${String(e.conditionKey)}|${String(e.unreadable)}|${String(e.accountId)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The pure diagnosis: from one denial event and the IAM state read for it,
 * every applicable cause (most probable first, with confidence and evidence)
 * and a verified fix for each cause that has one.
 */
export function diagnose(event: DenialEvent, bundle: DiagnosisBundle): Diagnosis {
  let drafts: CauseDraft[] = [];
  let evaluated: Evaluated | undefined;
  let targetArn = event.target.roleArn;
  let targetAccount = event.target.accountId;
  const msg = event.errorMessage;
  const callerSideReadable = bundle.callerPolicies?.ok === true;
  let roleSideReadable = false;
  /** Decided by a rule of AWS's, not by policies: AWS's message cannot add to it. */
  let ruledOut = false;

  if (msg.kind === 'mfa-failed') {
    drafts.push({
      code: 'MFA_CODE_INVALID',
      certainty: 'message',
      summary:
        msg.mfaFailure === 'invalid-serial'
          ? `AWS could not validate the MFA device sent by ${callerLabel(event)}: the serial number is wrong or not associated with this user.`
          : `AWS rejected the one-time MFA code sent by ${callerLabel(event)}: it was wrong or expired (codes are valid for about 30 seconds and cannot be reused).`,
      evidence: {
        awsMessage: msg.raw,
        failure: msg.mfaFailure ?? 'other',
        serialNumber: event.request.logged
          ? (event.request.serialNumber ?? 'absent')
          : 'not logged',
      },
    });
  } else if (msg.kind === 'oidc-provider-missing' || msg.kind === 'oidc-audience-rejected') {
    drafts.push(tokenRejection(event, bundle, targetAccount ?? event.recordedInAccount));
    ruledOut = true;
  } else if (
    (event.caller.type === 'Root' || event.caller.type === 'FederatedUser') &&
    event.eventName === 'AssumeRole'
  ) {
    drafts.push(rootCaller(event, targetArn));
    ruledOut = true;
  } else if (targetArn === undefined && event.eventName !== 'AssumeRole') {
    const found = federatedSearch(event, bundle);
    drafts = found.drafts;
    evaluated = found.evaluated;
    const account = found.accountId;
    if (
      evaluated === undefined &&
      account !== undefined &&
      drafts.some((d) => d.code === 'OIDC_PROVIDER_NOT_TRUSTED')
    ) {
      // No role to patch: evaluate a new, empty role so the proposed trust policy can be verified.
      const repo = /^repo:[^/]+\/([^:]+):/.exec(event.caller.webIdentity?.sub ?? '')?.[1];
      const name = repo === undefined ? 'web-identity-role' : `github-${repo}`.slice(0, 64);
      const arn = `arn:aws:iam::${account}:role/${name}`;
      const ev = evaluate(
        event,
        bundle,
        { arn, accountId: account, isServiceLinked: false },
        {
          label: `trust policy of new role ${arn}`,
          document: { version: '2012-10-17', statements: [] },
        },
      );
      evaluated = { inputs: ev.inputs, evaluation: ev.evaluation, blockerCtx: ev.blockerCtx };
    }
    targetArn = found.roleArn;
    targetAccount = found.accountId ?? targetAccount;
    roleSideReadable = true;
  } else if (targetArn === undefined) {
    drafts.push({
      code: 'INSUFFICIENT_DATA',
      certainty: 'yes',
      summary:
        'The event names no role (requestParameters were not logged and the error message has no resource), so there is nothing to evaluate.',
      evidence: { unreadable: 'target role' },
    });
  } else {
    const parts = parseRoleArn(targetArn);
    const roleRead = bundle.role;
    const account = parts?.accountId ?? targetAccount ?? '';
    targetAccount = account;
    const pathMismatch =
      roleRead?.ok === true &&
      roleRead.value !== null &&
      parts !== undefined &&
      // IAM looks names up case-insensitively, but the ARN must match exactly.
      (roleRead.value.path !== parts.path || roleRead.value.name !== parts.name);
    if (roleRead?.ok && roleRead.value !== null && !pathMismatch) {
      const role = roleRead.value;
      roleSideReadable = true;
      const ev = evaluate(
        event,
        bundle,
        { arn: targetArn, accountId: role.accountId, isServiceLinked: role.isServiceLinked },
        trustOf(role),
        role,
      );
      evaluated = ev;
      drafts = ev.drafts;
      drafts.push(...unreadableDrafts(event, bundle, ev.inputs));
      if (ev.evaluation.allowed === 'yes' && drafts.length === 0) {
        // handled below: NO_CAUSE_FOUND unless AWS's message says otherwise
      }
    } else {
      // The role could not be found or read: check the caller's side alone.
      const ev = evaluate(
        event,
        bundle,
        { arn: targetArn, accountId: account, isServiceLinked: false },
        OPEN_TRUST,
      );
      const callerSide = ev.drafts.filter((d) => CAUSE_CODES[d.code] === 'caller');
      const org = bundle.organization;
      const inOrg = org.ok && org.value?.accounts.some((a) => a.id === account);
      if (roleRead?.ok && (roleRead.value === null || pathMismatch)) {
        roleSideReadable = true;
        drafts.push(roleNotFound(event, bundle, targetArn));
      } else if (
        org.ok &&
        !inOrg &&
        !bundle.readableAccounts.includes(account) &&
        // Without an organization, any account the snapshot does not hold is
        // outside what the user owns here (a typo or a third party).
        (org.value !== null || account !== event.caller.accountId)
      ) {
        drafts.push(outsideOrg(bundle, targetArn));
      } else {
        const reason = roleRead !== undefined && !roleRead.ok ? roleRead.reason : 'not read';
        drafts.push({
          code: 'INSUFFICIENT_DATA',
          certainty: 'yes',
          summary: `The IAM state of account \`${account}\` could not be read (${reason}), so the trust policy of \`${roleNameOf(targetArn)}\` cannot be checked.`,
          evidence: { unreadable: 'target role', accountId: account, roleArn: targetArn, reason },
        });
        if (msg.reason === undefined) {
          for (const code of ['TRUST_PRINCIPAL_NOT_TRUSTED', 'ROLE_NOT_FOUND'] as const) {
            drafts.push({
              code,
              certainty: 'inferred',
              summary:
                code === 'ROLE_NOT_FOUND'
                  ? `The role \`${targetArn}\` may not exist (AWS's message is the same either way).`
                  : `The trust policy of \`${roleNameOf(targetArn)}\` may not name ${callerLabel(event)} (AWS's message points at the role's side).`,
              evidence: { roleArn: targetArn, accountId: account },
            });
          }
        }
      }
      drafts.push(...callerSide);
      drafts.push(
        ...unreadableDrafts(event, bundle, ev.inputs).filter(
          (d) => d.evidence.unreadable !== 'resource control policies',
        ),
      );
      evaluated = { ...ev };
    }
  }

  if (!ruledOut)
    drafts = reconcileMessage(event, drafts, {
      callerSide: callerSideReadable,
      orgPolicies: bundle.callerOrgPath?.ok === true,
      roleSide: roleSideReadable,
    });
  if (evaluated !== undefined) {
    const action = evaluated.inputs.context.action;
    drafts = dropSpeculative(drafts, action);
    const named = event.errorMessage.action?.toLowerCase();
    if (
      named !== undefined &&
      named !== action.toLowerCase() &&
      drafts.length > 0 &&
      drafts.every((d) => isSpeculative(d, action) && d.blocker?.action.toLowerCase() !== named)
    ) {
      // AWS's message names the session action that failed, and today it is
      // allowed: the denial was fixed since. Another session action the
      // request may also have needed stays a possibility.
      drafts = [
        {
          code: 'NO_CAUSE_FOUND',
          certainty: 'unknown',
          summary: `AWS's message says \`${event.errorMessage.action}\` was denied, and today's policies allow it: it was probably fixed since the denial, or IAM had not yet propagated a change.`,
          evidence: { ...(targetArn === undefined ? {} : { roleArn: targetArn }) },
        },
        ...drafts.map((d) => ({ ...d, certainty: 'inferred' as const })),
      ];
    } else if (drafts.length > 0 && drafts.every((d) => isSpeculative(d, action))) {
      drafts.push({
        code: 'NO_CAUSE_FOUND',
        certainty: 'inferred',
        summary: `Unless the request passed session tags or a source identity (CloudTrail did not log its parameters), today's policies would allow it: it was probably fixed since, or IAM had not yet propagated a change.`,
        evidence: {
          ...(targetArn === undefined ? {} : { roleArn: targetArn }),
        },
      });
    }
  }

  drafts.push(...gapDrafts(bundle));
  if (drafts.length === 0) {
    drafts.push({
      code: 'NO_CAUSE_FOUND',
      certainty: 'yes',
      summary: `With today's policies this request would be allowed: it was probably fixed since the denial, or IAM had not yet propagated a change when ${callerLabel(event)} tried.`,
      evidence: { ...(targetArn === undefined ? {} : { roleArn: targetArn }) },
    });
  }

  const settled = settle(event, drafts);
  const causes: Cause[] = settled.map(({ draft, confidence }) => ({
    code: draft.code,
    confidence,
    side: CAUSE_CODES[draft.code],
    summary: draft.summary,
    evidence: draft.evidence,
  }));
  // Fixes only for causes that are confirmed or likely: a fix for a mere
  // possibility (e.g. allowing a mistyped role ARN) would widen access for nothing.
  const fixes = buildFixes(
    event,
    bundle,
    settled.filter((s) => s.confidence !== 'possible').map((s) => s.draft),
    evaluated,
  );

  return {
    eventId: event.eventId,
    eventName: event.eventName,
    eventTime: event.eventTime,
    caller: callerHeader(event),
    target: {
      ...(targetArn === undefined ? {} : { roleArn: targetArn }),
      ...(targetAccount === undefined || targetAccount === '' ? {} : { accountId: targetAccount }),
    },
    causes,
    fixes,
  };
}

function buildFixes(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  drafts: readonly CauseDraft[],
  evaluated: Evaluated | undefined,
): Fix[] {
  const existing = new Set(candidateRoles(bundle).map((r) => r.arn));
  if (bundle.role?.ok && bundle.role.value !== null) existing.add(bundle.role.value.arn);
  const callerArn = callerIamArn(event);
  const suggestedRoleArn = drafts.find((d) => d.code === 'ROLE_NOT_FOUND')?.hint?.suggestedArn;
  const role = evaluated?.role;
  const ctx = {
    event,
    ...(evaluated === undefined ? {} : { inputs: evaluated.inputs }),
    ...(role === undefined ? {} : { role: { arn: role.arn, name: role.name, path: role.path } }),
    ...(callerArn === undefined ? {} : { callerArn }),
    roleExists: (arn: string) => existing.has(arn),
    ...(suggestedRoleArn === undefined ? {} : { suggestedRoleArn }),
    stillBlocks: (
      inputs: AssumeRoleInputs,
      code: CauseCode,
      action?: string,
      where?: Readonly<Record<string, string>>,
    ): boolean => {
      if (evaluated === undefined) return true;
      const evaluation = evaluateAssumeRole(inputs);
      const again = mapBlockers({ ...evaluated.blockerCtx, trust: inputs.trust, evaluation });
      return again.some(
        (d) =>
          d.code === code &&
          (action === undefined || d.blocker?.action === action) &&
          (where === undefined || Object.entries(where).every(([k, v]) => d.evidence[k] === v)) &&
          // A cause about a session action is checked for that action, even
          // when it was only speculative (the request may have used it).
          (action !== undefined || !isSpeculative(d, inputs.context.action)),
      );
    },
  };
  const out: Fix[] = [];
  const seen = new Set<string>();
  for (const d of drafts) {
    if (d.messageOnly) continue;
    const key = `${d.code}|${String(d.evidence.policy)}|${String(d.evidence.statement)}|${String(d.evidence.conditionKey)}|${d.blocker?.action ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fix = buildFix(d, ctx);
    if (fix !== undefined && !out.some((f) => f.cause === fix.cause && f.title === fix.title))
      out.push(fix);
  }
  return out;
}

export type { PolicyDocument };
