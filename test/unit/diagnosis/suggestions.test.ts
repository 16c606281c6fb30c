import { describe, expect, it } from 'vitest';
import { classifyConditionKey } from '../../../lib/diagnosis/classifyConditionKey.js';
import {
  editDistance,
  suggestAccountIds,
  suggestRoles,
} from '../../../lib/diagnosis/suggestions.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['DeplyRole', 'DeployRole', 1],
    ['kitten', 'sitting', 3],
    ['abc', '', 3],
    ['222222222223', '222222222222', 1],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

const role = (accountId: string, path: string, name: string) => ({
  accountId,
  path,
  name,
  arn: `arn:aws:iam::${accountId}:role${path}${name}`,
});
const ROLES = [
  role('222222222222', '/', 'DeployRole'),
  role('222222222222', '/', 'DevRole'),
  role('222222222222', '/restricted/', 'KeyAdmin'),
  role('333333333333', '/', 'DeployRole'),
  role('222222222222', '/', 'Unrelated'),
];

describe('suggestRoles', () => {
  it('ranks case-only and other-path matches first, then close names, then other accounts', () => {
    expect(
      suggestRoles({ accountId: '222222222222', name: 'deployrole', path: '/' }, ROLES)[0],
    ).toMatchObject({
      name: 'DeployRole',
      reason: 'case-only',
    });
    expect(
      suggestRoles({ accountId: '222222222222', name: 'KeyAdmin', path: '/' }, ROLES)[0],
    ).toMatchObject({
      arn: 'arn:aws:iam::222222222222:role/restricted/KeyAdmin',
      reason: 'other-path',
    });
    const typo = suggestRoles({ accountId: '222222222222', name: 'DeplyRole', path: '/' }, ROLES);
    expect(typo[0]).toMatchObject({ name: 'DeployRole', reason: 'similar-name', distance: 1 });
    expect(typo.map((s) => s.name)).not.toContain('Unrelated');
  });

  it('suggests the same name in another account', () => {
    const s = suggestRoles({ accountId: '444444444444', name: 'DeployRole', path: '/' }, ROLES);
    expect(s.map((x) => x.reason)).toEqual(['other-account', 'other-account']);
  });
});

describe('suggestAccountIds', () => {
  it('finds account ids a digit or two away, closest first', () => {
    expect(
      suggestAccountIds('222222222223', ['111111111111', '222222222222', '222222222232']),
    ).toEqual([
      { accountId: '222222222222', distance: 1 },
      { accountId: '222222222232', distance: 2 },
    ]);
  });
});

describe('classifyConditionKey', () => {
  it.each([
    ['sts:ExternalId', 'TRUST_CONDITION_EXTERNAL_ID'],
    ['aws:MultiFactorAuthPresent', 'TRUST_CONDITION_MFA'],
    ['aws:multifactorauthage', 'TRUST_CONDITION_MFA'],
    ['aws:PrincipalOrgID', 'TRUST_CONDITION_ORG'],
    ['aws:PrincipalOrgPaths', 'TRUST_CONDITION_ORG'],
    ['aws:PrincipalAccount', 'TRUST_CONDITION_ORG'],
    ['token.actions.githubusercontent.com:sub', 'OIDC_CLAIM_MISMATCH'],
    ['oidc.eks.us-east-1.amazonaws.com/id/ABC:aud', 'OIDC_CLAIM_MISMATCH'],
    ['SAML:aud', 'SAML_CLAIM_MISMATCH'],
    ['aws:SourceIp', 'TRUST_CONDITION_OTHER'],
    ['aws:PrincipalArn', 'TRUST_CONDITION_OTHER'],
  ])('%s → %s', (key, code) => {
    expect(classifyConditionKey(key)).toBe(code);
  });
});
