import { describe, expect, it } from 'vitest';
import type { AssumeRoleInputs } from '../../../lib/engine/AssumeRoleEvaluation.js';
import { evaluateAssumeRole } from '../../../lib/engine/evaluateAssumeRole.js';
import { PolicyEvaluations } from '../../../lib/engine/PolicyEvaluations.js';
import { addAwsPrincipal } from '../../../lib/fixes/patchPolicy.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import { CALLERS, makeContext } from './engineFixtures.js';

/**
 * A diagnosis evaluates a request, then verifies each fix on patched inputs
 * sharing the request and the untouched policies: with one
 * `PolicyEvaluations` for all of them, a shared policy is evaluated once and
 * every answer is the one a fresh evaluation gives.
 */
const ROLE = 'arn:aws:iam::222222222222:role/deploy';
const trust = parsePolicyDocument(
  {
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:role/other' },
      Action: 'sts:AssumeRole',
    },
  },
  'trust',
);
const identity = parsePolicyDocument(
  {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*' },
  },
  'identity',
);
const context = makeContext({}, [], { principal: CALLERS.role, resource: ROLE });
const inputs: AssumeRoleInputs = {
  context,
  role: { arn: ROLE, accountId: '222222222222', isServiceLinked: false },
  trust: { label: 'trust policy', document: trust },
  identity: [{ label: 'identity policy', document: identity }],
  boundary: null,
  sessionPolicies: undefined,
  scp: { exempt: true, levels: [] },
  rcp: { exempt: true, levels: [] },
  sessionActions: [],
};
const roleArn = CALLERS.role.arn;
const patched: AssumeRoleInputs = {
  ...inputs,
  trust: { ...inputs.trust, document: addAwsPrincipal(trust, 0, roleArn) },
};

describe('PolicyEvaluations', () => {
  it('answers like fresh evaluations, and evaluates a policy shared by the patched inputs once', () => {
    const shared = new PolicyEvaluations();
    const before = evaluateAssumeRole(inputs, shared);
    const after = evaluateAssumeRole(patched, shared);
    expect(before).toEqual(evaluateAssumeRole(inputs));
    expect(after).toEqual(evaluateAssumeRole(patched));
    expect(before.allowed).toBe('no');
    expect(after.allowed).toBe('yes');
    expect(after.trust).not.toBe(before.trust);
    // One evaluation per document, request object and options.
    const again = new PolicyEvaluations();
    const first = again.evaluate(identity, context, { principal: false, resource: true });
    expect(again.evaluate(identity, context, { principal: false, resource: true })).toBe(first);
    expect(again.evaluate(identity, { ...context }, { principal: false, resource: true })).not.toBe(
      first,
    );
    expect(again.evaluate(identity, context, { principal: true, resource: true })).not.toBe(first);
  });

  it('takes the traces of statements (and elements) a patched document shares with the one it patched', () => {
    const two = parsePolicyDocument(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::111111111111:role/other' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } },
          },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
      'trust',
    );
    const ctx = makeContext({ 'aws:principalaccount': ['111111111111'] }, [], {
      principal: CALLERS.role,
      resource: ROLE,
    });
    const opts = { principal: true, resource: false };
    const shared = new PolicyEvaluations();
    const before = shared.evaluate(two, ctx, opts);
    const patchedDoc = addAwsPrincipal(two, 0, roleArn);
    const after = shared.evaluate(patchedDoc, ctx, opts);
    const fresh = new PolicyEvaluations().evaluate(patchedDoc, ctx, opts);
    expect(after).toEqual(fresh);
    expect(after.allow).toBe('yes');
    // The statement the fix left alone: its trace; the patched one: its unchanged conditions.
    expect(after.statements[1]).toBe(before.statements[1]);
    expect(after.statements[0]).not.toBe(before.statements[0]);
    expect(after.statements[0]?.conditions).toBe(before.statements[0]?.conditions);
    // Not across requests, nor from an evaluation with unknown keys.
    const other = shared.evaluate(patchedDoc, { ...ctx }, opts);
    expect(other.statements[1]).not.toBe(before.statements[1]);
    const open = makeContext({}, ['aws:principalaccount'], {
      principal: CALLERS.role,
      resource: ROLE,
    });
    const unsure = new PolicyEvaluations();
    const first = unsure.evaluate(two, open, opts);
    expect(first.unknownKeys).toEqual(['aws:principalaccount']);
    const second = unsure.evaluate(patchedDoc, open, opts);
    expect(second.statements[1]).not.toBe(first.statements[1]);
    expect(second).toEqual(new PolicyEvaluations().evaluate(patchedDoc, open, opts));
  });
});
