import type { RequestContext, RequestPrincipal } from '../engine/RequestContext.js';
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
 */
export function buildRequestContext(
  event: DenialEvent,
  roleArn: string,
  facts: ContextFacts,
): RequestContext {
  const values: Record<string, string[]> = {};
  // Listed in the order first added; a key that also gets a value is dropped at the end.
  const unknown: string[] = [];
  let candidates: Record<string, (string[] | null)[]> | undefined;
  // Condition keys are case-insensitive: the engine looks them up in lower
  // case. The keys written below are lower case; a key with a tag, claim or
  // provider part is lowered by `setKey`.
  const set = (key: string, v: string | readonly string[] | undefined): void => {
    if (v === undefined) return;
    values[key] = typeof v === 'string' ? [v] : [...v];
  };
  const setKey = (key: string, v: string | readonly string[] | undefined): void =>
    set(key.toLowerCase(), v);
  const c = event.caller;
  const req = event.request;
  const principal = requestPrincipalOf(event);

  // Principal keys.
  const iamArn = c.type === 'AssumedRole' ? c.issuerArn : c.type === 'IAMUser' ? c.arn : c.arn;
  if (iamArn !== undefined && c.type !== 'WebIdentityUser' && c.type !== 'SAMLUser') {
    set('aws:principalarn', iamArn);
  }
  const awsPrincipal =
    c.type !== 'WebIdentityUser' && c.type !== 'SAMLUser' && c.type !== 'AWSService';
  if (awsPrincipal && c.accountId !== undefined) {
    set('aws:principalaccount', c.accountId);
    const org = facts.organization;
    const path = facts.callerOrgPath;
    if (!org.ok || path === undefined || !path.ok) {
      unknown.push('aws:principalorgid');
      unknown.push('aws:principalorgpaths');
    } else if (org.value !== null && path.value !== null) {
      set('aws:principalorgid', org.value.id);
      set('aws:principalorgpaths', path.value.orgPath);
    }
    if (facts.principalTags === undefined) unknown.push('aws:principaltag/');
    else for (const t of facts.principalTags) setKey(`aws:principaltag/${t.key}`, t.value);
    // A role session's principal tags are its role's tags plus the session
    // tags it was created with (AssumeRole tags, SAML/OIDC attributes, IAM
    // Identity Center attributes for access control), which the record does
    // not log: a key the role does not carry may still be a session tag.
    if (c.type === 'AssumedRole') unknown.push('aws:principaltag/');
  }
  if (c.type === 'AWSService') {
    set('aws:principalisawsservice', 'true');
    set('aws:principalservicename', c.invokedBy);
    // The resource the service acts for (confused-deputy conditions) is not logged.
    unknown.push(...SOURCE_KEYS);
  } else {
    set('aws:principalisawsservice', 'false');
  }
  const ptype = PRINCIPAL_TYPE[c.type];
  if (ptype !== undefined) set('aws:principaltype', ptype);
  if (c.type === 'AssumedRole' && c.issuerUniqueId !== undefined) {
    set('aws:userid', `${c.issuerUniqueId}:${c.sessionName ?? ''}`);
  } else if (c.type === 'IAMUser') {
    set('aws:userid', c.principalId);
    set('aws:username', c.userName);
  } else if (c.type === 'Root' && c.accountId !== undefined) {
    set('aws:userid', c.accountId);
  }

  // MFA.
  if (c.mfaAuthenticated !== undefined) {
    set('aws:multifactorauthpresent', c.mfaAuthenticated ? 'true' : 'false');
    if (c.mfaAuthenticated && c.sessionCreatedAt !== undefined) {
      const age = seconds(c.sessionCreatedAt, event.eventTime);
      if (age === undefined) unknown.push('aws:multifactorauthage');
      else set('aws:multifactorauthage', String(age));
    } else if (c.mfaAuthenticated) {
      unknown.push('aws:multifactorauthage');
    }
  } else if (c.type === 'IAMUser' || c.type === 'Root') {
    // Long-term keys: the key exists only when the request itself carried an MFA code.
    if (!req.logged) {
      // Absent, or set by an MFA code sent with this request: never `false`.
      unknown.push('aws:multifactorauthpresent');
      unknown.push('aws:multifactorauthage');
      candidates = {
        'aws:multifactorauthpresent': [null, ['true']],
        'aws:multifactorauthage': [null, ['0']],
      };
    } else if (req.serialNumber !== undefined) {
      set('aws:multifactorauthpresent', 'true');
      set('aws:multifactorauthage', '0');
    }
  } else if (awsPrincipal) {
    unknown.push('aws:multifactorauthpresent');
    unknown.push('aws:multifactorauthage');
  }

  // Network, time, region.
  // Through a VPC endpoint AWS sets `aws:VpcSourceIp`, and `aws:SourceIp` is
  // not in the request context at all (IAM User Guide, global condition keys).
  const ip =
    event.sourceIp !== undefined && /^[0-9a-fA-F:.]+$/.test(event.sourceIp)
      ? event.sourceIp
      : undefined;
  if (event.vpcEndpointId !== undefined) {
    set('aws:sourcevpce', event.vpcEndpointId);
    if (ip !== undefined) set('aws:vpcsourceip', ip);
  } else if (ip !== undefined) {
    set('aws:sourceip', ip);
  } else if (event.sourceIp === undefined) {
    unknown.push('aws:sourceip');
  }
  if (event.vpcEndpointId !== undefined) {
    // Set for requests through a VPC endpoint, and not logged.
    unknown.push(...VPCE_KEYS);
  }
  // "Always included in the request context" (IAM UG, global condition keys).
  if (event.userAgent !== undefined) set('aws:useragent', event.userAgent);
  else unknown.push('aws:useragent');
  // Temporary credentials carry their issue time: the caller's session creation.
  if (c.sessionCreatedAt !== undefined && !Number.isNaN(Date.parse(c.sessionCreatedAt))) {
    set('aws:tokenissuetime', c.sessionCreatedAt);
  } else if (c.type === 'AssumedRole' || c.type === 'FederatedUser') {
    unknown.push('aws:tokenissuetime');
  }
  const t = Date.parse(event.eventTime);
  if (!Number.isNaN(t)) {
    // toISOString always ends in `.sssZ`; the key has whole seconds.
    set('aws:currenttime', `${new Date(t).toISOString().slice(0, -5)}Z`);
    set('aws:epochtime', String(Math.floor(t / 1000)));
  } else {
    unknown.push('aws:currenttime');
    unknown.push('aws:epochtime');
  }
  // A call an AWS service made on the caller's behalf shows the service as its source.
  const viaService =
    c.type !== 'AWSService' &&
    event.sourceIp !== undefined &&
    /\.amazonaws\.com$/i.test(event.sourceIp);
  set('aws:viaawsservice', viaService ? 'true' : 'false');
  if (viaService && event.sourceIp !== undefined) set('aws:calledvia', event.sourceIp);
  set('aws:requestedregion', event.awsRegion);
  set('aws:securetransport', 'true');
  if (c.sessionSourceIdentity !== undefined) set('aws:sourceidentity', c.sessionSourceIdentity);

  // The role being assumed is the request's resource: its account and tags
  // (ABAC on role assumption: `aws:ResourceTag/team` = `${aws:PrincipalTag/team}`).
  const resourceAccount = /^arn:[\w-]+:iam::(\d{12}):/.exec(roleArn)?.[1];
  if (resourceAccount !== undefined) set('aws:resourceaccount', resourceAccount);
  if (facts.resourceTags === undefined) unknown.push('aws:resourcetag/');
  else for (const t of facts.resourceTags) setKey(`aws:resourcetag/${t.key}`, t.value);
  // Data-perimeter policies compare the role's organization (`aws:ResourceOrgID`).
  // An account outside our organization may be in another one: unknown.
  const rorg = facts.resourceOrgPath;
  if (
    facts.organization.ok &&
    facts.organization.value !== null &&
    rorg?.ok === true &&
    rorg.value !== null
  ) {
    set('aws:resourceorgid', facts.organization.value.id);
    set('aws:resourceorgpaths', rorg.value.orgPath);
  } else {
    unknown.push('aws:resourceorgid');
    unknown.push('aws:resourceorgpaths');
  }

  // Request parameters.
  if (req.logged) {
    set('sts:rolesessionname', req.roleSessionName);
    set('sts:externalid', req.externalId);
    if (req.sourceIdentity !== undefined) {
      set('sts:sourceidentity', req.sourceIdentity);
      if (c.sessionSourceIdentity === undefined) set('aws:sourceidentity', req.sourceIdentity);
    }
    if (req.tags !== undefined && req.tags.length > 0) {
      for (const tag of req.tags) setKey(`aws:requesttag/${tag.key}`, tag.value);
      set(
        'aws:tagkeys',
        req.tags.map((tag) => tag.key),
      );
    }
    if (req.transitiveTagKeys !== undefined && req.transitiveTagKeys.length > 0) {
      set('sts:transitivetagkeys', req.transitiveTagKeys);
    }
  } else {
    unknown.push(...REQUEST_PARAMETER_KEYS);
    if (c.sessionSourceIdentity === undefined) unknown.push('aws:sourceidentity');
  }
  if (c.type === 'AssumedRole' && c.sessionName !== undefined && req.logged === false) {
    // The caller's own session name is known; the new session's name is not.
  }

  // Federated claims.
  if (c.type === 'WebIdentityUser') {
    const w = c.webIdentity;
    if (w?.providerArn !== undefined) set('aws:federatedprovider', w.providerArn);
    const host = w?.provider;
    if (host !== undefined) {
      if (w?.sub !== undefined) setKey(`${host}:sub`, w.sub);
      else unknown.push(`${host}:sub`.toLowerCase());
      if (w?.aud !== undefined) setKey(`${host}:aud`, w.aud);
      else unknown.push(`${host}:aud`.toLowerCase());
      if (w?.claims !== undefined) {
        // The token itself was read: every claim is known, a missing one absent.
        for (const [claim, v] of Object.entries(w.claims)) setKey(`${host}:${claim}`, v);
      } else {
        unknown.push(`${host}:amr`.toLowerCase());
        unknown.push(`${host}:`.toLowerCase());
      }
    }
  } else if (c.type === 'SAMLUser') {
    const s = c.saml;
    if (s?.subject !== undefined) set('saml:sub', s.subject);
    else unknown.push('saml:sub');
    if (s?.aud !== undefined) set('saml:aud', s.aud);
    else unknown.push('saml:aud');
    unknown.push('saml:');
  }

  const unknownKeys = unknown.filter((k, i) => !(k in values) && unknown.indexOf(k) === i);
  const context = { principal, action: actionOf(event), resource: roleArn, values, unknownKeys };
  return candidates === undefined ? context : { ...context, candidates };
}
