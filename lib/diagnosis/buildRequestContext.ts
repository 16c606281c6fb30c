import { LazyRequestContext, unknownEntryCovers } from '../engine/contextKeys.js';
import type {
  KeySource,
  KeyTable,
  RequestContext,
  RequestPrincipal,
} from '../engine/RequestContext.js';
import type { OrgPathInfo, OrgState, Readable, Tag } from '../iam/IamState.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { Draft } from '../validation/Draft.js';

/** What the context builder needs besides the event. */
export interface ContextFacts {
  readonly organization: Readable<OrgState | null>;
  readonly callerOrgPath?: Readable<OrgPathInfo | null>;
  /** IAM tags of the caller's role or user; `undefined` when they could not be read. */
  readonly principalTags?: readonly Tag[];
  /** IAM tags of the role being assumed (`aws:ResourceTag/…`); `undefined` when not read. */
  readonly resourceTags?: readonly Tag[];
  /** Organization path of the role's account (`aws:ResourceOrgID`, `aws:ResourceOrgPaths`). */
  readonly resourceOrgPath?: Readable<OrgPathInfo | null>;
}

/** The STS action a denial event stands for. */
export function actionOf(event: DenialEvent): string {
  return `sts:${event.eventName}`;
}

/** The request principal as the engine matches it against `Principal` elements. */
export function requestPrincipalOf(event: DenialEvent): RequestPrincipal {
  const c = event.caller;
  switch (c.type) {
    case 'WebIdentityUser': {
      const p = c.webIdentity?.providerArn ?? c.webIdentity?.provider;
      return p === undefined
        ? { kind: 'WebIdentity' }
        : { kind: 'WebIdentity', federatedProvider: p };
    }
    case 'SAMLUser': {
      const p = c.saml?.providerArn;
      return p === undefined ? { kind: 'SAML' } : { kind: 'SAML', federatedProvider: p };
    }
    case 'AWSService':
      return c.invokedBy === undefined
        ? { kind: 'Service' }
        : { kind: 'Service', service: c.invokedBy };
  }
  // Keys in this order: kind, accountId, arn, then the role session's or user's ids.
  const p: Draft<RequestPrincipal> = { kind: PRINCIPAL_KIND[c.type] ?? 'Anonymous' };
  if (c.accountId !== undefined) p.accountId = c.accountId;
  if (c.arn !== undefined) p.arn = c.arn;
  if (c.type === 'AssumedRole') {
    if (c.issuerArn !== undefined) p.roleArn = c.issuerArn;
    if (c.issuerUniqueId !== undefined) p.uniqueId = c.issuerUniqueId;
  } else if (c.type === 'IAMUser' && c.principalId !== undefined) {
    p.uniqueId = c.principalId;
  }
  return p;
}

/** The principal kind of each AWS (IAM-side) caller type; any other is `Anonymous`. */
const PRINCIPAL_KIND: Partial<Record<DenialEvent['caller']['type'], RequestPrincipal['kind']>> = {
  AssumedRole: 'AssumedRole',
  IAMUser: 'IAMUser',
  Root: 'Root',
  FederatedUser: 'FederatedUser',
};

const PRINCIPAL_TYPE: Partial<Record<DenialEvent['caller']['type'], string>> = {
  AssumedRole: 'AssumedRole',
  IAMUser: 'User',
  Root: 'Account',
  FederatedUser: 'FederatedUser',
  WebIdentityUser: 'WebIdentityUser',
  SAMLUser: 'SAMLUser',
};

/** Keys of the resource an AWS service acts for (confused-deputy conditions): not logged. */
const SOURCE_KEYS = ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths'];

/** Keys set for requests through a VPC endpoint, and not logged. */
const VPCE_KEYS = [
  'aws:sourcevpc',
  'aws:sourcevpcarn',
  'aws:vpceaccount',
  'aws:vpceorgid',
  'aws:vpceorgpaths',
];

