import type { Blocker } from '../../engine/AssumeRoleEvaluation.js';
import { matchPrincipalElement } from '../../engine/matchPrincipal.js';
import type { PolicyEvaluation, StatementTrace } from '../../engine/PolicyEvaluation.js';
import { cliAssumeRole, tfProviderAssumeRole } from '../../fixes/fixCommands.js';
import { sessionNameOf } from '../../fixes/fixTexts.js';
import { addExceptionValues, addPrincipalArnException } from '../../fixes/patchPolicy.js';
import type { BlockTarget } from '../../fixes/verifyRemedy.js';
import { parseRoleArn } from '../../iam/parseIamArn.js';
import type { PolicyDocument } from '../../policy/PolicyDocument.js';
import { requestPrincipalOf } from '../buildRequestContext.js';
import { type CauseDraft, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext, RemedySink } from '../CauseRule.js';
import type { CauseCode } from '../causeCodes.js';
import * as prose from '../causeProse.js';
import { sessionTagDependent } from '../clauseCertainty.js';
import { actualOf, baseOperator, statementRef } from '../describe.js';
import type { FixTitle } from '../fixProse.js';
import type { BlockerContext } from '../Situation.js';
import { sessionPolicyRemedy } from './callerAllows.js';
import {
  callerRemedy,
  externalIdRemedy,
  mfaRemedy,
  policyRemedy,
  trustRemedy,
} from './remedyKit.js';
import { docStatement } from './trustStatements.js';

const DENY_CODES = {
  'trust-deny': 'TRUST_EXPLICIT_DENY',
  'identity-deny': 'IDENTITY_EXPLICIT_DENY',
  'boundary-deny': 'BOUNDARY_EXPLICIT_DENY',
  'session-deny': 'SESSION_POLICY_EXPLICIT_DENY',
  'scp-deny': 'SCP_EXPLICIT_DENY',
  'rcp-deny': 'RCP_EXPLICIT_DENY',
} as const satisfies Record<prose.DenyKind, CauseCode>;

type DenyKind = prose.DenyKind;

function isDeny(kind: string): kind is DenyKind {
  return kind in DENY_CODES;
}

function denyStatement(evaln: PolicyEvaluation): StatementTrace | undefined {
  return (
    evaln.statements.find((s) => s.effect === 'Deny' && s.applies === 'yes') ??
    evaln.statements.find((s) => s.effect === 'Deny' && s.applies === 'unknown')
  );
}

/**
 * Certain only when the blocker (was the action needed?) and the statement
 * are, and the statement does not hinge on a role session's principal tag
 * (a session tag nobody logged may override it: lib/diagnosis/clauseCertainty.ts).
 */
function denyCertainty(
  b: Blocker,
  s: StatementTrace | undefined,
  ctx: BlockerContext,
): 'yes' | 'unknown' {
  if (s === undefined) return b.certainty === 'unknown' ? 'unknown' : 'yes';
  const tagDependent = s.conditions.some(
    (c) => c.result === 'yes' && sessionTagDependent(ctx.event, c.key),
  );
  return tagDependent || b.certainty === 'unknown' || s.applies === 'unknown' ? 'unknown' : 'yes';
}

/** An explicit deny in any policy on either side: the statement and the condition that matched. */
function detectInBlocker(b: Blocker, ctx: BlockerContext): readonly CauseDraft[] {
  if (!isDeny(b.kind)) return NO_CAUSES;
  const kind = b.kind;
  const first = b.evaluations[0];
  const evaln = first?.evaluation;
  const s = evaln === undefined ? undefined : denyStatement(evaln);
  const policy = b.policy ?? first?.policy;
  const policyLabel = policy?.label;
  const cond = s?.conditions.find((c) => c.result !== 'no');
  const listed = s === undefined ? undefined : docStatement(ctx.trust, s.index)?.notPrincipal;
  const notPrincipalListsCaller =
    kind === 'trust-deny' &&
    listed !== undefined &&
    matchPrincipalElement(listed, requestPrincipalOf(ctx.event)).result === 'yes';
  return [
    {
      code: DENY_CODES[kind],
      certainty: denyCertainty(b, s, ctx),
      summary: prose.explicitDeny({
        event: ctx.event,
        kind,
        blocker: b,
        statement: s,
        policyLabel,
        roleName: ctx.roleName,
        condition: cond,
        notPrincipalListsCaller,
      }),
      evidence: {
        ...(policyLabel === undefined ? {} : { policy: policyLabel }),
        ...(s === undefined ? {} : { statement: statementRef(s) }),
        ...(cond === undefined
          ? {}
          : {
              conditionKey: cond.key,
              operator: cond.operator,
              expected: cond.expected,
              actual: actualOf(cond),
            }),
        ...(b.level === undefined ? {} : { level: b.level.targetId }),
      },
      blocker: b,
      ...(policy === undefined ? {} : { policy }),
      ...(s === undefined ? {} : { statement: s }),
    } as CauseDraft,
  ];
}

/**
 * The ExternalId a deny statement insists on (`StringNotEquals sts:ExternalId
 * <value>`, with or without IfExists), when that is why it applies.
 */
function deniedExternalId(d: CauseDraft): string | undefined {
  const c = (d.statement?.conditions ?? []).find(
    (x) =>
      x.result !== 'no' &&
      x.key.toLowerCase() === 'sts:externalid' &&
      /^stringnot(equals|like)/i.test(baseOperator(x.operator)),
  );
  return c?.expected.find((v) => !v.includes('*') && !v.includes('?') && !v.includes('${'));
}

