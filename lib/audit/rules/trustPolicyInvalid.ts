import type { AuditRule } from '../AuditRule.js';

/**
 * A trust policy trustwatch cannot read as an IAM policy (a hand-edited
 * snapshot, a document from a newer policy grammar): who can assume the role
 * is unknown, so the role is reported and the rest of the organization is
 * audited (issue 12.7). IAM itself validates a trust policy against the
 * policy grammar when it is written (IAM User Guide, "Grammar of the IAM
 * JSON policy language"; `MalformedPolicyDocument`), so the document is to
 * be corrected where it came from, not patched here.
 */
export const trustPolicyInvalid: AuditRule = {
  code: 'TRUST_POLICY_INVALID',
  title: 'the trust policy could not be read, so who can assume the role is unknown',
  reference:
    'IAM User Guide, "Grammar of the IAM JSON policy language"; IAM API Reference, UpdateAssumeRolePolicy (MalformedPolicyDocument)',
  check(role) {
    if (role.trustPolicyError === undefined) return [];
    return [
      {
        evidence: { statementIndex: 0, detail: { error: role.trustPolicyError } },
        summary: `The trust policy of \`${role.name}\` could not be read (${role.trustPolicyError}): who can assume the role was not audited.`,
        remedy: {
          kind: 'none',
          reason:
            'the document is not a policy trustwatch can read: correct it where it came from (IAM validates trust policies on write), then audit again',
        },
      },
    ];
  },
};
