import { callerHeader } from '../diagnosis/callerHeader.js';
import type { Diagnosis } from '../diagnosis/Diagnosis.js';
import type { DiagnosisBundle } from '../diagnosis/DiagnosisBundle.js';
import type { Caller, DenialEvent, ParsedErrorMessage } from '../intake/DenialEvent.js';
import { isParsed } from '../policy/isParsed.js';
import type { PolicyDocument, PrincipalElement } from '../policy/PolicyDocument.js';

const TIME_KEYS = [
  'aws:currenttime',
  'aws:epochtime',
  'aws:multifactorauthage',
  'aws:tokenissuetime',
];
/**
 * What makes the caller's source and client matter: source IPs, the service a
 * call came through (`aws:ViaAWSService`, `aws:CalledVia*`, worked out from
 * the source IP) and the user agent.
 */
const CLIENT_KEYS = [
  'aws:sourceip',
  'aws:vpcsourceip',
  'aws:viaawsservice',
  'aws:calledvia',
  'aws:useragent',
];
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
  readonly client: boolean;
  readonly session: boolean;
}

/** What an entry keeps until its key is asked for again. */
interface FirstKept {
  readonly bundle: DiagnosisBundle;
  readonly diagnosis: Diagnosis;
}

/** What an entry keeps once its key has been asked for again. */
interface Repeats {
  readonly dependsOn: DependsOn;
  /** Diagnoses by the volatile parts the policies see (one when they see none). */
  readonly byVolatile: Map<string, Diagnosis>;
}

export interface MemoStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

/** Lower-cased text of a document's condition keys and values, resources and principals. */
function documentText(document: PolicyDocument): string {
  const parts: string[] = [];
  for (const s of document.statements) {
    for (const c of s.conditions) parts.push(c.key, ...c.values);
    if (s.resource !== undefined) parts.push(...s.resource);
    if (s.notResource !== undefined) parts.push(...s.notResource);
    principalText(parts, s.principal);
    principalText(parts, s.notPrincipal);
  }
  return parts.join('\n').toLowerCase();
}

function principalText(parts: string[], el: PrincipalElement | undefined): void {
  if (el?.kind === 'map') parts.push(...el.AWS, ...el.Federated);
  else if (el?.kind === 'any') parts.push('*');
}

function scanDocument(document: PolicyDocument): DependsOn {
  const text = documentText(document);
  const refers = (keys: readonly string[]) => keys.some((k) => text.includes(k));
  return { time: refers(TIME_KEYS), client: refers(CLIENT_KEYS), session: refers(SESSION_KEYS) };
}

/**
 * What each parsed policy document lets a diagnosis see of an event, worked
 * out once per document: a parsed document is immutable, so this `WeakMap`
 * always answers as `scanDocument` would (referentially transparent). Only
 * parsed documents (`isParsed`) are kept, as the engine keeps their compiled
 * forms: nothing transient is held.
 */
const documentFacts = new WeakMap<PolicyDocument, DependsOn>();

function dependsOnOf(document: PolicyDocument): DependsOn {
  let facts = documentFacts.get(document);
  if (facts === undefined) {
    facts = scanDocument(document);
    if (isParsed(document)) documentFacts.set(document, facts);
  }
  return facts;
}

/** Every policy document a diagnosis of this bundle evaluates. */
function bundleDocuments(b: DiagnosisBundle): PolicyDocument[] {
  const docs: PolicyDocument[] = [];
  if (b.role?.ok && b.role.value !== null) docs.push(b.role.value.trustPolicy);
  if (b.callerPolicies?.ok) {
    for (const p of b.callerPolicies.value.identity) docs.push(p.document);
    if (b.callerPolicies.value.boundary) docs.push(b.callerPolicies.value.boundary.document);
  }
  for (const path of [b.callerOrgPath, b.roleOrgPath]) {
    if (!path?.ok || path.value === null) continue;
    for (const level of path.value.scpLevels) for (const p of level.policies) docs.push(p.document);
    for (const level of path.value.rcpLevels) for (const p of level.policies) docs.push(p.document);
  }
  // Role lists are evaluated only in a web identity / SAML search (roles trusting a provider).
  for (const list of Object.values(b.rolesByAccount ?? {})) {
    if (!list.ok) continue;
    for (const r of list.value) if (trustsFederated(r.trustPolicy)) docs.push(r.trustPolicy);
  }
  return docs;
}

function trustsFederated(trust: PolicyDocument): boolean {
  return trust.statements.some(
    (st) => st.principal?.kind === 'map' && st.principal.Federated.length > 0,
  );
}

/** Which volatile parts of an event the policies a diagnosis of this bundle evaluates can see. */
function bundleDependsOn(b: DiagnosisBundle): DependsOn {
  let time = false;
  let client = false;
  let session = false;
  for (const doc of bundleDocuments(b)) {
    const d = dependsOnOf(doc);
    time ||= d.time;
    client ||= d.client;
    session ||= d.session;
  }
  return { time, client, session };
}

