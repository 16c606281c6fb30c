import { type CauseDraft, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule } from '../CauseRule.js';
import * as prose from '../causeProse.js';
import { callerLabel } from '../describe.js';
import type { Situation } from '../Situation.js';

/**
 * Callers AWS never lets assume a role, whatever the policies say, so the one
 * cause is on the caller's side and no policy change helps:
 * - the root user (IAM User Guide, "Switch to an IAM role (AWS API)"; STS
 *   answers `Roles may not be assumed by root accounts.`);
 * - a federated user from `GetFederationToken`, whose credentials cannot call
 *   any AWS STS operation but `GetCallerIdentity` (IAM User Guide, "Compare
 *   AWS STS credentials").
 */
function detectInSituation(s: Situation): readonly CauseDraft[] {
  if (s.kind !== 'forbidden-caller') return NO_CAUSES;
  const { event, targetArn } = s;
  const account = event.caller.accountId ?? event.recordedInAccount ?? '?';
  const role = targetArn === undefined ? 'the role' : `\`${targetArn}\``;
  const federated = event.caller.type === 'FederatedUser';
  return [
    {
      code: 'IDENTITY_NO_ALLOW',
      certainty: 'yes',
      summary: federated
        ? prose.federatedUserCannotAssume(callerLabel(event), role)
        : prose.rootCannotAssume(callerLabel(event), role),
      evidence: {
        policy: federated
          ? 'none: GetFederationToken credentials cannot call sts:AssumeRole'
          : 'none: the root user cannot be granted sts:AssumeRole',
        principal:
          event.caller.arn ??
          (federated ? 'unknown federated user' : `arn:aws:iam::${account}:root`),
        action: 'sts:AssumeRole',
        ...(targetArn === undefined ? {} : { resource: targetArn }),
        ...(event.errorMessage.raw === '' ? {} : { awsMessage: event.errorMessage.raw }),
      },
    },
  ];
}

/** The root user and GetFederationToken users, which no policy lets assume a role. */
export const forbiddenCallerRule: CauseRule = {
  family: 'forbidden caller',
  codes: [],
  situationKinds: ['forbidden-caller'],
  detectInSituation,
};
