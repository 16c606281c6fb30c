import type { RequestContext, RequestPrincipal } from '../../../lib/engine/RequestContext.js';

/** Callers used across the engine tests. Account 111111111111 calls, 222222222222 owns the role. */
export const CALLERS = {
  session: {
    kind: 'AssumedRole',
    arn: 'arn:aws:sts::111111111111:assumed-role/ci-deployer/build-42',
    accountId: '111111111111',
    roleArn: 'arn:aws:iam::111111111111:role/ci-deployer',
    uniqueId: 'AROAEXAMPLEROLEID0001',
  },
  sessionPathUnknown: {
    kind: 'AssumedRole',
    arn: 'arn:aws:sts::111111111111:assumed-role/ci-deployer/build-42',
    accountId: '111111111111',
  },
  sessionOfTeamRole: {
    kind: 'AssumedRole',
    arn: 'arn:aws:sts::111111111111:assumed-role/ci-deployer/build-42',
    accountId: '111111111111',
    roleArn: 'arn:aws:iam::111111111111:role/team/ci-deployer',
    uniqueId: 'AROAEXAMPLEROLEID0002',
  },
  role: {
    kind: 'Role',
    arn: 'arn:aws:iam::111111111111:role/ci-deployer',
    accountId: '111111111111',
    uniqueId: 'AROAEXAMPLEROLEID0001',
  },
  user: {
    kind: 'IAMUser',
    arn: 'arn:aws:iam::111111111111:user/eng/alice',
    accountId: '111111111111',
    uniqueId: 'AIDAEXAMPLEUSERID0001',
  },
  root: { kind: 'Root', arn: 'arn:aws:iam::111111111111:root', accountId: '111111111111' },
  federatedUser: {
    kind: 'FederatedUser',
    arn: 'arn:aws:sts::111111111111:federated-user/bob',
    accountId: '111111111111',
  },
  service: { kind: 'Service', service: 'ec2.amazonaws.com' },
  github: {
    kind: 'WebIdentity',
    federatedProvider:
      'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
  },
  cognito: { kind: 'WebIdentity', federatedProvider: 'cognito-identity.amazonaws.com' },
  saml: { kind: 'SAML', federatedProvider: 'arn:aws:iam::222222222222:saml-provider/Okta' },
} as const satisfies Record<string, RequestPrincipal>;

export type CallerName = keyof typeof CALLERS;

export function makeContext(
  values: Record<string, readonly string[]> = {},
  unknownKeys: readonly string[] = [],
  overrides: Partial<RequestContext> = {},
): RequestContext {
  return {
    principal: CALLERS.session,
    action: 'sts:AssumeRole',
    resource: 'arn:aws:iam::222222222222:role/DeployRole',
    values,
    unknownKeys,
    ...overrides,
  };
}
