import type { AssumeRoleInputs } from '../../engine/AssumeRoleEvaluation.js';
import type { FixTexts } from '../../fixes/Fix.js';
import {
  cliAssumeRole,
  ownerOfPolicy,
  type PolicyOwner,
  shellQuote,
  tfProviderAssumeRole,
} from '../../fixes/fixCommands.js';
import { policyTexts, sessionNameOf, trustPolicyTexts } from '../../fixes/fixTexts.js';
import { replacePolicy, withContext, withTrust } from '../../fixes/patchInputs.js';
import type { BlockTarget } from '../../fixes/verifyRemedy.js';
import type { LabeledPolicy, PolicyDocument } from '../../policy/PolicyDocument.js';
import type { CauseDraft } from '../CauseDraft.js';
import type { Remedy, RemedyContext } from '../CauseRule.js';
import type { FixPlace, FixTitle } from '../fixProse.js';

/** The engine target of a cause: its blocker, narrowed by `extra`. */
export function targetOf(d: CauseDraft, extra?: Partial<BlockTarget>): BlockTarget | undefined {
  const b = d.blocker;
  if (b === undefined) return undefined;
  return extra === undefined
    ? { kind: b.kind, action: b.action }
    : { kind: b.kind, action: b.action, ...extra };
}

/** The engine target of a cause whose fix names the caller: gone once some allow statement names it. */
export function principalTargetOf(d: CauseDraft): BlockTarget | undefined {
  const b = d.blocker;
  return b === undefined ? undefined : { kind: b.kind, action: b.action, principal: true };
}

/**
 * `make`'s value, computed on the first call and kept: a remedy's patched
 * document is built when the engine checks it, and reused by its texts.
 * `make` is let go once called, so a fix kept in the memo retains the
 * document, not what building it needed (the evaluation, the rule's context).
 */
export function once<T>(make: () => T): () => T {
  let pending: (() => T) | undefined = make;
  let value: T;
  return () => {
    if (pending !== undefined) {
      value = pending();
      pending = undefined;
    }
    return value;
  };
}

/*
 * A fix keeps its texts builder until rendered, in the memo for repeats. A
 * closure keeps alive every variable its enclosing scope shares with other
 * closures (the patch check's engine inputs, the rule's context), so texts
 * builders are made here, in scopes that hold only what the texts need.
 */

/** Texts of a replaced trust policy, over the role and the patched document only. */
export function trustTextsOf(
  role: { readonly name: string; readonly path: string },
  doc: () => PolicyDocument,
): () => FixTexts {
  return () => trustPolicyTexts(role, doc());
}

/** Texts of a replaced identity, boundary or organization policy, over its owner and document only. */
export function policyTextsOf(owner: PolicyOwner, doc: () => PolicyDocument): () => FixTexts {
  return () => policyTexts(owner, doc());
}

/**
 * A remedy that replaces the evaluated role's trust policy with `patch()`'s
 * document, built only when the remedy is checked (or its texts read).
 */
export function trustRemedy(
  ctx: RemedyContext,
  title: FixTitle,
  patch: () => PolicyDocument,
  target: BlockTarget | undefined,
  caveat?: Remedy['caveat'],
): Remedy | undefined {
  const inputs = ctx.evaluated?.inputs;
  const role = ctx.role;
  if (inputs === undefined || role === undefined || target === undefined) return undefined;
  const doc = once(patch);
  return {
    title,
    appliesTo: { kind: 'policy', label: inputs.trust.label },
    check: { kind: 'patch', inputs: () => withTrust(inputs, doc()), target },
    texts: trustTextsOf(role, doc),
    caveat,
  };
}

/** A remedy that replaces an identity, boundary or organization policy in place (with `patch()`, on demand). */
export function policyRemedy(
  ctx: RemedyContext,
  title: FixTitle,
  policy: LabeledPolicy,
  patch: () => PolicyDocument,
  target: BlockTarget | undefined,
): Remedy | undefined {
  const inputs = ctx.evaluated?.inputs;
  if (inputs === undefined || target === undefined) return undefined;
  const owner = ownerOfPolicy(policy.label, policy.arn);
  if (owner === undefined) return undefined;
  const doc = once(patch);
  return {
    title,
    appliesTo: { kind: 'policy', label: policy.label },
    check: { kind: 'patch', inputs: () => replacePolicy(inputs, policy, doc()), target },
    texts: policyTextsOf(owner, doc),
  };
}

/** A remedy on the caller's side: the request carries other context values. */
export function callerRemedy(
  title: FixTitle,
  appliesTo: FixPlace,
  inputs: AssumeRoleInputs,
  set: Record<string, readonly string[]>,
  target: BlockTarget,
  texts: () => FixTexts,
): Remedy {
  return {
    title,
    appliesTo,
    check: { kind: 'patch', inputs: () => withContext(inputs, set), target },
    texts,
  };
}

/** The caller authenticates with MFA, so the request carries `aws:MultiFactorAuthPresent` true. */
export function mfaRemedy(ctx: RemedyContext, target: BlockTarget | undefined): Remedy | undefined {
  const inputs = ctx.evaluated?.inputs;
  const roleArn = ctx.role?.arn ?? ctx.event.target.roleArn;
  if (inputs === undefined || roleArn === undefined || target === undefined) return undefined;
  const event = ctx.event;
  const sessionName = sessionNameOf(event.request.roleSessionName);
  const user = event.caller.type === 'IAMUser' ? event.caller.userName : undefined;
  return callerRemedy(
    { kind: 'use-mfa' },
    { kind: 'mfa-session' },
    inputs,
    { 'aws:multifactorauthpresent': ['true'], 'aws:multifactorauthage': ['0'] },
    target,
    () => {
      const serialCmd =
        user === undefined
          ? undefined
          : `MFA_SERIAL=$(aws iam list-mfa-devices --user-name ${shellQuote(user)} --query 'MFADevices[0].SerialNumber' --output text)`;
      const assume = `aws sts assume-role --role-arn ${shellQuote(roleArn)} --role-session-name ${shellQuote(sessionName)} --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"`;
      return {
        awsCli:
          serialCmd === undefined
            ? `# sign in again with MFA (the caller's session must be MFA-authenticated), then:\naws sts assume-role --role-arn ${shellQuote(roleArn)} --role-session-name ${shellQuote(sessionName)}`
            : `${serialCmd}\n${assume}`,
        terraform: `# Terraform cannot prompt for an MFA code: export MFA session credentials first\n# (aws sts get-session-token --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"), then:\n${tfProviderAssumeRole({ roleArn, sessionName })}`,
      };
    },
  );
}

/** The caller passes the ExternalId the role expects. */
export function externalIdRemedy(
  ctx: RemedyContext,
  externalId: string,
  target: BlockTarget | undefined,
): Remedy | undefined {
  const inputs = ctx.evaluated?.inputs;
  const roleArn = ctx.role?.arn ?? ctx.event.target.roleArn;
  if (inputs === undefined || roleArn === undefined || target === undefined) return undefined;
  const sessionName = sessionNameOf(ctx.event.request.roleSessionName);
  return callerRemedy(
    { kind: 'pass-external-id' },
    { kind: 'assume-call' },
    inputs,
    { 'sts:externalid': [externalId] },
    target,
    () => ({
      awsCli: cliAssumeRole({ roleArn, sessionName, externalId }),
      terraform: tfProviderAssumeRole({ roleArn, sessionName, externalId }),
    }),
  );
}
