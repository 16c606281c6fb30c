import { describe, expect, it } from 'vitest';
import type {
  AssumeRoleInputs,
  BlockerKind,
  OrgPolicies,
} from '../../../lib/engine/AssumeRoleEvaluation.js';
import { evaluateAssumeRole } from '../../../lib/engine/evaluateAssumeRole.js';
import type { RequestContext, RequestPrincipal, Tri } from '../../../lib/engine/RequestContext.js';
import type { LabeledPolicy } from '../../../lib/policy/PolicyDocument.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';

const CALLER_ACCT = '111111111111';
const ROLE_ACCT = '222222222222';
const ROLE_ARN = `arn:aws:iam::${ROLE_ACCT}:role/DeployRole`;
const SAME_ROLE_ARN = `arn:aws:iam::${CALLER_ACCT}:role/LocalRole`;
const CALLER_ROLE = `arn:aws:iam::${CALLER_ACCT}:role/ci-deployer`;
const CALLER_SESSION = `arn:aws:sts::${CALLER_ACCT}:assumed-role/ci-deployer/build-42`;
const USER_ARN = `arn:aws:iam::${CALLER_ACCT}:user/bob`;
const OIDC = `arn:aws:iam::${ROLE_ACCT}:oidc-provider/token.actions.githubusercontent.com`;

function policy(label: string, doc: unknown): LabeledPolicy {
  return { label, document: parsePolicyDocument(doc, label) };
}

function trustOf(...statements: unknown[]): LabeledPolicy {
  return policy('trust', { Version: '2012-10-17', Statement: statements });
}

const allowAssume = (resource = '*') =>
  policy('identity', {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: resource }],
  });
const denyAssume = (label = 'deny') =>
  policy(label, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }],
  });
const allowAll = (label = 'FullAWSAccess') =>
  policy(label, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  });
const allowS3Only = (label = 'S3Only') =>
  policy(label, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  });

const ORG_ALLOW: OrgPolicies = {
  exempt: false,
  levels: [
    { targetId: 'r-ab12', targetType: 'ROOT', policies: [allowAll()] },
    { targetId: 'ou-ab12-11111111', targetType: 'ORGANIZATIONAL_UNIT', policies: [allowAll()] },
    { targetId: CALLER_ACCT, targetType: 'ACCOUNT', policies: [allowAll()] },
  ],
};
const RCP_NONE: OrgPolicies = { exempt: false, levels: [] };

const roleSession: RequestPrincipal = {
  kind: 'AssumedRole',
  arn: CALLER_SESSION,
  accountId: CALLER_ACCT,
  roleArn: CALLER_ROLE,
  uniqueId: 'AROAEXAMPLECIDEPLOY1',
};
const user: RequestPrincipal = {
  kind: 'IAMUser',
  arn: USER_ARN,
  accountId: CALLER_ACCT,
  uniqueId: 'AIDAEXAMPLEBOBUSER01',
};
const webIdentity: RequestPrincipal = { kind: 'WebIdentity', federatedProvider: OIDC };

function ctx(
  principal: RequestPrincipal,
  resource = ROLE_ARN,
  extra: Partial<RequestContext> = {},
): RequestContext {
  const values: Record<string, string[]> = {};
  if (principal.roleArn ?? principal.arn)
    values['aws:principalarn'] = [principal.roleArn ?? principal.arn ?? ''];
  if (principal.accountId) values['aws:principalaccount'] = [principal.accountId];
  return {
    principal,
    action: principal.kind === 'WebIdentity' ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRole',
    resource,
    values: { ...values, ...(extra.values ?? {}) },
    unknownKeys: extra.unknownKeys ?? [],
  };
}

function inputs(
  over: Partial<AssumeRoleInputs> & { context: RequestContext; trust: LabeledPolicy },
): AssumeRoleInputs {
  const roleArn = over.context.resource;
  const accountId = roleArn.split(':')[4] ?? ROLE_ACCT;
  return {
    role: { arn: roleArn, accountId, isServiceLinked: false },
    identity: [allowAssume()],
    boundary: null,
    sessionPolicies: [],
    scp: ORG_ALLOW,
    rcp: RCP_NONE,
    sessionActions: [],
    ...over,
  };
}

