import type {
  AssumeRoleEvaluation,
  AssumeRoleInputs,
  OrgPolicies,
} from '../engine/AssumeRoleEvaluation.js';
import { evaluateAssumeRole } from '../engine/evaluateAssumeRole.js';
import { PolicyEvaluations } from '../engine/PolicyEvaluations.js';
import type { Tri } from '../engine/RequestContext.js';
import type { OrgPathInfo, Readable, RoleState, RoleSummary } from '../iam/IamState.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import { buildRequestContext } from './buildRequestContext.js';
import { callerIamArn } from './callerIamArn.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';
import { roleNameOf } from './describe.js';
import { orgAccountIds } from './orgAccountIds.js';
import type { BlockerContext, Evaluated } from './Situation.js';

/*
 * The engine's inputs for one event against one role, from the state read
 * for it, and their evaluation. Pure.
 */

/** A trust policy that allows anyone: used to evaluate the caller's side alone. */
export const OPEN_TRUST: LabeledPolicy = {
  label: 'trust policy (not readable; assumed to allow)',
  document: {
    version: '2012-10-17',
    statements: [
      { index: 0, effect: 'Allow', principal: { kind: 'any' }, action: ['sts:*'], conditions: [] },
    ],
  },
};

/** Neither SCPs nor RCPs apply: the account is in no organization (or the caller has no IAM side). */
const NOT_IN_ORGANIZATION: OrgPolicies = {
  exempt: true,
  exemptReason: 'not-in-organization',
  levels: [],
};

function orgPolicies(
  path: Readable<OrgPathInfo | null> | undefined,
  organization: DiagnosisBundle['organization'],
  accountId: string | undefined,
  kind: 'scp' | 'rcp',
): OrgPolicies | undefined {
  if (organization.ok && organization.value === null) return NOT_IN_ORGANIZATION;
  if (path === undefined || !path.ok || !organization.ok || organization.value === null)
    return undefined;
  if (path.value === null) return NOT_IN_ORGANIZATION;
  if (accountId === organization.value.managementAccountId) {
    return {
      exempt: true,
      exemptReason: 'management-account',
      levels: kind === 'scp' ? path.value.scpLevels : path.value.rcpLevels,
    };
  }
  return { exempt: false, levels: kind === 'scp' ? path.value.scpLevels : path.value.rcpLevels };
}

type SessionActions = AssumeRoleInputs['sessionActions'];

const sessionActionPair = (tagSession: Tri, setSourceIdentity: Tri): SessionActions => [
  { action: 'sts:TagSession', needed: tagSession },
  { action: 'sts:SetSourceIdentity', needed: setSourceIdentity },
];
const sessionActionRow = (tagSession: Tri): Record<Tri, SessionActions> => ({
  yes: sessionActionPair(tagSession, 'yes'),
  no: sessionActionPair(tagSession, 'no'),
  unknown: sessionActionPair(tagSession, 'unknown'),
});

/** The session-action inputs for each need of `sts:TagSession` and `sts:SetSourceIdentity`: shared, never changed. */
const SESSION_ACTIONS: Record<Tri, Record<Tri, SessionActions>> = {
  yes: sessionActionRow('yes'),
  no: sessionActionRow('no'),
  unknown: sessionActionRow('unknown'),
};

/** Each entry of `SESSION_ACTIONS` without its `unknown` actions (the same array when it has none). */
const KNOWN_SESSION_ACTIONS = new Map<SessionActions, SessionActions>(
  Object.values(SESSION_ACTIONS).flatMap((row) =>
    Object.values(row).map((actions): [SessionActions, SessionActions] => {
      const known = actions.filter((a) => a.needed !== 'unknown');
      return [actions, known.length === actions.length ? actions : known];
    }),
  ),
);

/** The request's own action, lower-cased, by event name. */
const MAIN_ACTION: Record<DenialEvent['eventName'], string> = {
  AssumeRole: 'sts:assumerole',
  AssumeRoleWithWebIdentity: 'sts:assumerolewithwebidentity',
  AssumeRoleWithSAML: 'sts:assumerolewithsaml',
};

/**
 * Whether the request needed `sts:TagSession` / `sts:SetSourceIdentity`. When
 * requestParameters were not logged, AWS's message still tells: a missing
 * session action is reported as that action (`…not authorized to perform:
 * sts:TagSession on resource…`, the familiar configure-aws-credentials
 * error), so a message naming the main action rules them out as the cause of
 * this denial, and one naming a session action confirms it was needed.
 */
