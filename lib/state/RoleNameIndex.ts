import type { RoleNameQuery, RoleSummary } from './IamStateSource.js';

/** Largest edit distance any query may ask for (suggestions stop at 3). */
export const MAX_INDEXED_DISTANCE = 3;

/** Padded bigrams of a lower-cased name with their counts: `^ab`, …, `z$`. */
function bigrams(name: string): Map<string, number> {
  const padded = `^${name}$`;
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < padded.length; i++) {
    const g = padded.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * Whether two strings are within `k` Levenshtein edits: the dynamic program
 * restricted to the diagonal band of width 2k+1, stopping as soon as a whole
 * row exceeds `k`.
 */
export function withinEditDistance(a: string, b: string, k: number): boolean {
  if (Math.abs(a.length - b.length) > k) return false;
  if (a === b) return true;
  const big = k + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j <= k ? j : big;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(b.length, i + k);
    cur.fill(big);
    cur[0] = i <= k ? i : big;
    let rowMin = cur[0] as number;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const sub = (prev[j - 1] as number) + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const v = Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1, big);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > k) return false;
    [prev, cur] = [cur, prev];
  }
  return (prev[b.length] as number) <= k;
}

/**
 * One account's roles by bigram, for names within an edit distance: a
 * Levenshtein edit changes at most two of a name's L+1 padded bigrams, so a
 * name within distance k of a name of length L shares at least
 * `max(L, L') + 1 - 2k` of them (counted with multiplicity) and differs in
 * length by at most k. Only the posting lists of the query's bigrams are
 * read (names too short for that bound to say anything come from a bucket
 * per length), and the names that pass are checked with a banded edit
 * distance.
 */
class AccountNameIndex {
  readonly #roles: readonly RoleSummary[];
  readonly #lower: readonly string[];
  /** bigram → flat pairs (role index, count). */
  readonly #postings = new Map<string, number[]>();
  /** length → role indexes, for names whose bigram bound is vacuous. */
  readonly #byLength = new Map<number, number[]>();

  constructor(roles: readonly RoleSummary[]) {
    this.#roles = roles;
    this.#lower = roles.map((r) => r.name.toLowerCase());
    this.#lower.forEach((name, i) => {
      for (const [g, n] of bigrams(name)) {
        let list = this.#postings.get(g);
        if (list === undefined) {
          list = [];
          this.#postings.set(g, list);
        }
        list.push(i, n);
      }
      let bucket = this.#byLength.get(name.length);
      if (bucket === undefined) {
        bucket = [];
        this.#byLength.set(name.length, bucket);
      }
      bucket.push(i);
    });
  }

  /** Roles whose lower-cased name is within `k` edits of `lowerName`. */
  near(lowerName: string, k: number): RoleSummary[] {
    const length = lowerName.length;
    const found = new Set<number>();
    // Where `length' + 1 - 2k <= 0` for some admissible length', the bound says
    // nothing: take those lengths from their buckets.
    for (let l = Math.max(0, length - k); l <= length + k; l++) {
      if (Math.max(l, length) + 1 - 2 * k <= 0)
        for (const i of this.#byLength.get(l) ?? []) found.add(i);
    }
    // Shared bigram counts in a typed array: the query touches only the
    // postings of its own bigrams, with no per-role allocation.
    const shared = new Uint16Array(this.#roles.length);
    const touched: number[] = [];
    for (const [g, q] of bigrams(lowerName)) {
      const list = this.#postings.get(g);
      if (list === undefined) continue;
      for (let j = 0; j < list.length; j += 2) {
        const i = list[j] as number;
        if (shared[i] === 0) touched.push(i);
        shared[i] = (shared[i] as number) + Math.min(q, list[j + 1] as number);
      }
    }
    for (const i of touched) {
      const other = (this.#lower[i] as string).length;
      if (
        Math.abs(other - length) <= k &&
        (shared[i] as number) >= Math.max(other, length) + 1 - 2 * k
      )
        found.add(i);
    }
    return [...found]
      .filter((i) => withinEditDistance(this.#lower[i] as string, lowerName, k))
      .sort((a, b) => a - b)
      .map((i) => this.#roles[i] as RoleSummary);
  }
}

/**
 * The name index "did you mean" reads: every role by lower-cased name across
 * accounts, and per account a bigram index for names within an edit
 * distance. Built lazily, once per state (the owner keeps one per state
 * version): the lower-case map on the first query, an account's bigram index
 * on the first query about that account. A query then touches only the
 * roles that share its name or its bigrams, never every role.
 */
export class RoleNameIndex {
  readonly #rolesOf: (accountId: string) => readonly RoleSummary[] | undefined;
  readonly #accounts: () => Iterable<string>;
  #byLowerName: Map<string, RoleSummary[]> | undefined;
  readonly #perAccount = new Map<string, AccountNameIndex>();

  /**
   * @param rolesOf the roles of one account (`undefined`: not known)
   * @param accounts every account `rolesOf` knows, for the lower-case map
   */
  constructor(
    rolesOf: (accountId: string) => readonly RoleSummary[] | undefined,
    accounts: () => Iterable<string>,
  ) {
    this.#rolesOf = rolesOf;
    this.#accounts = accounts;
  }

  /** Every role (any account) whose name equals `name` ignoring case. */
  named(name: string): readonly RoleSummary[] {
    if (this.#byLowerName === undefined) {
      const map = new Map<string, RoleSummary[]>();
      for (const accountId of this.#accounts()) {
        for (const r of this.#rolesOf(accountId) ?? []) {
          const key = r.name.toLowerCase();
          const list = map.get(key);
          if (list === undefined) map.set(key, [r]);
          else list.push(r);
        }
      }
      this.#byLowerName = map;
    }
    return this.#byLowerName.get(name.toLowerCase()) ?? [];
  }

  /**
   * Candidates for a wanted role: in its account the roles whose name is
   * within `maxDistance` edits (case ignored; the caller ranks them),
   * everywhere the roles of the same name in any case.
   */
  similar(wanted: RoleNameQuery, maxDistance: number): RoleSummary[] {
    const k = Math.max(0, Math.min(MAX_INDEXED_DISTANCE, maxDistance));
    const out = new Map<string, RoleSummary>();
    for (const r of this.named(wanted.name)) out.set(r.arn, r);
    let account = this.#perAccount.get(wanted.accountId);
    if (account === undefined) {
      const roles = this.#rolesOf(wanted.accountId);
      if (roles !== undefined) {
        account = new AccountNameIndex(roles);
        this.#perAccount.set(wanted.accountId, account);
      }
    }
    for (const r of account?.near(wanted.name.toLowerCase(), k) ?? []) out.set(r.arn, r);
    return [...out.values()];
  }
}
