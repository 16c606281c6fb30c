import * as z from '../validation/z.js';

/**
 * The parts of a CloudTrail record that intake reads, validated at the edge.
 * Every field a real record may omit or set to `null` is `nullish`; unknown
 * keys are ignored.
 */
const optString = z.nullish(z.string());

/** First pass: enough to decide whether the record is a denied role assumption. */
export const recordHeadSchema = z.object({
  eventID: optString,
  eventSource: optString,
  eventName: optString,
  errorCode: optString,
});
export type RecordHeadJson = z.infer<typeof recordHeadSchema>;

const sessionIssuerSchema = z.object({
  type: optString,
  principalId: optString,
  arn: optString,
  accountId: optString,
  userName: optString,
});

const sessionContextSchema = z.object({
  sessionIssuer: z.nullish(sessionIssuerSchema),
  attributes: z.nullish(
    z.object({
      mfaAuthenticated: z.nullish(z.union([z.string(), z.boolean()])),
      creationDate: optString,
    }),
  ),
  sourceIdentity: optString,
  webIdFederationData: z.nullish(
    z.object({
      federatedProvider: optString,
      attributes: z.nullish(z.record(z.string(), z.unknown())),
    }),
  ),
});

export const userIdentitySchema = z.object({
  type: optString,
  principalId: optString,
  arn: optString,
  accountId: optString,
  userName: optString,
  invokedBy: optString,
  identityProvider: optString,
  sessionContext: z.nullish(sessionContextSchema),
  onBehalfOf: z.nullish(z.object({ userId: optString, identityStoreArn: optString })),
});
export type UserIdentityJson = z.infer<typeof userIdentitySchema>;

export const tagSchema = z.union([
  z.object({ key: z.string(), value: z.string() }),
  z.object({ Key: z.string(), Value: z.string() }),
]);

export const requestParametersSchema = z.object({
  roleArn: optString,
  roleSessionName: optString,
  externalId: optString,
  serialNumber: optString,
  durationSeconds: z.nullish(z.union([z.number(), z.string()])),
  tags: z.nullish(z.array(tagSchema)),
  transitiveTagKeys: z.nullish(z.array(z.string())),
  sourceIdentity: optString,
  policyArns: z.nullish(z.array(z.union([z.object({ arn: z.string() }), z.string()]))),
  policy: optString,
  providerId: optString,
  principalArn: optString,
});
export type TagJson = z.infer<typeof tagSchema>;
export type RequestParametersJson = z.infer<typeof requestParametersSchema>;

/** Second pass: a denied `AssumeRole*` record, with the fields intake needs. */
export const deniedRecordSchema = z.object({
  eventID: optString,
  eventTime: z.string(),
  awsRegion: optString,
  recipientAccountId: optString,
  sourceIPAddress: optString,
  userAgent: optString,
  vpcEndpointId: optString,
  errorMessage: optString,
  userIdentity: userIdentitySchema,
  requestParameters: z.nullish(requestParametersSchema),
  resources: z.nullish(
    z.array(z.object({ ARN: optString, type: optString, accountId: optString })),
  ),
});
export type DeniedRecordJson = z.infer<typeof deniedRecordSchema>;

/*
 * The same judgement without zod's machinery, for intake's hot path: a
 * record these checks accept is read as it stands (no copy, no issue
 * bookkeeping); one they reject goes to `deniedRecordSchema.safeParse`, which
 * words the first issue. They mirror the schemas above field by field, and
 * test/unit/intake/recordGuard.test.ts proves on generated records that they
 * accept exactly what the schema accepts, and that the event read from the
 * record as it stands equals the one read from zod's output.
 */

type JsonObject = Readonly<Record<string, unknown>>;

/** `z.object`: any non-null, non-array object (unknown keys ignored). */
function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `optString`. */
function isOptString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

/** `z.nullish(z.object(…))`: absent, null, or an object that `isShape` accepts. */
function isOptObject(v: unknown, isShape: (o: JsonObject) => boolean): boolean {
  return v === undefined || v === null || (isObject(v) && isShape(v));
}

/** `z.nullish(z.array(…))`: every index, as zod reads it (a hole is `undefined`). */
function isOptArrayOf(v: unknown, isElement: (e: unknown) => boolean): boolean {
  if (v === undefined || v === null) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!isElement(v[i])) return false;
  return true;
}

