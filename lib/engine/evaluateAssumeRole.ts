import type { PolicyLevel } from '../iam/IamState.js';
import { isServiceLinkedRoleArn } from '../iam/serviceLinkedRole.js';
import type { LabeledPolicy, PolicyDocument, PolicyStatement } from '../policy/PolicyDocument.js';
import type {
  AssumeRoleEvaluation,
  AssumeRoleInputs,
  Blocker,
  BlockerKind,
  OrgPolicies,
  TrustGrant,
} from './AssumeRoleEvaluation.js';
import { copyContext } from './contextKeys.js';
import { compiledPrincipalOf, evaluatePolicy } from './evaluatePolicy.js';
import { matchCompiledPrincipal } from './matchPrincipal.js';
import type { PolicyEvaluation } from './PolicyEvaluation.js';
import type { PolicyEvaluations } from './PolicyEvaluations.js';
import type { RequestContext, Tri } from './RequestContext.js';
import { triAnd, triNot, triOr } from './tri.js';

/**
 * AWS's role-assumption logic over both sides, three-valued (IAM User Guide,
 * "Policy evaluation logic" and "Cross-account policy evaluation logic"):
 *
 * - An explicit deny anywhere (trust policy, identity policies, permissions
 *   boundary, session policy, any SCP level, any RCP level) denies.
 * - The trust policy must allow the caller, always.
 * - Cross-account: the caller also needs an identity-based allow, a
 *   boundary allow (if it has one), a session-policy allow (if it has one) and
 *   an SCP allow at every level of its account's path.
 * - Same account: a trust policy that names the caller's user ARN or session
 *   ARN (or `*`) is enough; one that names the caller's role ARN is enough for
 *   identity policies but a boundary or session policy still limits; one that
 *   names only the account delegates to the account, so an identity allow is
 *   needed (and boundary/session policies limit). One that does not name the
 *   caller at all is reported with the boundary or session policy that would
 *   still limit the role-ARN or account grant that fixes it.
 * - SCPs do not apply to the management account or to service-linked roles;
 *   RCPs do not apply to resources of the management account nor to calls
 *   made by service-linked roles (IAM UG, "Policy evaluation logic"); they
 *   do apply to AWS service principals (AWS's confused-deputy RCP example
 *   denies `sts:*` to them), and assuming a service-linked role is left to
 *   its service.
 * - Web identity and SAML callers have no identity policies, boundary, session
 *   policy or SCPs: only the trust policy and RCPs decide.
 * - Session tags need `sts:TagSession` and a source identity needs
 *   `sts:SetSourceIdentity`, in the trust policy and (when an identity allow is
 *   needed) in the caller's identity policies; a `Deny` (with `Action` or
 *   `NotAction`) matching such an action in any policy denies the request
 *   like one on the main action (`trust-deny`, `identity-deny`, … for that
 *   action), never a missing allow.
 *
 * `evaluations`, when given, is shared by every evaluation of one request (see
 * `PolicyEvaluations`): a policy the inputs share with an earlier call for
 * the same request object is not evaluated again. `previous`, when given, is
 * an earlier evaluation of the same request (before a fix was applied): when
 * `inputs` holds the very same context, caller-side policies, session actions
 * and trust grant needs, its caller side (identity policies, boundary,
 * session policies, SCPs, RCPs) is taken over instead of worked out again.
 */