/** Every field of `T` but those in `Left`, each one required: a field added to `T` must be placed. */
type AllFieldsBut<T, Left extends keyof T> = {
  readonly [K in Exclude<keyof T, Left>]-?: T[K] | undefined;
};

/**
 * The parts of an event a diagnosis depends on whatever the policies say:
 * every field (typed: a new field of `DenialEvent`, `Caller` or
 * `ParsedErrorMessage` does not compile until it is placed here or named as
 * left out) but the event's id, time, source IP, user agent and origin and
 * the caller's session name and start, and a role session's principal id
 * (a hit is re-headed with them, or they go in the volatile key).
 */
function stableKey(e: DenialEvent): string {
  const event: AllFieldsBut<
    DenialEvent,
    'eventId' | 'eventTime' | 'sourceIp' | 'userAgent' | 'origin' | 'caller' | 'errorMessage'
  > = {
    input: e.input,
    eventName: e.eventName,
    awsRegion: e.awsRegion,
    recordedInAccount: e.recordedInAccount,
    vpcEndpointId: e.vpcEndpointId,
    errorCode: e.errorCode,
    target: e.target,
    request: e.request,
  };
  const m = e.errorMessage;
  const message: AllFieldsBut<ParsedErrorMessage, 'principalArn'> = {
    // The usual message is all in its parsed fields; another's text counts.
    raw: m.kind === 'not-authorized' ? '' : m.raw,
    kind: m.kind,
    action: m.action,
    resourceArn: m.resourceArn,
    reason: m.reason,
    mfaFailure: m.mfaFailure,
  };
  const c = e.caller;
  const caller: AllFieldsBut<Caller, 'sessionName' | 'sessionCreatedAt'> = {
    type: c.type,
    // A role session's is its role's unique id (`issuerUniqueId`, below) and
    // its session name; any other caller's is its own and stable, and a
    // trust policy may name it (a user recreated under the same ARN has a
    // new one: IAM UG, "Unique identifiers").
    principalId: c.type === 'AssumedRole' ? undefined : c.principalId,
    arn: callerPart(c),
    accountId: c.accountId,
    userName: c.userName,
    issuerArn: c.issuerArn,
    issuerType: c.issuerType,
    issuerUniqueId: c.issuerUniqueId,
    mfaAuthenticated: c.mfaAuthenticated,
    sessionSourceIdentity: c.sessionSourceIdentity,
    webIdentity: c.webIdentity,
    saml: c.saml,
    invokedBy: c.invokedBy,
  };
  // Values only, in the fixed order above: one native JSON pass.
  return JSON.stringify([Object.values(event), Object.values(message), Object.values(caller)]);
}

/**
 * The caller's ARN as a diagnosis depends on it: a session ARN only through
 * its account and role (the ARN without its session name), which is all that
 * names the role when the input has no session issuer (an error message).
 */
function callerPart(c: Caller): string | undefined {
  if (c.type !== 'AssumedRole' || c.arn === undefined) return c.arn;
  const end = c.arn.lastIndexOf('/');
  return end < 0 ? c.arn : c.arn.slice(0, end);
}

/** The volatile parts of an event that the policies in play can see. */
function volatileKey(event: DenialEvent, d: DependsOn): string {
  return [
    d.time ? `${event.eventTime}|${event.caller.sessionCreatedAt ?? ''}` : '',
    d.client ? `${event.sourceIp ?? ''}|${event.userAgent ?? ''}` : '',
    d.session ? JSON.stringify([event.caller, event.errorMessage]) : '',
  ].join('\u0000');
}

/**
 * The few parts of an event that tell most requests apart (its state
 * version, name, role and caller): the bucket its entry sits in. Made only
 * of parts `stableKey` holds, so events with equal stable keys share it; a
 * fresh event (the usual case of a cold batch) is found new without its
 * full stable key being built. The caller is its session's role ARN when
 * the record names it (no slicing), else `callerPart`.
 */
function headKey(e: DenialEvent, version: string): string {
  const c = e.caller;
  return `${version}\u0000${e.eventName}\u0000${e.target.roleArn ?? ''}\u0000${c.issuerArn ?? callerPart(c) ?? ''}`;
}

/**
 * The diagnoses of one stable key (one state version, one request minus its
 * volatile parts). Until a second event with this key comes, it holds the
 * first diagnosis with its event and bundle only: which volatile parts the
 * policies see (`dependsOn`) and the stable key itself are worked out at
 * that first repeat, and the bundle is then let go.
 */
class Entry {
  /** The entry first kept; its stable parts are this entry's. */
  readonly #event: DenialEvent;
  #stable: string | undefined;
  /** The first diagnosis and its bundle until the first repeat, then what repeats need. */
  #kept: FirstKept | Repeats;

