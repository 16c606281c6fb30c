import {
  accountIdOfArn,
  parseIamPrincipalArn,
  parseRoleArn,
  parseSessionArn,
} from '../iam/parseIamArn.js';
import { describeZodIssue, joinPath, zodIssuePath } from '../validation/jsonPath.js';
import {
  type DeniedRecordJson,
  deniedRecordSchema,
  isDeniedRecord,
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
  type SessionTag,
  type SkippedRecord,
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
    skipped: { ...(eventId === undefined ? {} : { eventId }), reason, origin: { ...origin } },
  };
}

/** `obj` without its `undefined` and `null` fields (a copy; `for…in` allocates no entry pairs). */
function defined<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const k in obj) {
    const v = obj[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out as T;
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
  const providerArn = provider?.startsWith('arn:') ? provider : undefined;
  return defined({
    providerArn,
    provider: provider === undefined ? undefined : providerHost(provider),
    aud: aud === '' ? undefined : aud,
    sub,
  });
}

function samlOf(
  ui: UserIdentityJson,
  params: RequestParametersJson | null | undefined,
): Caller['saml'] {
  const idp = str(ui.identityProvider);
  const providerArn = idp?.startsWith('arn:') ? idp : str(params?.principalArn);
  return defined({ providerArn, subject: str(ui.userName) });
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
  const arn = str(ui.arn);
  const issuer = ui.sessionContext?.sessionIssuer ?? undefined;
  const attributes = ui.sessionContext?.attributes ?? undefined;
  const session = arn === undefined ? undefined : parseSessionArn(arn);
  return defined<Caller>({
    type,
    arn,
    accountId: str(ui.accountId) ?? (arn === undefined ? undefined : accountIdOfArn(arn)),
    principalId: str(ui.principalId),
    userName: str(ui.userName),
    issuerArn: str(issuer?.arn),
    issuerType: str(issuer?.type),
    issuerUniqueId: str(issuer?.principalId),
    sessionName: session?.kind === 'assumed-role' ? session.sessionName : undefined,
    mfaAuthenticated: mfaState(attributes?.mfaAuthenticated),
    sessionCreatedAt: str(attributes?.creationDate),
    sessionSourceIdentity: str(ui.sessionContext?.sourceIdentity),
    webIdentity: type === 'WebIdentityUser' ? webIdentityOf(ui) : undefined,
    saml: type === 'SAMLUser' ? samlOf(ui, params) : undefined,
    invokedBy: str(ui.invokedBy),
  });
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
  if (!unnamed) return caller;
  const session = parseSessionArn(principalArn);
  if (session?.kind === 'assumed-role') {
    const roleId = caller.principalId?.split(':')[0];
    return defined<Caller>({
      ...caller,
      type: 'AssumedRole',
      arn: principalArn,
      accountId: session.accountId,
      sessionName: session.sessionName,
      issuerUniqueId: caller.issuerUniqueId ?? (roleId?.startsWith('AROA') ? roleId : undefined),
    });
  }
  const user = parseIamPrincipalArn(principalArn);
  if (user?.resourceType === 'user' && caller.type !== 'AssumedRole') {
    return defined<Caller>({
      ...caller,
      type: 'IAMUser',
      arn: principalArn,
      accountId: user.accountId,
      userName: user.name,
    });
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

function buildRequest(params: RequestParametersJson | null | undefined): RequestInputs {
  if (params === null || params === undefined) return { logged: false };
  const duration =
    typeof params.durationSeconds === 'string'
      ? Number(params.durationSeconds)
      : params.durationSeconds;
  return defined<RequestInputs>({
    logged: true,
    roleSessionName: str(params.roleSessionName),
    externalId: str(params.externalId),
    serialNumber: str(params.serialNumber),
    durationSeconds:
      duration === null || duration === undefined || Number.isNaN(duration) ? undefined : duration,
    tags: params.tags?.map(sessionTag),
    transitiveTagKeys: params.transitiveTagKeys ?? undefined,
    sourceIdentity: str(params.sourceIdentity),
    policyArns: params.policyArns?.map((p) => (typeof p === 'string' ? p : p.arn)),
    policy: str(params.policy),
    providerId: str(params.providerId),
    principalArn: str(params.principalArn),
  });
}

function buildTarget(record: DeniedRecordJson, message: ParsedErrorMessage): DenialEvent['target'] {
  const candidates: { arn: string | undefined; source: RoleArnSource }[] = [
    { arn: str(record.requestParameters?.roleArn), source: 'requestParameters' },
    { arn: message.resourceArn, source: 'errorMessage' },
    ...(record.resources ?? []).map((r) => ({ arn: str(r.ARN), source: 'resources' as const })),
  ];
  for (const { arn, source } of candidates) {
    if (arn === undefined) continue;
    const parts = parseRoleArn(arn);
    if (parts === undefined) continue;
    return {
      roleArn: arn,
      accountId: parts.accountId,
      roleName: parts.name,
      rolePath: parts.path,
      source,
    };
  }
  return { source: 'none' };
}

type HeadFields = Partial<Record<(typeof HEAD_KEYS)[number], string | null>>;
const HEAD_KEYS = ['eventID', 'eventSource', 'eventName', 'errorCode'] as const;

/** The head fields are strings or absent: what `recordHeadSchema` accepts. */
function wellFormedHead(record: Record<string, unknown>): boolean {
  return HEAD_KEYS.every((k) => {
    const v = record[k];
    return v === undefined || v === null || typeof v === 'string';
  });
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
  const head = wellFormedHead(record as Record<string, unknown>)
    ? { success: true as const, data: record as HeadFields }
    : recordHeadSchema.safeParse(record);
  if (!head.success) {
    const issue = head.error.issues[0];
    if (issue !== undefined) {
      return skip(
        origin,
        `\`${zodIssuePath(origin.path, issue)}\`: ${describeZodIssue(issue, record)}`,
        fallbackEventId,
      );
    }
  }
  const h = head.success ? head.data : {};
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
  const event: DenialEvent = defined<DenialEvent>({
    eventId,
    eventName,
    eventTime: r.eventTime,
    awsRegion: str(r.awsRegion),
    recordedInAccount: str(r.recipientAccountId),
    sourceIp: str(r.sourceIPAddress),
    userAgent: str(r.userAgent),
    vpcEndpointId: str(r.vpcEndpointId),
    errorCode,
    errorMessage,
    caller: fillCallerFromMessage(
      buildCaller(r.userIdentity, r.requestParameters),
      errorMessage.principalArn,
    ),
    target: buildTarget(r, errorMessage),
    request: buildRequest(r.requestParameters),
    origin: defined({ file: origin.file, path: origin.path }),
  });
  return { ok: true, event };
}