export function evaluateAssumeRole(
  inputs: AssumeRoleInputs,
  evaluations?: PolicyEvaluations,
  previous?: AssumeRoleEvaluation,
): AssumeRoleEvaluation {
  const { context, role, trust } = inputs;
  const principal = context.principal;
  const federated = principal.kind === 'WebIdentity' || principal.kind === 'SAML';
  const service = principal.kind === 'Service';
  const sameAccount =
    !federated && principal.accountId !== undefined && principal.accountId === role.accountId;
  const run = new Run(inputs, evaluations);
  const blockers = run.blockers;

  // Role side: the trust policy.
  const statements = trust.document.statements;
  const quirk =
    !federated &&
    !service &&
    inputs.boundary !== null &&
    inputs.boundary !== undefined &&
    hasNotPrincipalDeny(statements);
  let trustEval = run.evaluate(trust.document, context, TRUST_OPTS);
  if (quirk) trustEval = notPrincipalDenyQuirk(trustEval, statements);
  if (trustEval.deny !== 'no') {
    blockers.push(blocker('trust-deny', trustEval.deny, context.action, trust, trustEval));
  }
  if (trustEval.allow !== 'yes') {
    blockers.push(
      blocker('trust-no-allow', triNot(trustEval.allow), context.action, trust, trustEval),
    );
  }
  // How the trust policy grants matters to the caller's side only within one
  // account (below); otherwise it is worked out when read.
  const trustGrant = sameAccount && !service ? grantOf(statements, trustEval, context) : undefined;

  // Which caller-side policies must allow, given how the trust policy grants.
  const identityAllowRequired: Tri =
    federated || service ? 'no' : !sameAccount ? 'yes' : trustGrant === 'account' ? 'yes' : 'no';
  // When the trust policy names no principal the caller could be granted as,
  // the usual grant (its role ARN, its account) would be limited too, so a
  // boundary or session policy that does not allow the action is listed
  // beside the trust cause; only a grant to the IAM user ARN or the session
  // ARN escapes them (IAM UG, "Policy evaluation logic": resource-based
  // policies and permissions boundaries, same account).
  const limitsApply: boolean =
    !federated &&
    !service &&
    (!sameAccount || trustGrant === 'account' || trustGrant === 'role' || trustGrant === 'none');

  // Trust must also allow each session action the request implies.
  const sessionActions = inputs.sessionActions;
  for (let i = 0; i < sessionActions.length; i++) {
    const sa = sessionActions[i] as AssumeRoleInputs['sessionActions'][number];
    if (sa.needed === 'no') continue;
    let e = run.evaluate(trust.document, withAction(context, sa.action), TRUST_OPTS);
    if (quirk) e = notPrincipalDenyQuirk(e, statements);
    // A Deny that matches the session action is an explicit deny of the
    // request (IAM UG, "Policy evaluation logic": an explicit deny in any
    // policy overrides any allow), not a missing allow: adding the action to
    // an Allow cannot help while the Deny stands.
    if (e.deny !== 'no') {
      blockers.push(blocker('trust-deny', triAnd(sa.needed, e.deny), sa.action, trust, e));
    }
    const missing = triAnd(sa.needed, triNot(e.allow));
    if (missing !== 'no') {
      blockers.push(blocker('trust-session-action', missing, sa.action, trust, e));
    }
  }

  // The caller's side and the RCPs: the same for a fix that only patches the trust policy.
  const side = callerSide(inputs, evaluations, identityAllowRequired, limitsApply, previous);
  for (let i = 0; i < side.blockers.length; i++) blockers.push(side.blockers[i] as Blocker);
  if (side.unknownKeys !== undefined) run.addUnknownKeys(side.unknownKeys);

  let certain = false;
  for (let i = 0; i < blockers.length; i++) {
    if ((blockers[i] as Blocker).certainty === 'yes') certain = true;
  }
  const allowed: Tri = certain ? 'no' : blockers.length > 0 || side.unreadable ? 'unknown' : 'yes';
  const unknownKeys = run.unknownKeys;
  return new Evaluation(
    allowed,
    sameAccount,
    trustGrant,
    identityAllowRequired,
    trustEval,
    blockers,
    unknownKeys === undefined ? [] : [...new Set(unknownKeys)].sort(),
    context,
    statements,
    side,
  );
}

/** What `evaluateAssumeRole` found on the caller's side and in the RCPs, and from which inputs. */
interface CallerSide {
  readonly inputs: AssumeRoleInputs;
  readonly identityAllowRequired: Tri;
  readonly limitsApply: boolean;
  readonly blockers: readonly Blocker[];
  readonly unknownKeys: readonly string[] | undefined;
  /** A policy that must be read could not be. */
  readonly unreadable: boolean;
}

/**
 * The caller's side of `inputs`: the one `previous` found when `inputs` holds
 * the very same request and caller-side policies (a fix check patching only
 * the trust policy), else evaluated.
 */
