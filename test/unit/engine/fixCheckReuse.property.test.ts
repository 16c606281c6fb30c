// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written `${key}` inside plain strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AssumeRoleEvaluation,
  AssumeRoleInputs,
  OrgPolicies,
} from '../../../lib/engine/AssumeRoleEvaluation.js';
import { copyContext } from '../../../lib/engine/contextKeys.js';
import { evaluateAssumeRole } from '../../../lib/engine/evaluateAssumeRole.js';
import { evaluatePolicy } from '../../../lib/engine/evaluatePolicy.js';
import { PolicyEvaluations } from '../../../lib/engine/PolicyEvaluations.js';
import type { RequestContext, RequestPrincipal } from '../../../lib/engine/RequestContext.js';
import {
  addAction,
  addAwsPrincipal,
  addConditionValues,
  addPrincipalArnException,
  addStatement,
  principalMap,
  renameOperator,
} from '../../../lib/fixes/patchPolicy.js';
import type { PolicyDocument, PolicyStatement } from '../../../lib/policy/PolicyDocument.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import { CALLERS } from './engineFixtures.js';

/**
 * A fix is verified by evaluating patched inputs that share the request and
 * every untouched policy with the diagnosis's own evaluation: one
 * `PolicyEvaluations` for both, statement and element traces taken over from
 * the evaluation of the document a fix patched, and the caller side taken
 * over from the evaluation before the fix (`previous`). None of that may
 * change an answer: the patched inputs evaluated that way equal a fresh
 * evaluation of them, for random policies, requests and patches.
 */

const ROLE = 'arn:aws:iam::222222222222:role/DeployRole';
const ARNS = [
  CALLERS.session.roleArn,
  CALLERS.user.arn,
  CALLERS.session.arn,
  'arn:aws:iam::111111111111:root',
  '111111111111',
  'AROAEXAMPLEROLEID0001',
  'arn:aws:iam::333333333333:role/other',
];
const key = fc.constantFrom(
  'sts:ExternalId',
  'aws:PrincipalTag/team',
  'aws:PrincipalArn',
  'aws:SourceIp',
  'aws:MultiFactorAuthPresent',
  'aws:RequestTag/env',
  'token.actions.githubusercontent.com:sub',
);
const operator = fc
  .tuple(
    fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:'),
    fc.constantFrom('StringEquals', 'StringLike', 'StringNotEquals', 'ArnLike', 'Bool', 'Null'),
    fc.constantFrom('', 'IfExists'),
  )
  .map(([a, b, c]) => `${a}${b}${c}`);
const value = fc.constantFrom(
  'x',
  'x*',
  'true',
  'false',
  'a',
  '10.0.0.0/8',
  'arn:aws:iam::111111111111:role/*',
  '${aws:username}',
  '${aws:PrincipalTag/team}',
);
const condition = fc.dictionary(
  operator,
  fc.dictionary(key, fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 2 })), {
    minKeys: 1,
    maxKeys: 2,
  }),
  { maxKeys: 2 },
);
const actions = fc.array(
  fc.constantFrom(
    'sts:AssumeRole',
    'sts:TagSession',
    'sts:SetSourceIdentity',
    'sts:*',
    'sts:Assume?ole',
    's3:GetObject',
  ),
  { minLength: 1, maxLength: 3 },
);
const resources = fc.array(
  fc.constantFrom(
    '*',
    ROLE,
    'arn:aws:iam::222222222222:role/*',
    'arn:aws:iam::*:role/Deploy?ole',
    'arn:aws:iam::222222222222:role/${aws:username}',
    'arn:aws:iam::333333333333:role/*',
  ),
  { minLength: 1, maxLength: 2 },
);
const principal = fc.oneof(
  fc.constant('*' as const),
  fc.record({ AWS: fc.array(fc.constantFrom(...ARNS), { minLength: 1, maxLength: 2 }) }),
  fc.record({
    Federated: fc.constantFrom(
      'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
      'cognito-identity.amazonaws.com',
    ),
  }),
  fc.record({ Service: fc.constant('ec2.amazonaws.com') }),
);
const version = fc.constantFrom('2012-10-17', '2008-10-17');

