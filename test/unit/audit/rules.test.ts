import { describe, expect, it } from 'vitest';
import type { AuditContext } from '../../../lib/audit/AuditRule.js';
import { auditRole } from '../../../lib/audit/auditRole.js';
import { AUDIT_RULES } from '../../../lib/audit/auditRules.js';
import { oidcIssuerOf, subSpansTenants } from '../../../lib/audit/oidcFacts.js';
import { narrowSub } from '../../../lib/audit/rules/oidcSubWildcardTooBroad.js';
import { FINDING_CODE_LIST, type FindingCode } from '../../../lib/findings/findingCodes.js';
import { tfLabel } from '../../../lib/fixes/fixCommands.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import {
  allow,
  context,
  EKS_PROVIDER,
  GITHUB_PROVIDER,
  type RoleSpec,
  role,
  SAML_PROVIDER,
} from './auditFixtures.js';

interface Case {
  readonly name: string;
  readonly code: FindingCode;
  readonly role: RoleSpec;
  readonly ctx?: Partial<AuditContext>;
  /** Findings of `code` expected. */
  readonly hits: number;
  /** The AWS fact the expectation rests on. */
  readonly because: string;
}

const GH_AUD = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
const ghSub = (op: string, sub: string | string[]) => ({
  StringEquals: GH_AUD,
  [op]: { 'token.actions.githubusercontent.com:sub': sub },
});
const WEB = 'sts:AssumeRoleWithWebIdentity';

