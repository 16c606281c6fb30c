/**
 * What the trustwatch reader role needs, and nothing more: the IAM reads of
 * `LiveStateSource` and `trustwatch snapshot`. No `Get*`/`List*` wildcards, so
 * a new AWS read action never widens it silently.
 */
export const READER_ROLE_ACTIONS = [
  'iam:GetRole',
  'iam:ListRoles',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:GetUser',
  'iam:ListGroupsForUser',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListAttachedUserPolicies',
  // User unique ids, for stale-id checks of a user caller (issue 13's unique-id index).
  'iam:ListUsers',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
  'iam:ListAttachedGroupPolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListOpenIDConnectProviders',
  'iam:GetOpenIDConnectProvider',
  'iam:ListSAMLProviders',
  'iam:GetAccountAuthorizationDetails',
] as const;

/** Organizations reads, for the role in the management or delegated-administrator account. */
export const ORGANIZATION_READER_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:DescribeAccount',
  'organizations:ListAccounts',
  'organizations:ListRoots',
  'organizations:ListParents',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListPoliciesForTarget',
  'organizations:ListPolicies',
  'organizations:ListTargetsForPolicy',
  'organizations:DescribePolicy',
  // Account tags (team, owner, trustwatch:route): what alert routing matches on.
  'organizations:ListTagsForResource',
] as const;

/** Identity policy of the reader role. */
export function readerPermissionsPolicy(): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'TrustwatchRead', Effect: 'Allow', Action: [...READER_ROLE_ACTIONS], Resource: '*' },
    ],
  };
}

/** Identity policy of the organization reader role. */
export function organizationReaderPolicy(): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustwatchOrgRead',
        Effect: 'Allow',
        Action: [...ORGANIZATION_READER_ACTIONS],
        Resource: '*',
      },
    ],
  };
}

/**
 * Trust policy of a reader role: only the named trustwatch principal, with
 * the ExternalId when one is configured.
 */
export function readerTrustPolicy(
  trustedPrincipalArn: string,
  externalId?: string,
): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustwatchReader',
        Effect: 'Allow',
        Principal: { AWS: trustedPrincipalArn },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined
          ? {}
          : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  };
}
