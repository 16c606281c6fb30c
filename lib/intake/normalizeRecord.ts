import {
  accountIdOfArn,
  parseIamPrincipalArn,
  parseRoleArn,
  parseSessionArn,
} from '../iam/parseIamArn.js';
import type { Draft } from '../validation/Draft.js';
import { describeZodIssue, joinPath, zodIssuePath } from '../validation/jsonPath.js';
import {
  type DeniedRecordJson,
  deniedRecordSchema,
  isDeniedRecord,
  isRecordHead,
  type RecordHeadJson,
  type RequestParametersJson,
  recordHeadSchema,
  type TagJson,
  type UserIdentityJson,
} from './cloudTrailRecordSchema.js';
import {
  ASSUME_ROLE_EVENT_NAMES,
  type AssumeRoleEventName,
  type Caller,
  type CallerType,
  type DenialEvent,
  type ParsedErrorMessage,
  type RequestInputs,
  type RoleArnSource,
  type SamlCaller,
  type SessionTag,
  type SkippedRecord,
  type WebIdentityCaller,
} from './DenialEvent.js';
import { parseErrorMessage } from './parseErrorMessage.js';

/**
 * An `AssumeRoleWithWebIdentity` that STS rejected with `InvalidIdentityToken`
 * because of the account's IAM setup, which trustwatch explains like a denial:
 * no OIDC provider for the issuer ("No OpenIDConnect provider found in your
 * account", `OIDC_PROVIDER_NOT_TRUSTED`) or an audience missing from the
 * provider's client ids ("Incorrect token audience", `OIDC_CLAIM_MISMATCH`).
 * Other token rejections (expired, unverifiable) stay skipped.
 */
function isIamSideTokenRejection(eventName: string, errorCode: string, record: unknown): boolean {
  if (eventName !== 'AssumeRoleWithWebIdentity' || !/^InvalidIdentityToken/.test(errorCode))
    return false;
  const message = (record as { errorMessage?: unknown }).errorMessage;
  if (typeof message !== 'string') return false;
  const kind = parseErrorMessage(message).kind;
  return kind === 'oidc-provider-missing' || kind === 'oidc-audience-rejected';
}

/** `errorCode` values that mean "the authorization check said no". */
export const DENIAL_ERROR_CODES: readonly string[] = [
  'AccessDenied',
  'AccessDeniedException',
  'Client.AccessDenied',
];

const CALLER_TYPES: readonly CallerType[] = [
  'IAMUser',
  'AssumedRole',
  'Root',
  'FederatedUser',
  'WebIdentityUser',
  'SAMLUser',
  'AWSService',
  'AWSAccount',
  'IdentityCenterUser',
];

/** Where a record was found; kept as given in the event or skipped record read from it. */
export interface RecordOrigin {
  readonly file?: string;
  readonly path: string;
}

export type NormalizedRecord =
  | { readonly ok: true; readonly event: DenialEvent }
  | { readonly ok: false; readonly skipped: SkippedRecord };

function skip(origin: RecordOrigin, reason: string, eventId?: string): NormalizedRecord {
  return {
    ok: false,
    skipped: eventId === undefined ? { reason, origin } : { eventId, reason, origin },
  };
}

function str(v: string | null | undefined): string | undefined {
  return v === null || v === undefined ? undefined : v;
}

function isAssumeRoleEventName(name: string): name is AssumeRoleEventName {
  return (ASSUME_ROLE_EVENT_NAMES as readonly string[]).includes(name);
}

function mfaState(v: string | boolean | null | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}

const OIDC_PROVIDER_ARN = /^(arn:aws[\w-]*:iam::\d{12}:oidc-provider\/[^:\s]+)/;