const BASE_CASES: readonly Case[] = [
  // TRUST_POLICY_INVALID (issue 12.7)
  {
    name: 'a trust policy that could not be read',
    code: 'TRUST_POLICY_INVALID',
    role: {
      statements: [],
      trustPolicyError: '`Effect` must be "Allow" or "Deny" (at `$.Statement[0].Effect`)',
    },
    hits: 1,
    because: 'IAM grammar: an unreadable document leaves who can assume the role unaudited',
  },
  {
    name: 'a readable trust policy',
    code: 'TRUST_POLICY_INVALID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })] },
    hits: 0,
    because: 'a document that parses is audited by the other rules',
  },
  // ANY_PRINCIPAL_UNRESTRICTED
  {
    name: '"Principal": "*" without condition',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*')] },
    hits: 1,
    because: 'IAM UG Principal: * names everyone, anonymous included',
  },
  {
    name: '{"AWS": "*"} without condition',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow({ AWS: '*' })] },
    hits: 1,
    because: '{"AWS":"*"} is equivalent to "*"',
  },
  {
    name: '"*" with only sts:ExternalId',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*', { StringEquals: { 'sts:ExternalId': 'x' } })] },
    hits: 1,
    because: 'an ExternalId is not a secret and does not say who calls',
  },
  {
    name: '"*" with aws:PrincipalOrgID',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-testorg0001' } }),
      ],
    },
    hits: 0,
    because: 'aws:PrincipalOrgID pins callers to the organization',
  },
  {
    name: '"*" with aws:PrincipalAccount',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [allow('*', { StringEquals: { 'aws:PrincipalAccount': '111111111111' } })],
    },
    hits: 0,
    because: 'aws:PrincipalAccount pins the account',
  },
  {
    name: '"*" with ArnLike aws:PrincipalArn',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow('*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci-*' } }),
      ],
    },
    hits: 0,
    because: 'aws:PrincipalArn names the principals',
  },
  {
    name: '"*" with aws:SourceAccount',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*', { StringEquals: { 'aws:SourceAccount': '222222222222' } })] },
    hits: 0,
    because: 'aws:SourceAccount pins the calling service to this account',
  },
  {
    name: '"*" with StringEqualsIfExists aws:PrincipalOrgID',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [allow('*', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-testorg0001' } })],
    },
    hits: 1,
    because: '…IfExists passes when the key is absent (IAM UG condition operators)',
  },
  {
    name: '"*" with StringNotEquals aws:PrincipalOrgID',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-other' } })] },
    hits: 1,
    because: 'a negated operator admits every other organization',
  },
  {
    name: '"*" with PrincipalOrgID = *',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*', { StringLike: { 'aws:PrincipalOrgID': '*' } })] },
    hits: 1,
    because: 'a bare * matches every organization: it restricts nothing',
  },
  {
    name: '"*" fenced by a Deny with StringNotEquals aws:PrincipalOrgID',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow('*'),
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-testorg0001' } },
        },
      ],
    },
    hits: 0,
    because: 'an explicit deny for everyone outside the organization wins over the allow',
  },
  {
    name: 'Deny "*" is not a trust',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow({ AWS: 'arn:aws:iam::111111111111:role/ci' }),
        { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' },
      ],
    },
    hits: 0,
    because: 'a Deny statement grants nothing',
  },
  {
    name: '"*" allowed only sts:TagSession',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*', undefined, 'sts:TagSession')] },
    hits: 0,
    because: 'without an AssumeRole action nobody can assume the role',
  },

  // FOREIGN_ACCOUNT_NO_EXTERNAL_ID
  {
    name: 'foreign :root without ExternalId',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::999999999999:root' })] },
    hits: 1,
    because: 'IAM UG confused deputy: third parties need sts:ExternalId',
  },
  {
    name: 'foreign bare account id',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: '999999999999' })] },
    hits: 1,
    because: 'a bare account id is the account principal',
  },
  {
    name: 'foreign role ARN without ExternalId',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::999999999999:role/vendor' })] },
    hits: 1,
    because: 'a vendor role acts for many customers: confused deputy',
  },
  {
    name: 'foreign account with ExternalId',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::999999999999:root' },
          { StringEquals: { 'sts:ExternalId': 'tenant-1' } },
        ),
      ],
    },
    hits: 0,
    because: 'the ExternalId condition is the documented mitigation',
  },
  {
    name: 'in-org account without ExternalId',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })] },
    hits: 0,
    because: 'accounts of the organization are not third parties',
  },
  {
    name: 'no organization: other account counts as foreign',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })] },
    ctx: { organization: null },
    hits: 1,
    because: 'without an organization every other account is outside it',
  },
  {
    name: 'ExternalId with IfExists does not count',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [
        allow({ AWS: '999999999999' }, { StringEqualsIfExists: { 'sts:ExternalId': 'x' } }),
      ],
    },
    hits: 1,
    because: 'IfExists passes when the caller sends no ExternalId',
  },
  {
    name: 'two foreign accounts, two findings',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [
        allow({
          AWS: ['999999999999', 'arn:aws:iam::888888888888:root', 'arn:aws:iam::111111111111:root'],
        }),
      ],
    },
    hits: 2,
    because: 'each foreign account is its own confused deputy',
  },

  // FOREIGN_ACCOUNT_WHOLE_ACCOUNT
  {
    name: 'foreign :root, no condition',
    code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    role: { statements: [allow({ AWS: 'arn:aws:iam::999999999999:root' })] },
    hits: 1,
    because: 'IAM UG: an account principal delegates to its administrators',
  },
  {
    name: 'foreign :root with ExternalId only',
    code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::999999999999:root' },
          { StringEquals: { 'sts:ExternalId': 'x' } },
        ),
      ],
    },
    hits: 1,
    because: 'an ExternalId does not narrow which principal of that account calls',
  },
  {
    name: 'foreign :root narrowed by aws:PrincipalArn',
    code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::999999999999:root' },
          { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:role/reporting' } },
        ),
      ],
    },
    hits: 0,
    because: 'aws:PrincipalArn names the one principal',
  },
  {
    name: 'foreign :root narrowed by a principal tag',
    code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    role: {
      statements: [
        allow({ AWS: '999999999999' }, { StringEquals: { 'aws:PrincipalTag/team': 'reporting' } }),
      ],
    },
    hits: 0,
    because: 'aws:PrincipalTag narrows to tagged principals',
  },
  {
    name: 'foreign role ARN',
    code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    role: { statements: [allow({ AWS: 'arn:aws:iam::999999999999:role/vendor' })] },
    hits: 0,
    because: 'a role ARN is one principal, not the account',
  },
  {
    name: 'in-org :root',
    code: 'FOREIGN_ACCOUNT_WHOLE_ACCOUNT',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })] },
    hits: 0,
    because: 'accounts of the organization are not foreign',
  },

  // OIDC_NO_SUB_CONDITION
  {
    name: 'GitHub with aud only',
    code: 'OIDC_NO_SUB_CONDITION',
    role: { statements: [allow({ Federated: GITHUB_PROVIDER }, { StringEquals: GH_AUD }, WEB)] },
    hits: 1,
    because: 'Datadog Security Labs 2023: aud alone admits every GitHub workflow',
  },
  {
    name: 'GitHub with no condition',
    code: 'OIDC_NO_SUB_CONDITION',
    role: { statements: [allow({ Federated: GITHUB_PROVIDER }, undefined, WEB)] },
    hits: 1,
    because: 'same: nothing ties the token to a repository',
  },
  {
    name: 'GitHub with StringLike sub',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', 'repo:acme/api:*'), WEB),
      ],
    },
    hits: 0,
    because: 'the sub names the repository',
  },
  {
    name: 'GitHub with job_workflow_ref only',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        allow(
          { Federated: GITHUB_PROVIDER },
          {
            StringEquals: {
              ...GH_AUD,
              'token.actions.githubusercontent.com:job_workflow_ref':
                'acme/wf/.github/workflows/d.yml@refs/heads/main',
            },
          },
          WEB,
        ),
      ],
    },
    hits: 0,
    because:
      'another identity claim of the issuer also ties the token to a workload (no grammar assumed)',
  },
  {
    name: 'GitHub with sub = *',
    code: 'OIDC_NO_SUB_CONDITION',
    role: { statements: [allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', '*'), WEB)] },
    hits: 1,
    because: 'a bare * checks nothing',
  },
  {
    name: 'EKS without sub',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        allow(
          { Federated: EKS_PROVIDER },
          {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:aud': 'sts.amazonaws.com',
            },
          },
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'any service account of the cluster could assume it',
  },
  {
    name: 'Cognito without sub',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        allow(
          { Federated: 'cognito-identity.amazonaws.com' },
          { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:0000' } },
          WEB,
        ),
      ],
    },
    hits: 0,
    because: "Cognito's aud is the identity pool: sub is not required",
  },

  // OIDC_SUB_WILDCARD_TOO_BROAD
  {
    name: 'repo:org/*',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', 'repo:acme/*'), WEB)],
    },
    hits: 1,
    because: 'spans every repository of the organization',
  },
  {
    name: 'repo:*',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', 'repo:*'), WEB)],
    },
    hits: 1,
    because: 'spans every repository on github.com',
  },
  {
    name: 'repo:org/*:ref:refs/heads/main',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow(
          { Federated: GITHUB_PROVIDER },
          ghSub('StringLike', 'repo:acme/*:ref:refs/heads/main'),
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'the wildcard is in the repository segment',
  },
  {
    name: 'repo:*/api:*',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', 'repo:*/api:*'), WEB)],
    },
    hits: 1,
    because: 'spans organizations',
  },
  {
    name: 'repo:org/api:* is fine',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', 'repo:acme/api:*'), WEB),
      ],
    },
    hits: 0,
    because: 'one repository, any ref: GitHub documents this shape',
  },
  {
    name: 'branch wildcard is fine',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow(
          { Federated: GITHUB_PROVIDER },
          ghSub('StringLike', 'repo:acme/api:ref:refs/heads/release/*'),
          WEB,
        ),
      ],
    },
    hits: 0,
    because: 'the wildcard stays inside one repository',
  },
  {
    name: 'immutable-id subject with repo wildcard',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow(
          { Federated: GITHUB_PROVIDER },
          ghSub('StringLike', 'repo:acme@1234/*@*:ref:refs/heads/main'),
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'no grammar assumed: a wildcard in the owner/repository segment spans repositories',
  },
  {
    name: 'StringEquals with * is not this finding',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow({ Federated: GITHUB_PROVIDER }, ghSub('StringEquals', 'repo:acme/*'), WEB),
      ],
    },
    hits: 0,
    because: 'StringEquals compares literally: STRING_EQUALS_WITH_WILDCARD reports it',
  },
  {
    name: 'EKS namespace wildcard',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow(
          { Federated: EKS_PROVIDER },
          {
            StringLike: {
              'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub':
                'system:serviceaccount:*:deployer',
            },
          },
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'a wildcard before the last segment spans namespaces',
  },

  // OIDC_AUD_UNCHECKED
  {
    name: 'GitHub sub without aud',
    code: 'OIDC_AUD_UNCHECKED',
    role: {
      statements: [
        allow(
          { Federated: GITHUB_PROVIDER },
          { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/api:*' } },
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'IAM UG recommends checking aud; STS only checks it against the provider client list',
  },
  {
    name: 'GitHub with aud',
    code: 'OIDC_AUD_UNCHECKED',
    role: {
      statements: [
        allow({ Federated: GITHUB_PROVIDER }, ghSub('StringLike', 'repo:acme/api:*'), WEB),
      ],
    },
    hits: 0,
    because: 'aud is checked',
  },
  {
    name: 'Cognito without aud',
    code: 'OIDC_AUD_UNCHECKED',
    role: {
      statements: [
        allow(
          { Federated: 'cognito-identity.amazonaws.com' },
          { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'IAM UG: for Cognito the aud condition ties the token to your identity pool',
  },
  {
    name: 'SAML is not OIDC',
    code: 'OIDC_AUD_UNCHECKED',
    role: {
      statements: [allow({ Federated: SAML_PROVIDER }, undefined, 'sts:AssumeRoleWithSAML')],
    },
    hits: 0,
    because: 'SAML_NO_AUD_CONDITION covers SAML',
  },

  // SAML_NO_AUD_CONDITION
  {
    name: 'SAML without SAML:aud',
    code: 'SAML_NO_AUD_CONDITION',
    role: {
      statements: [allow({ Federated: SAML_PROVIDER }, undefined, 'sts:AssumeRoleWithSAML')],
    },
    hits: 1,
    because: 'the trust AWS generates for SAML always checks SAML:aud',
  },
  {
    name: 'SAML with SAML:aud',
    code: 'SAML_NO_AUD_CONDITION',
    role: {
      statements: [
        allow(
          { Federated: SAML_PROVIDER },
          { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
          'sts:AssumeRoleWithSAML',
        ),
      ],
    },
    hits: 0,
    because: 'checked',
  },
  {
    name: 'SAML with lower-case saml:aud key',
    code: 'SAML_NO_AUD_CONDITION',
    role: {
      statements: [
        allow(
          { Federated: SAML_PROVIDER },
          { StringEquals: { 'saml:aud': 'https://signin.aws.amazon.com/saml' } },
          'sts:AssumeRoleWithSAML',
        ),
      ],
    },
    hits: 0,
    because: 'condition keys are case-insensitive',
  },

  // SERVICE_PRINCIPAL_NO_SOURCE
  {
    name: 'states without source',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: { statements: [allow({ Service: 'states.amazonaws.com' })] },
    hits: 1,
    because: 'Step Functions guide: confused deputy prevention with aws:SourceAccount/SourceArn',
  },
  {
    name: 'events with SourceAccount',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: {
      statements: [
        allow(
          { Service: 'events.amazonaws.com' },
          { StringEquals: { 'aws:SourceAccount': '222222222222' } },
        ),
      ],
    },
    hits: 0,
    because: 'the documented mitigation is present',
  },
  {
    name: 'config with ArnLike SourceArn',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: {
      statements: [
        allow(
          { Service: 'config.amazonaws.com' },
          { ArnLike: { 'aws:SourceArn': 'arn:aws:config:*:222222222222:*' } },
        ),
      ],
    },
    hits: 0,
    because: 'aws:SourceArn also pins the source',
  },
  {
    name: 'lambda execution role',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: { statements: [allow({ Service: 'lambda.amazonaws.com' })] },
    hits: 0,
    because: 'execution roles are assumed by the compute, which sends no source keys',
  },
  {
    name: 'ec2 and ecs-tasks',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: { statements: [allow({ Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] })] },
    hits: 0,
    because: 'same',
  },
  {
    name: 'lambda + logs in one statement',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: { statements: [allow({ Service: ['lambda.amazonaws.com', 'logs.amazonaws.com'] })] },
    hits: 1,
    because: 'only the service that supports the keys is reported',
  },

  // STALE_PRINCIPAL_ID
  {
    name: 'AROA unique id',
    code: 'STALE_PRINCIPAL_ID',
    role: { statements: [allow({ AWS: 'AROAEXAMPLEOLDRELBOT' })] },
    hits: 1,
    because: 'IAM shows the unique id once the role is deleted',
  },
  {
    name: 'AIDA unique id next to a live ARN',
    code: 'STALE_PRINCIPAL_ID',
    role: {
      statements: [allow({ AWS: ['AIDAEXAMPLEOLDUSER01', 'arn:aws:iam::111111111111:role/ci'] })],
    },
    hits: 1,
    because: 'deleted user',
  },
  {
    name: 'ARNs only',
    code: 'STALE_PRINCIPAL_ID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:role/ci' })] },
    hits: 0,
    because: 'live principals are shown by ARN',
  },

  // NOT_PRINCIPAL_WITH_ALLOW
  {
    name: 'Allow + NotPrincipal',
    code: 'NOT_PRINCIPAL_WITH_ALLOW',
    role: {
      statements: [
        {
          Effect: 'Allow',
          NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    hits: 1,
    because: 'IAM UG NotPrincipal: do not combine with Allow',
  },
  {
    name: 'Deny + NotPrincipal',
    code: 'NOT_PRINCIPAL_WITH_ALLOW',
    role: {
      statements: [
        allow({ AWS: 'arn:aws:iam::111111111111:root' }),
        {
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: 'sts:AssumeRole',
        },
      ],
    },
    hits: 0,
    because: 'Deny + NotPrincipal is the documented use',
  },

  // STRING_EQUALS_WITH_WILDCARD
  {
    name: 'StringEquals aws:PrincipalArn with *',
    code: 'STRING_EQUALS_WITH_WILDCARD',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:root' },
          { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci-*' } },
        ),
      ],
    },
    hits: 1,
    because: 'StringEquals does not expand wildcards (aws-notes)',
  },
  {
    name: 'StringNotEquals in a Deny',
    code: 'STRING_EQUALS_WITH_WILDCARD',
    role: {
      statements: [
        allow({ AWS: 'arn:aws:iam::111111111111:root' }),
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: {
            StringNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci-*' },
          },
        },
      ],
    },
    hits: 1,
    because: 'the deny then applies to the intended callers too',
  },
  {
    name: 'ForAnyValue:StringEquals with ?',
    code: 'STRING_EQUALS_WITH_WILDCARD',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:root' },
          {
            'ForAnyValue:StringEquals': {
              'aws:PrincipalOrgPaths': 'o-testorg0001/r-ab12/ou-ab12-1111111?/',
            },
          },
        ),
      ],
    },
    hits: 1,
    because: 'set operators keep the literal comparison',
  },
  {
    name: 'StringLike with *',
    code: 'STRING_EQUALS_WITH_WILDCARD',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:root' },
          { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci-*' } },
        ),
      ],
    },
    hits: 0,
    because: 'StringLike expands wildcards',
  },
  {
    name: 'StringEquals without wildcard',
    code: 'STRING_EQUALS_WITH_WILDCARD',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:root' },
          { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci' } },
        ),
      ],
    },
    hits: 0,
    because: 'a literal value is what StringEquals is for',
  },

  // MFA_REQUIRED_ON_AUTOMATION_ROLE
  {
    name: 'MFA on a role trusted by a workload role, never used',
    code: 'MFA_REQUIRED_ON_AUTOMATION_ROLE',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:role/ci-deployer' },
          { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        ),
      ],
      lastUsedDate: null,
    },
    hits: 1,
    because: 'role sessions of workloads never carry aws:MultiFactorAuthPresent',
  },
  {
    name: 'MFA on a workload role recently used',
    code: 'MFA_REQUIRED_ON_AUTOMATION_ROLE',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:role/ci-deployer' },
          { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        ),
      ],
    },
    hits: 0,
    because: 'used recently: an MFA session (role chaining) may be the caller; no evidence',
  },
  {
    name: 'MFA with a denial from a workload session',
    code: 'MFA_REQUIRED_ON_AUTOMATION_ROLE',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:root' },
          { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        ),
      ],
    },
    ctx: {
      denials: [
        {
          roleArn: 'arn:aws:iam::222222222222:role/TestRole',
          callerType: 'AssumedRole',
          callerArn: 'arn:aws:iam::111111111111:role/ci-deployer',
          causes: ['TRUST_CONDITION_MFA'],
          count: 12,
        },
      ],
    },
    hits: 1,
    because: 'the denials show a machine caller failing the MFA condition',
  },
  {
    name: 'MFA for a user (a person)',
    code: 'MFA_REQUIRED_ON_AUTOMATION_ROLE',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:user/bob' },
          { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        ),
      ],
      lastUsedDate: null,
    },
    hits: 0,
    because: 'users can present MFA',
  },
  {
    name: 'MFA with a denial from an SSO session',
    code: 'MFA_REQUIRED_ON_AUTOMATION_ROLE',
    role: {
      statements: [
        allow(
          { AWS: 'arn:aws:iam::111111111111:root' },
          { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        ),
      ],
    },
    ctx: {
      denials: [
        {
          roleArn: 'arn:aws:iam::222222222222:role/TestRole',
          callerType: 'AssumedRole',
          callerArn:
            'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123',
          causes: ['TRUST_CONDITION_MFA'],
          count: 1,
        },
      ],
    },
    hits: 0,
    because: 'IAM Identity Center sessions are people',
  },

  // UNUSED_CROSS_ACCOUNT_ROLE
  {
    name: 'cross-account, last used 190 days ago',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: {
      statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })],
      lastUsedDate: '2026-05-14T00:00:00Z',
    },
    hits: 1,
    because: 'RoleLastUsed older than 90 days',
  },
  {
    name: 'cross-account, never used, created 2 years ago',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: {
      statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })],
      lastUsedDate: null,
      createDate: '2024-11-01T00:00:00Z',
    },
    hits: 1,
    because: 'never used and older than the period',
  },
  {
    name: 'cross-account, never used, created last week',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: {
      statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })],
      lastUsedDate: null,
      createDate: '2026-11-13T00:00:00Z',
    },
    hits: 0,
    because: 'too young to judge',
  },
  {
    name: 'cross-account, used yesterday',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:root' })] },
    hits: 0,
    because: 'in use',
  },
  {
    name: 'same-account only, long unused',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: {
      statements: [allow({ AWS: 'arn:aws:iam::222222222222:role/x' })],
      lastUsedDate: '2025-01-01T00:00:00Z',
    },
    hits: 0,
    because: 'not cross-account',
  },
  {
    name: 'exactly 90 days is not over 90',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: { statements: [allow({ AWS: '111111111111' })], lastUsedDate: '2026-08-22T08:00:00Z' },
    hits: 0,
    because: '"older than 90 days" is strict',
  },
  {
    name: 'unusedDays is an input',
    code: 'UNUSED_CROSS_ACCOUNT_ROLE',
    role: { statements: [allow({ AWS: '111111111111' })], lastUsedDate: '2026-10-01T00:00:00Z' },
    ctx: { unusedDays: 30 },
    hits: 1,
    because: 'the period is configurable',
  },

  // PATHLESS_ROLE_PRINCIPAL
  {
    name: 'SSO role without its path',
    code: 'PATHLESS_ROLE_PRINCIPAL',
    role: {
      statements: [allow({ AWS: 'arn:aws:iam::111111111111:role/AWSReservedSSO_Admin_0123' })],
    },
    hits: 1,
    because: 'Identity Center roles live under /aws-reserved/sso.amazonaws.com/',
  },
  {
    name: 'role whose real path is known',
    code: 'PATHLESS_ROLE_PRINCIPAL',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:role/deployer' })] },
    ctx: { rolePath: (a, n) => (a === '111111111111' && n === 'deployer' ? '/ci/' : undefined) },
    hits: 1,
    because: 'the ARN must include the path',
  },
  {
    name: 'role at the root path',
    code: 'PATHLESS_ROLE_PRINCIPAL',
    role: { statements: [allow({ AWS: 'arn:aws:iam::111111111111:role/deployer' })] },
    ctx: { rolePath: () => '/' },
    hits: 0,
    because: 'no path to miss',
  },
  {
    name: 'SSO role with its path',
    code: 'PATHLESS_ROLE_PRINCIPAL',
    role: {
      statements: [
        allow({
          AWS: 'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123',
        }),
      ],
    },
    hits: 0,
    because: 'correct ARN',
  },
];