function callerSide(
  inputs: AssumeRoleInputs,
  evaluations: PolicyEvaluations | undefined,
  identityAllowRequired: Tri,
  limitsApply: boolean,
  previous: AssumeRoleEvaluation | undefined,
): CallerSide {
  const last = previous instanceof Evaluation ? previous.callerSide : undefined;
  if (
    last !== undefined &&
    last.identityAllowRequired === identityAllowRequired &&
    last.limitsApply === limitsApply &&
    sameCallerInputs(last.inputs, inputs)
  ) {
    return last;
  }
  const context = inputs.context;
  const principal = context.principal;
  const run = new Run(inputs, evaluations, actionsOf(inputs), limitsApply);
  /** A session of a service-linked role: neither SCPs nor RCPs apply to its calls. */
  const callerServiceLinked =
    principal.roleArn !== undefined && isServiceLinkedRoleArn(principal.roleArn);

  if (
    principal.kind !== 'WebIdentity' &&
    principal.kind !== 'SAML' &&
    principal.kind !== 'Service'
  ) {
    // Caller side: identity-based policies.
    if (inputs.identity === undefined) {
      if (identityAllowRequired !== 'no') run.unreadable = true;
    } else {
      run.identity(inputs.identity, identityAllowRequired);
    }

    // Permissions boundary: deny always counts; a missing allow counts when it limits.
    if (inputs.boundary === undefined) {
      run.unreadable = true;
    } else if (inputs.boundary !== null) {
      run.boundaryLike(inputs.boundary, 'boundary-deny', 'boundary-no-allow');
    }

    // Session policies of the caller's session (never logged: only known when supplied).
    const sessionPolicies = inputs.sessionPolicies;
    if (sessionPolicies !== undefined && hasSession(principal.kind)) {
      for (let i = 0; i < sessionPolicies.length; i++) {
        run.boundaryLike(sessionPolicies[i] as LabeledPolicy, 'session-deny', 'session-no-allow');
      }
    }

    // SCPs of the caller's account.
    if (inputs.scp === undefined) {
      if (!callerServiceLinked) run.unreadable = true;
    } else if (!inputs.scp.exempt && !callerServiceLinked) {
      run.orgLevels(inputs.scp, 'scp-deny', 'scp-no-allow', CALLER_OPTS);
    }
  }

  // RCPs of the role's account: deny-only (RCPFullAWSAccess is attached at every level).
  if (!callerServiceLinked && !inputs.role.isServiceLinked) {
    if (inputs.rcp === undefined) {
      run.unreadable = true;
    } else if (!inputs.rcp.exempt) {
      run.orgLevels(inputs.rcp, 'rcp-deny', undefined, RCP_OPTS);
    }
  }

  return {
    inputs,
    identityAllowRequired,
    limitsApply,
    blockers: run.blockers,
    unknownKeys: run.unknownKeys,
    unreadable: run.unreadable,
  };
}

/** Do `a` and `b` hold the same request and caller-side inputs? */
function sameCallerInputs(a: AssumeRoleInputs, b: AssumeRoleInputs): boolean {
  return (
    a.context === b.context &&
    a.identity === b.identity &&
    a.boundary === b.boundary &&
    a.sessionPolicies === b.sessionPolicies &&
    a.scp === b.scp &&
    a.rcp === b.rcp &&
    a.sessionActions === b.sessionActions &&
    a.role.isServiceLinked === b.role.isServiceLinked
  );
}

/**
 * The result. How the trust policy grants (`trustGrant`) is worked out when
 * first read, unless `evaluateAssumeRole` needed it already (a same-account
 * caller that is not a service); `grantOf` is pure, so when it runs changes
 * no answer. Being a getter of the class, it is not copied by spreading or by
 * `JSON.stringify`: copy the fields by name. `callerSide` is what a later
 * evaluation of patched inputs (`previous`) may take over.
 */
class Evaluation implements AssumeRoleEvaluation {
  #trustGrant: TrustGrant | undefined;
  readonly #context: RequestContext;
  readonly #statements: readonly PolicyStatement[];
  readonly #callerSide: CallerSide;

  constructor(
    readonly allowed: Tri,
    readonly sameAccount: boolean,
    trustGrant: TrustGrant | undefined,
    readonly identityAllowRequired: Tri,
    readonly trust: PolicyEvaluation,
    readonly blockers: readonly Blocker[],
    readonly unknownKeys: readonly string[],
    context: RequestContext,
    statements: readonly PolicyStatement[],
    callerSide: CallerSide,
  ) {
    this.#trustGrant = trustGrant;
    this.#context = context;
    this.#statements = statements;
    this.#callerSide = callerSide;
  }