/** Keys from the request parameters, unknown when CloudTrail did not log them. */
const REQUEST_PARAMETER_KEYS = [
  'sts:rolesessionname',
  'sts:externalid',
  'sts:sourceidentity',
  'sts:transitivetagkeys',
  'aws:tagkeys',
  'aws:requesttag/',
];

function seconds(fromIso: string, toIso: string): number | undefined {
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.max(0, Math.floor((b - a) / 1000));
}

/**
 * Builds the engine's `RequestContext` for a denial event against one role.
 * Every key whose value CloudTrail did not log goes to `unknownKeys`, so a
 * condition on it is `unknown`, never silently false.
 *
 * The keys are built on demand (`LazyRequestContext`): a request carries
 * some forty keys and its policies read a few, so each group of keys below
 * is built the first time the engine reads one of its keys, and all of them
 * only when `values` or `unknownKeys` is read.
 */
export function buildRequestContext(
  event: DenialEvent,
  roleArn: string,
  facts: ContextFacts,
): RequestContext {
  const c = event.caller;
  return new LazyRequestContext(
    requestPrincipalOf(event),
    actionOf(event),
    roleArn,
    new EventKeys(event, roleArn, facts),
    c.mfaAuthenticated === undefined &&
      (c.type === 'IAMUser' || c.type === 'Root') &&
      !event.request.logged
      ? LONG_TERM_KEY_MFA
      : undefined,
  );
}

/**
 * An IAM user or the root user signing with long-term keys: MFA is absent,
 * or set by an MFA code sent with this request (never `false`), which the
 * record did not log (see `MFA_KEYS`).
 */
const LONG_TERM_KEY_MFA: RequestContext['candidates'] = {
  'aws:multifactorauthpresent': [null, ['true']],
  'aws:multifactorauthage': [null, ['0']],
};

/**
 * The condition keys of one event against one role, built group by group
 * (`KEY_GROUPS`): a group is built whole the first time one of its keys is
 * read. A web identity caller's claim keys are named by its provider
 * (`token.actions.githubusercontent.com:sub`): they are routed to the
 * federated group by that prefix.
 */
class EventKeys implements KeySource {
  /** Known values by lower-cased key; a key known to be absent is missing. */
  private readonly known = new Map<string, readonly string[]>();
  /** Not-logged keys and prefixes, in the order first added (a key that also gets a value does not count). */
  readonly unknown: string[] = [];
  /** Bit `i` set: `KEY_GROUPS[i]` is built. */
  private built = 0;
  private all: KeyTable | undefined;
  /** `<provider host>:`, lower-cased: the prefix of a web identity caller's claim keys. */
  private readonly claims: string | undefined;
  /**
   * Claim keys named like global keys (a provider host `aws`, `sts` or
   * `saml`) could overlap another group's keys: then every group is built
   * at once, in order, as a single table.
   */
  private readonly eager: boolean;

  constructor(
    readonly event: DenialEvent,
    readonly roleArn: string,
    readonly facts: ContextFacts,
  ) {
    const c = event.caller;
    const host = c.type === 'WebIdentityUser' ? c.webIdentity?.provider : undefined;
    this.claims = host === undefined ? undefined : `${host}:`.toLowerCase();
    this.eager = this.claims !== undefined && /^(aws|sts|saml):/.test(this.claims);
  }

  valuesOf(lowerKey: string): readonly string[] | undefined {
    // A key with values has its group built: only the others may need building.
    const values = this.known.get(lowerKey);
    if (values !== undefined) return values;
    this.need(lowerKey);
    return this.known.get(lowerKey);
  }

