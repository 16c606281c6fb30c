import type { Diagnosis } from '../../../lib/diagnosis/Diagnosis.js';

/** A realistic diagnosis (cross-account trust denial) for sink and noise-control tests. */
export function sampleDiagnosis(over: Partial<Diagnosis> = {}): Diagnosis {
  return {
    eventId: 'e0f1a2b3-0001-4c5d-9e6f-7a8b9c0d1e01',
    input: 'record',
    eventName: 'AssumeRole',
    eventTime: '2026-03-02T09:14:07Z',
    caller: {
      arn: 'arn:aws:sts::111111111111:assumed-role/ci-deployer/i-0a1b2c3d4e5f60789',
      accountId: '111111111111',
      type: 'AssumedRole',
      sessionName: 'i-0a1b2c3d4e5f60789',
    },
    target: { roleArn: 'arn:aws:iam::222222222222:role/DeployRole', accountId: '222222222222' },
    causes: [
      {
        code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        confidence: 'confirmed',
        side: 'trust',
        summary: 'the trust policy of `DeployRole` does not name `ci-deployer`',
        evidence: { policy: 'trust policy of arn:aws:iam::222222222222:role/DeployRole' },
      },
      {
        code: 'IDENTITY_NO_ALLOW',
        confidence: 'likely',
        side: 'caller',
        summary: 'no identity policy of `ci-deployer` allows sts:AssumeRole',
        evidence: {},
      },
    ],
    fixes: [
      {
        cause: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        title: 'trust ci-deployer in DeployRole',
        iamPolicy: { Version: '2012-10-17', Statement: [] },
        awsCli:
          'aws iam update-assume-role-policy --role-name DeployRole --policy-document file://trust.json',
        terraform: 'resource "aws_iam_role" "deploy" {}',
      },
    ],
    ...over,
  };
}