function doc(kind: 'trust' | 'identity' | 'rcp'): fc.Arbitrary<PolicyDocument> {
  const statement = fc
    .record({
      Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      Action: actions,
      Condition: condition,
      Principal: principal,
      Resource: resources,
      not: fc.constantFrom('', '', 'Action', 'Principal', 'Resource'),
    })
    .map(({ not, ...s }) => {
      const out: Record<string, unknown> = { Effect: s.Effect, Action: s.Action };
      if (Object.keys(s.Condition).length > 0) out.Condition = s.Condition;
      if (kind !== 'identity') out.Principal = s.Principal;
      if (kind !== 'trust') out.Resource = s.Resource;
      if (not !== '' && out[not] !== undefined) {
        out[`Not${not}`] = out[not];
        delete out[not];
      }
      return out;
    });
  return fc
    .record({ Version: version, Statement: fc.array(statement, { minLength: 1, maxLength: 3 }) })
    .map((json) => parsePolicyDocument(json, kind));
}

const labeled = (label: string) => (document: PolicyDocument) => ({ label, document });
const org = (label: string, kind: 'identity' | 'rcp'): fc.Arbitrary<OrgPolicies> =>
  fc.oneof(
    fc.constant({ exempt: true, levels: [] }),
    fc.array(doc(kind).map(labeled(label)), { minLength: 1, maxLength: 2 }).map((policies) => ({
      exempt: false,
      levels: [{ targetId: 'r-1', targetType: 'ROOT' as const, policies }],
    })),
  );

const principals = [
  CALLERS.session,
  CALLERS.sessionPathUnknown,
  CALLERS.user,
  CALLERS.root,
  CALLERS.github,
  CALLERS.service,
  { ...CALLERS.session, accountId: '222222222222' },
] as RequestPrincipal[];
const context: fc.Arbitrary<RequestContext> = fc.record({
  principal: fc.constantFrom(...principals),
  action: fc.constantFrom('sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity'),
  resource: fc.constant(ROLE),
  values: fc.dictionary(
    key.map((k) => k.toLowerCase()),
    fc.array(value, { minLength: 1, maxLength: 2 }),
    { maxKeys: 3 },
  ),
  unknownKeys: fc.subarray(['sts:externalid', 'aws:principaltag/', 'aws:requesttag/']),
});
const sessionActions = fc.constantFrom<AssumeRoleInputs['sessionActions']>(
  [],
  [{ action: 'sts:TagSession', needed: 'yes' }],
  [{ action: 'sts:SetSourceIdentity', needed: 'unknown' }],
);

const inputs: fc.Arbitrary<AssumeRoleInputs> = fc.record({
  context,
  role: fc.constant({ arn: ROLE, accountId: '222222222222', isServiceLinked: false }),
  trust: doc('trust').map(labeled(`trust policy of ${ROLE}`)),
  identity: fc.array(doc('identity').map(labeled('identity')), { maxLength: 2 }),
  boundary: fc.option(doc('identity').map(labeled('boundary')), { nil: null }),
  sessionPolicies: fc.constant(undefined),
  scp: org('scp', 'identity'),
  rcp: org('rcp', 'rcp'),
  sessionActions,
});

/** A patch as the fixes make them: one element of one statement, a new statement, or another policy. */
type Patch = (i: AssumeRoleInputs) => AssumeRoleInputs;
const withTrust = (i: AssumeRoleInputs, document: PolicyDocument): AssumeRoleInputs => ({
  ...i,
  trust: { ...i.trust, document },
});
const at = (d: PolicyDocument, n: number): PolicyStatement =>
  d.statements[n % d.statements.length] as PolicyStatement;
