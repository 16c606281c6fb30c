import type { FederatedQuery, RoleState } from './IamStateSource.js';

const SAML_PROVIDER = ':saml-provider/';

/**
 * One account's roles by the `Federated` principals their Allow statements
 * name (OIDC and SAML provider ARNs, built-in provider hosts): built once
 * from the account's role list, then a web identity or SAML denial reads
 * only the roles trusting its provider. Results are kept per query, so
 * repeated denials get the very same list (a memo hit).
 */
export class FederatedTrustIndex {
  readonly #byPrincipal = new Map<string, RoleState[]>();
  readonly #anySaml: RoleState[] = [];
  readonly #answers = new Map<string, readonly RoleState[]>();
  readonly #position = new Map<RoleState, number>();

  constructor(roles: readonly RoleState[]) {
    for (const r of roles) {
      const named = new Set<string>();
      for (const s of r.trustPolicy.statements) {
        if (s.effect !== 'Allow' || s.principal?.kind !== 'map') continue;
        for (const f of s.principal.Federated) named.add(f);
      }
      for (const f of named) {
        const list = this.#byPrincipal.get(f);
        if (list === undefined) this.#byPrincipal.set(f, [r]);
        else list.push(r);
      }
      if (named.size > 0) this.#position.set(r, this.#position.size);
      if ([...named].some((f) => f.includes(SAML_PROVIDER))) this.#anySaml.push(r);
    }
  }

  /** The roles trusting any of the query's principals, in the account's role order. */
  trusting(query: FederatedQuery): readonly RoleState[] {
    const principals = [...new Set(query.principals)].sort();
    const key = `${query.anySaml === true ? '*saml|' : ''}${principals.join('|')}`;
    let answer = this.#answers.get(key);
    if (answer === undefined) {
      const found = new Set<RoleState>(query.anySaml === true ? this.#anySaml : []);
      for (const p of principals) for (const r of this.#byPrincipal.get(p) ?? []) found.add(r);
      // In the order the account lists its roles (stable output).
      answer = [...found].sort(
        (a, b) => (this.#position.get(a) ?? 0) - (this.#position.get(b) ?? 0),
      );
      this.#answers.set(key, answer);
    }
    return answer;
  }
}
