import { describe, expect, it } from 'vitest';
import {
  explainPrincipalMiss,
  matchPrincipalElement,
  type PrincipalGrant,
  type PrincipalMissKind,
} from '../../../lib/engine/matchPrincipal.js';
import type { Tri } from '../../../lib/engine/RequestContext.js';
import type { PrincipalElement } from '../../../lib/policy/PolicyDocument.js';
import { CALLERS, type CallerName } from './engineFixtures.js';

/** IAM UG = AWS IAM User Guide, "AWS JSON policy elements: Principal". */
function map(
  types: Partial<Record<'AWS' | 'Service' | 'Federated' | 'CanonicalUser', string[]>>,
): PrincipalElement {
  return { kind: 'map', AWS: [], Service: [], Federated: [], CanonicalUser: [], ...types };
}

const ROLE = 'arn:aws:iam::111111111111:role/ci-deployer';

const rows: {
  why: string;
  el: PrincipalElement;
  caller: CallerName;
  result: Tri;
  grant: PrincipalGrant;
}[] = [
  {
    why: 'IAM UG: "*" names everyone',
    el: { kind: 'any' },
    caller: 'session',
    result: 'yes',
    grant: 'any',
  },
  {
    why: 'IAM UG: {"AWS":"*"} is equivalent to "*"',
    el: map({ AWS: ['*'] }),
    caller: 'session',
    result: 'yes',
    grant: 'any',
  },
  {
    why: 'IAM UG: {"AWS":"*"} is equivalent to "*" (also for federated callers)',
    el: map({ AWS: ['*'] }),
    caller: 'github',
    result: 'yes',
    grant: 'any',
  },
  {
    why: 'IAM UG: a bare account id names every principal of the account',
    el: map({ AWS: ['111111111111'] }),
    caller: 'session',
    result: 'yes',
    grant: 'account',
  },
  {
    why: 'IAM UG: arn:aws:iam::<acct>:root names the account, not only the root user',
    el: map({ AWS: ['arn:aws:iam::111111111111:root'] }),
    caller: 'user',
    result: 'yes',
    grant: 'account',
  },
  {
    why: 'IAM UG: the account principal includes the root user',
    el: map({ AWS: ['arn:aws:iam::111111111111:root'] }),
    caller: 'root',
    result: 'yes',
    grant: 'account',
  },
  {
    why: 'IAM UG: another account does not name the caller',
    el: map({ AWS: ['arn:aws:iam::333333333333:root'] }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: a role ARN names every session of the role',
    el: map({ AWS: [ROLE] }),
    caller: 'session',
    result: 'yes',
    grant: 'role',
  },
  {
    why: 'IAM UG: a role ARN names the role itself',
    el: map({ AWS: [ROLE] }),
    caller: 'role',
    result: 'yes',
    grant: 'role',
  },
  {
    why: 'role ARNs compare with their path: role/ci-deployer is not role/team/ci-deployer',
    el: map({ AWS: [ROLE] }),
    caller: 'sessionOfTeamRole',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'principal ARNs compare case-sensitively',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/CI-Deployer'] }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'role path unknown (session ARNs carry no path): same name and account stays open',
    el: map({ AWS: [ROLE] }),
    caller: 'sessionPathUnknown',
    result: 'unknown',
    grant: 'role',
  },
  {
    why: 'role path unknown but another role name: no',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/other'] }),
    caller: 'sessionPathUnknown',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: an assumed-role session ARN names that session',
    el: map({ AWS: ['arn:aws:sts::111111111111:assumed-role/ci-deployer/build-42'] }),
    caller: 'session',
    result: 'yes',
    grant: 'principal',
  },
  {
    why: 'IAM UG: a session ARN does not name other sessions of the role',
    el: map({ AWS: ['arn:aws:sts::111111111111:assumed-role/ci-deployer/build-43'] }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: a user ARN (with its path) names that user',
    el: map({ AWS: ['arn:aws:iam::111111111111:user/eng/alice'] }),
    caller: 'user',
    result: 'yes',
    grant: 'principal',
  },
  {
    why: 'user ARNs compare with their path',
    el: map({ AWS: ['arn:aws:iam::111111111111:user/alice'] }),
    caller: 'user',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: a federated-user session ARN names that federated user',
    el: map({ AWS: ['arn:aws:sts::111111111111:federated-user/bob'] }),
    caller: 'federatedUser',
    result: 'yes',
    grant: 'principal',
  },
  {
    why: 'aws-notes: a unique id names only the principal that had it',
    el: map({ AWS: ['AROAEXAMPLEROLEID0001'] }),
    caller: 'session',
    result: 'yes',
    grant: 'role',
  },
  {
    why: 'aws-notes: a recreated role with the same name has a new id; the old id does not name it',
    el: map({ AWS: ['AROAEXAMPLEROLEID0001'] }),
    caller: 'sessionOfTeamRole',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'aws-notes: a user unique id names that user',
    el: map({ AWS: ['AIDAEXAMPLEUSERID0001'] }),
    caller: 'user',
    result: 'yes',
    grant: 'principal',
  },
  {
    why: 'IAM UG: wildcards in principal ARNs are not supported (partial wildcard never matches)',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/ci-*'] }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: a wildcard account in an ARN is not supported',
    el: map({ AWS: ['arn:aws:iam::*:root'] }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: a Service principal names that service',
    el: map({ Service: ['ec2.amazonaws.com'] }),
    caller: 'service',
    result: 'yes',
    grant: 'service',
  },
  {
    why: 'service principal names are DNS names, compared case-insensitively',
    el: map({ Service: ['EC2.amazonaws.com'] }),
    caller: 'service',
    result: 'yes',
    grant: 'service',
  },
  {
    why: 'IAM UG: a Service principal does not name an IAM role session',
    el: map({ Service: ['ec2.amazonaws.com'] }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: an account principal does not name a service',
    el: map({ AWS: ['111111111111'] }),
    caller: 'service',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: Federated names an OIDC provider by ARN',
    el: map({
      Federated: ['arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com'],
    }),
    caller: 'github',
    result: 'yes',
    grant: 'federated',
  },
  {
    why: 'IAM UG: another OIDC provider does not name the caller',
    el: map({ Federated: ['arn:aws:iam::222222222222:oidc-provider/gitlab.com'] }),
    caller: 'github',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: Federated names Cognito by its name',
    el: map({ Federated: ['cognito-identity.amazonaws.com'] }),
    caller: 'cognito',
    result: 'yes',
    grant: 'federated',
  },
  {
    why: 'IAM UG: Federated names a SAML provider by ARN',
    el: map({ Federated: ['arn:aws:iam::222222222222:saml-provider/Okta'] }),
    caller: 'saml',
    result: 'yes',
    grant: 'federated',
  },
  {
    why: 'IAM UG: an account principal does not name a web identity caller',
    el: map({ AWS: ['222222222222'] }),
    caller: 'github',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'IAM UG: CanonicalUser names S3 canonical users, never an STS caller',
    el: map({
      CanonicalUser: ['79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
    }),
    caller: 'session',
    result: 'no',
    grant: 'none',
  },
  {
    why: 'several entries: the strongest grant wins (role over account)',
    el: map({ AWS: ['111111111111', ROLE] }),
    caller: 'session',
    result: 'yes',
    grant: 'role',
  },
  {
    why: 'several entries are OR-ed: one matching entry is enough',
    el: map({ AWS: ['arn:aws:iam::333333333333:root'], Service: ['ec2.amazonaws.com'] }),
    caller: 'service',
    result: 'yes',
    grant: 'service',
  },
  {
    why: 'an exact match wins over an entry whose path is unknown',
    el: map({ AWS: [ROLE, '111111111111'] }),
    caller: 'sessionPathUnknown',
    result: 'yes',
    grant: 'account',
  },
];

describe('matchPrincipalElement', () => {
  it.each(rows)('$why', ({ el, caller, result, grant }) => {
    expect(matchPrincipalElement(el, CALLERS[caller])).toEqual({ result, grant });
  });
});

const missRows: {
  why: string;
  el: PrincipalElement;
  caller: CallerName;
  kinds: PrincipalMissKind[];
}[] = [
  {
    why: 'same role name at another path',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/team/ci-deployer'] }),
    caller: 'session',
    kinds: ['role-path-mismatch'],
  },
  {
    why: 'trust names the role without the path the role has',
    el: map({ AWS: [ROLE] }),
    caller: 'sessionOfTeamRole',
    kinds: ['role-path-mismatch'],
  },
  {
    why: 'aws-notes: a unique id is left by a deleted principal',
    el: map({ AWS: ['AROAEXAMPLEROLEID0009'] }),
    caller: 'session',
    kinds: ['stale-unique-id'],
  },
  {
    why: 'a partial wildcard that would cover the caller',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/ci-*'] }),
    caller: 'session',
    kinds: ['wildcard-not-supported'],
  },
  {
    why: 'a partial wildcard that would not cover the caller is no near miss',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/web-*'] }),
    caller: 'session',
    kinds: [],
  },
  {
    why: 'the caller ARN with other letter case',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/CI-DEPLOYER'] }),
    caller: 'session',
    kinds: ['case-mismatch'],
  },
  {
    why: 'another session of the same role',
    el: map({ AWS: ['arn:aws:sts::111111111111:assumed-role/ci-deployer/other'] }),
    caller: 'session',
    kinds: ['other-session'],
  },
  {
    why: 'another role of the caller account',
    el: map({ AWS: ['arn:aws:iam::111111111111:role/web'] }),
    caller: 'session',
    kinds: ['same-account-other-principal'],
  },
  {
    why: 'a role of the same name in another account',
    el: map({ AWS: ['arn:aws:iam::333333333333:role/ci-deployer'] }),
    caller: 'session',
    kinds: ['same-name-other-account'],
  },
  {
    why: 'same user name at another path',
    el: map({ AWS: ['arn:aws:iam::111111111111:user/alice'] }),
    caller: 'user',
    kinds: ['user-path-mismatch'],
  },
  {
    why: 'the role ARN listed under Service',
    el: map({ Service: [ROLE] }),
    caller: 'session',
    kinds: ['wrong-principal-type'],
  },
  {
    why: 'another OIDC provider than the caller uses',
    el: map({ Federated: ['arn:aws:iam::222222222222:oidc-provider/gitlab.com'] }),
    caller: 'github',
    kinds: ['other-federated-provider'],
  },
  {
    why: 'another service than the calling one',
    el: map({ Service: ['lambda.amazonaws.com'] }),
    caller: 'service',
    kinds: ['other-service'],
  },
  { why: 'matched entries are no misses', el: map({ AWS: [ROLE] }), caller: 'session', kinds: [] },
  { why: '"*" has nothing to explain', el: { kind: 'any' }, caller: 'session', kinds: [] },
];

describe('explainPrincipalMiss', () => {
  it.each(missRows)('$why', ({ el, caller, kinds }) => {
    expect(explainPrincipalMiss(el, CALLERS[caller]).map((m) => m.kind)).toEqual(kinds);
  });

  it('returns the entry and its principal type', () => {
    expect(explainPrincipalMiss(map({ AWS: ['AROAEXAMPLEROLEID0009'] }), CALLERS.session)).toEqual([
      { kind: 'stale-unique-id', type: 'AWS', entry: 'AROAEXAMPLEROLEID0009' },
    ]);
  });
});