const patch: fc.Arbitrary<Patch> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...ARNS)).map(
    ([n, arn]): Patch =>
      (i) =>
        withTrust(i, addAwsPrincipal(i.trust.document, at(i.trust.document, n).index, arn)),
  ),
  fc.nat().map(
    (n): Patch =>
      (i) =>
        withTrust(i, addAction(i.trust.document, at(i.trust.document, n).index, 'sts:TagSession')),
  ),
  fc.tuple(fc.nat(), value).map(
    ([n, v]): Patch =>
      (i) => {
        const st = at(i.trust.document, n);
        const c = st.conditions[0];
        return c === undefined
          ? withTrust(
              i,
              addPrincipalArnException(i.trust.document, st.index, CALLERS.session.roleArn),
            )
          : withTrust(
              i,
              n % 2 === 0
                ? addConditionValues(i.trust.document, st.index, c.operator, c.key, [v])
                : renameOperator(i.trust.document, st.index, c.operator, c.key, 'StringLike'),
            );
      },
  ),
  fc.constantFrom<Patch>(
    (i) =>
      withTrust(
        i,
        addStatement(i.trust.document, {
          effect: 'Allow',
          principal: principalMap('AWS', [CALLERS.session.roleArn]),
          action: ['sts:AssumeRole', 'sts:TagSession'],
          conditions: [],
        }),
      ),
    (i) => ({
      ...i,
      identity: [
        ...(i.identity ?? []),
        {
          label: 'grant',
          document: { version: '2012-10-17', statements: [] },
        },
      ].map((p, n, all) =>
        n === all.length - 1
          ? {
              ...p,
              document: addStatement(p.document, {
                effect: 'Allow',
                action: ['sts:AssumeRole'],
                resource: [ROLE],
                conditions: [],
              }),
            }
          : p,
      ),
    }),
    (i) => ({
      ...i,
      context: copyContext(i.context, {
        values: { ...i.context.values, 'sts:externalid': ['x'] },
        unknownKeys: i.context.unknownKeys.filter((k) => k !== 'sts:externalid'),
      }),
    }),
    (i) =>
      i.boundary === null || i.boundary === undefined
        ? i
        : {
            ...i,
            boundary: {
              ...i.boundary,
              document: addStatement(i.boundary.document, {
                effect: 'Allow',
                action: ['sts:AssumeRole'],
                resource: [ROLE],
                conditions: [],
              }),
            },
          },
  ),
);

/** Everything an evaluation answers, the lazily worked-out trust grant included. */
function answers(e: AssumeRoleEvaluation) {
  return { ...e, trustGrant: e.trustGrant };
}

describe('fix checks that reuse earlier work (fast-check)', () => {
  it('patched inputs evaluated with the earlier evaluations and caller side answer as a fresh evaluation', () => {
    fc.assert(
      fc.property(inputs, fc.array(patch, { minLength: 1, maxLength: 3 }), (base, patches) => {
        const shared = new PolicyEvaluations();
        const before = evaluateAssumeRole(base, shared);
        expect(answers(before)).toEqual(answers(evaluateAssumeRole(base)));
        // Each patch builds on the last, as a fix of a fix would; each is checked against `before`.
        let patched = base;
        for (const p of patches) {
          patched = p(patched);
          const after = evaluateAssumeRole(patched, shared, before);
          expect(answers(after)).toEqual(answers(evaluateAssumeRole(patched)));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a patched document evaluated after the one it patched answers as evaluated alone', () => {
    fc.assert(
      fc.property(doc('trust'), context, patch, (trust, ctx, p) => {
        const base: AssumeRoleInputs = {
          context: ctx,
          role: { arn: ROLE, accountId: '222222222222', isServiceLinked: false },
          trust: { label: 'trust', document: trust },
          identity: [],
          boundary: null,
          sessionPolicies: undefined,
          scp: { exempt: true, levels: [] },
          rcp: { exempt: true, levels: [] },
          sessionActions: [],
        };
        const patched = p(base).trust.document;
        const opts = { principal: true, resource: false };
        const shared = new PolicyEvaluations();
        shared.evaluate(trust, ctx, opts);
        expect(shared.evaluate(patched, ctx, opts)).toEqual(evaluatePolicy(patched, ctx, opts));
      }),
      { numRuns: 400 },
    );
  });
});