  /** What the caller's side found, for a later evaluation of patched inputs. */
  get callerSide(): CallerSide {
    return this.#callerSide;
  }

  get trustGrant(): TrustGrant {
    this.#trustGrant ??= grantOf(this.#statements, this.trust, this.#context);
    return this.#trustGrant;
  }
}

/**
 * One `evaluateAssumeRole` call, or its caller side: the policies it
 * evaluates (through `evaluations` when given), the blockers and unknown keys
 * they yield, and the actions the caller's side is checked for.
 */
class Run {
  readonly blockers: Blocker[] = [];
  /** Unknown keys of every evaluation, with repeats; `undefined` while there are none. */
  unknownKeys: string[] | undefined;
  unreadable = false;
  constructor(
    readonly inputs: AssumeRoleInputs,
    readonly evaluations: PolicyEvaluations | undefined,
    /** The request's action, then each session action it needs or may need (for the caller's side). */
    readonly actions: readonly string[] = NO_ACTIONS,
    /** Whether a boundary or session policy's missing allow blocks (see `evaluateAssumeRole`). */
    readonly limitsApply = false,
  ) {}

  /** Evaluates one policy and records its unknown keys. */
  evaluate(doc: PolicyDocument, ctx: RequestContext, opts: EvalOpts): PolicyEvaluation {
    const e =
      this.evaluations === undefined
        ? evaluatePolicy(doc, ctx, opts)
        : this.evaluations.evaluate(doc, ctx, opts);
    if (e.unknownKeys.length > 0) this.addUnknownKeys(e.unknownKeys);
    return e;
  }

  addUnknownKeys(keys: readonly string[]): void {
    if (this.unknownKeys === undefined) this.unknownKeys = [...keys];
    else this.unknownKeys.push(...keys);
  }

  /** Identity-based policies: a deny blocks; a missing allow blocks where one is required. */
  identity(policies: readonly LabeledPolicy[], identityAllowRequired: Tri): void {
    const { inputs, actions, blockers } = this;
    for (let a = 0; a < actions.length; a++) {
      const action = actions[a] as string;
      const needed = neededOf(inputs, action);
      const ctx = withAction(inputs.context, action);
      const evals = this.evaluateAll(policies, ctx, CALLER_OPTS);
      for (let i = 0; i < evals.length; i++) {
        const { policy, evaluation } = evals[i] as Blocker['evaluations'][number];
        if (evaluation.deny !== 'no') {
          blockers.push(
            blocker('identity-deny', triAnd(needed, evaluation.deny), action, policy, evaluation),
          );
        }
      }
      if (identityAllowRequired !== 'no') {
        const allow = anyAllows(evals);
        const certainty = triAnd(needed, identityAllowRequired, triNot(allow));
        if (certainty !== 'no') {
          blockers.push({
            kind: 'identity-no-allow',
            certainty,
            action,
            ...(evals[0] ? { policy: evals[0].policy } : {}),
            evaluations: evals,
          });
        }
      }
    }
  }

  /** A boundary or session policy: its deny blocks; its missing allow blocks where it limits. */
  boundaryLike(policy: LabeledPolicy, denyKind: BlockerKind, noAllowKind: BlockerKind): void {
    const { inputs, actions, blockers } = this;
    for (let a = 0; a < actions.length; a++) {
      const action = actions[a] as string;
      const needed = neededOf(inputs, action);
      const e = this.evaluate(policy.document, withAction(inputs.context, action), CALLER_OPTS);
      if (e.deny !== 'no')
        blockers.push(blocker(denyKind, triAnd(needed, e.deny), action, policy, e));
      if (this.limitsApply) {
        const certainty = triAnd(needed, triNot(e.allow));
        if (certainty !== 'no') blockers.push(blocker(noAllowKind, certainty, action, policy, e));
      }
    }
  }

