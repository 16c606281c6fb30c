import type { PolicyStatement } from '../policy/PolicyDocument.js';

/**
 * Web-identity providers as trust policies name them in `Federated`, and the
 * prefix of their claim condition keys (IAM UG, "Available keys for AWS web
 * identity federation").
 */
export interface OidcIssuer {
  /** As written in `Federated`. */
  readonly entry: string;
  /** Claim-key prefix, e.g. `token.actions.githubusercontent.com` (keys are `<prefix>:sub`). */
  readonly keyPrefix: string;
  /**
   * `shared-audience`: every tenant of the issuer gets tokens with the same
   * `aud` (GitHub's `sts.amazonaws.com`), so only `sub` tells tenants apart.
   * `app-audience`: `aud` is the customer's own app / identity pool id.
   */
  readonly audience: 'shared-audience' | 'app-audience';
  readonly isGitHub: boolean;
}

const APP_AUDIENCE_PROVIDERS = new Set([
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
]);

export const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/** Reads a `Federated` entry as a web-identity issuer; `undefined` for SAML and anything else. */
export function oidcIssuerOf(entry: string): OidcIssuer | undefined {
  if (APP_AUDIENCE_PROVIDERS.has(entry.toLowerCase())) {
    return { entry, keyPrefix: entry.toLowerCase(), audience: 'app-audience', isGitHub: false };
  }
  const m = /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(entry);
  if (m === null) return undefined;
  const url = m[1] as string;
  const host = url.split('/')[0]?.toLowerCase() ?? '';
  // GitHub Enterprise Server issuers are their own hosts; github.com's is this one
  // (and, with a customized issuer, `token.actions.githubusercontent.com/<enterprise>`).
  const isGitHub = host === GITHUB_ISSUER;
  return { entry, keyPrefix: url, audience: 'shared-audience', isGitHub };
}

export function isSamlEntry(entry: string): boolean {
  return /^arn:aws[\w-]*:iam::\d{12}:saml-provider\/.+$/.test(entry);
}

const ISSUERS = new WeakMap<PolicyStatement, readonly OidcIssuer[]>();
const NONE: readonly OidcIssuer[] = [];

/** Web-identity issuers named by a statement (memoized per statement). */
export function oidcIssuersOf(st: PolicyStatement): readonly OidcIssuer[] {
  if (st.principal?.kind !== 'map' || st.principal.Federated.length === 0) return NONE;
  let out = ISSUERS.get(st);
  if (out === undefined) {
    out = st.principal.Federated.map(oidcIssuerOf).filter((i) => i !== undefined);
    ISSUERS.set(st, out);
  }
  return out;
}

/** Claim keys that only say which client the token is for, not who it is about. */
const AUDIENCE_CLAIMS = new Set(['aud', 'oaud', 'azp']);

export function claimOf(key: string, issuer: OidcIssuer): string | undefined {
  const prefix = `${issuer.keyPrefix.toLowerCase()}:`;
  const k = key.toLowerCase();
  return k.startsWith(prefix) ? k.slice(prefix.length) : undefined;
}

export function isAudienceClaim(claim: string): boolean {
  return AUDIENCE_CLAIMS.has(claim);
}

/**
 * Is this `sub` pattern so wide that it spans repositories / organizations
 * (or namespaces, projects…)? No provider's grammar is assumed beyond
 * "colon-separated segments, the owner/repository segment is the first one
 * with a `/`": a wildcard in any segment but the last, in that owner segment,
 * in the second of two segments (`repo:*`), or a value that is all wildcard.
 * GitHub's immutable-id subjects keep this shape, so they are judged the same.
 */
export function subSpansTenants(value: string): boolean {
  const hasWild = (s: string) => s.includes('*') || s.includes('?');
  if (!hasWild(value)) return false;
  const segs = value.split(':');
  if (segs.length === 1) return true;
  if (segs.slice(0, -1).some(hasWild)) return true;
  if (segs.length === 2) return true;
  // Only the last segment has a wildcard: too broad when it is the owner/repository one.
  return segs.findIndex((s) => s.includes('/')) === segs.length - 1;
}
