/**
 * Every fix title kind and every kind of what a fix applies to has its
 * wording (lib/diagnosis/fixProse.ts). The tables below must name one value
 * per kind (the type checker fails on a kind left out), and each must word to
 * a phrase that names its facts and leaks no `undefined`, `null` or object.
 */
import { describe, expect, it } from 'vitest';
import {
  type FixPlace,
  type FixPlaceKind,
  type FixTitle,
  type FixTitleKind,
  fixPlace,
  fixTitle,
} from '../../../lib/diagnosis/fixProse.js';

const ROLE = 'arn:aws:iam::222222222222:role/deploy';
const CALLER = 'arn:aws:iam::111111111111:role/ci';
const SID = { sid: 'TrustCi', index: 0 };
const NO_SID = { index: 2 };

/** One title of each kind: `{ [kind]: title of that kind }`, complete by type. */
const SAMPLES: { readonly [K in FixTitleKind]: Extract<FixTitle, { kind: K }> } = {
  'trust-right-action': {
    kind: 'trust-right-action',
    action: 'sts:AssumeRoleWithWebIdentity',
    listed: ['sts:AssumeRole'],
    statement: SID,
  },
  'trust-saml-provider': {
    kind: 'trust-saml-provider',
    provider: 'arn:aws:iam::222222222222:saml-provider/Okta',
    statement: NO_SID,
  },
  'trust-service': { kind: 'trust-service', service: 'ecs-tasks.amazonaws.com' },
  'trust-full-arn': { kind: 'trust-full-arn', principal: CALLER },
  'trust-add-principal': { kind: 'trust-add-principal', principal: CALLER, statement: SID },
  'trust-new-statement': { kind: 'trust-new-statement', principal: CALLER },
  'trust-replace-stale-id': {
    kind: 'trust-replace-stale-id',
    staleId: 'AROAOLDOLDOLDOLD',
    principal: CALLER,
  },
  'trust-session-action': {
    kind: 'trust-session-action',
    action: 'sts:TagSession',
    statement: NO_SID,
  },
  'like-operator': { kind: 'like-operator', operator: 'StringEquals', likeOperator: 'StringLike' },
  'stop-excluding': { kind: 'stop-excluding', values: ['10.0.0.1'], conditionKey: 'aws:SourceIp' },
  'allow-condition-values': {
    kind: 'allow-condition-values',
    values: ['repo:o/r:ref:refs/heads/main'],
    conditionKey: 'token.actions.githubusercontent.com:sub',
    statement: SID,
  },
  'use-mfa': { kind: 'use-mfa' },
  'pass-external-id': { kind: 'pass-external-id' },
  'use-registered-mfa-device': { kind: 'use-registered-mfa-device', userName: 'alice' },
  'new-credentials': { kind: 'new-credentials', revokedBefore: '2026-11-20T08:00:00Z' },
  'drop-session-policy': { kind: 'drop-session-policy', callerRole: 'ci', roleArn: ROLE },
  'use-existing-role': { kind: 'use-existing-role', roleArn: ROLE },
  'identity-allow-assume': {
    kind: 'identity-allow-assume',
    principalType: 'role',
    principalName: 'ci',
    roleArn: ROLE,
    place: { kind: 'permission-set', name: 'Deployers' },
  },
  'boundary-allow': {
    kind: 'boundary-allow',
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    roleArn: ROLE,
    policy: 'permissions boundary `Limit` of role `ci`',
  },
  'scp-allow': {
    kind: 'scp-allow',
    actions: ['sts:AssumeRole'],
    roleArn: ROLE,
    policy: 'SCP `Allowlist` on ou-abcd-11111111',
  },
  'deny-spare-account': {
    kind: 'deny-spare-account',
    statement: SID,
    accountId: '222222222222',
    orgPolicy: true,
  },
  'deny-exempt-principal': {
    kind: 'deny-exempt-principal',
    principal: CALLER,
    statement: NO_SID,
    orgPolicy: false,
  },
  'recreate-oidc-provider': {
    kind: 'recreate-oidc-provider',
    host: 'token.actions.githubusercontent.com',
    trustingRoles: ['deploy', 'release'],
  },
  'trust-oidc-subject': {
    kind: 'trust-oidc-subject',
    subject: 'repo:o/r:ref:refs/heads/main',
    roleName: 'deploy',
  },
  'new-oidc-role': {
    kind: 'new-oidc-role',
    subject: 'repo:o/r:environment:prod',
    createProvider: true,
  },
  'add-oidc-audience': { kind: 'add-oidc-audience', audience: 'sigstore' },
};

/** One place of each kind. */
const PLACES: { readonly [K in FixPlaceKind]: Extract<FixPlace, { kind: K }> } = {
  policy: { kind: 'policy', label: 'trust policy of role `deploy`' },
  'permission-set': {
    kind: 'permission-set',
    name: 'Deployers',
    label: 'inline policy `AwsSSOInlinePolicy` of role `AWSReservedSSO_Deployers_0123`',
  },
  'oidc-provider': {
    kind: 'oidc-provider',
    arn: 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com',
  },
  'new-role': { kind: 'new-role', name: 'github-infra' },
  'mfa-session': { kind: 'mfa-session' },
  'fresh-session': { kind: 'fresh-session' },
  'assume-call': { kind: 'assume-call' },
  'session-creator': { kind: 'session-creator' },
  'caller-configuration': { kind: 'caller-configuration' },
  'mfa-device': { kind: 'mfa-device' },
};

/** The string facts of a title (nested too), but for its `kind`s. */
function facts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(facts);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => (k === 'kind' ? [] : facts(v)));
  return [];
}

describe('fix titles (lib/diagnosis/fixProse.ts)', () => {
  it.each(Object.values(SAMPLES).map((t) => [t.kind, t] as const))(
    '%s is worded, names its facts and leaks no placeholder',
    (_kind, title) => {
      const sentence = fixTitle(title);
      expect(sentence.trim().length).toBeGreaterThan(10);
      expect(sentence).toMatch(/^[A-Z]/);
      expect(sentence).not.toMatch(/undefined|null|NaN|\[object |``/);
      for (const fact of facts(title)) {
        // A role the sentence names by its name rather than its ARN.
        const named =
          sentence.includes(fact) || sentence.includes(fact.slice(fact.lastIndexOf('/') + 1));
        expect(named, `${title.kind}: ${fact}`).toBe(true);
      }
    },
  );

  it.each(Object.values(PLACES).map((p) => [p.kind, p] as const))(
    'what a fix applies to, %s, is worded with its facts',
    (_kind, place) => {
      const phrase = fixPlace(place);
      expect(phrase.trim().length).toBeGreaterThan(5);
      expect(phrase).not.toMatch(/undefined|null|NaN|\[object |``/);
      for (const fact of facts(place)) expect(phrase, `${place.kind}: ${fact}`).toContain(fact);
    },
  );

  it('words each kind its own way', () => {
    const sentences = Object.values(SAMPLES).map((t) => fixTitle(t));
    expect(new Set(sentences).size).toBe(sentences.length);
    const phrases = Object.values(PLACES).map((p) => fixPlace(p));
    expect(new Set(phrases).size).toBe(phrases.length);
  });

  it('names a statement by its Sid, else by its index', () => {
    expect(fixTitle(SAMPLES['trust-add-principal'])).toContain('trust statement `TrustCi`');
    expect(fixTitle(SAMPLES['trust-session-action'])).toContain('trust statement `#2`');
  });
});