const PARTNER = 'arn:aws:iam::999999999999:role/PartnerRole';
const CIRCLECI = 'arn:aws:iam::222222222222:oidc-provider/oidc.circleci.com/org/11111111-2222';
const BITBUCKET =
  'arn:aws:iam::222222222222:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc';
const oidcSub = (provider: string, op: string, sub: string | string[]) => {
  const prefix = provider.slice(provider.indexOf('oidc-provider/') + 'oidc-provider/'.length);
  return allow(
    { Federated: provider },
    { StringEquals: { [`${prefix}:aud`]: 'client' }, [op]: { [`${prefix}:sub`]: sub } },
    WEB,
  );
};

/** The adversarial review of the audit (scratch/advE): one row per case, each failing before its fix. */
const REVIEW_CASES: readonly Case[] = [
  // 1. vendor-recommended subjects: wildcard only after the fixed tenant ids
  {
    name: 'CircleCI org/ORG/project/PROJECT/user/*',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [oidcSub(CIRCLECI, 'StringLike', 'org/11111111-2222/project/aaaa-bbbb/user/*')],
    },
    hits: 0,
    because: 'CircleCI docs restrict a role to one project with exactly this pattern',
  },
  {
    name: 'CircleCI any project of the org',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: { statements: [oidcSub(CIRCLECI, 'StringLike', 'org/11111111-2222/project/*')] },
    hits: 1,
    because: 'the project id identifies the tenant',
  },
  {
    name: 'Bitbucket {REPO_UUID}:*',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: { statements: [oidcSub(BITBUCKET, 'StringLike', '{aaaa-0000}:*')] },
    hits: 0,
    because: 'Bitbucket sub is {REPOSITORY_UUID}:{STEP_UUID}: the repository is fixed',
  },
  {
    name: 'Bitbucket {REPO_UUID}*',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: { statements: [oidcSub(BITBUCKET, 'StringLike', '{aaaa-0000}*')] },
    hits: 0,
    because: 'the closing brace ends the repository UUID',
  },
  {
    name: 'Bitbucket repository UUID prefix',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: { statements: [oidcSub(BITBUCKET, 'StringLike', '{aaaa*')] },
    hits: 1,
    because: 'the wildcard is inside the repository UUID',
  },
  {
    name: 'GitHub custom template without a repository (repository_owner + visibility)',
    code: 'OIDC_SUB_WILDCARD_TOO_BROAD',
    role: {
      statements: [
        allow(
          { Federated: GITHUB_PROVIDER },
          ghSub('StringLike', 'repository_owner:octo-org:repository_visibility:*'),
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'every repository of the owner matches',
  },
  // 3. a Like value whose wildcard restricts nothing
  {
    name: '"*" with ArnLike aws:PrincipalArn arn:aws:iam::*:role/deployer',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [allow('*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } })],
    },
    hits: 1,
    because: 'anyone can create a role named deployer in their own account',
  },
  {
    name: '"*" with StringLike aws:PrincipalOrgID o-*',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: { statements: [allow('*', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } })] },
    hits: 1,
    because: 'every organization id starts with o-',
  },
  {
    name: '"*" with ArnLike aws:PrincipalArn of one account (still fine)',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow('*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/ci-*' } }),
      ],
    },
    hits: 0,
    because: 'the account field is fixed',
  },
  // 4. one open value in an ORed list opens the clause
  {
    name: '"*" with StringLike aws:PrincipalArn [arn, "*"]',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow('*', {
          StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/x', '*'] },
        }),
      ],
    },
    hits: 1,
    because: 'IAM UG: multiple values of one key are ORed',
  },
  {
    name: 'partner with sts:ExternalId StringLike ["abc", "*"]',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [allow({ AWS: PARTNER }, { StringLike: { 'sts:ExternalId': ['abc', '*'] } })],
    },
    hits: 1,
    because: 'any ExternalId matches *',
  },
  {
    name: 'states with StringLike aws:SourceAccount [account, "*"]',
    code: 'SERVICE_PRINCIPAL_NO_SOURCE',
    role: {
      statements: [
        allow(
          { Service: 'states.amazonaws.com' },
          { StringLike: { 'aws:SourceAccount': ['222222222222', '*'] } },
        ),
      ],
    },
    hits: 1,
    because: 'any source account matches *',
  },
  // 5. Cognito aud with a wildcard: every identity pool of the region
  {
    name: 'Cognito aud us-east-1:*',
    code: 'OIDC_AUD_UNCHECKED',
    role: {
      statements: [
        allow(
          { Federated: 'cognito-identity.amazonaws.com' },
          {
            StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
          WEB,
        ),
      ],
    },
    hits: 1,
    because: 'STS: the trust must name your identity pools in cognito-identity.amazonaws.com:aud',
  },
  // 6. ExternalId with a wildcard
  {
    name: 'partner with sts:ExternalId StringLike acme-*',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: PARTNER }, { StringLike: { 'sts:ExternalId': 'acme-*' } })] },
    hits: 1,
    because: 'the ExternalId must be one exact value the partner issued',
  },
  // 7. services that may not send the source keys
  ...['sagemaker', 'apigateway', 'backup', 'cloudtrail'].map(
    (svc): Case => ({
      name: `${svc} without source`,
      code: 'SERVICE_PRINCIPAL_NO_SOURCE',
      role: { statements: [allow({ Service: `${svc}.amazonaws.com` })] },
      hits: 0,
      because:
        'its docs do not put aws:SourceAccount in the role trust policy (Prowler #2810, #4714, #7021)',
    }),
  ),
  // 8. users and sessions of a foreign account: the fix is verified with the right caller
  {
    name: 'foreign IAM user without ExternalId',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow({ AWS: 'arn:aws:iam::999999999999:user/bob' })] },
    hits: 1,
    because: 'confused deputy',
  },
  {
    name: 'foreign assumed-role session without ExternalId',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [allow({ AWS: 'arn:aws:sts::999999999999:assumed-role/PartnerRole/s1' })],
    },
    hits: 1,
    because: 'confused deputy',
  },
  // 9. "*" beside a named partner
  {
    name: '["*", partner] with ExternalId',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [allow({ AWS: ['*', PARTNER] }, { StringEquals: { 'sts:ExternalId': 'abc' } })],
    },
    hits: 1,
    because: 'the ExternalId is not a secret',
  },
  // 10. "*" pinned to a foreign account by a condition
  {
    name: '"*" with ArnEquals aws:PrincipalArn of a foreign role',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: { statements: [allow('*', { ArnEquals: { 'aws:PrincipalArn': PARTNER } })] },
    hits: 1,
    because: 'the condition names a foreign principal: confused deputy',
  },
  {
    name: '"*" with StringEquals aws:PrincipalAccount of a foreign account',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [allow('*', { StringEquals: { 'aws:PrincipalAccount': '999999999999' } })],
    },
    hits: 1,
    because: 'the condition names a foreign account: confused deputy',
  },
  {
    name: '"*" with aws:PrincipalAccount of an organization account',
    code: 'FOREIGN_ACCOUNT_NO_EXTERNAL_ID',
    role: {
      statements: [allow('*', { StringEquals: { 'aws:PrincipalAccount': '111111111111' } })],
    },
    hits: 0,
    because: 'not foreign',
  },
  // 12. a fence must cover the action the Allow grants
  {
    name: '"*" fenced only for another action',
    code: 'ANY_PRINCIPAL_UNRESTRICTED',
    role: {
      statements: [
        allow({ AWS: '*' }),
        {
          Effect: 'Deny',
          Principal: '*',
          Action: WEB,
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-testorg0001' } },
        },
      ],
    },
    hits: 1,
    because: 'the Deny does not apply to sts:AssumeRole',
  },
  // 13. sub enforced by a Deny
  {
    name: 'GitHub aud-only Allow with a Deny StringNotLike sub',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        allow({ Federated: GITHUB_PROVIDER }, { StringEquals: GH_AUD }, WEB),
        {
          Effect: 'Deny',
          Principal: { Federated: GITHUB_PROVIDER },
          Action: WEB,
          Condition: {
            StringNotLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/app:*' },
          },
        },
      ],
    },
    hits: 0,
    because: 'every token of another repository is denied',
  },
];

