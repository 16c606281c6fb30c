import type { PolicyDocument, PolicyStatement } from '../policy/PolicyDocument.js';

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

/** What a person puts for `ENVIRONMENT` in a GitHub `sub` a fix proposes. */
export const GITHUB_ENVIRONMENT_PLACEHOLDER =
  'ENVIRONMENT: a deployment environment with required reviewers (or use `:ref:refs/heads/<protected branch>`)';

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

/**
 * The Allow statements of a trust policy with each issuer they trust whose
 * tenants share one `aud` (GitHub, GitLab, HCP Terraform, EKS, …): where
 * only the `sub` and other identity claims tell tenants and workloads apart.
 */
export function sharedAudienceTrusts(
  doc: PolicyDocument,
): readonly { readonly st: PolicyStatement; readonly issuer: OidcIssuer }[] {
  const out: { st: PolicyStatement; issuer: OidcIssuer }[] = [];
  for (const st of doc.statements) {
    if (st.effect !== 'Allow') continue;
    for (const issuer of oidcIssuersOf(st)) {
      if (issuer.audience === 'shared-audience') out.push({ st, issuer });
    }
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

const hasWild = (s: string) => s.includes('*') || s.includes('?');

/**
 * Where the tenant sits in a provider's `sub`: `tenant` must match the fixed
 * text before the first wildcard (tenant id included, with what ends it), and
 * `narrow` rewrites a too-broad value by replacing only the wildcarded tenant
 * parts with placeholders, keeping what the value already pins down.
 */
interface SubGrammar {
  readonly name: string;
  readonly applies: (value: string, issuer: OidcIssuer | undefined) => boolean;
  readonly tenant: RegExp;
  readonly narrow: (value: string) => { value: string; placeholders: string[] } | undefined;
}

const host = (issuer: OidcIssuer | undefined) => issuer?.keyPrefix.split('/')[0]?.toLowerCase();

/** Replaces the `index`-th `:` segment when it has a wildcard. */
function fillSegment(value: string, index: number, name: string): string {
  const segs = value.split(':');
  if (segs[index] !== undefined && hasWild(segs[index] as string)) segs[index] = name;
  return segs.join(':');
}

/**
 * Sub grammars whose tenant is documented. A value none of them applies to is
 * judged by the generic rule (`genericSpansTenants`).
 * - GitHub (docs "About security hardening with OpenID Connect", subject claims
 *   and customized templates): the repository, `repo:OWNER/REPO:`
 *   (`repository:` in custom templates; immutable subject claims append the
 *   owner and repository ids, `OWNER-ID/REPO-ID` in GitHub's changelog of
 *   2026-04-23, `OWNER@ID/REPO@ID` in the public subject-vector corpus: the
 *   tenant pattern takes either)
 *   or `repository_id:ID:`.
 * - EKS service accounts `system:serviceaccount:NAMESPACE:SA`: the namespace.
 * - GitLab `project_path:GROUP/PROJECT:ref_type:…`: the project path.
 * - HCP Terraform `organization:O:project:P:workspace:W:run_phase:…`: the workspace.
 * - CircleCI `org/ORG_ID/project/PROJECT_ID/user/USER_ID` (CircleCI docs give
 *   `org/ORG_ID/project/PROJECT_ID/user/*` to restrict a role to one project).
 * - Bitbucket Pipelines `{REPOSITORY_UUID}:{STEP_UUID}`: the repository UUID
 *   (its closing brace ends it, so `{UUID}*` is fine).
 */
const GRAMMARS: readonly SubGrammar[] = [
  {
    name: 'github',
    applies: (_v, i) => i?.isGitHub === true,
    tenant: /(?:^|:)(?:(?:repo|repository):[^:/]+\/[^:]+|repository_id:[^:]+):/,
    narrow: (v) => {
      const m = /^repo:([^:]*)(:.*)?$/.exec(v);
      if (m === null) {
        const id = /(^|:)repository_id:([^:]*)/.exec(v);
        if (id !== null && hasWild(id[2] as string)) {
          return {
            value: v.replace(/(^|:)repository_id:[^:]*/, '$1repository_id:REPOSITORY_ID'),
            placeholders: [
              'REPOSITORY_ID: the id of the repository whose workflows assume this role',
            ],
          };
        }
        return undefined;
      }
      const [owner, repo] = (m[1] as string).split('/', 2) as [string, string | undefined];
      const o = owner !== '' && !hasWild(owner) ? owner : 'OWNER';
      const r = repo !== undefined && repo !== '' && !hasWild(repo) ? repo : 'REPOSITORY';
      const what =
        o === 'OWNER' ? 'OWNER/REPOSITORY' : r === 'REPOSITORY' ? 'REPOSITORY' : undefined;
      // No context, or `:*`, becomes one environment: a wildcard after the
      // repository would admit every ref and pull request of it.
      const anyRef = m[2] === undefined || m[2] === ':*';
      return {
        value: `repo:${o}/${r}${anyRef ? ':environment:ENVIRONMENT' : m[2]}`,
        placeholders: [
          ...(what === undefined
            ? []
            : [`${what}: the repository whose workflows assume this role (the sub of its tokens)`]),
          ...(anyRef ? [GITHUB_ENVIRONMENT_PLACEHOLDER] : []),
        ],
      };
    },
  },
  {
    name: 'eks',
    applies: (v, i) => v.startsWith('system:serviceaccount:') || /^oidc\.eks\./.test(host(i) ?? ''),
    tenant: /^system:serviceaccount:[^:]+:/,
    narrow: (v) =>
      v.startsWith('system:serviceaccount:')
        ? {
            value: fillSegment(fillSegment(v, 2, 'NAMESPACE'), 3, 'SERVICE_ACCOUNT'),
            placeholders: [
              'NAMESPACE and SERVICE_ACCOUNT: the Kubernetes service account that uses this role',
            ],
          }
        : undefined,
  },
  {
    name: 'gitlab',
    applies: (v) => v.startsWith('project_path:'),
    tenant: /^project_path:[^:]+:/,
    narrow: (v) => {
      const m = /^project_path:([^:]*)(:.*)?$/.exec(v);
      if (m === null) return undefined;
      const path = m[1] as string;
      const group = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const g = group !== '' && !hasWild(group) ? group : 'GROUP';
      return {
        value: `project_path:${g}/PROJECT${m[2] ?? ':*'}`,
        placeholders: [
          `${g === 'GROUP' ? 'GROUP/' : ''}PROJECT: the GitLab project whose pipelines assume this role`,
        ],
      };
    },
  },
  {
    name: 'terraform',
    applies: (v) => v.startsWith('organization:'),
    tenant: /^organization:[^:]+:project:[^:]+:workspace:[^:]+:/,
    narrow: (v) => {
      const names = ['', 'ORGANIZATION', '', 'PROJECT', '', 'WORKSPACE'];
      let out = v;
      names.forEach((n, i) => {
        if (n !== '') out = fillSegment(out, i, n);
      });
      return {
        value: out,
        placeholders: [
          'ORGANIZATION, PROJECT and WORKSPACE: the HCP Terraform workspace that assumes this role',
        ],
      };
    },
  },
  {
    name: 'circleci',
    applies: (v, i) => host(i) === 'oidc.circleci.com' || v.startsWith('org/'),
    tenant: /^org\/[^/]+\/project\/[^/]+\//,
    narrow: (v) => {
      const m = /^org\/([^/]*)\/project\/([^/]*)(\/.*)?$/.exec(v);
      if (m === null) return undefined;
      const org = hasWild(m[1] as string) ? 'ORG_ID' : (m[1] as string);
      const project = hasWild(m[2] as string) ? 'PROJECT_ID' : (m[2] as string);
      return {
        value: `org/${org}/project/${project}${m[3] ?? '/user/*'}`,
        placeholders: ['PROJECT_ID: the CircleCI project whose jobs assume this role'],
      };
    },
  },
  {
    name: 'bitbucket',
    applies: (v, i) => host(i) === 'api.bitbucket.org' || v.startsWith('{'),
    tenant: /^\{[^}*?]+\}/,
    narrow: () => ({
      value: '{REPOSITORY_UUID}:*',
      placeholders: ['REPOSITORY_UUID: the Bitbucket repository whose pipelines assume this role'],
    }),
  },
];

function grammarOf(value: string, issuer: OidcIssuer | undefined): SubGrammar | undefined {
  return GRAMMARS.find((g) => g.applies(value, issuer));
}

/**
 * The rule for a provider whose grammar is unknown: colon-separated segments,
 * the owner/repository segment is the first one with a `/`; a wildcard in any
 * segment but the last, in that owner segment, in the second of two segments
 * (`repo:*`), or a value that is all wildcard spans tenants.
 */
function genericSpansTenants(value: string): boolean {
  const segs = value.split(':');
  if (segs.length === 1) return true;
  if (segs.slice(0, -1).some(hasWild)) return true;
  if (segs.length === 2) return true;
  return segs.findIndex((s) => s.includes('/')) === segs.length - 1;
}

/**
 * Is this `sub` pattern so wide that it spans tenants (repositories,
 * projects, namespaces…)? A wildcard is too broad only when it falls in or
 * before the part of the subject that identifies the tenant (see `GRAMMARS`);
 * one after fixed tenant ids is fine (`repo:o/r:*`, `org/O/project/P/user/*`,
 * `{REPO_UUID}:*`). GitHub's immutable-id subjects keep the same shape.
 */
export function subSpansTenants(value: string, issuer?: OidcIssuer): boolean {
  const first = value.search(/[*?]/);
  if (first < 0) return false;
  const grammar = grammarOf(value, issuer);
  if (grammar === undefined) return genericSpansTenants(value);
  const fixed = value.slice(0, first);
  const m = grammar.tenant.exec(fixed);
  return m === null;
}

/**
 * A narrower `sub` for a too-broad one: the wildcarded tenant parts become
 * placeholders, what the value already pins down stays. `undefined` when the
 * grammar is unknown (the caller falls back to a whole-subject placeholder).
 */
export function narrowSubByGrammar(
  value: string,
  issuer: OidcIssuer | undefined,
): { value: string; placeholders: string[] } | undefined {
  return grammarOf(value, issuer)?.narrow(value);
}
