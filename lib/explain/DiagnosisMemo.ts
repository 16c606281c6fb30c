import { callerHeader } from '../diagnosis/callerHeader.js';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import type { DiagnosisBundle } from '../diagnosis/DiagnosisBundle.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { LabeledPolicy } from '../policy/PolicyDocument.js';

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

/** Which volatile parts of an event the policies in play can see. */
interface DependsOn {
  readonly time: boolean;
  readonly ip: boolean;
  readonly session: boolean;
}

interface Entry {
  readonly dependsOn: DependsOn;
  /** Diagnoses by the volatile parts the policies see (one entry when they see none). */
  readonly byVolatile: Map<string, Diagnosis>;
}

export interface MemoStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

/** Lower-cased text of every condition key and value of some policies. */
function policyText(policies: readonly LabeledPolicy[]): string {
  const parts: string[] = [];
  for (const p of policies) {
    for (const s of p.document.statements) {
      for (const c of s.conditions) parts.push(c.key, ...c.values);
      for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) parts.push(r);
      for (const el of [s.principal, s.notPrincipal]) {
        if (el?.kind === 'map') parts.push(...el.AWS, ...el.Federated);
        else if (el?.kind === 'any') parts.push('*');
      }
    }
  }
  return parts.join('\n').toLowerCase();
}

/** The policy text of everything a diagnosis of this bundle evaluates. */
function bundleText(b: DiagnosisBundle): string {
  const policies: LabeledPolicy[] = [];
  const role = b.role?.ok ? b.role.value : null;
  if (role) policies.push({ label: '', document: role.trustPolicy });
  const pol = b.callerPolicies?.ok ? b.callerPolicies.value : null;
  if (pol) policies.push(...pol.identity, ...(pol.boundary ? [pol.boundary] : []));
  for (const path of [b.callerOrgPath, b.roleOrgPath]) {
    const p = path?.ok ? path.value : null;
    if (p) policies.push(...[...p.scpLevels, ...p.rcpLevels].flatMap((l) => l.policies));
  }
  // Role lists are evaluated only in a web identity / SAML search (roles trusting a provider).
  for (const list of Object.values(b.rolesByAccount ?? {})) {
    if (!list.ok) continue;
    for (const r of list.value) {
      if (
        r.trustPolicy.statements.some(
          (st) => st.principal?.kind === 'map' && st.principal.Federated.length > 0,
        )
      )
        policies.push({ label: '', document: r.trustPolicy });
    }
  }
  return policyText(policies);
}

/** The parts of an event a diagnosis depends on whatever the policies say. */
function stableKey(event: DenialEvent): string {
  const { eventId, eventTime, sourceIp, userAgent, origin, caller, errorMessage, ...rest } = event;
  void eventId;
  void eventTime;
  void sourceIp;
  void userAgent;
  void origin;
  const { arn, principalId, sessionName, sessionCreatedAt, ...stable } = caller;
  void principalId;
  void sessionName;
  void sessionCreatedAt;
  const { raw, principalArn, ...parsed } = errorMessage;
  void principalArn;
  return JSON.stringify([
    rest,
    // The session ARN only matters through its account and role (already in `stable`).
    { ...stable, sessionArn: caller.type === 'AssumedRole' ? '' : arn },
    { ...parsed, raw: errorMessage.kind === 'not-authorized' ? '' : raw },
  ]);
}

/** The volatile parts of an event that the policies in play can see. */
function volatileKey(event: DenialEvent, d: DependsOn): string {
  return [
    d.time ? `${event.eventTime}|${event.caller.sessionCreatedAt ?? ''}` : '',
    d.ip ? (event.sourceIp ?? '') : '',
    d.session ? JSON.stringify([event.caller, event.errorMessage]) : '',
  ].join('\u0000');
}

/**
 * Diagnoses of repeated denials (a retrying job: the same caller, role and
 * state), injected where events are explained (one per CLI run, one per warm
 * Lambda container). A diagnosis is reused only when everything it depends
 * on is the same:
 * - the state, by the state source's `version`;
 * - the event minus its id, time, source IP, user agent and session name;
 *   time, source IP and session name count too when a policy in play has a
 *   condition or variable on them (`aws:CurrentTime`, `aws:SourceIp`,
 *   `${aws:userid}`, …).
 * A hit needs no state read: the lookup is made before the event's reads,
 * and the key holds no role list (nothing per event grows with the
 * organization).
 * Its fixes are the same objects, so their texts are rendered once.
 * Bounded; the oldest entries go first.
 */
export class DiagnosisMemo {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = 4096) {
    this.#maxEntries = maxEntries;
  }

  /** The memoized diagnosis of this event under this state version, re-headed for the event. */
  lookup(event: DenialEvent, version: string): Diagnosis | undefined {
    const entry = this.#entries.get(`${version}\u0000${stableKey(event)}`);
    const hit = entry?.byVolatile.get(volatileKey(event, entry.dependsOn));
    if (entry === undefined || hit === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    return {
      ...hit,
      eventId: event.eventId,
      ...(event.eventTime === '' ? {} : { eventTime: event.eventTime }),
      caller: callerHeader(event),
    };
  }

  /**
   * Keeps a diagnosis of `event` computed from `bundle`, read under `version`.
   * A bundle with gaps (a live source's call budget spent, no role index) is
   * not kept: what it missed is a fact of that read, not of the state
   * version, so the next repeat reads again.
   */
  store(event: DenialEvent, version: string, bundle: DiagnosisBundle, diagnosis: Diagnosis): void {
    if ((bundle.gaps?.length ?? 0) > 0) return;
    const key = `${version}\u0000${stableKey(event)}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      const text = bundleText(bundle);
      const refers = (keys: readonly string[]) => keys.some((k) => text.includes(k));
      entry = {
        dependsOn: { time: refers(TIME_KEYS), ip: refers(IP_KEYS), session: refers(SESSION_KEYS) },
        byVolatile: new Map(),
      };
      if (this.#entries.size >= this.#maxEntries) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
      this.#entries.set(key, entry);
    }
    if (entry.byVolatile.size >= 64) entry.byVolatile.clear();
    entry.byVolatile.set(volatileKey(event, entry.dependsOn), diagnosis);
  }

  stats(): MemoStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size };
  }
}