const GITLAB = 'arn:aws:iam::222222222222:oidc-provider/gitlab.com';
const HCP = 'arn:aws:iam::222222222222:oidc-provider/app.terraform.io';
const GH_DOCS =
  'GitHub Docs, "OpenID Connect" (subject claims) and "Configuring OpenID Connect in AWS"';
const ghStatement = (conditions: Record<string, Record<string, unknown>>) =>
  allow({ Federated: GITHUB_PROVIDER }, conditions, WEB);
const unreviewed = (
  name: string,
  statements: readonly Record<string, unknown>[],
  hits: number,
  because: string,
): Case => ({ name, code: 'OIDC_SUB_ADMITS_UNREVIEWED_CODE', role: { statements }, hits, because });

/** Issue 12.6: OIDC trust graded like the providers' own hardening guides, one row per class. */
const GRADING_CASES: readonly Case[] = [
  unreviewed(
    'GitHub repo:o/r:*',
    [ghStatement(ghSub('StringLike', 'repo:acme/api:*'))],
    1,
    `${GH_DOCS}: a wildcard after the repository admits every ref, tag, environment and pull_request`,
  ),
  unreviewed(
    'GitHub repo:o/r:ref:refs/heads/*',
    [ghStatement(ghSub('StringLike', 'repo:acme/api:ref:refs/heads/*'))],
    1,
    `${GH_DOCS}: any branch, pushed without review`,
  ),
  unreviewed(
    'GitHub repo:o/r:pull_request',
    [ghStatement(ghSub('StringEquals', 'repo:acme/api:pull_request'))],
    1,
    `${GH_DOCS}: the pull_request subject is code proposed, not merged`,
  ),
  unreviewed(
    'GitHub environment wildcard',
    [ghStatement(ghSub('StringLike', 'repo:acme/api:environment:prod*'))],
    1,
    `${GH_DOCS}: environments (with protection rules) are the review boundary; prod* admits any environment named so`,
  ),
  unreviewed(
    'GitHub customized sub with only the repository',
    [ghStatement(ghSub('StringEquals', 'repo:acme/api'))],
    1,
    `${GH_DOCS}, customizing the subject claims: a template with only the repository admits every ref`,
  ),
  unreviewed(
    'GitHub customized sub with owner and environment only',
    [ghStatement(ghSub('StringEquals', 'repository_owner:acme:environment:prod'))],
    1,
    `${GH_DOCS}: no repository in the subject, so any repository of the owner with an environment prod`,
  ),
  unreviewed(
    'GitHub sub naming no repository',
    [ghStatement(ghSub('StringEquals', 'environment:prod'))],
    1,
    'organization-wide by omission',
  ),
  unreviewed(
    'GitHub owner-only template pinned by a repository_id condition',
    [
      ghStatement({
        StringEquals: {
          ...GH_AUD,
          'token.actions.githubusercontent.com:sub': 'repository_owner:acme:environment:prod',
          'token.actions.githubusercontent.com:repository_id': '123456',
        },
      }),
    ],
    0,
    'the repository is pinned by its immutable id',
  ),
  unreviewed(
    'GitHub one protected branch',
    [ghStatement(ghSub('StringEquals', 'repo:acme/api:ref:refs/heads/main'))],
    0,
    `${GH_DOCS}: one branch, protected by review`,
  ),
  unreviewed(
    'GitHub one environment',
    [ghStatement(ghSub('StringEquals', 'repo:acme/api:environment:production'))],
    0,
    `${GH_DOCS}: one environment with its protection rules`,
  ),
  unreviewed(
    'GitHub immutable subject of one branch',
    [ghStatement(ghSub('StringEquals', 'repo:acme@123/api@456:ref:refs/heads/main'))],
    0,
    'GitHub changelog 2026-04-23: the immutable form of one branch',
  ),
  unreviewed(
    'GitHub org wildcard is the other finding',
    [ghStatement(ghSub('StringLike', 'repo:acme/*'))],
    0,
    'a wildcard in the repository is OIDC_SUB_WILDCARD_TOO_BROAD',
  ),
  unreviewed(
    'GitLab any ref',
    [oidcSub(GITLAB, 'StringLike', 'project_path:acme/api:*')],
    1,
    'GitLab Docs, ID token claims: any branch or tag, unprotected ones included',
  ),
  unreviewed(
    'GitLab ref_type wildcard',
    [oidcSub(GITLAB, 'StringLike', 'project_path:acme/api:ref_type:*:ref:main')],
    1,
    'GitLab Docs: a ref_type wildcard admits tags as well as branches named so',
  ),
  unreviewed(
    'GitLab ref wildcard without ref_protected',
    [oidcSub(GITLAB, 'StringLike', 'project_path:acme/api:ref_type:branch:ref:*')],
    1,
    'GitLab Docs: any branch, pushed by any Developer',
  ),
  unreviewed(
    'GitLab ref wildcard with ref_protected true',
    [
      allow(
        { Federated: GITLAB },
        {
          StringEquals: { 'gitlab.com:aud': 'client', 'gitlab.com:ref_protected': 'true' },
          StringLike: { 'gitlab.com:sub': 'project_path:acme/api:ref_type:branch:ref:*' },
        },
        WEB,
      ),
    ],
    0,
    'GitLab Docs: ref_protected true admits protected branches only',
  ),
  unreviewed(
    'GitLab one protected branch',
    [oidcSub(GITLAB, 'StringEquals', 'project_path:acme/api:ref_type:branch:ref:main')],
    0,
    'one branch',
  ),
  unreviewed(
    'HCP Terraform run_phase:*',
    [oidcSub(HCP, 'StringLike', 'organization:acme:project:infra:workspace:prod:run_phase:*')],
    1,
    'HashiCorp, dynamic credentials with AWS: plan and apply runs get separate roles',
  ),
  unreviewed(
    'HCP Terraform wildcard after the workspace',
    [oidcSub(HCP, 'StringLike', 'organization:acme:project:infra:workspace:prod:*')],
    1,
    'same: plan runs included',
  ),
  unreviewed(
    'HCP Terraform apply only',
    [
      oidcSub(
        HCP,
        'StringEquals',
        'organization:acme:project:infra:workspace:prod:run_phase:apply',
      ),
    ],
    0,
    'the apply role for apply runs only',
  ),
  unreviewed(
    'HCP Terraform plan role',
    [oidcSub(HCP, 'StringEquals', 'organization:acme:project:infra:workspace:prod:run_phase:plan')],
    0,
    'a role for plan runs is deliberate',
  ),
  unreviewed(
    'EKS service accounts carry no review state',
    [
      oidcSub(
        'arn:aws:iam::222222222222:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789',
        'StringLike',
        'system:serviceaccount:payments:*',
      ),
    ],
    0,
    'not a CI subject',
  ),
  {
    name: 'GitHub environment claim without a sub or job_workflow_ref pin',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        ghStatement({
          StringEquals: {
            ...GH_AUD,
            'token.actions.githubusercontent.com:environment': 'production',
          },
        }),
      ],
    },
    hits: 1,
    because:
      'IAM UG, create a role for OIDC federation: for GitHub only a sub or job_workflow_ref condition pins the repository; any repository can have an environment named production',
  },
  {
    name: 'GitHub repository_owner claim without a sub pin',
    code: 'OIDC_NO_SUB_CONDITION',
    role: {
      statements: [
        ghStatement({
          StringEquals: {
            ...GH_AUD,
            'token.actions.githubusercontent.com:repository_owner': 'acme',
          },
        }),
      ],
    },
    hits: 1,
    because: 'same: AWS accepts only sub or job_workflow_ref for GitHub',
  },
];

