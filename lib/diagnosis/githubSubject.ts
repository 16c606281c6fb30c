import type { ConditionTrace } from '../engine/PolicyEvaluation.js';
import { globFromRaw, globMatch } from '../engine/wildcard.js';

/**
 * Why a GitHub Actions `sub` that looks right does not match a trust
 * policy's pattern, and the value that would (issue 12.5). Three documented
 * differences:
 *
 * - **Immutable subject claims** (GitHub changelog, 2026-04-23, "Immutable
 *   subject claims for GitHub Actions OIDC tokens"): repositories created,
 *   renamed or transferred after the cut-over (and those that opt in) get a
 *   `sub` with the owner's and the repository's immutable ids appended,
 *   while a trust policy written before still names `repo:OWNER/REPO:…`.
 *   The changelog's example spells the ids with a hyphen
 *   (`repo:octocat-123456/my-repo-456789:ref:refs/heads/main`); the public
 *   OIDC subject-vector corpus (Dashtid/subvectors, github.py) and this
 *   project's issue spell them `repo:octo-org@123456/octo-repo@7891011:…`.
 *   Both are recognised, only ever relative to the classic names the policy
 *   already holds, and the fix copies the ids from the token, never composes
 *   them.
 * - **Case**: `sub` is compared case-sensitively (`StringEquals` /
 *   `StringLike`), and GitHub spells owner and repository as they are named.
 * - **Percent-encoding**: GitHub replaces `:` inside a claim value (an
 *   environment name such as `Production:V1`) with `%3A` in `sub` (GitHub
 *   Docs, OpenID Connect reference, "Filtering for metadata containing `:`").
 */
export interface SubjectDifference {
  readonly kind: 'immutable' | 'case' | 'percent-encoding';
  /** The pattern of the policy the token was meant to match. */
  readonly pattern: string;
  /** That pattern rewritten to match the token's `sub`, keeping its wildcards. */
  readonly suggested: string;
}

const GITHUB_SUB = /^token\.actions\.githubusercontent\.com(\/[^:]*)?:sub$/i;

/** The owner and repository of a `repo:` subject, with the immutable ids when present. */
const IMMUTABLE = /^repo:([^/:@]+?)(@|-)(\d+)\/([^/:@]+?)(@|-)(\d+)(:.*)?$/;

function matches(pattern: string, value: string, like: boolean): boolean {
  return like ? globMatch(globFromRaw(pattern), value) : pattern === value;
}

/** Finds the documented difference between the token's `sub` and the clause's patterns, if any. */
export function githubSubjectDifference(clause: ConditionTrace): SubjectDifference | undefined {
  if (!GITHUB_SUB.test(clause.key) || clause.result !== 'no') return undefined;
  if (/not/i.test(clause.operator)) return undefined;
  const like = /like/i.test(clause.operator);
  for (const actual of clause.actual ?? []) {
    for (const pattern of clause.expected) {
      const d =
        immutable(pattern, actual, like) ??
        caseOnly(pattern, actual, like) ??
        encoded(pattern, actual, like);
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

function immutable(pattern: string, actual: string, like: boolean): SubjectDifference | undefined {
  const m = IMMUTABLE.exec(actual);
  if (m === null) return undefined;
  const [, owner, sepO, ownerId, repo, sepR, repoId, rest] = m as unknown as string[];
  const classic = `repo:${owner}/${repo}${rest ?? ''}`;
  if (!matches(pattern, classic, like)) return undefined;
  const prefix = `repo:${owner}/${repo}`;
  if (!pattern.startsWith(prefix)) return undefined;
  const suggested = `repo:${owner}${sepO}${ownerId}/${repo}${sepR}${repoId}${pattern.slice(prefix.length)}`;
  return matches(suggested, actual, like) ? { kind: 'immutable', pattern, suggested } : undefined;
}

function caseOnly(pattern: string, actual: string, like: boolean): SubjectDifference | undefined {
  const matchesIgnoringCase = like
    ? globMatch(globFromRaw(pattern), actual, true)
    : pattern.toLowerCase() === actual.toLowerCase();
  if (!matchesIgnoringCase) return undefined;
  // Re-case the pattern's literal text up to its first wildcard from the token.
  const wild = pattern.search(/[*?]/);
  const head = wild < 0 ? pattern.length : wild;
  const suggested =
    actual.slice(0, head).toLowerCase() === pattern.slice(0, head).toLowerCase()
      ? `${actual.slice(0, head)}${pattern.slice(head)}`
      : actual;
  return matches(suggested, actual, like)
    ? { kind: 'case', pattern, suggested }
    : { kind: 'case', pattern, suggested: actual };
}

function encoded(pattern: string, actual: string, like: boolean): SubjectDifference | undefined {
  if (!/%[0-9a-f]{2}/i.test(actual)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(actual);
  } catch {
    return undefined;
  }
  if (decoded === actual || !matches(pattern, decoded, like)) return undefined;
  // Encode in the pattern exactly the characters GitHub encoded in the token.
  const env = /:environment:(.*)$/.exec(actual)?.[1];
  const plainEnv = env === undefined ? undefined : decodeURIComponent(env);
  const suggested =
    env !== undefined && plainEnv !== undefined && pattern.includes(`:environment:${plainEnv}`)
      ? pattern.replace(`:environment:${plainEnv}`, `:environment:${env}`)
      : actual;
  return matches(suggested, actual, like)
    ? { kind: 'percent-encoding', pattern, suggested }
    : { kind: 'percent-encoding', pattern, suggested: actual };
}

/** One sentence naming the difference, for the cause's summary. */
export function subjectDifferenceNote(d: SubjectDifference): string {
  switch (d.kind) {
    case 'immutable':
      return ` The token's \`sub\` is in GitHub's immutable form (owner and repository ids appended: GitHub changelog 2026-04-23, for repositories created, renamed or transferred after the cut-over, or opted in), while the policy's \`${d.pattern}\` is in the classic form, which stops matching: allow \`${d.suggested}\` too (keep both while workflows still get classic subjects).`;
    case 'case':
      return ` The two differ only in letter case, and \`sub\` is compared case-sensitively: GitHub spells the owner and repository as they are named, so write \`${d.suggested}\`.`;
    case 'percent-encoding':
      return ` GitHub percent-encodes \`:\` inside claim values such as environment names (\`%3A\`, GitHub Docs, OpenID Connect reference, "Filtering for metadata containing \`:\`"), so the policy's \`${d.pattern}\` never matches: write \`${d.suggested}\`.`;
  }
}
