import type { AssumeRoleInputs, Blocker } from '../../engine/AssumeRoleEvaluation.js';
import { copyContext } from '../../engine/contextKeys.js';
import type { FixTexts } from '../../fixes/Fix.js';
import {
  cliAssumeRole,
  ownerOfPolicy,
  permissionSetOf,
  tfProviderAssumeRole,
} from '../../fixes/fixCommands.js';
import { sessionNameOf, sidPart } from '../../fixes/fixTexts.js';
import { addStatement } from '../../fixes/patchPolicy.js';
import { parseIamPrincipalArn, parseRoleArn } from '../../iam/parseIamArn.js';
import type { DenialEvent } from '../../intake/DenialEvent.js';
import type { LabeledPolicy } from '../../policy/PolicyDocument.js';
import { type CauseDraft, type DraftOf, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext, RemedySink } from '../CauseRule.js';
import * as prose from '../causeProse.js';
import { sessionTagDependent } from '../clauseCertainty.js';
import { roleNameOf } from '../describe.js';
import type { BlockerContext } from '../Situation.js';
import { once, policyRemedy, policyTextsOf, targetOf } from './remedyKit.js';

/**
 * The `aws:PrincipalTag/…` key of a role session on which an Allow that
 * would grant the blocker's action fails: then the missing allow is not
 * certain, the session may carry the tag (lib/diagnosis/clauseCertainty.ts).
 */
function sessionTagClause(event: DenialEvent, b: Blocker): string | undefined {
  for (const { evaluation } of b.evaluations) {
    for (const st of evaluation.statements) {
      if (st.effect !== 'Allow' || st.action === 'no' || st.resource === 'no') continue;
      const c = st.conditions.find((x) => x.result === 'no' && sessionTagDependent(event, x.key));
      if (c !== undefined) return c.key;
    }
  }
  return undefined;
}

/**
 * The caller's side does not allow the action: no identity-based allow, a
 * permissions boundary, a session policy, or a level of SCPs without it.
 */
function detectInBlocker(b: Blocker, ctx: BlockerContext): readonly CauseDraft[] {
  const { roleArn, roleName, evaluation } = ctx;
  const certainty = b.certainty === 'unknown' ? 'unknown' : 'yes';
  const policyLabel = b.policy?.label ?? b.evaluations[0]?.policy.label;
  switch (b.kind) {
    case 'identity-no-allow': {
      const trust: prose.TrustSide =
        evaluation.trustGrant === 'account'
          ? 'whole-account'
          : evaluation.sameAccount
            ? 'same-account'
            : 'cross-account';
      const tagKey = sessionTagClause(ctx.event, b);
      return [
        {
          code: 'IDENTITY_NO_ALLOW',
          certainty: tagKey === undefined ? certainty : 'unknown',
          summary: prose.identityNoAllow(ctx.event, b.action, roleArn, roleName, trust, tagKey),
          evidence: {
            policy:
              b.evaluations.map((e) => e.policy.label).join(', ') || 'no identity-based policies',
            action: b.action,
            resource: roleArn,
          },
          blocker: b,
        },
      ];
    }
    case 'boundary-no-allow': {
      const besideUntrusted = evaluation.sameAccount && evaluation.trustGrant === 'none';
      return [
        {
          code: 'BOUNDARY_NO_ALLOW',
          certainty,
          summary: besideUntrusted
            ? prose.boundaryBesideUntrusted(
                ctx.event,
                ctx.callerArn,
                policyLabel ?? 'unknown',
                b.action,
                roleArn,
              )
            : prose.boundaryNoAllow(ctx.event, policyLabel ?? 'unknown', b.action, roleArn),
          evidence: { policy: policyLabel ?? 'permissions boundary', action: b.action },
          blocker: b,
          ...(b.policy === undefined ? {} : { policy: b.policy }),
          ...(besideUntrusted ? { facts: { limitsTrustFix: true } } : {}),
        },
      ];
    }
    case 'session-no-allow':
      return [
        {
          code: 'SESSION_POLICY_NO_ALLOW',
          certainty,
          summary: prose.sessionPolicyNoAllow(ctx.event, b.action, roleArn),
          evidence: { policy: policyLabel ?? 'session policy', action: b.action },
          blocker: b,
        },
      ];
    case 'scp-no-allow':
      return [
        {
          code: 'SCP_NO_ALLOW',
          certainty,
          summary: prose.scpNoAllow(b, roleArn),
          evidence: {
            policy: b.evaluations.map((e) => e.policy.label).join(', ') || 'no SCP',
            ...(b.level === undefined
              ? {}
              : { level: b.level.targetId, levelType: b.level.targetType }),
            action: b.action,
          },
          blocker: b,
          ...(b.policy === undefined ? {} : { policy: b.policy }),
        },
      ];
    default:
      return NO_CAUSES;
  }
}

