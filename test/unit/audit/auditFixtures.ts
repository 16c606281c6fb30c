import type { AuditContext, AuditOrganization } from '../../../lib/audit/AuditRule.js';
import type { DenialSummary } from '../../../lib/audit/DenialSummary.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import type { OidcProviderState, RoleState, Tag } from '../../../lib/state/IamStateSource.js';

export const ORG: AuditOrganization = {
  id: 'o-testorg0001',
  managementAccountId: '444444444444',
  accountIds: new Set(['111111111111', '222222222222', '333333333333', '444444444444']),
};

export const NOW = new Date('2026-11-20T08:00:00Z');

export const GITHUB_PROVIDER =
  'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';
export const EKS_PROVIDER =
  'arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789';
export const SAML_PROVIDER = 'arn:aws:iam::222222222222:saml-provider/ExampleIdP';

export const OIDC_PROVIDERS: readonly OidcProviderState[] = [
  {
    arn: GITHUB_PROVIDER,
    url: 'token.actions.githubusercontent.com',
    clientIds: ['sts.amazonaws.com'],
  },
  {
    arn: EKS_PROVIDER,
    url: 'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789',
    clientIds: ['sts.amazonaws.com'],
  },
];

export interface RoleSpec {
  readonly name?: string;
  readonly path?: string;
  /** Trust statements (the `Statement` array). */
  readonly statements: readonly Record<string, unknown>[];
  readonly tags?: readonly Tag[];
  /** `null`: never used. */
  readonly lastUsedDate?: string | null;
  readonly createDate?: string;
  readonly isServiceLinked?: boolean;
  /** The trust policy could not be read (the statements are then ignored). */
  readonly trustPolicyError?: string;
}

/** A role of account 222222222222 (recently used, so UNUSED_CROSS_ACCOUNT_ROLE stays quiet unless asked). */
export function role(spec: RoleSpec): RoleState {
  const name = spec.name ?? 'TestRole';
  const path = spec.path ?? '/';
  return {
    arn: `arn:aws:iam::222222222222:role${path}${name}`,
    name,
    path,
    roleId: 'AROATESTROLE00000001',
    accountId: '222222222222',
    trustPolicy: parsePolicyDocument({ Version: '2012-10-17', Statement: spec.statements }, '$'),
    ...(spec.trustPolicyError === undefined ? {} : { trustPolicyError: spec.trustPolicyError }),
    tags: spec.tags ?? [],
    isServiceLinked: spec.isServiceLinked ?? false,
    createDate: spec.createDate ?? '2024-01-01T00:00:00Z',
    ...(spec.lastUsedDate === null
      ? {}
      : { lastUsedDate: spec.lastUsedDate ?? '2026-11-19T00:00:00Z' }),
  };
}

export function context(over: Partial<AuditContext> = {}): AuditContext {
  return {
    now: NOW,
    organization: ORG,
    oidcProviders: OIDC_PROVIDERS,
    samlProviders: [{ arn: SAML_PROVIDER, name: 'ExampleIdP' }],
    denials: [] as DenialSummary[],
    unusedDays: 90,
    ...over,
  };
}

/** `{Effect: Allow, Action: sts:AssumeRole, Principal: …, Condition?: …}`. */
export function allow(
  principal: unknown,
  condition?: Record<string, Record<string, unknown>>,
  action: string | string[] = 'sts:AssumeRole',
): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: principal,
    Action: action,
    ...(condition === undefined ? {} : { Condition: condition }),
  };
}