  /**
   * SCP or RCP levels: a deny at any level blocks; for SCPs every level must
   * also allow. Only a level that lists an `Allow` statement is held to that
   * (an allow-list strategy, Organizations User Guide "SCP evaluation"). A
   * level listing no policy, or only `Deny` statements, is read as carrying
   * the default `FullAWSAccess`: while SCPs are enabled AWS keeps at least
   * one SCP on every root, OU and account and attaches `FullAWSAccess`
   * everywhere by default, so such a level is a snapshot that left the
   * default out (the spec's example attaches it to the root only) or a
   * deny-list level, never one meant to allow nothing.
   */
  orgLevels(
    org: OrgPolicies,
    denyKind: BlockerKind,
    noAllowKind: BlockerKind | undefined,
    opts: EvalOpts,
  ): void {
    const { inputs, actions, blockers } = this;
    for (let a = 0; a < actions.length; a++) {
      const action = actions[a] as string;
      const needed = neededOf(inputs, action);
      const ctx = withAction(inputs.context, action);
      for (let l = 0; l < org.levels.length; l++) {
        const level = org.levels[l] as PolicyLevel;
        const evals = this.evaluateAll(level.policies, ctx, opts);
        for (let i = 0; i < evals.length; i++) {
          const { policy, evaluation } = evals[i] as Blocker['evaluations'][number];
          if (evaluation.deny !== 'no') {
            blockers.push({
              ...blocker(denyKind, triAnd(needed, evaluation.deny), action, policy, evaluation),
              level,
            });
          }
        }
        if (noAllowKind && listsAllow(level.policies)) {
          const allow = anyAllows(evals);
          const certainty = triAnd(needed, triNot(allow));
          if (certainty !== 'no')
            blockers.push(levelBlocker(noAllowKind, certainty, action, level, evals));
        }
      }
    }
  }

  /** Each policy with its evaluation. */
  private evaluateAll(
    policies: readonly LabeledPolicy[],
    ctx: RequestContext,
    opts: EvalOpts,
  ): Blocker['evaluations'][number][] {
    const evals = new Array<Blocker['evaluations'][number]>(policies.length);
    for (let i = 0; i < policies.length; i++) {
      const policy = policies[i] as LabeledPolicy;
      evals[i] = { policy, evaluation: this.evaluate(policy.document, ctx, opts) };
    }
    return evals;
  }
}

/** The actions of a `Run` that checks no caller side. */
const NO_ACTIONS: readonly string[] = [];

/** The request's action, then each session action with a need other than `no`. */
function actionsOf(inputs: AssumeRoleInputs): readonly string[] {
  const actions = [inputs.context.action];
  const sessionActions = inputs.sessionActions;
  for (let i = 0; i < sessionActions.length; i++) {
    const sa = sessionActions[i] as AssumeRoleInputs['sessionActions'][number];
    if (sa.needed !== 'no') actions.push(sa.action);
  }
  return actions;
}

/** OR of the evaluations' `allow`. */
function anyAllows(evals: Blocker['evaluations']): Tri {
  let allow: Tri = 'no';
  for (let i = 0; i < evals.length; i++) {
    allow = triOr(allow, (evals[i] as Blocker['evaluations'][number]).evaluation.allow);
  }
  return allow;
}

/** Does any of the policies list an `Allow` statement? */
function listsAllow(policies: readonly LabeledPolicy[]): boolean {
  for (let i = 0; i < policies.length; i++) {
    const statements = (policies[i] as LabeledPolicy).document.statements;
    for (let j = 0; j < statements.length; j++) {
      if ((statements[j] as PolicyStatement).effect === 'Allow') return true;
    }
  }
  return false;
}

/**
 * IAM User Guide, "Permissions boundaries for IAM entities": a `Deny`
 * statement with `NotPrincipal` always denies an IAM principal that has a
 * permissions boundary, whatever `NotPrincipal` lists. For such a caller
 * those statements apply whenever their action and conditions do.
 */
function notPrincipalDenyQuirk(
  evaluation: PolicyEvaluation,
  statements: readonly PolicyStatement[],
): PolicyEvaluation {
  let changed = false;
  const traces = evaluation.statements.map((t) => {
    const st = statements.find((s) => s.index === t.index);
    if (t.effect !== 'Deny' || st?.notPrincipal === undefined || t.principal === 'yes') return t;
    changed = true;
    return {
      ...t,
      principal: 'yes' as const,
      applies: triAnd(t.action, t.resource ?? 'yes', t.conditionsResult),
    };
  });
  if (!changed) return evaluation;
  let deny: Tri = 'no';
  for (const t of traces) if (t.effect === 'Deny') deny = triOr(deny, t.applies);
  return { ...evaluation, statements: traces, deny };
}