interface Case {
  name: string;
  /** The AWS rule the case pins. */
  why: string;
  in: AssumeRoleInputs;
  allowed: Tri;
  blockers: readonly (readonly [BlockerKind, Tri])[];
  grant?: string;
  identityRequired?: Tri;
}

const trustRole = trustOf({
  Effect: 'Allow',
  Principal: { AWS: CALLER_ROLE },
  Action: 'sts:AssumeRole',
});
const trustAccount = (acct = CALLER_ACCT) =>
  trustOf({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${acct}:root` },
    Action: 'sts:AssumeRole',
  });

const trustNotPrincipalDeny = trustOf(
  {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${CALLER_ACCT}:root` },
    Action: 'sts:AssumeRole',
  },
  { Effect: 'Deny', NotPrincipal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' },
);

const CASES: Case[] = [
  {
    name: 'trust Deny with NotPrincipal listing the caller, caller without boundary',
    why: 'NotPrincipal excludes the listed principal from the deny: the account trust and identity allow',
    in: inputs({ context: ctx(roleSession), trust: trustNotPrincipalDeny }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'trust Deny with NotPrincipal listing the caller, caller with a boundary',
    why: 'IAM UG "Permissions boundaries": a Deny with NotPrincipal always denies a principal that has a permissions boundary, whatever NotPrincipal lists',
    in: inputs({
      context: ctx(roleSession),
      trust: trustNotPrincipalDeny,
      boundary: allowAll('boundary'),
    }),
    allowed: 'no',
    blockers: [['trust-deny', 'yes']],
  },
  {
    name: 'cross-account: trust names the role and identity allows',
    why: 'IAM UG cross-account evaluation: both the trust policy and an identity policy allow → allowed',
    in: inputs({ context: ctx(roleSession), trust: trustRole }),
    allowed: 'yes',
    blockers: [],
    grant: 'role',
    identityRequired: 'yes',
  },
  {
    name: 'cross-account: trust does not name the caller',
    why: 'the role side must allow: a trust policy naming another principal gives implicit deny',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CALLER_ACCT}:role/terraform-runner` },
        Action: 'sts:AssumeRole',
      }),
    }),
    allowed: 'no',
    blockers: [['trust-no-allow', 'yes']],
  },
  {
    name: 'cross-account: no identity allow',
    why: 'cross-account requests need an identity-based allow in the caller account',
    in: inputs({ context: ctx(roleSession), trust: trustRole, identity: [] }),
    allowed: 'no',
    blockers: [['identity-no-allow', 'yes']],
  },
  {
    name: 'cross-account: identity allow scoped to another role',
    why: 'identity Resource must match the target role ARN',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      identity: [allowAssume(`arn:aws:iam::${ROLE_ACCT}:role/OtherRole`)],
    }),
    allowed: 'no',
    blockers: [['identity-no-allow', 'yes']],
  },
  {
    name: 'cross-account: both sides missing give two blockers',
    why: 'every applicable cause is listed: trust and identity both fail',
    in: inputs({ context: ctx(roleSession), trust: trustAccount('999999999999'), identity: [] }),
    allowed: 'no',
    blockers: [
      ['trust-no-allow', 'yes'],
      ['identity-no-allow', 'yes'],
    ],
  },
  {
    name: 'cross-account: identity explicit deny wins over allow',
    why: 'an explicit deny in any identity policy overrides every allow',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      identity: [allowAssume(), denyAssume()],
    }),
    allowed: 'no',
    blockers: [['identity-deny', 'yes']],
  },
  {
    name: 'trust-policy explicit deny',
    why: 'a Deny statement in the trust policy denies even when another statement allows',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf(
        { Effect: 'Allow', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' },
      ),
    }),
    allowed: 'no',
    blockers: [['trust-deny', 'yes']],
  },
  {
    name: 'same account: trust names the user ARN, no identity policy needed',
    why: 'IAM UG: within one account a resource-based policy naming the principal ARN is enough',
    in: inputs({
      context: ctx(user, SAME_ROLE_ARN),
      trust: trustOf({ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
      identity: [],
    }),
    allowed: 'yes',
    blockers: [],
    grant: 'principal',
    identityRequired: 'no',
  },
  {
    name: 'same account: trust names the role ARN, no identity policy needed',
    why: 'IAM UG: a trust policy naming the caller role ARN grants its sessions within the account',
    in: inputs({ context: ctx(roleSession, SAME_ROLE_ARN), trust: trustRole, identity: [] }),
    allowed: 'yes',
    blockers: [],
    grant: 'role',
    identityRequired: 'no',
  },
  {
    name: 'same account: trust names only the account, identity allow missing',
    why: 'aws-notes: a trust policy naming only the account delegates to the account; an identity allow is needed',
    in: inputs({ context: ctx(roleSession, SAME_ROLE_ARN), trust: trustAccount(), identity: [] }),
    allowed: 'no',
    blockers: [['identity-no-allow', 'yes']],
    grant: 'account',
    identityRequired: 'yes',
  },
  {
    name: 'same account: bare account id in trust behaves like :root',
    why: 'IAM UG principals: a bare account id is the account root principal',
    in: inputs({
      context: ctx(roleSession, SAME_ROLE_ARN),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: CALLER_ACCT },
        Action: 'sts:AssumeRole',
      }),
      identity: [allowAssume()],
    }),
    allowed: 'yes',
    blockers: [],
    grant: 'account',
  },
  {
    name: 'same account: user ARN named, boundary without allow does not limit',
    why: 'IAM UG boundaries: a resource-based policy naming the user ARN is not limited by an implicit deny in the boundary',
    in: inputs({
      context: ctx(user, SAME_ROLE_ARN),
      trust: trustOf({ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'same account: role ARN named, boundary without allow limits',
    why: 'IAM UG boundaries: a resource-based policy naming the role ARN is limited by the boundary implicit deny',
    in: inputs({
      context: ctx(roleSession, SAME_ROLE_ARN),
      trust: trustRole,
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'no',
    blockers: [['boundary-no-allow', 'yes']],
  },
  {
    name: 'cross-account: boundary without allow blocks',
    why: 'cross-account the caller side needs identity and boundary allows',
    in: inputs({
      context: ctx(user),
      trust: trustOf({ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'no',
    blockers: [['boundary-no-allow', 'yes']],
  },
  {
    name: 'boundary explicit deny blocks even same-account principal grants',
    why: 'an explicit deny in a permissions boundary always denies',
    in: inputs({
      context: ctx(user, SAME_ROLE_ARN),
      trust: trustOf({ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
      boundary: denyAssume('boundary'),
    }),
    allowed: 'no',
    blockers: [['boundary-deny', 'yes']],
  },
  {
    name: 'session policy without allow blocks cross-account',
    why: 'IAM UG session policies: effective permissions are the intersection of identity and session policies',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      sessionPolicies: [allowS3Only('session')],
    }),
    allowed: 'no',
    blockers: [['session-no-allow', 'yes']],
  },
  {
    name: 'session policy explicit deny blocks (deny-only, it allows nothing either)',
    why: 'an explicit deny in a session policy always denies; a session policy with no Allow grants nothing',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      sessionPolicies: [denyAssume('session')],
    }),
    allowed: 'no',
    blockers: [
      ['session-deny', 'yes'],
      ['session-no-allow', 'yes'],
    ],
  },
  {
    name: 'session policies do not apply to IAM users',
    why: 'session policies exist only for role sessions and federated users',
    in: inputs({
      context: ctx(user),
      trust: trustOf({ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
      sessionPolicies: [denyAssume('session')],
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'SCP explicit deny at the account level',
    why: 'an explicit deny in any SCP of the account path denies',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      scp: {
        exempt: false,
        levels: [
          { targetId: 'r-ab12', targetType: 'ROOT', policies: [allowAll()] },
          {
            targetId: CALLER_ACCT,
            targetType: 'ACCOUNT',
            policies: [allowAll(), denyAssume('p-deny')],
          },
        ],
      },
    }),
    allowed: 'no',
    blockers: [['scp-deny', 'yes']],
  },
  {
    name: 'SCP without allow at the OU level',
    why: 'Organizations UG: an action must be allowed by an SCP at every level from the root to the account',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      scp: {
        exempt: false,
        levels: [
          { targetId: 'r-ab12', targetType: 'ROOT', policies: [allowAll()] },
          {
            targetId: 'ou-ab12-33333333',
            targetType: 'ORGANIZATIONAL_UNIT',
            policies: [allowS3Only()],
          },
          { targetId: CALLER_ACCT, targetType: 'ACCOUNT', policies: [allowAll()] },
        ],
      },
    }),
    allowed: 'no',
    blockers: [['scp-no-allow', 'yes']],
  },
  {
    name: 'SCP levels listing no policy are read as the default FullAWSAccess',
    why: 'Organizations UG: while SCPs are enabled every root, OU and account keeps at least one SCP (FullAWSAccess by default); a snapshot listing it at the root only left the defaults out',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      scp: {
        exempt: false,
        levels: [
          { targetId: 'r-ab12', targetType: 'ROOT', policies: [allowAll()] },
          { targetId: 'ou-ab12-11111111', targetType: 'ORGANIZATIONAL_UNIT', policies: [] },
          { targetId: CALLER_ACCT, targetType: 'ACCOUNT', policies: [] },
        ],
      },
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'a deny-list SCP level (Deny statements only) keeps the default allow; its Deny still applies',
    why: 'Organizations UG, deny list strategy: deny SCPs are attached beside FullAWSAccess, which a snapshot may leave out',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      scp: {
        exempt: false,
        levels: [
          { targetId: 'r-ab12', targetType: 'ROOT', policies: [allowAll()] },
          { targetId: CALLER_ACCT, targetType: 'ACCOUNT', policies: [denyAssume('DenyAssume')] },
        ],
      },
    }),
    allowed: 'no',
    blockers: [['scp-deny', 'yes']],
  },
  {
    name: 'an allow-list SCP level beside a deny-only policy is still held to its allow list',
    why: 'Organizations UG: a level with an Allow-list SCP must allow the action itself',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      scp: {
        exempt: false,
        levels: [
          { targetId: 'r-ab12', targetType: 'ROOT', policies: [allowAll()] },
          {
            targetId: CALLER_ACCT,
            targetType: 'ACCOUNT',
            policies: [allowS3Only(), denyAssume('DenyOther')],
          },
        ],
      },
    }),
    allowed: 'no',
    blockers: [
      ['scp-deny', 'yes'],
      ['scp-no-allow', 'yes'],
    ],
  },
  {
    name: 'SCPs do not apply to the management account',
    why: 'Organizations UG: SCPs do not affect users or roles in the management account',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      scp: {
        exempt: true,
        exemptReason: 'management-account',
        levels: [{ targetId: 'r-ab12', targetType: 'ROOT', policies: [denyAssume()] }],
      },
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'SCPs do not apply to service-linked roles',
    why: 'Organizations UG: SCPs do not affect service-linked roles',
    in: inputs({
      context: ctx({
        ...roleSession,
        roleArn: `arn:aws:iam::${CALLER_ACCT}:role/aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps`,
      }),
      trust: trustOf({
        Effect: 'Allow',
        Principal: {
          AWS: `arn:aws:iam::${CALLER_ACCT}:role/aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps`,
        },
        Action: 'sts:AssumeRole',
      }),
      scp: {
        exempt: false,
        levels: [{ targetId: 'r-ab12', targetType: 'ROOT', policies: [denyAssume()] }],
      },
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'RCP explicit deny on the role account',
    why: 'aws-notes: RCPs cover STS; an RCP deny on the role account denies',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      rcp: {
        exempt: false,
        levels: [
          {
            targetId: ROLE_ACCT,
            targetType: 'ACCOUNT',
            policies: [
              policy('rcp', {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' },
                ],
              }),
            ],
          },
        ],
      },
    }),
    allowed: 'no',
    blockers: [['rcp-deny', 'yes']],
  },
  {
    name: 'RCPs do not apply to the management account resources',
    why: 'aws-notes: RCPs do not apply to resources in the management account',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      rcp: {
        exempt: true,
        exemptReason: 'management-account',
        levels: [
          {
            targetId: 'r',
            targetType: 'ROOT',
            policies: [
              policy('rcp', {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }],
              }),
            ],
          },
        ],
      },
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'RCPs do not apply to service-linked roles',
    why: 'aws-notes: RCPs do not apply to service-linked roles',
    in: {
      ...inputs({ context: ctx(roleSession), trust: trustRole }),
      role: { arn: ROLE_ARN, accountId: ROLE_ACCT, isServiceLinked: true },
      rcp: {
        exempt: false,
        levels: [
          {
            targetId: 'r',
            targetType: 'ROOT',
            policies: [
              policy('rcp', {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }],
              }),
            ],
          },
        ],
      },
    },
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'web identity: trust on the provider, caller-side policies ignored',
    why: 'AssumeRoleWithWebIdentity has no AWS caller: only the trust policy (and RCPs) decide',
    in: inputs({
      context: ctx(webIdentity, ROLE_ARN, {
        values: { 'token.actions.githubusercontent.com:sub': ['repo:o/r:ref:refs/heads/main'] },
      }),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { Federated: OIDC },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main' },
        },
      }),
      identity: undefined,
      boundary: undefined,
      scp: undefined,
    }),
    allowed: 'yes',
    blockers: [],
    grant: 'federated',
    identityRequired: 'no',
  },
  {
    name: 'web identity: sub mismatch',
    why: 'a failed claim condition leaves no allowing statement',
    in: inputs({
      context: ctx(webIdentity, ROLE_ARN, {
        values: { 'token.actions.githubusercontent.com:sub': ['repo:o/r:ref:refs/heads/feature'] },
      }),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { Federated: OIDC },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main' },
        },
      }),
    }),
    allowed: 'no',
    blockers: [['trust-no-allow', 'yes']],
  },
  {
    name: 'unlogged ExternalId makes the trust result unknown',
    why: 'aws-notes: a condition on an input CloudTrail did not log is unknown, not false',
    in: inputs({
      context: ctx(roleSession, ROLE_ARN, { unknownKeys: ['sts:externalid'] }),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: CALLER_ROLE },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'tenant-1' } },
      }),
    }),
    allowed: 'unknown',
    blockers: [['trust-no-allow', 'unknown']],
  },
  {
    name: 'known wrong ExternalId is a certain block',
    why: 'StringEquals on sts:ExternalId with a different logged value does not match',
    in: inputs({
      context: ctx(roleSession, ROLE_ARN, { values: { 'sts:externalid': ['wrong'] } }),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: CALLER_ROLE },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'tenant-1' } },
      }),
    }),
    allowed: 'no',
    blockers: [['trust-no-allow', 'yes']],
  },
  {
    name: 'session tags need sts:TagSession in the trust policy',
    why: 'IAM UG session tags: the trust policy must allow sts:TagSession when tags are passed',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      sessionActions: [{ action: 'sts:TagSession', needed: 'yes' }],
    }),
    allowed: 'no',
    blockers: [
      ['trust-session-action', 'yes'],
      ['identity-no-allow', 'yes'],
    ],
  },
  {
    name: 'session tags allowed on both sides',
    why: 'trust and identity both allow sts:TagSession',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: CALLER_ROLE },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      }),
      identity: [
        policy('identity', {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: ROLE_ARN },
          ],
        }),
      ],
      sessionActions: [{ action: 'sts:TagSession', needed: 'yes' }],
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'source identity needs sts:SetSourceIdentity; unknown when not logged',
    why: 'IAM UG source identity: the trust policy must allow sts:SetSourceIdentity; unlogged input is unknown',
    in: inputs({
      context: ctx(roleSession),
      trust: trustRole,
      identity: [allowAll('identity')],
      sessionActions: [{ action: 'sts:SetSourceIdentity', needed: 'unknown' }],
    }),
    allowed: 'unknown',
    blockers: [['trust-session-action', 'unknown']],
  },
  {
    name: 'trust Deny on sts:TagSession beside an Allow that lists it is an explicit deny',
    why: 'IAM UG "Policy evaluation logic": an explicit deny overrides any allow; passing session tags needs sts:TagSession (IAM UG "Passing session tags in AWS STS"), so a Deny matching it denies the request',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf(
        {
          Effect: 'Allow',
          Principal: { AWS: CALLER_ROLE },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:TagSession' },
      ),
      identity: [allowAll('identity')],
      sessionActions: [{ action: 'sts:TagSession', needed: 'yes' }],
    }),
    allowed: 'no',
    blockers: [['trust-deny', 'yes']],
  },
  {
    name: 'trust Deny written with NotAction matches sts:SetSourceIdentity',
    why: 'IAM UG "IAM JSON policy elements: NotAction": a Deny with NotAction applies to every action it does not list; sts:SetSourceIdentity is needed to set a source identity (IAM UG "Monitor and control actions taken with assumed roles")',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf(
        {
          Effect: 'Allow',
          Principal: { AWS: CALLER_ROLE },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        },
        { Effect: 'Deny', Principal: { AWS: '*' }, NotAction: 'sts:AssumeRole' },
      ),
      identity: [allowAll('identity')],
      sessionActions: [{ action: 'sts:SetSourceIdentity', needed: 'yes' }],
    }),
    allowed: 'no',
    blockers: [['trust-deny', 'yes']],
  },
  {
    name: 'trust Deny on sts:TagSession when tags were not passed does not block',
    why: 'a session action the request did not need is not evaluated: the Deny does not match sts:AssumeRole',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf(
        { Effect: 'Allow', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:TagSession' },
      ),
      sessionActions: [{ action: 'sts:TagSession', needed: 'no' }],
    }),
    allowed: 'yes',
    blockers: [],
  },
  {
    name: 'identity Deny with NotAction matching sts:TagSession is a caller-side explicit deny',
    why: 'IAM UG "Policy evaluation logic": an explicit deny in an identity-based policy denies; NotAction matches sts:TagSession',
    in: inputs({
      context: ctx(roleSession),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: CALLER_ROLE },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      }),
      identity: [
        allowAll('identity'),
        policy('no-tags', {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', NotAction: ['sts:AssumeRole', 's3:*'], Resource: '*' }],
        }),
      ],
      sessionActions: [{ action: 'sts:TagSession', needed: 'yes' }],
    }),
    allowed: 'no',
    blockers: [['identity-deny', 'yes']],
  },
  {
    name: 'same account, trust names another principal, caller role session with a boundary lacking sts:AssumeRole',
    why: 'IAM UG "Policy evaluation logic" (resource-based policies and permissions boundaries): the role-ARN grant that would fix the trust is still limited by the implicit deny of the boundary, so the boundary blocks too',
    in: inputs({
      context: ctx(roleSession, SAME_ROLE_ARN),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CALLER_ACCT}:role/terraform-runner` },
        Action: 'sts:AssumeRole',
      }),
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'no',
    blockers: [
      ['trust-no-allow', 'yes'],
      ['boundary-no-allow', 'yes'],
    ],
    grant: 'none',
  },
  {
    name: 'same account, trust names another principal, IAM user with a boundary lacking sts:AssumeRole',
    why: 'IAM UG "Policy evaluation logic": an account grant is limited by the boundary (listed beside the trust cause); a grant to the user ARN would not be',
    in: inputs({
      context: ctx(user, SAME_ROLE_ARN),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CALLER_ACCT}:user/carol` },
        Action: 'sts:AssumeRole',
      }),
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'no',
    blockers: [
      ['trust-no-allow', 'yes'],
      ['boundary-no-allow', 'yes'],
    ],
  },
  {
    name: 'same account, trust names the IAM user ARN: its boundary does not limit',
    why: 'IAM UG "Policy evaluation logic": within an account, a resource-based policy granting an IAM user ARN is not limited by an implicit deny in the user\'s permissions boundary',
    in: inputs({
      context: ctx(user, SAME_ROLE_ARN),
      trust: trustOf({ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
      identity: [],
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'yes',
    blockers: [],
    grant: 'principal',
  },
  {
    name: 'same account, trust names the role-session ARN: the boundary does not limit',
    why: 'IAM UG "Policy evaluation logic": a same-account grant to the role session ARN is not limited by the role\'s permissions boundary, one to the role ARN is',
    in: inputs({
      context: ctx(roleSession, SAME_ROLE_ARN),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: CALLER_SESSION },
        Action: 'sts:AssumeRole',
      }),
      identity: [],
      boundary: allowS3Only('boundary'),
    }),
    allowed: 'yes',
    blockers: [],
    grant: 'principal',
  },
  {
    name: 'same account, trust names another principal, no boundary: only the trust blocks',
    why: 'without a boundary nothing else limits the grant that fixes the trust',
    in: inputs({
      context: ctx(roleSession, SAME_ROLE_ARN),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${CALLER_ACCT}:role/terraform-runner` },
        Action: 'sts:AssumeRole',
      }),
    }),
    allowed: 'no',
    blockers: [['trust-no-allow', 'yes']],
  },
  {
    name: 'a role assuming itself needs explicit self-trust',
    why: 'aws-notes: since September 2022 role self-assumption needs the role in its own trust policy',
    in: inputs({
      context: ctx(roleSession, CALLER_ROLE),
      trust: trustOf({
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      }),
    }),
    allowed: 'no',
    blockers: [['trust-no-allow', 'yes']],
  },
  {
    name: 'unreadable identity policies leave the result unknown without a blocker',
    why: 'an account with no reader role: the explainer must say so rather than guess',
    in: inputs({ context: ctx(roleSession), trust: trustRole, identity: undefined }),
    allowed: 'unknown',
    blockers: [],
  },
  {
    name: 'unreadable SCPs leave the result unknown',
    why: 'SCPs that could not be read cannot be ruled out',
    in: inputs({ context: ctx(roleSession), trust: trustRole, scp: undefined }),
    allowed: 'unknown',
    blockers: [],
  },
];

describe('evaluateAssumeRole: AWS role-assumption rules', () => {
  it.each(CASES)('$name', (c) => {
    const r = evaluateAssumeRole(c.in);
    expect(r.allowed, c.why).toBe(c.allowed);
    const got = r.blockers.map((b) => [b.kind, b.certainty] as const);
    expect(got, c.why).toEqual(expect.arrayContaining(c.blockers.map((b) => [...b])));
    expect(got.length, c.why).toBe(c.blockers.length);
    if (c.grant) expect(r.trustGrant, c.why).toBe(c.grant);
    if (c.identityRequired) expect(r.identityAllowRequired, c.why).toBe(c.identityRequired);
  });

  it('names the SCP level that lacks an allow', () => {
    const c = CASES.find((x) => x.name === 'SCP without allow at the OU level')!;
    const b = evaluateAssumeRole(c.in).blockers[0]!;
    expect(b.level?.targetId).toBe('ou-ab12-33333333');
  });

  it('records the unlogged keys it depended on', () => {
    const c = CASES.find((x) => x.name.startsWith('unlogged ExternalId'))!;
    expect(evaluateAssumeRole(c.in).unknownKeys).toContain('sts:externalid');
  });
});