  isUnknown(lowerKey: string): boolean {
    this.need(lowerKey);
    const entries = this.unknown;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as string;
      if (unknownEntryCovers(e, lowerKey) && !this.known.has(e)) return true;
    }
    return false;
  }

  table(): KeyTable {
    if (this.all !== undefined) return this.all;
    this.buildAll();
    const values: Record<string, readonly string[]> = {};
    for (const [key, v] of this.known) values[key] = v;
    const unknown = this.unknown;
    const unknownKeys = unknown.filter((k, i) => !(k in values) && unknown.indexOf(k) === i);
    this.all = { values, unknownKeys };
    return this.all;
  }

  /** Sets a key already lower-cased (a constant name); `undefined`: the key stays absent. */
  set(lowerKey: string, v: string | readonly string[] | undefined): void {
    if (v !== undefined) this.known.set(lowerKey, typeof v === 'string' ? [v] : [...v]);
  }

  /** Condition keys are case-insensitive: a key with a tag, claim or provider part is lowered here. */
  setKey(key: string, v: string | readonly string[] | undefined): void {
    this.set(key.toLowerCase(), v);
  }

  /** Builds the group `lowerKey` belongs to, if not yet built. */
  private need(lowerKey: string): void {
    if (this.eager) {
      if (this.all === undefined) this.table();
      return;
    }
    const claims = this.claims;
    const g = claims !== undefined && lowerKey.startsWith(claims) ? FEDERATED : groupOf(lowerKey);
    if (g >= 0) this.buildGroup(g);
  }

  private buildAll(): void {
    for (let g = 0; g < KEY_GROUPS.length; g++) this.buildGroup(g);
  }

  /** Builds `KEY_GROUPS[g]` unless it is built. */
  private buildGroup(g: number): void {
    if ((this.built & (1 << g)) !== 0) return;
    this.built |= 1 << g;
    (KEY_GROUPS[g] as KeyGroup).build(this, this.event.caller, this.event);
  }
}

type Caller = DenialEvent['caller'];

/** Keys built together: every key a group sets or lists as not logged is in `keys` or under `prefix`. */
interface KeyGroup {
  readonly keys: readonly string[];
  readonly prefix?: string;
  build(k: EventKeys, c: Caller, event: DenialEvent): void;
}

/** An IAM-side caller (not web identity, SAML or an AWS service). */
function isAwsPrincipal(c: Caller): boolean {
  return c.type !== 'WebIdentityUser' && c.type !== 'SAMLUser' && c.type !== 'AWSService';
}

/** The caller's IAM ARN (the role's for a role session). */
const PRINCIPAL_ARN_KEYS: KeyGroup = {
  keys: ['aws:principalarn'],
  build(k, c) {
    const iamArn = c.type === 'AssumedRole' ? c.issuerArn : c.arn;
    if (iamArn !== undefined && c.type !== 'WebIdentityUser' && c.type !== 'SAMLUser') {
      k.set('aws:principalarn', iamArn);
    }
  },
};

/** The caller's account, its organization and its tags. */
const PRINCIPAL_ACCOUNT_KEYS: KeyGroup = {
  keys: ['aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths'],
  prefix: 'aws:principaltag/',
  build(k, c) {
    if (!isAwsPrincipal(c) || c.accountId === undefined) return;
    const facts = k.facts;
    k.set('aws:principalaccount', c.accountId);
    const org = facts.organization;
    const path = facts.callerOrgPath;
    if (!org.ok || path === undefined || !path.ok) {
      k.unknown.push('aws:principalorgid', 'aws:principalorgpaths');
    } else if (org.value !== null && path.value !== null) {
      k.set('aws:principalorgid', org.value.id);
      k.set('aws:principalorgpaths', path.value.orgPath);
    }
    if (facts.principalTags === undefined) k.unknown.push('aws:principaltag/');
    else for (const t of facts.principalTags) k.setKey(`aws:principaltag/${t.key}`, t.value);
    // A role session's principal tags are its role's tags plus the session
    // tags it was created with (AssumeRole tags, SAML/OIDC attributes, IAM
    // Identity Center attributes for access control), which the record does
    // not log: a key the role does not carry may still be a session tag.
    if (c.type === 'AssumedRole') k.unknown.push('aws:principaltag/');
  },
};

