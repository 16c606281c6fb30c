import type { DenialEvent } from '../intake/DenialEvent.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';
import type { Diagnosis } from './Diagnosis.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';

/**
 * Memo of diagnoses for repeated denials of the same (caller, role) pair, the
 * common case of a retrying job. A diagnosis is reused only when everything
 * it depends on is the same:
 * - the event minus its id, time, source IP and user agent (time and IP are
 *   kept in the key when any policy in play has a condition or variable on
 *   them: `aws:CurrentTime`, `aws:EpochTime`, `aws:MultiFactorAuthAge`,
 *   `aws:SourceIp`, …);
 * - the very IAM state objects read for it (each read object gets an
 *   identity number, so a refreshed read is a miss: a cached diagnosis can
 *   never outlive the state it was computed from).
 * Bounded; the oldest entries go first.
 */
const MAX_ENTRIES = 4096;
const cache = new Map<string, Diagnosis>();
const ids = new WeakMap<object, number>();
let nextId = 1;
const stats = { hits: 0, misses: 0 };

/** Hit and miss counts since the process started (for the benchmark). */
export function memoStats(): { readonly hits: number; readonly misses: number } {
  return { ...stats };
}

function idOf(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return `#${id}`;
}

const TIME_KEYS = [
  'aws:currenttime',
  'aws:epochtime',
  'aws:multifactorauthage',
  'aws:tokenissuetime',
];
const IP_KEYS = ['aws:sourceip', 'aws:vpcsourceip'];
/** What makes the caller's session name matter: session ARNs, user ids, session-name keys. */
const SESSION_KEYS = [
  'assumed-role',
  'federated-user',
  'aws:userid',
  'sts:rolesessionname',
  '${aws:',
];
const referenced = new WeakMap<object, string>();

/** Lower-cased text of every condition key and value of some policies (cached per object). */
function policyText(owner: object, policies: () => readonly LabeledPolicy[]): string {
  let text = referenced.get(owner);
  if (text === undefined) {
    const parts: string[] = [];
    for (const p of policies()) {
      for (const s of p.document.statements) {
        for (const c of s.conditions) parts.push(c.key, ...c.values);
        for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) parts.push(r);
        for (const el of [s.principal, s.notPrincipal]) {
          if (el?.kind === 'map') parts.push(...el.AWS, ...el.Federated);
          else if (el?.kind === 'any') parts.push('*');
        }
      }
    }
    text = parts.join('\n').toLowerCase();
    referenced.set(owner, text);
  }
  return text;
}

function bundleObjects(b: DiagnosisBundle): unknown[] {
  const v = <T>(r: { ok: boolean; value?: T } | undefined): unknown => (r?.ok ? r.value : r);
  return [
    v(b.organization),
    b.readableAccounts,
    v(b.callerOrgPath),
    v(b.roleOrgPath),
    v(b.role),
    v(b.callerRole),
    v(b.callerUser),
    v(b.callerPolicies),
    ...Object.entries(b.rolesByAccount ?? {}).flatMap(([a, r]) => [a, v(r)]),
    v(b.oidcProviders),
    v(b.samlProviders),
    b.knownUniqueIds === undefined ? undefined : [...b.knownUniqueIds].sort().join(' '),
    // A few candidates from the name index: what they are, not which objects.
    b.roleCandidates?.map((r) => r.arn).join(' '),
    b.gaps === undefined ? undefined : JSON.stringify(b.gaps),
  ];
}

/** Does any policy in the bundle refer to one of these keys? */
function refersTo(b: DiagnosisBundle, keys: readonly string[]): boolean {
  const texts: string[] = [];
  const role = b.role?.ok ? b.role.value : null;
  if (role) texts.push(policyText(role, () => [{ label: '', document: role.trustPolicy }]));
  const pol = b.callerPolicies?.ok ? b.callerPolicies.value : null;
  if (pol)
    texts.push(policyText(pol, () => [...pol.identity, ...(pol.boundary ? [pol.boundary] : [])]));
  for (const path of [b.callerOrgPath, b.roleOrgPath]) {
    const p = path?.ok ? path.value : null;
    if (p)
      texts.push(policyText(p, () => [...p.scpLevels, ...p.rcpLevels].flatMap((l) => l.policies)));
  }
  // Role lists are evaluated only in a web identity / SAML search (roles trusting a provider).
  for (const list of Object.values(b.rolesByAccount ?? {})) {
    if (list.ok) {
      const roles = list.value;
      texts.push(
        policyText(roles, () =>
          roles
            .filter((r) =>
              r.trustPolicy.statements.some(
                (st) => st.principal?.kind === 'map' && st.principal.Federated.length > 0,
              ),
            )
            .map((r) => ({ label: '', document: r.trustPolicy })),
        ),
      );
    }
  }
  return texts.some((t) => keys.some((k) => t.includes(k)));
}

/** The memo key of an event against the state read for it. */
export function memoKey(event: DenialEvent, bundle: DiagnosisBundle): string {
  const { eventId, eventTime, sourceIp, userAgent, origin, caller, errorMessage, ...rest } = event;
  void eventId;
  void userAgent;
  void origin;
  const timeMatters = refersTo(bundle, TIME_KEYS);
  const time = timeMatters ? eventTime : '';
  const ip = refersTo(bundle, IP_KEYS) ? (sourceIp ?? '') : '';
  let who: object = caller;
  let msg: object = errorMessage;
  if (!refersTo(bundle, SESSION_KEYS)) {
    const { arn, principalId, sessionName, sessionCreatedAt, ...stable } = caller;
    void principalId;
    void sessionName;
    who = {
      ...stable,
      // The session ARN only matters through its account and role (already in `stable`).
      sessionArn: caller.type === 'AssumedRole' ? '' : arn,
      ...(timeMatters ? { sessionCreatedAt } : {}),
    };
    const { raw, principalArn, ...parsed } = errorMessage;
    void principalArn;
    msg = { ...parsed, raw: errorMessage.kind === 'not-authorized' ? '' : raw };
  }
  return `${JSON.stringify(rest)}|${JSON.stringify(who)}|${JSON.stringify(msg)}|${time}|${ip}|${bundleObjects(bundle).map(idOf).join(',')}`;
}

/** The diagnosis header's caller, from the event itself. */
export function callerHeader(event: DenialEvent): Diagnosis['caller'] {
  const c = event.caller;
  const sessionName =
    event.request.roleSessionName ??
    c.sessionName ??
    (c.type === 'WebIdentityUser' ? c.webIdentity?.sub : undefined);
  return {
    type: c.type,
    ...(c.arn === undefined ? {} : { arn: c.arn }),
    ...(c.accountId === undefined ? {} : { accountId: c.accountId }),
    ...(sessionName === undefined ? {} : { sessionName }),
    ...(event.sourceIp === undefined ? {} : { sourceIp: event.sourceIp }),
    ...(event.userAgent === undefined ? {} : { userAgent: event.userAgent }),
  };
}

/** Returns the memoized diagnosis for this key, re-headed for this event, or computes it. */
export function memoDiagnose(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  compute: () => Diagnosis,
): Diagnosis {
  const key = memoKey(event, bundle);
  const hit = cache.get(key);
  if (hit !== undefined) {
    stats.hits++;
    return {
      ...hit,
      eventId: event.eventId,
      eventTime: event.eventTime,
      caller: callerHeader(event),
    };
  }
  stats.misses++;
  const d = compute();
  if (cache.size >= MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, d);
  return d;
}
