import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import type { ExplainOutput } from '../../../lib/diagnosis/Diagnosis.js';
import { hclString, ownerOfPolicy, shellQuote } from '../../../lib/fixes/fixCommands.js';
import {
  addPrincipalArnException,
  mapStatement,
  replaceAwsPrincipal,
} from '../../../lib/fixes/patchPolicy.js';
import { policyToJson } from '../../../lib/fixes/policyToJson.js';
import { parsePolicyDocument } from '../../../lib/policy/parsePolicyDocument.js';
import { fakeIo } from '../cli/fakeIo.js';
import { loadScenarios } from '../diagnosis/scenarioCorpus.js';

const TRUST = parsePolicyDocument(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'A',
        Effect: 'Allow',
        Principal: { AWS: ['AROAEXAMPLEOLD00001', 'arn:aws:iam::1:role/x'] },
        Action: 'sts:AssumeRole',
      },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'sts:AssumeRole',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } },
      },
    ],
  },
  'test',
);

describe('policyToJson', () => {
  it('round-trips through the policy parser', () => {
    expect(parsePolicyDocument(policyToJson(TRUST), 'again')).toEqual(TRUST);
  });
});

describe('patches', () => {
  it('replaces a stale unique id with an ARN', () => {
    const p = replaceAwsPrincipal(TRUST, 'AROAEXAMPLEOLD00001', 'arn:aws:iam::1:role/new');
    expect(policyToJson(p).Statement).toMatchObject([
      { Principal: { AWS: ['arn:aws:iam::1:role/new', 'arn:aws:iam::1:role/x'] } },
      {},
    ]);
  });

  it('replaces one statement by its index, or leaves it out (the others keep theirs), never editing the document', () => {
    const edited = mapStatement(TRUST, 1, (s) => ({ ...s, sid: 'Fence' }));
    expect(edited.statements.map((s) => [s.index, s.sid])).toEqual([
      [0, 'A'],
      [1, 'Fence'],
    ]);
    const dropped = mapStatement(TRUST, 0, () => null);
    expect(dropped.statements.map((s) => [s.index, s.effect])).toEqual([[1, 'Deny']]);
    expect(mapStatement(TRUST, 7, () => null).statements).toEqual(TRUST.statements);
    expect(TRUST.statements.map((s) => s.sid)).toEqual(['A', undefined]);
  });

  it('adds a narrow ArnNotLike exception to a deny, merging with an existing one', () => {
    const once = addPrincipalArnException(TRUST, 1, 'arn:aws:iam::1:role/a');
    const twice = addPrincipalArnException(once, 1, 'arn:aws:iam::1:role/b');
    expect(policyToJson(twice).Statement).toMatchObject([
      {},
      {
        Condition: {
          ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'] },
        },
      },
    ]);
  });
});

describe('commands', () => {
  it('quotes for the shell and HCL', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const policyVariable = ['$', '{aws:username}'].join('');
    expect(hclString(`${policyVariable} "q"`)).toBe('"$${aws:username} \\"q\\""');
  });

  it.each([
    [
      'inline policy `deploy` of role `ci-deployer`',
      undefined,
      { kind: 'inline', principalType: 'role', principalName: 'ci-deployer', policyName: 'deploy' },
    ],
    [
      'arn:aws:iam::111111111111:policy/Boundary',
      'arn:aws:iam::111111111111:policy/Boundary',
      { kind: 'managed', name: 'Boundary' },
    ],
    [
      'SCP `Deny` (arn:aws:organizations::444444444444:policy/o-abc/service_control_policy/p-abc1)',
      undefined,
      { kind: 'org', id: 'p-abc1', name: 'Deny', type: 'SERVICE_CONTROL_POLICY' },
    ],
  ])('owner of %s', (label, arn, expected) => {
    expect(ownerOfPolicy(label, arn)).toMatchObject(expected);
  });

  it('does not offer to edit an AWS-managed policy', () => {
    expect(
      ownerOfPolicy(
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ),
    ).toBeUndefined();
  });
});

describe('fixes across the scenario corpus', () => {
  it('are valid, minimal policies: no Resource in trust statements, no wildcard principal added, identity scoped to the role', async () => {
    let checked = 0;
    for (const s of loadScenarios()) {
      const io = fakeIo();
      const args = [
        'explain',
        '--format',
        'json',
        ...(s.snapshotFile ? ['--snapshot', s.snapshotFile] : ['--demo']),
        s.eventFile,
      ];
      expect(await main(args, io)).toBe(0);
      const out = JSON.parse(io.out.join('')) as ExplainOutput;
      for (const d of out.diagnoses) {
        for (const f of d.fixes) {
          expect(f.awsCli, f.title).toBeTruthy();
          expect(f.terraform, f.title).toBeTruthy();
          if (f.iamPolicy === undefined) continue;
          checked++;
          const doc = parsePolicyDocument(f.iamPolicy, `${s.name}.fix`);
          if (f.appliesTo?.startsWith('trust policy') || f.appliesTo?.startsWith('a new role')) {
            for (const st of doc.statements) {
              expect(st.resource, `${s.name}: ${f.title}`).toBeUndefined();
              // A wildcard principal is only ever one that was already there, behind a condition.
              if (st.principal?.kind === 'map' && st.principal.AWS.includes('*')) {
                expect(st.conditions.length, `${s.name}: ${f.title}`).toBeGreaterThan(0);
              }
              expect(st.principal?.kind, `${s.name}: ${f.title}`).not.toBe('any');
            }
          }
          if (f.cause === 'IDENTITY_NO_ALLOW') {
            // The added statement grants exactly the role asked for, or the existing
            // role ROLE_NOT_FOUND suggests when the one asked for does not exist.
            const suggested = (
              d.causes.find((c) => c.code === 'ROLE_NOT_FOUND')?.evidence as
                | { suggestions?: { arn: string }[] }
                | undefined
            )?.suggestions?.[0]?.arn;
            const added = doc.statements.filter((st) => st.sid?.startsWith('AllowAssume'));
            expect(added.flatMap((st) => st.resource ?? [])).toEqual([
              suggested ?? d.target.roleArn,
            ]);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
