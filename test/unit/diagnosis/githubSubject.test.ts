import { describe, expect, it } from 'vitest';
import { githubSubjectDifference } from '../../../lib/diagnosis/githubSubject.js';
import type { ConditionTrace } from '../../../lib/engine/PolicyEvaluation.js';

const KEY = 'token.actions.githubusercontent.com:sub';

function clause(operator: string, expected: string[], actual: string): ConditionTrace {
  return { operator, key: KEY, expected, actual: [actual], result: 'no' };
}

interface Row {
  why: string;
  clause: ConditionTrace;
  kind?: 'immutable' | 'case' | 'percent-encoding';
  suggested?: string;
}

const rows: Row[] = [
  {
    why: 'GitHub changelog 2026-04-23: the immutable sub (ids as the subject-vector corpus writes them, @ID) against a classic exact pattern',
    clause: clause(
      'StringEquals',
      ['repo:octo-org/octo-repo:ref:refs/heads/main'],
      'repo:octo-org@123456/octo-repo@7891011:ref:refs/heads/main',
    ),
    kind: 'immutable',
    suggested: 'repo:octo-org@123456/octo-repo@7891011:ref:refs/heads/main',
  },
  {
    why: 'GitHub changelog 2026-04-23: the changelog example spells the ids with a hyphen (repo:octocat-123456/my-repo-456789:…); the classic wildcard pattern keeps its wildcard',
    clause: clause(
      'StringLike',
      ['repo:octocat/my-repo:*'],
      'repo:octocat-123456/my-repo-456789:ref:refs/heads/main',
    ),
    kind: 'immutable',
    suggested: 'repo:octocat-123456/my-repo-456789:*',
  },
  {
    why: 'an immutable sub of another repository is not a format difference',
    clause: clause(
      'StringLike',
      ['repo:octo-org/octo-repo:*'],
      'repo:octo-org@123456/other-repo@7891011:ref:refs/heads/main',
    ),
  },
  {
    why: "a classic name that merely ends in digits is judged against the policy's names only: repo:acme/* does not name the repository",
    clause: clause('StringLike', ['repo:acme/*'], 'repo:acme-2024/web-1:ref:refs/heads/main'),
  },
  {
    why: 'IAM UG condition operators: StringLike is case-sensitive; the org name differs only in case',
    clause: clause(
      'StringLike',
      ['repo:octo-org/octo-repo:*'],
      'repo:Octo-Org/octo-repo:pull_request',
    ),
    kind: 'case',
    suggested: 'repo:Octo-Org/octo-repo:*',
  },
  {
    why: 'GitHub Docs, OIDC reference, "Filtering for metadata containing :": a colon in an environment name is sent as %3A',
    clause: clause(
      'StringEquals',
      ['repo:o/r:environment:Production:V1'],
      'repo:o/r:environment:Production%3AV1',
    ),
    kind: 'percent-encoding',
    suggested: 'repo:o/r:environment:Production%3AV1',
  },
  {
    why: 'a negated operator names no value to match',
    clause: clause(
      'StringNotLike',
      ['repo:octo-org/octo-repo:*'],
      'repo:Octo-Org/octo-repo:pull_request',
    ),
  },
  {
    why: "another provider's sub is not GitHub's",
    clause: { ...clause('StringLike', ['repo:o/r:*'], 'repo:O/r:x'), key: 'gitlab.com:sub' },
  },
];

describe('githubSubjectDifference: documented GitHub sub differences', () => {
  it.each(rows)('$why', (row) => {
    const d = githubSubjectDifference(row.clause);
    expect(d?.kind).toBe(row.kind);
    if (row.suggested !== undefined) expect(d?.suggested).toBe(row.suggested);
  });
});