/** Every action the request needs from the caller's side. */
function neededActions(d: CauseDraft, inputs: AssumeRoleInputs): string[] {
  return [
    ...new Set([
      inputs.context.action,
      ...(d.blocker?.action === undefined ? [] : [d.blocker.action]),
      ...inputs.sessionActions.filter((a) => a.needed === 'yes').map((a) => a.action),
    ]),
  ];
}

function identityRemedy(d: DraftOf<'IDENTITY_NO_ALLOW'>, ctx: RemedyContext): Remedy | undefined {
  const inputs = ctx.evaluated?.inputs;
  const roleArn = ctx.role?.arn ?? ctx.event.target.roleArn;
  const callerArn = ctx.callerArn;
  // Without the caller's policies (unreadable account) a grant cannot be verified.
  if (inputs?.identity === undefined || roleArn === undefined || callerArn === undefined)
    return undefined;
  const caller = parseIamPrincipalArn(callerArn);
  if (caller === undefined || (caller.resourceType !== 'role' && caller.resourceType !== 'user'))
    return undefined;
  // Granting a role that does not exist fixes nothing: grant the role the
  // ROLE_NOT_FOUND cause suggests instead, or nothing.
  const grantArn = ctx.existingRole(roleArn) !== undefined ? roleArn : ctx.suggestedRoleArn;
  if (grantArn === undefined) return undefined;
  const identity = inputs.identity;
  const policyName = `AllowAssume${sidPart(roleNameOf(grantArn))}`.slice(0, 128);
  const ownLabel = `of ${caller.resourceType} \`${caller.name}\``;
  // An Identity Center role has one inline policy, its permission set's,
  // which is replaced whole: extend it rather than add another.
  const existing =
    caller.resourceType === 'role' && permissionSetOf(caller.name) !== undefined
      ? identity.find((p) => p.label.startsWith('inline policy `') && p.label.endsWith(ownLabel))
      : undefined;
  const policy: LabeledPolicy = existing ?? {
    label: `inline policy \`${policyName}\` ${ownLabel}`,
    document: { version: '2012-10-17', statements: [] },
  };
  const owner = ownerOfPolicy(policy.label, undefined);
  const blocker = targetOf(d);
  if (owner === undefined || blocker === undefined) return undefined;
  const doc = once(() =>
    addStatement(policy.document, {
      sid: policyName,
      effect: 'Allow',
      action: neededActions(d, inputs),
      resource: [grantArn],
      conditions: [],
    }),
  );
  /** The caller's policies with the grant, asking for the granted role. */
  const patched = (): AssumeRoleInputs => {
    const grant = { ...policy, document: doc() };
    const asked =
      grantArn === roleArn
        ? inputs
        : {
            ...inputs,
            role: { ...inputs.role, arn: grantArn },
            context: copyContext(inputs.context, { resource: grantArn }),
          };
    return {
      ...asked,
      identity:
        existing === undefined
          ? [...identity, grant]
          : identity.map((p) => (p === existing ? grant : p)),
    };
  };
  return {
    title: {
      kind: 'identity-allow-assume',
      principalType: caller.resourceType,
      principalName: caller.name,
      roleArn: grantArn,
      place:
        owner.kind === 'permission-set'
          ? { kind: 'permission-set', name: owner.name }
          : existing === undefined
            ? { kind: 'new-inline-policy' }
            : { kind: 'inline-policy' },
    },
    appliesTo:
      owner.kind === 'permission-set'
        ? { kind: 'permission-set', name: owner.name, label: policy.label }
        : { kind: 'policy', label: policy.label },
    check: { kind: 'patch', inputs: patched, target: blocker },
    texts: policyTextsOf(owner, doc),
  };
}

