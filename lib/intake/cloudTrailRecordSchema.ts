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

const tagSchema = z.union([
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
