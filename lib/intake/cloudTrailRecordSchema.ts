import { z } from 'zod';

/**
 * The parts of a CloudTrail record that intake reads, validated at the edge.
 * Every field a real record may omit or set to `null` is `nullish`; unknown
 * keys are ignored.
 */
const optString = z.string().nullish();

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
  sessionIssuer: sessionIssuerSchema.nullish(),
  attributes: z
    .object({
      mfaAuthenticated: z.union([z.string(), z.boolean()]).nullish(),
      creationDate: optString,
    })
    .nullish(),
  sourceIdentity: optString,
  webIdFederationData: z
    .object({
      federatedProvider: optString,
      attributes: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
});

export const userIdentitySchema = z.object({
  type: optString,
  principalId: optString,
  arn: optString,
  accountId: optString,
  userName: optString,
  invokedBy: optString,
  identityProvider: optString,
  sessionContext: sessionContextSchema.nullish(),
  onBehalfOf: z.object({ userId: optString, identityStoreArn: optString }).nullish(),
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
  durationSeconds: z.union([z.number(), z.string()]).nullish(),
  tags: z.array(tagSchema).nullish(),
  transitiveTagKeys: z.array(z.string()).nullish(),
  sourceIdentity: optString,
  policyArns: z.array(z.union([z.object({ arn: z.string() }), z.string()])).nullish(),
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
  requestParameters: requestParametersSchema.nullish(),
  resources: z.array(z.object({ ARN: optString, type: optString, accountId: optString })).nullish(),
});
export type DeniedRecordJson = z.infer<typeof deniedRecordSchema>;