const CASES: readonly Case[] = [...BASE_CASES, ...REVIEW_CASES, ...GRADING_CASES];

describe('a GitHub sub fix never trades one finding for OIDC_SUB_ADMITS_UNREVIEWED_CODE', () => {
  it.each([
    ['no sub at all', { StringEquals: GH_AUD }],
    ['repo:acme/*', ghSub('StringLike', 'repo:acme/*')],
    ['repo:*', ghSub('StringLike', 'repo:*')],
  ] as const)('%s: the last fix of the chain leaves no OIDC finding', (_name, conditions) => {
    const r = role({ statements: [allow({ Federated: GITHUB_PROVIDER }, conditions, WEB)] });
    const ctx = context();
    const findings = auditRole(r, ctx).findings;
    expect(findings.length).toBeGreaterThan(0);
    const last = findings[findings.length - 1]?.fix;
    expect(last?.verified).toBe(true);
    const patched = { ...r, trustPolicy: parsePolicyDocument(last?.iamPolicy, '$') };
    expect(
      auditRole(patched, ctx)
        .findings.map((f) => f.code)
        .filter((c) => c.startsWith('OIDC_')),
    ).toEqual([]);
  });
});

describe('audit rules (table-driven, each case citing the AWS reason)', () => {
  it.each(CASES)('$code: $name → $hits ($because)', (c) => {
    const r = auditRole(role(c.role), context(c.ctx));
    expect(r.findings.filter((f) => f.code === c.code)).toHaveLength(c.hits);
  });

  it('every finding code has a rule, and every rule both fires and stays quiet in the table', () => {
    expect(AUDIT_RULES.map((r) => r.code).sort()).toEqual([...FINDING_CODE_LIST].sort());
    for (const code of FINDING_CODE_LIST) {
      expect(
        CASES.some((c) => c.code === code && c.hits > 0),
        `${code} positive`,
      ).toBe(true);
      expect(
        CASES.some((c) => c.code === code && c.hits === 0),
        `${code} negative`,
      ).toBe(true);
    }
  });

  describe('fixes of every positive case', () => {
    const positives = CASES.filter((c) => c.hits > 0);
    it.each(positives)('$code: $name has a verified fix that removes the finding', (c) => {
      const ctx = context(c.ctx);
      const r = role(c.role);
      const findings = auditRole(r, ctx).findings.filter((f) => f.code === c.code);
      for (const f of findings) {
        if (f.fix === undefined) {
          expect(f.noFixReason, `${f.code} without fix needs a reason`).toBeTruthy();
          continue;
        }
        expect(f.fix.verified, f.fix.checks.join('; ')).toBe(true);
        if (f.fix.kind === 'delete-role') {
          expect(f.fix.awsCli).toContain(`aws iam delete-role --role-name '${r.name}'`);
          continue;
        }
        const json = f.fix.iamPolicy as { Statement: Record<string, unknown>[] };
        for (const st of json.Statement) {
          expect(st).not.toHaveProperty('Resource');
          expect(st).not.toHaveProperty('NotResource');
        }
        expect(f.fix.awsCli).toContain(`aws iam update-assume-role-policy --role-name '${r.name}'`);
        expect(f.fix.terraform).toContain(
          `assume_role_policy = data.aws_iam_policy_document.${tfLabel(r.name)}_trust.json`,
        );
        // Apply it: the same finding must be gone (fingerprints are index-free).
        const patched = { ...r, trustPolicy: parsePolicyDocument(json, '$') };
        const again = auditRole(patched, ctx).findings.map((x) => x.fingerprint);
        expect(again).not.toContain(f.fingerprint);
      }
    });
  });
});