  constructor(
    event: DenialEvent,
    readonly version: string,
    bundle: DiagnosisBundle,
    diagnosis: Diagnosis,
    /** Another entry in the same head bucket (same `headKey`, another stable key). */
    readonly next: Entry | undefined,
  ) {
    this.#event = event;
    this.#kept = { bundle, diagnosis };
  }

  get stable(): string {
    this.#stable ??= stableKey(this.#event);
    return this.#stable;
  }

  /** The bucket's length from this entry on. */
  get length(): number {
    let n = 0;
    for (let e: Entry | undefined = this; e !== undefined; e = e.next) n++;
    return n;
  }

  get(event: DenialEvent): Diagnosis | undefined {
    const r = this.#repeatsOf();
    return r.byVolatile.get(volatileKey(event, r.dependsOn));
  }

  set(event: DenialEvent, diagnosis: Diagnosis): void {
    const r = this.#repeatsOf();
    if (r.byVolatile.size >= 64) r.byVolatile.clear();
    r.byVolatile.set(volatileKey(event, r.dependsOn), diagnosis);
  }

  #repeatsOf(): Repeats {
    const kept = this.#kept;
    if ('byVolatile' in kept) return kept;
    const dependsOn = bundleDependsOn(kept.bundle);
    const repeats: Repeats = {
      dependsOn,
      byVolatile: new Map([[volatileKey(this.#event, dependsOn), kept.diagnosis]]),
    };
    // The bundle is let go: a repeat needs only what the policies see.
    this.#kept = repeats;
    return repeats;
  }
}

/**
 * Diagnoses of repeated denials (a retrying job: the same caller, role and
 * state), injected where events are explained (one per CLI run, one per warm
 * Lambda container). A diagnosis is reused only when everything it depends
 * on is the same:
 * - the state, by the state source's `version`;
 * - the event minus its id, time, source IP, user agent and session name;
 *   time, source IP, user agent and session name count too when a policy in
 *   play has a condition or variable on them (`aws:CurrentTime`,
 *   `aws:SourceIp`, `aws:ViaAWSService`, `aws:UserAgent`, `${aws:userid}`, …),
 *   which is worked out once per policy document.
 * A hit needs no state read: the lookup is made before the event's reads,
 * and the key holds no role list (nothing per event grows with the
 * organization).
 * Its fixes are the same objects, so their texts are rendered once.
 * A denial seen once costs a short head key and an entry holding its first
 * diagnosis; the full key and what the policies see are worked out only
 * when a repeat comes (`Entry`).
 * Bounded; the oldest entries go first.
 */
export class DiagnosisMemo {
  /** Entries by `headKey`, each the first of its bucket. */
  readonly #buckets = new Map<string, Entry>();
  #entries = 0;
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;
  /** The keys of the last event asked for: `store` asks for them again after `lookup`. */
  #lastEvent: DenialEvent | undefined;
  #lastVersion = '';
  #lastHead = '';
  #lastStable: string | undefined;

  constructor(maxEntries = 4096) {
    this.#maxEntries = maxEntries;
  }

  /** The memoized diagnosis of this event under this state version, re-headed for the event. */
  lookup(event: DenialEvent, version: string): Diagnosis | undefined {
    const hit = this.#find(event, version)?.get(event);
    if (hit === undefined) {
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
    const entry = this.#find(event, version);
    if (entry !== undefined) {
      entry.set(event, diagnosis);
      return;
    }
    if (this.#entries >= this.#maxEntries) this.#evictOldest();
    const head = this.#headOf(event, version);
    this.#buckets.set(head, new Entry(event, version, bundle, diagnosis, this.#buckets.get(head)));
    this.#entries++;
  }

  /** The entry of this event's stable key under this version, if any. */
  #find(event: DenialEvent, version: string): Entry | undefined {
    let entry = this.#buckets.get(this.#headOf(event, version));
    if (entry === undefined) return undefined;
    this.#lastStable ??= stableKey(event);
    for (; entry !== undefined; entry = entry.next) {
      if (entry.version === version && entry.stable === this.#lastStable) return entry;
    }
    return undefined;
  }

  /** `headKey`, kept for the last event (its stable key is then built at most once too). */
  #headOf(event: DenialEvent, version: string): string {
    if (this.#lastEvent !== event || this.#lastVersion !== version) {
      this.#lastEvent = event;
      this.#lastVersion = version;
      this.#lastHead = headKey(event, version);
      this.#lastStable = undefined;
    }
    return this.#lastHead;
  }

  #evictOldest(): void {
    const oldest = this.#buckets.entries().next();
    if (oldest.done) return;
    this.#buckets.delete(oldest.value[0]);
    this.#entries -= oldest.value[1].length;
  }

  stats(): MemoStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries };
  }
}