/** Whether the caller is an AWS service, and which. */
const PRINCIPAL_SERVICE_KEYS: KeyGroup = {
  keys: ['aws:principalisawsservice', 'aws:principalservicename', ...SOURCE_KEYS],
  build(k, c) {
    if (c.type === 'AWSService') {
      k.set('aws:principalisawsservice', 'true');
      k.set('aws:principalservicename', c.invokedBy);
      // The resource the service acts for (confused-deputy conditions) is not logged.
      k.unknown.push(...SOURCE_KEYS);
    } else {
      k.set('aws:principalisawsservice', 'false');
    }
  },
};

/** The caller's principal type and ids. */
const PRINCIPAL_ID_KEYS: KeyGroup = {
  keys: ['aws:principaltype', 'aws:userid', 'aws:username'],
  build(k, c) {
    const ptype = PRINCIPAL_TYPE[c.type];
    if (ptype !== undefined) k.set('aws:principaltype', ptype);
    if (c.type === 'AssumedRole' && c.issuerUniqueId !== undefined) {
      k.set('aws:userid', `${c.issuerUniqueId}:${c.sessionName ?? ''}`);
    } else if (c.type === 'IAMUser') {
      k.set('aws:userid', c.principalId);
      k.set('aws:username', c.userName);
    } else if (c.type === 'Root' && c.accountId !== undefined) {
      k.set('aws:userid', c.accountId);
    }
  },
};

/** MFA. */
const MFA_KEYS: KeyGroup = {
  keys: ['aws:multifactorauthpresent', 'aws:multifactorauthage'],
  build(k, c, event) {
    const req = event.request;
    if (c.mfaAuthenticated !== undefined) {
      k.set('aws:multifactorauthpresent', c.mfaAuthenticated ? 'true' : 'false');
      if (c.mfaAuthenticated && c.sessionCreatedAt !== undefined) {
        const age = seconds(c.sessionCreatedAt, event.eventTime);
        if (age === undefined) k.unknown.push('aws:multifactorauthage');
        else k.set('aws:multifactorauthage', String(age));
      } else if (c.mfaAuthenticated) {
        k.unknown.push('aws:multifactorauthage');
      }
    } else if (c.type === 'IAMUser' || c.type === 'Root') {
      // Long-term keys: the key exists only when the request itself carried an MFA code.
      if (!req.logged) {
        // Absent, or set by an MFA code sent with this request: never `false`
        // (the context's candidates, `LONG_TERM_KEY_MFA`).
        k.unknown.push('aws:multifactorauthpresent', 'aws:multifactorauthage');
      } else if (req.serialNumber !== undefined) {
        k.set('aws:multifactorauthpresent', 'true');
        k.set('aws:multifactorauthage', '0');
      }
    } else if (isAwsPrincipal(c)) {
      k.unknown.push('aws:multifactorauthpresent', 'aws:multifactorauthage');
    }
  },
};

/** Network, region and transport. */
const NETWORK_KEYS: KeyGroup = {
  keys: [
    'aws:sourcevpce',
    'aws:vpcsourceip',
    'aws:sourceip',
    ...VPCE_KEYS,
    'aws:useragent',
    'aws:viaawsservice',
    'aws:calledvia',
    'aws:requestedregion',
    'aws:securetransport',
  ],
  build(k, c, event) {
    // Through a VPC endpoint AWS sets `aws:VpcSourceIp`, and `aws:SourceIp` is
    // not in the request context at all (IAM User Guide, global condition keys).
    const ip =
      event.sourceIp !== undefined && /^[0-9a-fA-F:.]+$/.test(event.sourceIp)
        ? event.sourceIp
        : undefined;
    if (event.vpcEndpointId !== undefined) {
      k.set('aws:sourcevpce', event.vpcEndpointId);
      if (ip !== undefined) k.set('aws:vpcsourceip', ip);
      // Set for requests through a VPC endpoint, and not logged.
      k.unknown.push(...VPCE_KEYS);
    } else if (ip !== undefined) {
      k.set('aws:sourceip', ip);
    } else if (event.sourceIp === undefined) {
      k.unknown.push('aws:sourceip');
    }
    // "Always included in the request context" (IAM UG, global condition keys).
    if (event.userAgent !== undefined) k.set('aws:useragent', event.userAgent);
    else k.unknown.push('aws:useragent');
    // A call an AWS service made on the caller's behalf shows the service as its source.
    const viaService =
      c.type !== 'AWSService' &&
      event.sourceIp !== undefined &&
      /\.amazonaws\.com$/i.test(event.sourceIp);
    k.set('aws:viaawsservice', viaService ? 'true' : 'false');
    if (viaService && event.sourceIp !== undefined) k.set('aws:calledvia', event.sourceIp);
    k.set('aws:requestedregion', event.awsRegion);
    k.set('aws:securetransport', 'true');
  },
};

