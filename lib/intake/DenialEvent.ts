/**
 * One denied role assumption, normalized from whatever input shape carried it
 * (lib/intake/readInput.ts). Everything downstream works on this, never on
 * raw CloudTrail JSON.
 */
export const ASSUME_ROLE_EVENT_NAMES = [
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
] as const;
export type AssumeRoleEventName = (typeof ASSUME_ROLE_EVENT_NAMES)[number];

export type CallerType =
  | 'IAMUser'
  | 'AssumedRole'
  | 'Root'
  | 'FederatedUser'
  | 'WebIdentityUser'
  | 'SAMLUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'IdentityCenterUser'
  | 'Unknown';

export interface WebIdentityCaller {
  /** OIDC provider ARN (from `identityProvider` or the front of `principalId`), when it is an IAM OIDC provider. */
  readonly providerArn?: string;
  /** Issuer host as trust policies name it in condition keys, e.g. `token.actions.githubusercontent.com`. */
  readonly provider?: string;
  readonly aud?: string;
  readonly sub?: string;
  /**
   * Every claim of the token, when the token itself was read (`probe
   * --web-identity-token-file`): conditions on any `<issuer>:<claim>` key are
   * then evaluated, a claim the token lacks is absent. CloudTrail never logs
   * them: absent for records and messages, whose claim keys stay unknown.
   */
  readonly claims?: Readonly<Record<string, string | readonly string[]>>;
}

export interface SamlCaller {
  readonly providerArn?: string;
  readonly subject?: string;
  readonly aud?: string;
}

export interface Caller {
  readonly type: CallerType;
  /** `userIdentity.arn`: the session ARN for `AssumedRole`, the user ARN for `IAMUser`. */
  readonly arn?: string;
  readonly accountId?: string;
  readonly principalId?: string;
  readonly userName?: string;
  /** `AssumedRole`: `sessionContext.sessionIssuer.arn`, the IAM role ARN with its path. */
  readonly issuerArn?: string;
  readonly issuerType?: string;
  readonly issuerUniqueId?: string;
  readonly sessionName?: string;
  /** `undefined` when the event does not tell. */
  readonly mfaAuthenticated?: boolean;
  readonly sessionCreatedAt?: string;
  /** Source identity already set on the caller's session. */
  readonly sessionSourceIdentity?: string;
  readonly webIdentity?: WebIdentityCaller;
  readonly saml?: SamlCaller;
  /** `AWSService` callers: e.g. `ec2.amazonaws.com`. */
  readonly invokedBy?: string;
}

export interface SessionTag {
  readonly key: string;
  readonly value: string;
}

/**
 * What `requestParameters` told. When `logged` is false, every field is
 * unknown (not absent): conditions on them evaluate to `unknown`.
 * `tokenCode` is never logged by CloudTrail.
 */
export interface RequestInputs {
  readonly logged: boolean;
  readonly roleSessionName?: string;
  readonly externalId?: string;
  readonly serialNumber?: string;
  readonly durationSeconds?: number;
  readonly tags?: readonly SessionTag[];
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
  readonly policyArns?: readonly string[];
  /** Inline session policy as sent (JSON string). */
  readonly policy?: string;
  /** For web identity / SAML: provider id / principal ARN when logged. */
  readonly providerId?: string;
  readonly principalArn?: string;
}

export type PolicyTypeInMessage =
  | 'identity'
  | 'scp'
  | 'rcp'
  | 'boundary'
  | 'session'
  | 'vpce'
  | 'resource';

/** AWS's `errorMessage`, taken apart. An unrecognized message is kept and flagged, never fatal. */
export interface ParsedErrorMessage {
  readonly raw: string;
  readonly kind:
    | 'not-authorized'
    | 'mfa-failed'
    | 'web-identity-not-authorized'
    | 'saml-not-authorized'
    /** `InvalidIdentityToken`: no IAM OIDC provider for the token's issuer in the account. */
    | 'oidc-provider-missing'
    /** `InvalidIdentityToken`: the token's `aud` is not a client id of the provider. */
    | 'oidc-audience-rejected'
    | 'unrecognized'
    | 'none';
  readonly principalArn?: string;
  readonly action?: string;
  readonly resourceArn?: string;
  /** The `because …` / `with an explicit deny in …` suffix. */
  readonly reason?: {
    readonly policyType: PolicyTypeInMessage;
    readonly explicitDeny: boolean;
    /** The 2026 `: <policy-arn>` suffix. */
    readonly policyArn?: string;
  };
  readonly mfaFailure?: 'invalid-code' | 'invalid-serial' | 'other';
}

/**
 * Where the role ARN was read. `errorText`: the tool's own words around AWS's
 * message (Terraform's `IAM Role (…) cannot be assumed`, configure-aws-credentials'
 * `role-to-assume`), for messages that do not name the role.
 */
export type RoleArnSource =
  | 'requestParameters'
  | 'errorMessage'
  | 'resources'
  | 'errorText'
  | 'none';

/** What a denial was read from (`shared/spec/diagnosis.md`: `input`). */
export const DENIAL_INPUTS = ['record', 'message'] as const;
export type DenialInput = (typeof DENIAL_INPUTS)[number];

export interface DenialEvent {
  /** CloudTrail `eventID`; for an error message, the AWS request id or a stable hash of the message. */
  readonly eventId: string;
  /**
   * `message`: read from the text of an error, which carries no time, source
   * IP, user agent, MFA state or request parameters (all unknown). Absent: a
   * CloudTrail record (or a probe's own attempt).
   */
  readonly input?: DenialInput;
  readonly eventName: AssumeRoleEventName;
  /** ISO time; `''` when the input does not carry it (an error message): time conditions are unknown. */
  readonly eventTime: string;
  readonly awsRegion?: string;
  /** `recipientAccountId`: the account whose CloudTrail recorded it. */
  readonly recordedInAccount?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly vpcEndpointId?: string;
  readonly errorCode: string;
  readonly errorMessage: ParsedErrorMessage;
  readonly caller: Caller;
  readonly target: {
    readonly roleArn?: string;
    readonly accountId?: string;
    readonly roleName?: string;
    /** Role path as in the ARN (`/` when none). */
    readonly rolePath?: string;
    readonly source: RoleArnSource;
  };
  readonly request: RequestInputs;
  /** Where the record was found: file name and JSON path inside it. */
  readonly origin: { readonly file?: string; readonly path: string };
}

export interface SkippedRecord {
  readonly eventId?: string;
  readonly reason: string;
  readonly origin: { readonly file?: string; readonly path: string };
}

export interface IntakeResult {
  readonly events: readonly DenialEvent[];
  readonly skipped: readonly SkippedRecord[];
}