function sessionActionsOf(event: DenialEvent): SessionActions {
  const r = event.request;
  // Role chaining carries the caller's source identity into the new session,
  // which needs `sts:SetSourceIdentity` from both policies (IAM UG,
  // "Monitor and control actions taken with assumed roles").
  const chainedSource =
    event.eventName === 'AssumeRole' && event.caller.sessionSourceIdentity !== undefined;
  if (!r.logged) {
    const named = event.errorMessage.action?.toLowerCase();
    const main = MAIN_ACTION[event.eventName];
    const tagSession: Tri = named === 'sts:tagsession' ? 'yes' : named === main ? 'no' : 'unknown';
    const setSourceIdentity: Tri =
      named === 'sts:setsourceidentity' || chainedSource
        ? 'yes'
        : named === main
          ? 'no'
          : 'unknown';
    return SESSION_ACTIONS[tagSession][setSourceIdentity];
  }
  const tags: Tri =
    (r.tags?.length ?? 0) > 0 || (r.transitiveTagKeys?.length ?? 0) > 0 ? 'yes' : 'no';
  const source: Tri = r.sourceIdentity !== undefined || chainedSource ? 'yes' : 'no';
  return SESSION_ACTIONS[tags][source];
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
export function inputsFor(
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
    callerOrgPath: bundle.callerOrgPath,
    principalTags: tags,
    resourceTags: roleState?.tags,
    resourceOrgPath: rolePath,
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
      ? NOT_IN_ORGANIZATION
      : orgPolicies(bundle.callerOrgPath, bundle.organization, callerAccount, 'scp'),
    rcp: orgPolicies(rolePath, bundle.organization, role.accountId, 'rcp'),
    sessionActions: sessionActionsOf(event),
  };
}

/** Evaluates the event against an existing role as it stands in the state. */
export function evaluateRole(event: DenialEvent, bundle: DiagnosisBundle, r: RoleState): Evaluated {
  return evaluate(
    event,
    bundle,
    { arn: r.arn, accountId: r.accountId, isServiceLinked: r.isServiceLinked },
    trustOf(r),
    r,
  );
}

/** Trust policies with their labels, one per role state (states are immutable). */
const trustByRole = new WeakMap<RoleState, LabeledPolicy>();

export function trustOf(role: RoleState): LabeledPolicy {
  let trust = trustByRole.get(role);
  if (trust === undefined) {
    trust = { label: `trust policy of ${role.arn}`, document: role.trustPolicy };
    trustByRole.set(role, trust);
  }
  return trust;
}

function callerInOrg(event: DenialEvent, bundle: DiagnosisBundle, roleAccount: string): boolean {
  const org = bundle.organization;
  if (!org.ok || org.value === null) return false;
  const ids = orgAccountIds(org.value);
  return (
    event.caller.accountId !== undefined && ids.has(event.caller.accountId) && ids.has(roleAccount)
  );
}

/**
 * Evaluates the event against one role (or an open trust policy) with the
 * engine. Unlogged session actions are left out first: they can only add
 * speculative causes, which are dropped whenever anything else blocks.
 */
export function evaluate(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  role: { arn: string; accountId: string; isServiceLinked: boolean },
  trust: LabeledPolicy,
  roleState?: RoleState,
): Evaluated {
  const full = inputsFor(event, bundle, role, trust, roleState);
  const known =
    KNOWN_SESSION_ACTIONS.get(full.sessionActions) ??
    full.sessionActions.filter((a) => a.needed !== 'unknown');
  let inputs = known === full.sessionActions ? full : { ...full, sessionActions: known };
  const evaluations = new PolicyEvaluations();
  let evaluation = evaluateAssumeRole(inputs, evaluations);
  if (inputs !== full && evaluation.blockers.length === 0) {
    inputs = full;
    evaluation = evaluateAssumeRole(inputs, evaluations);
  }
  return {
    inputs,
    evaluation,
    subject: subjectOf(event, bundle, role, trust, evaluation),
    role: roleState,
    evaluations,
  };
}

/** What blocker rules see of one evaluation: who asked for which role, and the verdict. */
function subjectOf(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  role: { arn: string; accountId: string },
  trust: LabeledPolicy,
  evaluation: AssumeRoleEvaluation,
): BlockerContext {
  return {
    event,
    roleArn: role.arn,
    roleName: roleNameOf(role.arn),
    trust,
    callerArn: callerIamArn(event),
    callerUniqueId: callerUniqueId(event, bundle),
    callerInOrg: callerInOrg(event, bundle, role.accountId),
    knownUniqueIds: bundle.knownUniqueIds,
    evaluation,
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
export function hasCallerSide(event: DenialEvent): boolean {
  return event.eventName === 'AssumeRole' && event.caller.type !== 'AWSService';
}

/**
 * Roles the caller may have meant, from the source's name index (for
 * suggestions and corrected-ARN fixes): never every role of the organization.
 */
export function candidateRoles(bundle: DiagnosisBundle): readonly RoleSummary[] {
  return bundle.roleCandidates ?? [];
}
