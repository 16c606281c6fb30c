import type { CauseCode } from '../diagnosis/causeCodes.js';
import type { AssumeRoleInputs } from '../engine/AssumeRoleEvaluation.js';
import type { FixContext } from './buildFix.js';

/** Causes whose fix grants the caller in the trust policy. */
const TRUST_GRANTS: readonly CauseCode[] = [
  'TRUST_PRINCIPAL_NOT_TRUSTED',
  'TRUST_PRINCIPAL_STALE_ID',
];

/**
 * A trust fix re-checked against the caller's permissions boundary: within
 * one account a trust grant to the caller's role ARN (or account) is still
 * limited by an implicit deny of its boundary, one to an IAM user ARN or a
 * role-session ARN is not (IAM User Guide, "Policy evaluation logic",
 * resource-based policies and permissions boundaries). When the patched
 * request is still blocked by the boundary, the fix says so; the boundary's
 * own fix is given with the `BOUNDARY_NO_ALLOW` cause.
 */
export function boundaryCaveat(
  code: CauseCode,
  patched: AssumeRoleInputs,
  ctx: Pick<FixContext, 'stillBlocks'>,
): string {
  if (!TRUST_GRANTS.includes(code)) return '';
  if (!ctx.stillBlocks(patched, 'BOUNDARY_NO_ALLOW')) return '';
  return `; the caller's permissions boundary still limits this grant (same account: a grant to a role ARN or account is limited by the boundary, one to a user or session ARN is not), so apply the \`BOUNDARY_NO_ALLOW\` fix as well`;
}