/** Does the policy have a `Deny` statement with `NotPrincipal` (see `notPrincipalDenyQuirk`)? */
function hasNotPrincipalDeny(statements: readonly PolicyStatement[]): boolean {
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i] as PolicyStatement;
    if (st.effect === 'Deny' && st.notPrincipal !== undefined) return true;
  }
  return false;
}

type EvalOpts = { principal: boolean; resource: boolean };
/** Trust policies have a principal and no `Resource` element. */
const TRUST_OPTS: EvalOpts = { principal: true, resource: false };
/** Identity policies, boundaries, session policies and SCPs: no principal, a resource. */
const CALLER_OPTS: EvalOpts = { principal: false, resource: true };
/** RCPs name principals and resources. */
const RCP_OPTS: EvalOpts = { principal: true, resource: true };

/** The request for another action (a session action): the same keys, still built on demand. */
function withAction(ctx: RequestContext, action: string): RequestContext {
  return action === ctx.action ? ctx : copyContext(ctx, { action });
}

/** The request's own action is always needed; a session action as the request implies. */
function neededOf(inputs: AssumeRoleInputs, action: string): Tri {
  if (action === inputs.context.action) return 'yes';
  const sessionActions = inputs.sessionActions;
  for (let i = 0; i < sessionActions.length; i++) {
    const sa = sessionActions[i] as AssumeRoleInputs['sessionActions'][number];
    if (sa.action === action) return sa.needed;
  }
  return 'no';
}

function hasSession(kind: RequestContext['principal']['kind']): boolean {
  return kind === 'AssumedRole' || kind === 'FederatedUser';
}

function blocker(
  kind: BlockerKind,
  certainty: Tri,
  action: string,
  policy: LabeledPolicy,
  evaluation: PolicyEvaluation,
): Blocker {
  return { kind, certainty, action, policy, evaluations: [{ policy, evaluation }] };
}

function levelBlocker(
  kind: BlockerKind,
  certainty: Tri,
  action: string,
  level: PolicyLevel,
  evaluations: Blocker['evaluations'],
): Blocker {
  return {
    kind,
    certainty,
    action,
    level,
    ...(evaluations[0] ? { policy: evaluations[0].policy } : {}),
    evaluations,
  };
}

const GRANT_RANK: Record<TrustGrant, number> = {
  principal: 5,
  federated: 4,
  role: 3,
  account: 2,
  none: 0,
};

/**
 * How the trust policy grants the caller: from the Allow statements that
 * apply, or, when none applies, from those whose principal and action match
 * (what would grant once their conditions are met).
 */
function grantOf(
  statements: readonly PolicyStatement[],
  evaluation: PolicyEvaluation,
  context: RequestContext,
): TrustGrant {
  let applying: TrustGrant = 'none';
  let candidate: TrustGrant = 'none';
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i] as PolicyStatement;
    if (st.effect !== 'Allow') continue;
    const trace = evaluation.statements[st.index];
    if (!trace || trace.principal === 'no' || trace.action === 'no') continue;
    const g = statementGrant(st, context);
    if (trace.applies !== 'no' && GRANT_RANK[g] > GRANT_RANK[applying]) applying = g;
    if (GRANT_RANK[g] > GRANT_RANK[candidate]) candidate = g;
  }
  return applying !== 'none' ? applying : candidate;
}

function statementGrant(st: PolicyStatement, context: RequestContext): TrustGrant {
  if (st.notPrincipal) return 'principal';
  const principal = compiledPrincipalOf(st);
  if (principal === undefined) return 'none';
  const { grant } = matchCompiledPrincipal(principal, context.principal);
  switch (grant) {
    case 'principal':
    case 'any':
      return 'principal';
    case 'service':
      return 'principal';
    case 'federated':
      return 'federated';
    case 'role':
      return 'role';
    case 'account':
      return 'account';
    default:
      return 'none';
  }
}