/** True when a deny statement applies because the request was not MFA-authenticated. */
function deniesWithoutMfa(d: CauseDraft): boolean {
  return (d.statement?.conditions ?? []).some(
    (c) => c.result !== 'no' && /^aws:multifactorauth(present|age)$/i.test(c.key),
  );
}

/** True when a deny statement applies because of the role's account or organization (a resource perimeter). */
function perimeterDeny(d: CauseDraft): boolean {
  return (d.statement?.conditions ?? []).some(
    (c) =>
      c.result !== 'no' &&
      /^aws:resource(account|orgid|orgpaths)$/i.test(c.key) &&
      /not/i.test(baseOperator(c.operator)),
  );
}

/**
 * The time before which sessions are denied, when a deny statement applies
 * because of the caller's `aws:TokenIssueTime` (the console's "Revoke active
 * sessions" policy: `DateLessThan aws:TokenIssueTime <revocation time>`).
 */
function revokedBefore(d: CauseDraft): string | undefined {
  const c = (d.statement?.conditions ?? []).find(
    (x) =>
      x.result === 'yes' &&
      x.key.toLowerCase() === 'aws:tokenissuetime' &&
      /^datelessthan/i.test(baseOperator(x.operator)),
  );
  return c?.expected[0];
}

/**
 * Remedies of an explicit deny, least invasive first: meet its condition
 * (MFA, the agreed ExternalId, new credentials after a revocation), open a
 * resource perimeter for the one account asked for, or exempt the caller.
 */
function remedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  if (d.code === 'SESSION_POLICY_EXPLICIT_DENY') {
    sink.offer(sessionPolicyRemedy(d, ctx));
    return;
  }
  const policy = d.policy;
  const s = d.statement;
  const b = d.blocker;
  const inputs = ctx.evaluated?.inputs;
  const roleArn = ctx.role?.arn ?? ctx.event.target.roleArn;
  const callerArn = ctx.callerArn;
  if (policy === undefined || s === undefined || callerArn === undefined || b === undefined) return;
  // An explicit deny is fixed when its own statement stops denying: another deny is a cause of its own.
  const target: BlockTarget = {
    kind: b.kind,
    action: b.action,
    policyLabel: policy.label,
    statementIndex: s.index,
  };
  // A deny that only bites sessions without MFA (the usual "force MFA"
  // policy) is met by using MFA, not by exempting the caller from it; one
  // that bites requests without the agreed ExternalId, by sending it.
  if (deniesWithoutMfa(d) && sink.offer(mfaRemedy(ctx, target))) return;
  const externalId = deniedExternalId(d);
  if (externalId !== undefined && sink.offer(externalIdRemedy(ctx, externalId, target))) return;
  // A revocation deny is met by new credentials; exempting the caller would
  // undo the incident response that revoked them.
  const revokedAt = revokedBefore(d);
  if (revokedAt !== undefined) {
    if (inputs !== undefined && roleArn !== undefined) {
      const sessionName = sessionNameOf(ctx.event.request.roleSessionName);
      const again = `# credentials issued before ${revokedAt} were revoked: get new ones first\n# (sign in again, re-run the job, or re-assume the caller's role), then:`;
      sink.offer(
        callerRemedy(
          { kind: 'new-credentials', revokedBefore: revokedAt },
          { kind: 'fresh-session' },
          inputs,
          { 'aws:tokenissuetime': [ctx.event.eventTime] },
          target,
          () => ({
            awsCli: `${again}\n${cliAssumeRole({ roleArn, sessionName })}`,
            terraform: `${again}\n${tfProviderAssumeRole({ roleArn, sessionName })}`,
          }),
        ),
      );
    }
    return;
  }
  /** The deny's own policy patched: the trust policy, an identity policy or an org policy. */
  const denyPatch = (title: FixTitle, patch: () => PolicyDocument): Remedy | undefined =>
    d.code === 'TRUST_EXPLICIT_DENY'
      ? trustRemedy(ctx, title, patch, target)
      : policyRemedy(ctx, title, policy, patch, target);
  const orgPolicy = d.code === 'SCP_EXPLICIT_DENY' || d.code === 'RCP_EXPLICIT_DENY';
  const statement = { sid: s.sid, index: s.index };
  // A resource perimeter (deny unless the role's account or organization is
  // ours) is opened for the one account asked for, not for the caller
  // everywhere: the exception data-perimeter guidance uses.
  const targetAccount = roleArn === undefined ? undefined : parseRoleArn(roleArn)?.accountId;
  if (perimeterDeny(d) && targetAccount !== undefined) {
    const offered = sink.offer(
      denyPatch(
        { kind: 'deny-spare-account', statement, accountId: targetAccount, orgPolicy },
        () =>
          addExceptionValues(policy.document, s.index, 'StringNotEquals', 'aws:ResourceAccount', [
            targetAccount,
          ]),
      ),
    );
    if (offered) return;
  }
  sink.offer(
    denyPatch({ kind: 'deny-exempt-principal', principal: callerArn, statement, orgPolicy }, () =>
      addPrincipalArnException(policy.document, s.index, callerArn),
    ),
  );
}

/** Explicit denies: trust policy, identity policies, boundary, session policy, SCPs, RCPs. */
export const explicitDenyRule: CauseRule = {
  family: 'explicit deny',
  codes: Object.values(DENY_CODES),
  blockerKinds: Object.keys(DENY_CODES) as DenyKind[],
  detectInBlocker,
  remedies,
};