describe('subSpansTenants: no sub grammar beyond owner/repository segments', () => {
  it.each([
    ['*', true],
    ['repo:*', true],
    ['repo:acme/*', true],
    ['repo:acme/api*', true],
    ['repo:acme/*:environment:prod', true],
    ['repo:*:ref:refs/heads/main', true],
    ['repo:acme/api:*', false],
    ['repo:acme/api:ref:refs/heads/*', false],
    ['repo:acme/api:environment:prod', false],
    ['system:serviceaccount:ns:*', false],
    ['system:serviceaccount:*:*', true],
  ])('%s → %s', (value, broad) => {
    expect(subSpansTenants(value)).toBe(broad);
  });
});

describe('subSpansTenants by provider: a wildcard is broad only in or before the tenant', () => {
  const gh = oidcIssuerOf(GITHUB_PROVIDER);
  const circle = oidcIssuerOf(CIRCLECI);
  const bb = oidcIssuerOf(BITBUCKET);
  const eks = oidcIssuerOf(EKS_PROVIDER);
  const gitlab = oidcIssuerOf('arn:aws:iam::222222222222:oidc-provider/gitlab.com');
  it.each([
    [gh, 'repo:octo-org/octo-repo:environment:*', false],
    [gh, 'repo:octocat@123456/my-repo@456789:*', false],
    [gh, 'repo:octo-org/octo-rep?:*', true],
    [gh, 'repository_owner_id:123456:repository_id:*', true],
    [gh, 'repository_owner:octo-org:repository_visibility:*', true],
    [gh, 'job_workflow_ref:octo-org/*', true],
    [circle, 'org/O1/project/P1/user/*', false],
    [circle, 'org/O1/project/*', true],
    [bb, '{aaaa-0000}:*', false],
    [bb, '{aaaa-0000}*', false],
    [bb, '{aaaa*', true],
    [eks, 'system:serviceaccount:ns:*', false],
    [eks, 'system:serviceaccount:*:my-sa', true],
    [gitlab, 'project_path:mygroup/myproject:*', false],
    [gitlab, 'project_path:mygroup/*:ref_type:branch:ref:main', true],
  ])('%#: %s', (issuer, value, broad) => {
    expect(subSpansTenants(value, issuer)).toBe(broad);
  });

  it.each([
    [gh, 'repo:acme/*:environment:prod', 'repo:acme/REPOSITORY:environment:prod'],
    [
      gh,
      'repository_owner_id:1:repository_id:*',
      'repository_owner_id:1:repository_id:REPOSITORY_ID',
    ],
    [eks, 'system:serviceaccount:*:my-sa', 'system:serviceaccount:NAMESPACE:my-sa'],
    [circle, 'org/O1/project/*/user/*', 'org/O1/project/PROJECT_ID/user/*'],
    [
      gitlab,
      'project_path:mygroup/*:ref_type:branch:ref:main',
      'project_path:mygroup/PROJECT:ref_type:branch:ref:main',
    ],
  ])('%#: the fix keeps what %s pins down', (issuer, value, narrowed) => {
    expect(narrowSub(value, issuer as NonNullable<typeof issuer>).value).toBe(narrowed);
  });
});

