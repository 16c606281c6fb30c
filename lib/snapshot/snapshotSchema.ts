import * as z from '../validation/z.js';

/**
 * zod schema of the snapshot file (`shared/spec/snapshot.md`, version 1).
 * Policy documents are `unknown` here: they are parsed afterwards by
 * `parsePolicyDocument` with their exact JSON path. Unknown keys are ignored
 * (zod strips them); optional lists default to empty.
 */
const optString = z.nullish(z.string());

/** An ISO 8601 time as the AWS CLI prints it; anything `Date` cannot read is rejected here, not later. */
const optTime = z.nullish(
  z.string().check(
    z.refine((v) => !Number.isNaN(Date.parse(v)), {
      error: (iss) => `\`${String(iss.input)}\` is not a date and time (expected ISO 8601)`,
    }),
  ),
);

const accountId = z.string().check(
  z.refine((v) => /^\d{12}$/.test(v), {
    error: (iss) => `\`${String(iss.input)}\` is not a 12-digit account id`,
  }),
);
const list = <T extends z.ZodMiniType>(item: T) => z.nullish(z.array(item));

/** A key whose value may be anything but must be present (and not `null`). */
const required = () =>
  z.unknown().check(
    z.refine((v) => v !== undefined && v !== null, {
      message: 'missing required key',
    }),
  );

const tagSchema = z.object({ Key: z.string(), Value: z.string() });

const inlinePolicySchema = z.object({ PolicyName: z.string(), PolicyDocument: z.unknown() });

const attachedPolicySchema = z.object({ PolicyName: optString, PolicyArn: z.string() });

const boundarySchema = z.object({
  PermissionsBoundaryType: optString,
  PermissionsBoundaryArn: z.string(),
});

export const roleDetailSchema = z.object({
  Path: optString,
  RoleName: z.string(),
  RoleId: z.string(),
  Arn: z.string(),
  CreateDate: optTime,
  AssumeRolePolicyDocument: required(),
  RolePolicyList: list(inlinePolicySchema),
  AttachedManagedPolicies: list(attachedPolicySchema),
  PermissionsBoundary: z.nullish(boundarySchema),
  Tags: list(tagSchema),
  RoleLastUsed: z.nullish(z.object({ LastUsedDate: optTime, Region: optString })),
  MaxSessionDuration: z.nullish(z.number().check(z.int())),
});

export const userDetailSchema = z.object({
  Path: optString,
  UserName: z.string(),
  UserId: z.string(),
  Arn: z.string(),
  CreateDate: optTime,
  UserPolicyList: list(inlinePolicySchema),
  GroupList: list(z.string()),
  AttachedManagedPolicies: list(attachedPolicySchema),
  PermissionsBoundary: z.nullish(boundarySchema),
  Tags: list(tagSchema),
});

export const groupDetailSchema = z.object({
  Path: optString,
  GroupName: z.string(),
  GroupId: optString,
  Arn: z.string(),
  CreateDate: optTime,
  GroupPolicyList: list(inlinePolicySchema),
  AttachedManagedPolicies: list(attachedPolicySchema),
});

export const managedPolicySchema = z.object({
  PolicyName: z.string(),
  PolicyId: optString,
  Arn: z.string(),
  Path: optString,
  DefaultVersionId: optString,
  PolicyVersionList: list(
    z.object({
      Document: z.unknown(),
      VersionId: optString,
      IsDefaultVersion: z.nullish(z.boolean()),
    }),
  ),
});

export const accountDetailsSchema = z.object({
  UserDetailList: list(userDetailSchema),
  GroupDetailList: list(groupDetailSchema),
  RoleDetailList: list(roleDetailSchema),
  Policies: list(managedPolicySchema),
  OpenIDConnectProviderList: list(
    z.object({
      Arn: z.string(),
      Url: z.string(),
      ClientIDList: list(z.string()),
      ThumbprintList: list(z.string()),
    }),
  ),
  SAMLProviderList: list(z.object({ Arn: z.string(), Name: optString })),
});

export const organizationSchema = z.object({
  id: z.string(),
  managementAccountId: accountId,
  roots: z.array(z.object({ id: z.string(), name: optString })).check(
    z.refine((roots) => roots.length > 0, {
      error: 'an organization has a root: `roots` is empty',
    }),
  ),
  organizationalUnits: list(z.object({ id: z.string(), parentId: z.string(), name: optString })),
  accounts: z.array(
    z.object({ id: accountId, name: optString, parentId: optString, tags: list(tagSchema) }),
  ),
  policies: list(
    z.object({
      id: z.string(),
      arn: optString,
      type: z.enum(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']),
      name: z.string(),
      awsManaged: z.nullish(z.boolean()),
      content: required(),
      targets: z.array(z.string()),
    }),
  ),
});

export const snapshotFileSchema = z.object({
  snapshotVersion: z.literal(1),
  capturedAt: optTime,
  organization: z.nullish(organizationSchema),
  accounts: z.record(z.string(), accountDetailsSchema),
});

export type SnapshotFile = z.infer<typeof snapshotFileSchema>;
export type RoleDetailJson = z.infer<typeof roleDetailSchema>;
export type UserDetailJson = z.infer<typeof userDetailSchema>;
export type GroupDetailJson = z.infer<typeof groupDetailSchema>;
export type ManagedPolicyJson = z.infer<typeof managedPolicySchema>;
export type AccountDetailsJson = z.infer<typeof accountDetailsSchema>;
export type OrganizationJson = z.infer<typeof organizationSchema>;
