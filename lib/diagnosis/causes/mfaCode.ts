import { shellQuote } from '../../fixes/fixCommands.js';
import { sessionNameOf } from '../../fixes/fixTexts.js';
import { type CauseDraft, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, RemedyContext, RemedySink } from '../CauseRule.js';
import * as prose from '../causeProse.js';
import { callerLabel } from '../describe.js';
import type { Situation } from '../Situation.js';

/** STS rejected the MFA code or device (AWS's message says which). */
function detectInSituation(s: Situation): readonly CauseDraft[] {
  if (s.kind !== 'mfa-failed') return NO_CAUSES;
  const { event } = s;
  const msg = event.errorMessage;
  return [
    {
      code: 'MFA_CODE_INVALID',
      certainty: 'message',
      summary: prose.mfaRejected(
        callerLabel(event),
        msg.mfaFailure === 'invalid-serial' ? 'invalid-serial' : 'other',
      ),
      evidence: {
        awsMessage: msg.raw,
        failure: msg.mfaFailure ?? 'other',
        serialNumber: event.request.logged
          ? (event.request.serialNumber ?? 'absent')
          : 'not logged',
      },
    },
  ];
}

function remedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  const { event } = ctx;
  const user = event.caller.type === 'IAMUser' ? event.caller.userName : undefined;
  if (d.code !== 'MFA_CODE_INVALID' || user === undefined) return;
  sink.offer({
    title: { kind: 'use-registered-mfa-device', userName: user },
    appliesTo: { kind: 'mfa-device' },
    check: {
      kind: 'before-policies',
      rule: 'STS validates the MFA serial number and one-time code before evaluating any policy (IAM User Guide, "Using MFA devices with your IAM sign-in page" and sts:AssumeRole TokenCode)',
    },
    texts: () => {
      const serial =
        event.request.serialNumber ??
        `$(aws iam list-mfa-devices --user-name ${shellQuote(user)} --query 'MFADevices[0].SerialNumber' --output text)`;
      const roleArn =
        event.target.roleArn === undefined ? '"$ROLE_ARN"' : shellQuote(event.target.roleArn);
      return {
        awsCli: `MFA_SERIAL=${event.request.serialNumber === undefined ? `"${serial}"` : shellQuote(serial)}\naws sts assume-role --role-arn ${roleArn} --role-session-name ${shellQuote(sessionNameOf(event.request.roleSessionName))} --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"`,
        terraform:
          '# Terraform cannot prompt for an MFA code: export MFA session credentials first, e.g.\n# aws sts get-session-token --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"\n# then run terraform with those credentials in the environment',
      };
    },
  });
}

/** A wrong or expired MFA code, or a device that is not the user's. */
export const mfaCodeRule: CauseRule = {
  family: 'MFA code',
  codes: ['MFA_CODE_INVALID'],
  situationKinds: ['mfa-failed'],
  detectInSituation,
  remedies,
};
