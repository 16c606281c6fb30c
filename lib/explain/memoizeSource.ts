import type { IamStateSource } from '../state/IamStateSource.js';
import { inMemoryReads } from '../state/InMemoryReads.js';

function isFailure(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

/**
 * Wraps a state source so that each distinct read is made once: the same
 * organization, OU path, role or policy set asked for by many events of one
 * batch is read (and converted) a single time. Meant for one batch (one
 * `explainAll` call, one Lambda invocation), so IAM changes are not hidden
 * for longer than that; a live source keeps its own TTL cache beneath. A
 * source that holds its state in memory (`inMemoryReads`) keeps its answers
 * for its state's lifetime: it is returned as it is.
 */
export function memoizeSource(source: IamStateSource): IamStateSource {
  if (inMemoryReads(source) !== undefined) return source;
  const cache = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (hit === undefined) {
      const pending = read();
      hit = pending;
      cache.set(key, pending);
      // A read that failed is not the batch's answer: the next event asks the
      // source again, which keeps what it may keep (a live source caches a
      // denial for its negative TTL but not a read its call budget cut short).
      pending.then(
        (r) => {
          if (isFailure(r) && cache.get(key) === pending) cache.delete(key);
        },
        () => {
          if (cache.get(key) === pending) cache.delete(key);
        },
      );
    }
    return hit;
  };
  // The batch answers as the source did when the batch began.
  const version = source.version;
  return {
    version,
    organization: () => memo('org', () => source.organization()),
    orgPath: (a) => memo(`path|${a}`, () => source.orgPath(a)),
    role: (a, n) => memo(`role|${a}|${n}`, () => source.role(a, n)),
    user: (a, n) => memo(`user|${a}|${n}`, () => source.user(a, n)),
    principalPolicies: (arn) => memo(`pol|${arn}`, () => source.principalPolicies(arn)),
    roles: (a) => memo(`roles|${a}`, () => source.roles(a)),
    oidcProviders: (a) => memo(`oidc|${a}`, () => source.oidcProviders(a)),
    samlProviders: (a) => memo(`saml|${a}`, () => source.samlProviders(a)),
    readableAccounts: () => memo('readable', () => source.readableAccounts()),
    accountTags: (a) => memo(`tags|${a}`, () => source.accountTags(a)),
    principalsByUniqueId: (ids, near) =>
      memo(`uid|${[...ids].sort().join(',')}|${[...(near ?? [])].sort().join(',')}`, () =>
        source.principalsByUniqueId(ids, near),
      ),
    similarRoles: (q) =>
      memo(`similar|${q.accountId}|${q.path}|${q.name}|${q.maxDistance}`, () =>
        source.similarRoles(q),
      ),
    rolesTrustingFederated: (a, q) =>
      memo(`fed|${a}|${q.anySaml === true}|${[...q.principals].sort().join(',')}`, () =>
        source.rolesTrustingFederated(a, q),
      ),
  };
}