/** Time. */
const TIME_KEYS: KeyGroup = {
  keys: ['aws:tokenissuetime', 'aws:currenttime', 'aws:epochtime'],
  build(k, c, event) {
    // Temporary credentials carry their issue time: the caller's session creation.
    if (c.sessionCreatedAt !== undefined && !Number.isNaN(Date.parse(c.sessionCreatedAt))) {
      k.set('aws:tokenissuetime', c.sessionCreatedAt);
    } else if (c.type === 'AssumedRole' || c.type === 'FederatedUser') {
      k.unknown.push('aws:tokenissuetime');
    }
    const t = Date.parse(event.eventTime);
    if (!Number.isNaN(t)) {
      // toISOString always ends in `.sssZ`; the key has whole seconds.
      k.set('aws:currenttime', `${new Date(t).toISOString().slice(0, -5)}Z`);
      k.set('aws:epochtime', String(Math.floor(t / 1000)));
    } else {
      k.unknown.push('aws:currenttime', 'aws:epochtime');
    }
  },
};

/**
 * The role being assumed is the request's resource: its account and tags
 * (ABAC on role assumption: `aws:ResourceTag/team` = `${aws:PrincipalTag/team}`).
 */
const RESOURCE_KEYS: KeyGroup = {
  keys: ['aws:resourceaccount', 'aws:resourceorgid', 'aws:resourceorgpaths'],
  prefix: 'aws:resourcetag/',
  build(k) {
    const facts = k.facts;
    const resourceAccount = /^arn:[\w-]+:iam::(\d{12}):/.exec(k.roleArn)?.[1];
    if (resourceAccount !== undefined) k.set('aws:resourceaccount', resourceAccount);
    if (facts.resourceTags === undefined) k.unknown.push('aws:resourcetag/');
    else for (const t of facts.resourceTags) k.setKey(`aws:resourcetag/${t.key}`, t.value);
    // Data-perimeter policies compare the role's organization (`aws:ResourceOrgID`).
    // An account outside our organization may be in another one: unknown.
    const rorg = facts.resourceOrgPath;
    if (
      facts.organization.ok &&
      facts.organization.value !== null &&
      rorg?.ok === true &&
      rorg.value !== null
    ) {
      k.set('aws:resourceorgid', facts.organization.value.id);
      k.set('aws:resourceorgpaths', rorg.value.orgPath);
    } else {
      k.unknown.push('aws:resourceorgid', 'aws:resourceorgpaths');
    }
  },
};

