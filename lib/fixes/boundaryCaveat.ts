import type { AssumeRoleEvaluation } from '../engine/AssumeRoleEvaluation.js';

/**
 * What a verified trust grant still leaves to the caller's permissions
 * boundary, read off the engine's evaluation of the patched request: within
 * one account a trust grant to the caller's role ARN (or account) is still
 * limited by an implicit deny of its boundary, one to an IAM user ARN or a
 * role-session ARN is not (IAM User Guide, "Policy evaluation logic",
 * resource-based policies and permissions boundaries; issue 12.2). When the
 * patched request is still blocked by the boundary (for the main action, or
 * for a session action the request certainly needs), the fix's title says
 * so; the boundary's own fix is given with the `BOUNDARY_NO_ALLOW` cause.
 */
export function boundaryCaveat(after: AssumeRoleEvaluation, mainAction: string): string {
  return limitedByBoundary(after, mainAction)
    ? "; the caller's permissions boundary still limits this grant (same account: a grant to a role ARN or account is limited by the boundary, one to a user or session ARN is not), so apply the `BOUNDARY_NO_ALLOW` fix as well"
    : '';
}

function limitedByBoundary(after: AssumeRoleEvaluation, mainAction: string): boolean {
  const blockers = after.blockers;
  for (let i = 0; i < blockers.length; i++) {
    const b = blockers[i]!;
    if (b.kind === 'boundary-no-allow' && (b.certainty === 'yes' || b.action === mainAction))
      return true;
  }
  return false;
}