/** `z.number()`: finite (zod 4 rejects `NaN` and `±Infinity`). */
function isNumber(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * `z.record(z.string(), z.unknown())`: zod's own plain-object test; an object
 * with symbol keys (never JSON) is left to zod.
 */
function isStringRecord(v: unknown): boolean {
  return z.util.isPlainObject(v) && Object.getOwnPropertySymbols(v).length === 0;
}

const isSessionIssuer = (o: JsonObject): boolean =>
  isOptString(o.type) &&
  isOptString(o.principalId) &&
  isOptString(o.arn) &&
  isOptString(o.accountId) &&
  isOptString(o.userName);

const isSessionAttributes = (o: JsonObject): boolean =>
  (isOptString(o.mfaAuthenticated) || typeof o.mfaAuthenticated === 'boolean') &&
  isOptString(o.creationDate);

const isWebIdFederationData = (o: JsonObject): boolean =>
  isOptString(o.federatedProvider) &&
  (o.attributes === undefined || o.attributes === null || isStringRecord(o.attributes));

const isSessionContext = (o: JsonObject): boolean =>
  isOptObject(o.sessionIssuer, isSessionIssuer) &&
  isOptObject(o.attributes, isSessionAttributes) &&
  isOptString(o.sourceIdentity) &&
  isOptObject(o.webIdFederationData, isWebIdFederationData);

const isOnBehalfOf = (o: JsonObject): boolean =>
  isOptString(o.userId) && isOptString(o.identityStoreArn);

const isUserIdentity = (o: JsonObject): boolean =>
  isOptString(o.type) &&
  isOptString(o.principalId) &&
  isOptString(o.arn) &&
  isOptString(o.accountId) &&
  isOptString(o.userName) &&
  isOptString(o.invokedBy) &&
  isOptString(o.identityProvider) &&
  isOptObject(o.sessionContext, isSessionContext) &&
  isOptObject(o.onBehalfOf, isOnBehalfOf);

/** `tagSchema`: one of the two shapes, each with both keys strings. */
const isTag = (t: unknown): boolean =>
  isObject(t) &&
  ((typeof t.key === 'string' && typeof t.value === 'string') ||
    (typeof t.Key === 'string' && typeof t.Value === 'string'));

const isPolicyArn = (p: unknown): boolean =>
  typeof p === 'string' || (isObject(p) && typeof p.arn === 'string');

const isString = (s: unknown): boolean => typeof s === 'string';

const isRequestParameters = (o: JsonObject): boolean =>
  isOptString(o.roleArn) &&
  isOptString(o.roleSessionName) &&
  isOptString(o.externalId) &&
  isOptString(o.serialNumber) &&
  (isOptString(o.durationSeconds) || isNumber(o.durationSeconds)) &&
  isOptArrayOf(o.tags, isTag) &&
  isOptArrayOf(o.transitiveTagKeys, isString) &&
  isOptString(o.sourceIdentity) &&
  isOptArrayOf(o.policyArns, isPolicyArn) &&
  isOptString(o.policy) &&
  isOptString(o.providerId) &&
  isOptString(o.principalArn);

const isResource = (r: unknown): boolean =>
  isObject(r) && isOptString(r.ARN) && isOptString(r.type) && isOptString(r.accountId);

/** True when `recordHeadSchema` accepts `record`: its head fields are strings or absent. */
export function isRecordHead(record: JsonObject): record is RecordHeadJson {
  return (
    isOptString(record.eventID) &&
    isOptString(record.eventSource) &&
    isOptString(record.eventName) &&
    isOptString(record.errorCode)
  );
}

/**
 * True when `deniedRecordSchema` accepts `record`; then the record itself is
 * read as the `DeniedRecordJson` (zod's output differs only by the unknown
 * keys it drops: a tag carrying both shapes is read as zod reads it, see
 * `normalizeRecord`'s `sessionTag`).
 */
export function isDeniedRecord(record: unknown): record is DeniedRecordJson {
  return (
    isObject(record) &&
    isOptString(record.eventID) &&
    typeof record.eventTime === 'string' &&
    isOptString(record.awsRegion) &&
    isOptString(record.recipientAccountId) &&
    isOptString(record.sourceIPAddress) &&
    isOptString(record.userAgent) &&
    isOptString(record.vpcEndpointId) &&
    isOptString(record.errorMessage) &&
    isObject(record.userIdentity) &&
    isUserIdentity(record.userIdentity) &&
    isOptObject(record.requestParameters, isRequestParameters) &&
    isOptArrayOf(record.resources, isResource)
  );
}