/** The issuer host a trust policy names in condition keys: the part after `oidc-provider/`, or the bare provider. */
function providerHost(provider: string): string {
  const i = provider.indexOf(':oidc-provider/');
  if (provider.startsWith('arn:') && i >= 0) return provider.slice(i + ':oidc-provider/'.length);
  return provider.replace(/^https?:\/\//, '');
}

/**
 * Web identity: `principalId` is `<provider>:<aud>:<sub>`; both the provider
 * ARN and the sub contain colons, so the sub is taken from `userName` when it
 * is the end of `principalId`, and the aud is what lies between.
 */
function webIdentityOf(ui: UserIdentityJson): Caller['webIdentity'] {
  const principalId = str(ui.principalId);
  const userName = str(ui.userName);
  const federated = str(ui.sessionContext?.webIdFederationData?.federatedProvider);
  let provider = str(ui.identityProvider) ?? federated;
  if (provider === undefined && principalId !== undefined) {
    provider = OIDC_PROVIDER_ARN.exec(principalId)?.[1];
  }
  let aud: string | undefined;
  let sub: string | undefined;
  if (
    principalId !== undefined &&
    provider !== undefined &&
    principalId.startsWith(`${provider}:`)
  ) {
    const rest = principalId.slice(provider.length + 1);
    if (userName !== undefined && rest.endsWith(`:${userName}`)) {
      aud = rest.slice(0, rest.length - userName.length - 1);
      sub = userName;
    } else {
      const colon = rest.indexOf(':');
      aud = colon < 0 ? rest : rest.slice(0, colon);
      sub = colon < 0 ? userName : rest.slice(colon + 1);
    }
  } else {
    sub = userName;
  }
  const web: Draft<WebIdentityCaller> = {};
  if (provider?.startsWith('arn:')) web.providerArn = provider;
  if (provider !== undefined) web.provider = providerHost(provider);
  if (aud !== undefined && aud !== '') web.aud = aud;
  if (sub !== undefined) web.sub = sub;
  return web;
}

function samlOf(
  ui: UserIdentityJson,
  params: RequestParametersJson | null | undefined,
): Caller['saml'] {
  const idp = str(ui.identityProvider);
  const providerArn = idp?.startsWith('arn:') ? idp : params?.principalArn;
  const saml: Draft<SamlCaller> = {};
  if (providerArn != null) saml.providerArn = providerArn;
  if (ui.userName != null) saml.subject = ui.userName;
  return saml;
}

function buildCaller(
  ui: UserIdentityJson,
  params: RequestParametersJson | null | undefined,
): Caller {
  const rawType = str(ui.type);
  const type: CallerType =
    rawType !== undefined && (CALLER_TYPES as readonly string[]).includes(rawType)
      ? (rawType as CallerType)
      : 'Unknown';
  const caller: Draft<Caller> = { type };
  const arn = str(ui.arn);
  if (arn !== undefined) caller.arn = arn;
  const accountId = ui.accountId ?? (arn === undefined ? undefined : accountIdOfArn(arn));
  if (accountId !== undefined) caller.accountId = accountId;
  if (ui.principalId != null) caller.principalId = ui.principalId;
  if (ui.userName != null) caller.userName = ui.userName;
  const issuer = ui.sessionContext?.sessionIssuer;
  if (issuer?.arn != null) caller.issuerArn = issuer.arn;
  if (issuer?.type != null) caller.issuerType = issuer.type;
  if (issuer?.principalId != null) caller.issuerUniqueId = issuer.principalId;
  const session = arn === undefined ? undefined : parseSessionArn(arn);
  if (session?.kind === 'assumed-role' && session.sessionName !== undefined) {
    caller.sessionName = session.sessionName;
  }
  const attributes = ui.sessionContext?.attributes;
  const mfaAuthenticated = mfaState(attributes?.mfaAuthenticated);
  if (mfaAuthenticated !== undefined) caller.mfaAuthenticated = mfaAuthenticated;
  if (attributes?.creationDate != null) caller.sessionCreatedAt = attributes.creationDate;
  const sourceIdentity = ui.sessionContext?.sourceIdentity;
  if (sourceIdentity != null) caller.sessionSourceIdentity = sourceIdentity;
  if (type === 'WebIdentityUser') caller.webIdentity = webIdentityOf(ui);
  if (type === 'SAMLUser') caller.saml = samlOf(ui, params);
  if (ui.invokedBy != null) caller.invokedBy = ui.invokedBy;
  return caller;
}

/**
 * A record whose `userIdentity` does not say who called (type `AWSAccount` or
 * `Unknown`, or an `AssumedRole` without its ARN, as trimmed SIEM exports
 * give) still names the caller in AWS's message (`User: <arn> is not
 * authorized…`): a session or IAM user ARN there fills the gap. The role of
 * a session (with its path) is then looked up by name in the snapshot.
 */
function fillCallerFromMessage(caller: Caller, principalArn: string | undefined): Caller {
  if (principalArn === undefined) return caller;
  const unnamed =
    caller.type === 'AWSAccount' ||
    caller.type === 'Unknown' ||
    (caller.type === 'AssumedRole' && caller.arn === undefined);
  return unnamed ? callerFromMessage(caller, principalArn) : caller;
}

/** An unnamed caller completed from the principal ARN of AWS's message, when it names one. */
function callerFromMessage(caller: Caller, principalArn: string): Caller {
  const session = parseSessionArn(principalArn);
  if (session?.kind === 'assumed-role') {
    const roleId = caller.principalId?.split(':')[0];
    const filled: Draft<Caller> = {
      ...caller,
      type: 'AssumedRole',
      arn: principalArn,
      accountId: session.accountId,
    };
    if (session.sessionName !== undefined) filled.sessionName = session.sessionName;
    if (caller.issuerUniqueId === undefined && roleId?.startsWith('AROA')) {
      filled.issuerUniqueId = roleId;
    }
    return filled;
  }
  const user = parseIamPrincipalArn(principalArn);
  if (user?.resourceType === 'user' && caller.type !== 'AssumedRole') {
    return {
      ...caller,
      type: 'IAMUser',
      arn: principalArn,
      accountId: user.accountId,
      userName: user.name,
    };
  }
  return caller;
}

/** Whether `tagSchema`'s first shape fits: zod's union keeps the first shape that does. */
function isLowerCaseTag(t: TagJson): t is { key: string; value: string } {
  const { key, value } = t as { key?: unknown; value?: unknown };
  return typeof key === 'string' && typeof value === 'string';
}

function sessionTag(t: TagJson): SessionTag {
  return isLowerCaseTag(t) ? { key: t.key, value: t.value } : { key: t.Key, value: t.Value };
}

/** The request of a record that logged no parameters (one object: events never change). */
const NOT_LOGGED: RequestInputs = { logged: false };

function buildRequest(params: RequestParametersJson | null | undefined): RequestInputs {
  return params === null || params === undefined ? NOT_LOGGED : loggedRequest(params);
}

function loggedRequest(params: RequestParametersJson): RequestInputs {
  const request: Draft<RequestInputs> = { logged: true };
  if (params.roleSessionName != null) request.roleSessionName = params.roleSessionName;
  if (params.externalId != null) request.externalId = params.externalId;
  if (params.serialNumber != null) request.serialNumber = params.serialNumber;
  const duration =
    typeof params.durationSeconds === 'string'
      ? Number(params.durationSeconds)
      : params.durationSeconds;
  if (duration != null && !Number.isNaN(duration)) request.durationSeconds = duration;
  if (params.tags != null) request.tags = params.tags.map(sessionTag);
  if (params.transitiveTagKeys != null) request.transitiveTagKeys = params.transitiveTagKeys;
  if (params.sourceIdentity != null) request.sourceIdentity = params.sourceIdentity;
  if (params.policyArns != null) {
    request.policyArns = params.policyArns.map((p) => (typeof p === 'string' ? p : p.arn));
  }
  if (params.policy != null) request.policy = params.policy;
  if (params.providerId != null) request.providerId = params.providerId;
  if (params.principalArn != null) request.principalArn = params.principalArn;
  return request;
}

/** The target a role ARN names, taken apart; `undefined` for no ARN or another kind of ARN. */
function roleArnTarget(
  arn: string | null | undefined,
  source: RoleArnSource,
): DenialEvent['target'] | undefined {
  if (arn === null || arn === undefined) return undefined;
  const parts = parseRoleArn(arn);
  if (parts === undefined) return undefined;
  return {
    roleArn: arn,
    accountId: parts.accountId,
    roleName: parts.name,
    rolePath: parts.path,
    source,
  };
}

/** The first role ARN of the request, the message, then the record's `resources`. */
function buildTarget(record: DeniedRecordJson, message: ParsedErrorMessage): DenialEvent['target'] {
  const target =
    roleArnTarget(record.requestParameters?.roleArn, 'requestParameters') ??
    roleArnTarget(message.resourceArn, 'errorMessage');
  if (target !== undefined) return target;
  const resources = record.resources ?? [];
  for (let i = 0; i < resources.length; i++) {
    const inResources = roleArnTarget(resources[i]?.ARN, 'resources');
    if (inResources !== undefined) return inResources;
  }
  return { source: 'none' };
}

/**
 * One CloudTrail record → a `DenialEvent`, or a `SkippedRecord` saying why
 * not. Never throws: a malformed record is skipped with the JSON path of what
 * is wrong.
 */
export function normalizeRecord(
  record: unknown,
  origin: RecordOrigin,
  fallbackEventId?: string,
): NormalizedRecord {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return skip(origin, `\`${origin.path || '$'}\`: expected a cloudtrail record object`);
  }
  // One validation pass for a well-formed record: its head is read as it
  // stands, and zod is asked about the head only to word what is wrong.
  const fields = record as Record<string, unknown>;
  let h: RecordHeadJson = {};
  if (isRecordHead(fields)) h = fields;
  else {
    const head = recordHeadSchema.safeParse(record);
    if (head.success) h = head.data;
    else {
      const issue = head.error.issues[0];
      if (issue !== undefined) {
        return skip(
          origin,
          `\`${zodIssuePath(origin.path, issue)}\`: ${describeZodIssue(issue, record)}`,
          fallbackEventId,
        );
      }
    }
  }
  const eventId = str(h.eventID) ?? fallbackEventId;
  const eventSource = str(h.eventSource);
  const eventName = str(h.eventName);
  if (eventSource !== 'sts.amazonaws.com') {
    const what = eventSource === undefined ? 'no eventSource' : `eventSource \`${eventSource}\``;
    return skip(origin, `not an sts call (${what})`, eventId);
  }
  if (eventName === undefined || !isAssumeRoleEventName(eventName)) {
    const what = eventName === undefined ? 'no eventName' : `\`${eventName}\``;
    return skip(origin, `not a role assumption (${what})`, eventId);
  }
  const errorCode = str(h.errorCode);
  if (errorCode === undefined)
    return skip(origin, `not denied (\`${eventName}\` succeeded)`, eventId);
  if (
    !DENIAL_ERROR_CODES.includes(errorCode) &&
    !isIamSideTokenRejection(eventName, errorCode, record)
  ) {
    return skip(origin, `not denied by a policy (errorCode \`${errorCode}\`)`, eventId);
  }

  // A well-formed record is read as it stands; zod words what is wrong with
  // the others (and would read one the guard is too strict for).
  let r: DeniedRecordJson;
  if (isDeniedRecord(record)) r = record;
  else {
    const parsed = deniedRecordSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const detail =
        issue === undefined
          ? 'malformed record'
          : `\`${zodIssuePath(origin.path, issue)}\`: ${describeZodIssue(issue, record)}`;
      return skip(origin, `denied \`${eventName}\` cannot be read: ${detail}`, eventId);
    }
    r = parsed.data;
  }
  if (eventId === undefined) {
    return skip(
      origin,
      `denied \`${eventName}\` cannot be read: \`${joinPath(origin.path, 'eventID')}\`: missing required key`,
    );
  }
  const errorMessage = parseErrorMessage(str(r.errorMessage));
  const event: Draft<DenialEvent> = {
    eventId,
    eventName,
    eventTime: r.eventTime,
    errorCode,
    errorMessage,
    caller: fillCallerFromMessage(
      buildCaller(r.userIdentity, r.requestParameters),
      errorMessage.principalArn,
    ),
    target: buildTarget(r, errorMessage),
    request: buildRequest(r.requestParameters),
    origin,
  };
  if (r.awsRegion != null) event.awsRegion = r.awsRegion;
  if (r.recipientAccountId != null) event.recordedInAccount = r.recipientAccountId;
  if (r.sourceIPAddress != null) event.sourceIp = r.sourceIPAddress;
  if (r.userAgent != null) event.userAgent = r.userAgent;
  if (r.vpcEndpointId != null) event.vpcEndpointId = r.vpcEndpointId;
  return { ok: true, event };
}