function allowRemedies(
  d: DraftOf<'BOUNDARY_NO_ALLOW'> | DraftOf<'SCP_NO_ALLOW'>,
  ctx: RemedyContext,
  sink: RemedySink,
): void {
  const inputs = ctx.evaluated?.inputs;
  const roleArn = ctx.role?.arn ?? ctx.event.target.roleArn;
  if (inputs === undefined || roleArn === undefined) return;
  const org = d.code === 'SCP_NO_ALLOW';
  const pool: readonly LabeledPolicy[] = !org
    ? d.policy === undefined
      ? []
      : [d.policy]
    : (d.blocker?.level?.policies ?? []).filter(
        (p) => ownerOfPolicy(p.label, p.arn)?.kind === 'org' && !/FullAWSAccess/.test(p.label),
      );
  const actions = neededActions(d, inputs);
  // A missing SCP allow is fixed when its own level allows: another level is a cause of its own.
  const target = targetOf(
    d,
    org && d.blocker?.level !== undefined ? { level: d.blocker.level.targetId } : {},
  );
  for (const p of pool) {
    const offered = sink.offer(
      policyRemedy(
        ctx,
        { kind: org ? 'scp-allow' : 'boundary-allow', actions, roleArn, policy: p.label },
        p,
        () =>
          addStatement(p.document, {
            sid: `AllowAssume${sidPart(roleNameOf(roleArn))}`.slice(0, 100),
            effect: 'Allow',
            action: actions,
            resource: [roleArn],
            conditions: [],
          }),
        target,
      ),
    );
    if (offered) return;
  }
}

/** Start the caller's session without the session policy that blocks it. */
export function sessionPolicyRemedy(d: CauseDraft, ctx: RemedyContext): Remedy | undefined {
  const inputs = ctx.evaluated?.inputs;
  const roleArn = ctx.role?.arn ?? ctx.event.target.roleArn;
  const callerArn = ctx.callerArn;
  if (inputs === undefined || callerArn === undefined || roleArn === undefined) return undefined;
  // Named by AWS's message only (session policies are never in IAM): the
  // engine checks the session without any session policy.
  const target = targetOf(d) ?? {
    kind:
      d.code === 'SESSION_POLICY_EXPLICIT_DENY'
        ? ('session-deny' as const)
        : ('session-no-allow' as const),
    action: inputs.context.action,
  };
  const c = parseRoleArn(callerArn);
  if (c === undefined) return undefined;
  const sessionName = sessionNameOf(ctx.event.request.roleSessionName);
  return {
    title: { kind: 'drop-session-policy', callerRole: c.name, roleArn },
    appliesTo: { kind: 'session-creator' },
    check: { kind: 'patch', inputs: () => ({ ...inputs, sessionPolicies: [] }), target },
    texts: sessionPolicyTexts(callerArn, roleArn, sessionName),
  };
}

/** The texts of {@link sessionPolicyRemedy}, in a scope without the engine inputs (a memoized fix keeps it). */
function sessionPolicyTexts(
  callerArn: string,
  roleArn: string,
  sessionName: string,
): () => FixTexts {
  return () => ({
    awsCli: `${cliAssumeRole({ roleArn: callerArn, sessionName: 'trustwatch-fix' })}\n${cliAssumeRole({ roleArn, sessionName })}`,
    terraform: `# create the caller's session without \`policy\` / \`policy_arns\` in its assume_role block\n${tfProviderAssumeRole({ roleArn: callerArn, sessionName: 'trustwatch-fix' })}`,
  });
}

function remedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  switch (d.code) {
    case 'IDENTITY_NO_ALLOW':
      sink.offer(identityRemedy(d, ctx));
      return;
    case 'BOUNDARY_NO_ALLOW':
    case 'SCP_NO_ALLOW':
      allowRemedies(d, ctx, sink);
      return;
    case 'SESSION_POLICY_NO_ALLOW':
      sink.offer(sessionPolicyRemedy(d, ctx));
      return;
    default:
      return;
  }
}

/** The caller's own side lacks an allow. */
export const callerAllowsRule: CauseRule = {
  family: 'caller allows',
  codes: ['IDENTITY_NO_ALLOW', 'BOUNDARY_NO_ALLOW', 'SESSION_POLICY_NO_ALLOW', 'SCP_NO_ALLOW'],
  blockerKinds: ['identity-no-allow', 'boundary-no-allow', 'session-no-allow', 'scp-no-allow'],
  detectInBlocker,
  remedies,
};
