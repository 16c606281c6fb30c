import type { AssumeRoleInputs, OrgPolicies } from '../engine/AssumeRoleEvaluation.js';
import { copyContext } from '../engine/contextKeys.js';
import type { LabeledPolicy, PolicyDocument } from '../policy/PolicyDocument.js';

/**
 * A fix applied to the engine's inputs, so the engine can re-evaluate the
 * request as it would be after the fix (lib/fixes/verifyRemedy.ts).
 */

/** The inputs with the trust policy replaced. */
export function withTrust(inputs: AssumeRoleInputs, doc: PolicyDocument): AssumeRoleInputs {
  return { ...inputs, trust: { ...inputs.trust, document: doc } };
}

/** The inputs with request context keys set (the caller sends an ExternalId, an MFA session, …). */
export function withContext(
  inputs: AssumeRoleInputs,
  set: Record<string, readonly string[]>,
): AssumeRoleInputs {
  const ctx = inputs.context;
  const keys = Object.keys(set);
  return {
    ...inputs,
    context: copyContext(ctx, {
      values: { ...ctx.values, ...set },
      unknownKeys: ctx.unknownKeys.filter((k) => !keys.includes(k)),
    }),
  };
}

/** The inputs with one policy (wherever it is: trust, identity, boundary, session, SCP, RCP) replaced. */
export function replacePolicy(
  inputs: AssumeRoleInputs,
  old: LabeledPolicy,
  doc: PolicyDocument,
): AssumeRoleInputs {
  const swap = (p: LabeledPolicy): LabeledPolicy =>
    p === old || (p.label === old.label && p.arn === old.arn) ? { ...p, document: doc } : p;
  const swapOrg = (o: OrgPolicies | undefined): OrgPolicies | undefined =>
    o === undefined
      ? undefined
      : { ...o, levels: o.levels.map((l) => ({ ...l, policies: l.policies.map(swap) })) };
  return {
    ...inputs,
    trust: swap(inputs.trust),
    identity: inputs.identity?.map(swap),
    boundary:
      inputs.boundary === null || inputs.boundary === undefined
        ? inputs.boundary
        : swap(inputs.boundary),
    sessionPolicies: inputs.sessionPolicies?.map(swap),
    scp: swapOrg(inputs.scp),
    rcp: swapOrg(inputs.rcp),
  };
}