/** Request parameters, and the source identity the caller's session carries. */
const REQUEST_KEYS: KeyGroup = {
  keys: [...REQUEST_PARAMETER_KEYS, 'aws:sourceidentity'],
  prefix: 'aws:requesttag/',
  build(k, c, event) {
    const req = event.request;
    if (c.sessionSourceIdentity !== undefined) k.set('aws:sourceidentity', c.sessionSourceIdentity);
    if (req.logged) {
      k.set('sts:rolesessionname', req.roleSessionName);
      k.set('sts:externalid', req.externalId);
      if (req.sourceIdentity !== undefined) {
        k.set('sts:sourceidentity', req.sourceIdentity);
        if (c.sessionSourceIdentity === undefined) k.set('aws:sourceidentity', req.sourceIdentity);
      }
      if (req.tags !== undefined && req.tags.length > 0) {
        for (const tag of req.tags) k.setKey(`aws:requesttag/${tag.key}`, tag.value);
        k.set(
          'aws:tagkeys',
          req.tags.map((tag) => tag.key),
        );
      }
      if (req.transitiveTagKeys !== undefined && req.transitiveTagKeys.length > 0) {
        k.set('sts:transitivetagkeys', req.transitiveTagKeys);
      }
    } else {
      // The caller's own session name is known; the new session's name is not.
      k.unknown.push(...REQUEST_PARAMETER_KEYS);
      if (c.sessionSourceIdentity === undefined) k.unknown.push('aws:sourceidentity');
    }
  },
};

/**
 * Federated claims: web identity tokens and SAML assertions. The claim keys
 * of a web identity token (under `<provider host>:`) are routed here by
 * `EventKeys`.
 */
const FEDERATED_KEYS: KeyGroup = {
  keys: ['aws:federatedprovider'],
  prefix: 'saml:',
  build: federatedKeys,
};

function federatedKeys(k: EventKeys, c: Caller): void {
  if (c.type === 'WebIdentityUser') {
    const w = c.webIdentity;
    if (w?.providerArn !== undefined) k.set('aws:federatedprovider', w.providerArn);
    const host = w?.provider;
    if (host !== undefined) {
      if (w?.sub !== undefined) k.setKey(`${host}:sub`, w.sub);
      else k.unknown.push(`${host}:sub`.toLowerCase());
      if (w?.aud !== undefined) k.setKey(`${host}:aud`, w.aud);
      else k.unknown.push(`${host}:aud`.toLowerCase());
      if (w?.claims !== undefined) {
        // The token itself was read: every claim is known, a missing one absent.
        for (const [claim, v] of Object.entries(w.claims)) k.setKey(`${host}:${claim}`, v);
      } else {
        k.unknown.push(`${host}:amr`.toLowerCase(), `${host}:`.toLowerCase());
      }
    }
  } else if (c.type === 'SAMLUser') {
    const s = c.saml;
    if (s?.subject !== undefined) k.set('saml:sub', s.subject);
    else k.unknown.push('saml:sub');
    if (s?.aud !== undefined) k.set('saml:aud', s.aud);
    else k.unknown.push('saml:aud');
    k.unknown.push('saml:');
  }
}

/** The groups, in the order all are built. */
const KEY_GROUPS: readonly KeyGroup[] = [
  PRINCIPAL_ARN_KEYS,
  PRINCIPAL_ACCOUNT_KEYS,
  PRINCIPAL_SERVICE_KEYS,
  PRINCIPAL_ID_KEYS,
  MFA_KEYS,
  NETWORK_KEYS,
  TIME_KEYS,
  RESOURCE_KEYS,
  REQUEST_KEYS,
  FEDERATED_KEYS,
];

/** Where `FEDERATED_KEYS` is in `KEY_GROUPS`. */
const FEDERATED = KEY_GROUPS.indexOf(FEDERATED_KEYS);

const GROUP_OF_KEY = new Map<string, number>(
  KEY_GROUPS.flatMap((g, i) => g.keys.map((key) => [key, i] as const)),
);

/** The group that sets `lowerKey` (or lists it as not logged); -1: none does (absent). */
function groupOf(lowerKey: string): number {
  const g = GROUP_OF_KEY.get(lowerKey);
  if (g !== undefined) return g;
  for (let i = 0; i < KEY_GROUPS.length; i++) {
    const prefix = (KEY_GROUPS[i] as KeyGroup).prefix;
    if (prefix !== undefined && lowerKey.startsWith(prefix)) return i;
  }
  return -1;
}
