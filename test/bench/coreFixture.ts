/**
 * A synthetic organization for the core benchmark: `n` caller roles in one
 * account, `n` target roles in another, each target trusting only its own
 * caller. Event `i` is caller `i` assuming target `(i + 1) % n`: every event
 * is a distinct (caller, role) pair, denied by the trust policy, with a fix
 * (add the caller) the engine verifies.
 */
const CALLERS = '111111111111';
const TARGETS = '222222222222';

export const callerArn = (i: number) => `arn:aws:iam::${CALLERS}:role/ci-runner-${i}`;
export const targetArn = (i: number) => `arn:aws:iam::${TARGETS}:role/deploy-${i}`;
const uid = (prefix: string, i: number) => `${prefix}${String(i).padStart(16, '0')}`;

const identityPolicy = (i: number) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${TARGETS}:role/*` },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::builds-${i}/*`,
    },
  ],
});

export const trustPolicy = (i: number) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TrustOwnRunner',
      Effect: 'Allow',
      Principal: { AWS: callerArn(i) },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:PrincipalAccount': CALLERS } },
    },
  ],
});

const role = (arn: string, name: string, id: string, trust: unknown, policies: unknown[]) => ({
  RoleName: name,
  RoleId: id,
  Arn: arn,
  Path: '/',
  CreateDate: '2025-01-01T00:00:00Z',
  AssumeRolePolicyDocument: trust,
  RolePolicyList: policies,
  AttachedManagedPolicies: [],
  Tags: [],
  InstanceProfileList: [],
});

export function snapshotJson(n: number): Record<string, unknown> {
  const callers = Array.from({ length: n }, (_, i) =>
    role(
      callerArn(i),
      `ci-runner-${i}`,
      uid('AROACALLER', i),
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      [{ PolicyName: 'runner', PolicyDocument: identityPolicy(i) }],
    ),
  );
  const targets = Array.from({ length: n }, (_, i) =>
    role(targetArn(i), `deploy-${i}`, uid('AROATARGET', i), trustPolicy(i), []),
  );
  const account = (roles: unknown[]) => ({
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: roles,
    Policies: [],
  });
  return {
    snapshotVersion: 1,
    capturedAt: '2026-11-20T08:00:00Z',
    accounts: { [CALLERS]: account(callers), [TARGETS]: account(targets) },
  };
}

/** Event `i`: caller `i` denied on target `(i + 1) % n`; `repeat` varies only id, time and IP. */
export function eventJson(i: number, n: number, repeat = 0): Record<string, unknown> {
  const session = `build-${i}`;
  const sessionArn = `arn:aws:sts::${CALLERS}:assumed-role/ci-runner-${i}/${session}`;
  const t = new Date(Date.parse('2026-03-02T09:00:00Z') + repeat * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `${uid('AROACALLER', i)}:${session}`,
      arn: sessionArn,
      accountId: CALLERS,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: uid('AROACALLER', i),
          arn: callerArn(i),
          accountId: CALLERS,
          userName: `ci-runner-${i}`,
        },
        attributes: { creationDate: '2026-03-02T08:55:10Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: t,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'eu-west-1',
    sourceIPAddress: `10.0.${repeat & 255}.${(i % 250) + 1}`,
    userAgent: 'aws-cli/2.17.0',
    errorCode: 'AccessDenied',
    errorMessage: `User: ${sessionArn} is not authorized to perform: sts:AssumeRole on resource: ${targetArn((i + 1) % n)}`,
    requestParameters: null,
    responseElements: null,
    eventID: `bench-${i}-${repeat}`,
    recipientAccountId: CALLERS,
  };
}

/** The same request for iam-simulate's `runSimulation`. */
export function simulationOf(i: number, n: number): Record<string, unknown> {
  const j = (i + 1) % n;
  return {
    request: {
      principal: callerArn(i),
      action: 'sts:AssumeRole',
      resource: { resource: targetArn(j), accountId: TARGETS },
      contextVariables: {},
    },
    identityPolicies: [{ name: 'runner', policy: identityPolicy(i) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: trustPolicy(j),
  };
}
