/**
 * Name and account-id suggestions for mistyped role ARNs: Levenshtein edit
 * distance, case-only differences, the same name under another path or in
 * another account.
 */

/** Levenshtein distance between two strings (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const del = (prev[j] as number) + 1;
      const ins = (cur[j - 1] as number) + 1;
      const sub = (prev[j - 1] as number) + cost;
      cur[j] = Math.min(del, ins, sub);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** A role that could be the one the caller meant. */
export interface RoleSuggestion {
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
  /** Why it is suggested. */
  readonly reason: 'case-only' | 'other-path' | 'similar-name' | 'other-account';
  readonly distance: number;
}

interface NamedRole {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly accountId: string;
}

/** Largest edit distance still worth suggesting for a name of this length. */
export function maxSuggestDistance(name: string): number {
  return Math.max(1, Math.min(3, Math.floor(name.length / 3)));
}

/**
 * Ranks candidate roles for a wanted role (account, path, name): the same
 * name with other letter case or under another path first, then similar names
 * in the same account, then the same name in other accounts. At most `limit`.
 */
export function suggestRoles(
  wanted: { readonly accountId: string; readonly name: string; readonly path: string },
  candidates: readonly NamedRole[],
  limit = 3,
): RoleSuggestion[] {
  const out: RoleSuggestion[] = [];
  const lowerWanted = wanted.name.toLowerCase();
  const max = maxSuggestDistance(wanted.name);
  for (const r of candidates) {
    if (r.accountId === wanted.accountId) {
      if (r.name === wanted.name) {
        if (r.path !== wanted.path) {
          out.push({
            arn: r.arn,
            name: r.name,
            accountId: r.accountId,
            reason: 'other-path',
            distance: 0,
          });
        }
        continue;
      }
      if (r.name.toLowerCase() === lowerWanted) {
        out.push({
          arn: r.arn,
          name: r.name,
          accountId: r.accountId,
          reason: 'case-only',
          distance: 0,
        });
        continue;
      }
      const d = editDistance(lowerWanted, r.name.toLowerCase());
      if (d <= max) {
        out.push({
          arn: r.arn,
          name: r.name,
          accountId: r.accountId,
          reason: 'similar-name',
          distance: d,
        });
      }
    } else if (r.name.toLowerCase() === lowerWanted) {
      out.push({
        arn: r.arn,
        name: r.name,
        accountId: r.accountId,
        reason: 'other-account',
        distance: 0,
      });
    }
  }
  const rank = { 'case-only': 0, 'other-path': 0, 'similar-name': 1, 'other-account': 2 } as const;
  out.sort(
    (a, b) =>
      rank[a.reason] - rank[b.reason] || a.distance - b.distance || a.arn.localeCompare(b.arn),
  );
  return out.slice(0, limit);
}

/** Account ids within `maxDistance` digit edits of `wanted`, closest first. */
export function suggestAccountIds(
  wanted: string,
  accountIds: readonly string[],
  maxDistance = 2,
): { readonly accountId: string; readonly distance: number }[] {
  return accountIds
    .filter((id) => id !== wanted)
    .map((id) => ({ accountId: id, distance: editDistance(wanted, id) }))
    .filter((s) => s.distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || a.accountId.localeCompare(b.accountId));
}