describe('the fixes of one role compose (pasted in order, every finding is fixed)', () => {
  it.each([
    ['foreign :root without ExternalId', [allow({ AWS: 'arn:aws:iam::999999999999:root' })]],
    [
      'foreign :root beside an organization role',
      [allow({ AWS: ['arn:aws:iam::999999999999:root', 'arn:aws:iam::111111111111:role/ci'] })],
    ],
    ['"*" beside a foreign :root', [allow({ AWS: ['*', 'arn:aws:iam::999999999999:root'] })]],
  ])('%s', (_name, statements) => {
    const ctx = context();
    const r = role({ statements });
    const findings = auditRole(r, ctx).findings.filter(
      (f) => f.fix?.kind === 'update-trust-policy',
    );
    expect(findings.length).toBeGreaterThan(1);
    findings.forEach((f, i) => {
      expect(f.fix?.verified, f.fix?.checks.join('; ')).toBe(true);
      expect(f.fix?.includes ?? []).toEqual(findings.slice(0, i).map((e) => e.fingerprint));
    });
    // Paste each fix in order: the last policy leaves none of the findings.
    let current = r;
    for (const f of findings) {
      current = { ...current, trustPolicy: parsePolicyDocument(f.fix?.iamPolicy, '$') };
    }
    const left = auditRole(current, ctx).findings.map((f) => f.fingerprint);
    for (const f of findings) expect(left).not.toContain(f.fingerprint);
  });
});

describe('"*" beside named principals', () => {
  it('the fix moves "*" to its own statement and keeps the named partner in', () => {
    const r = role({
      statements: [allow({ AWS: ['*', PARTNER] }, { StringEquals: { 'sts:ExternalId': 'abc' } })],
    });
    const f = auditRole(r, context()).findings.find((x) => x.code === 'ANY_PRINCIPAL_UNRESTRICTED');
    expect(f?.fix?.verified, f?.fix?.checks.join('; ')).toBe(true);
    expect(f?.fix?.checks).toContain(
      `the named principal ${PARTNER} is still allowed (other conditions permitting)`,
    );
    const json = f?.fix?.iamPolicy as { Statement: { Principal: unknown; Condition: unknown }[] };
    const partner = json.Statement.find((s) => JSON.stringify(s.Principal).includes(PARTNER));
    expect(JSON.stringify(partner?.Condition)).not.toContain('aws:PrincipalOrgID');
  });
});
