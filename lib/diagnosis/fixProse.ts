/**
 * The English of fixes: their titles and what they apply to. A remedy (lib/diagnosis/CauseRule.ts) carries
 * its title as typed facts, a {@link FixTitle}; {@link fixTitle} words it
 * when a renderer or serializer first reads the fix's `title`
 * (lib/fixes/Fix.ts), so the phrasing of every fix lives here once, beside
 * the cause sentences of causeProse.ts, and a remedy the engine never checks
 * or that loses to another costs no string. Values are backtick-quoted (the
 * renderers escape them per format). What a fix changes is typed the same
 * way ({@link FixPlace}, worded by {@link fixPlace}).
 */
import { roleNameOf } from './describe.js';

/** A policy statement as a title names it: its `Sid`, else `#<index>`. */
export interface StatementName {
  readonly sid?: string | undefined;
  readonly index: number;
}

/** Where an identity grant is written: a permission set, or an inline policy new or existing. */
export type GrantPlace =
  | { readonly kind: 'permission-set'; readonly name: string }
  | { readonly kind: 'new-inline-policy' }
  | { readonly kind: 'inline-policy' };

/**
 * The title of a fix, one variant per way of fixing, each with the facts its
 * sentence names (ARNs, statement, provider, service, audience, …).
 */
export type FixTitle =
  // --- the trust policy names the caller --------------------------------
  /** A statement trusts the caller for another assume action: allow the right one there. */
  | {
      readonly kind: 'trust-right-action';
      readonly action: string;
      readonly listed: readonly string[];
      readonly statement: StatementName;
    }
  /** Add a SAML provider to a statement's `Principal.Federated`. */
  | {
      readonly kind: 'trust-saml-provider';
      readonly provider: string;
      readonly statement: StatementName;
    }
  /** A new statement trusting an AWS service. */
  | { readonly kind: 'trust-service'; readonly service: string }
  /** Replace a principal ARN without its path by the caller's full ARN. */
  | { readonly kind: 'trust-full-arn'; readonly principal: string }
  /** Add the caller to an existing statement's `Principal.AWS`. */
  | {
      readonly kind: 'trust-add-principal';
      readonly principal: string;
      readonly statement: StatementName;
    }
  /** A new statement trusting the caller. */
  | { readonly kind: 'trust-new-statement'; readonly principal: string }
  /** Replace a stale unique id by the caller's ARN. */
  | {
      readonly kind: 'trust-replace-stale-id';
      readonly staleId: string;
      readonly principal: string;
    }
  /** Allow a session action (`sts:TagSession`, …) in a trust statement. */
  | {
      readonly kind: 'trust-session-action';
      readonly action: string;
      readonly statement: StatementName;
    }
  // --- trust conditions ------------------------------------------------
  /** `…Equals` with a wildcard: the `…Like` operator. */
  | { readonly kind: 'like-operator'; readonly operator: string; readonly likeOperator: string }
  /** A negated condition stops excluding the values the request carried. */
  | {
      readonly kind: 'stop-excluding';
      readonly values: readonly string[];
      readonly conditionKey: string;
    }
  /** A condition accepts the values the request carried. */
  | {
      readonly kind: 'allow-condition-values';
      readonly values: readonly string[];
      readonly conditionKey: string;
      readonly statement: StatementName;
    }
  // --- what the caller sends -------------------------------------------
  /** Sign in with MFA (`aws:MultiFactorAuthPresent`). */
  | { readonly kind: 'use-mfa' }
  /** Send the ExternalId the role expects. */
  | { readonly kind: 'pass-external-id' }
  /** A registered MFA device's serial and a current code (STS rejected them). */
  | { readonly kind: 'use-registered-mfa-device'; readonly userName: string }
  /** New credentials after a session revocation. */
  | { readonly kind: 'new-credentials'; readonly revokedBefore: string }
  /** Start the caller's session without the session policy that blocks. */
  | { readonly kind: 'drop-session-policy'; readonly callerRole: string; readonly roleArn: string }
  /** Assume the existing role the caller probably meant. */
  | { readonly kind: 'use-existing-role'; readonly roleArn: string }
  // --- the caller's side allows ----------------------------------------
  /** An identity policy of the caller allows assuming the role. */
  | {
      readonly kind: 'identity-allow-assume';
      readonly principalType: 'role' | 'user';
      readonly principalName: string;
      readonly roleArn: string;
      readonly place: GrantPlace;
    }
  /** The permissions boundary allows the actions on the role. */
  | {
      readonly kind: 'boundary-allow';
      readonly actions: readonly string[];
      readonly roleArn: string;
      readonly policy: string;
    }
  /** An SCP of the level that lacks the allow allows the actions on the role. */
  | {
      readonly kind: 'scp-allow';
      readonly actions: readonly string[];
      readonly roleArn: string;
      readonly policy: string;
    }
  // --- explicit denies -------------------------------------------------
  /**
   * A resource-perimeter deny spares the role's account. `orgPolicy`: the
   * deny is an SCP or RCP (only the management account can change it).
   */
  | {
      readonly kind: 'deny-spare-account';
      readonly statement: StatementName;
      readonly accountId: string;
      readonly orgPolicy: boolean;
    }
  /** A deny statement exempts the caller (`ArnNotLike aws:PrincipalArn`). */
  | {
      readonly kind: 'deny-exempt-principal';
      readonly principal: string;
      readonly statement: StatementName;
      readonly orgPolicy: boolean;
    }
  // --- web identity ----------------------------------------------------
  /** Recreate a deleted OIDC provider that roles still trust. */
  | {
      readonly kind: 'recreate-oidc-provider';
      readonly host: string;
      readonly trustingRoles: readonly string[];
    }
  /** The evaluated role trusts the provider for exactly the token's subject. */
  | { readonly kind: 'trust-oidc-subject'; readonly subject: string; readonly roleName: string }
  /** A new role (and the provider, when missing) trusting exactly the token's subject. */
  | { readonly kind: 'new-oidc-role'; readonly subject: string; readonly createProvider: boolean }
  /** Add the token's audience to the provider's client ids. */
  | { readonly kind: 'add-oidc-audience'; readonly audience: string };

/** Every {@link FixTitle} kind. */
export type FixTitleKind = FixTitle['kind'];

/** What a fix changes (its `appliesTo`). */
export type FixPlace =
  /** A policy, by the label the evaluation gave it (`trust policy of …`, `inline policy …`, `SCP …`). */
  | { readonly kind: 'policy'; readonly label: string }
  /** An IAM Identity Center permission set, provisioned as the inline policy `label`. */
  | { readonly kind: 'permission-set'; readonly name: string; readonly label: string }
  | { readonly kind: 'oidc-provider'; readonly arn: string }
  | { readonly kind: 'new-role'; readonly name: string }
  /** The caller's credentials, as an MFA-authenticated session. */
  | { readonly kind: 'mfa-session' }
  /** The caller's credentials, as a session issued after a revocation. */
  | { readonly kind: 'fresh-session' }
  /** The caller's AssumeRole call (it sends the ExternalId). */
  | { readonly kind: 'assume-call' }
  /** Whatever creates the caller's session (it passed a session policy). */
  | { readonly kind: 'session-creator' }
  /** The caller's configuration (the role ARN it asks for). */
  | { readonly kind: 'caller-configuration' }
  /** The caller's MFA device and code. */
  | { readonly kind: 'mfa-device' };

/** Every {@link FixPlace} kind. */
export type FixPlaceKind = FixPlace['kind'];

const ORG_NOTE = "; needs the organization's management account";

function statementName(s: StatementName): string {
  return s.sid ?? `#${s.index}`;
}

/** `\`a\`, \`b\``: values backtick-quoted, comma-separated. */
function ticked(values: readonly string[]): string {
  return values.map((v) => `\`${v}\``).join(', ');
}

function grantPlace(p: GrantPlace): string {
  switch (p.kind) {
    case 'permission-set':
      return `permission set \`${p.name}\` in IAM Identity Center`;
    case 'new-inline-policy':
      return 'new inline policy';
    case 'inline-policy':
      return 'its inline policy';
  }
}

/** The sentence a fix's `title` shows for its typed title. */
export function fixTitle(t: FixTitle): string {
  switch (t.kind) {
    case 'trust-right-action':
      return `Allow \`${t.action}\` instead of ${t.listed.length === 0 ? 'nothing' : ticked(t.listed)} in trust statement \`${statementName(t.statement)}\`, which already trusts the caller`;
    case 'trust-saml-provider':
      return `Trust the SAML provider \`${t.provider}\` in statement \`${statementName(t.statement)}\` (only if it should sign in to this role)`;
    case 'trust-service':
      return `Trust the service \`${t.service}\` in the trust policy (if it should assume this role)`;
    case 'trust-full-arn':
      return `Name the full ARN \`${t.principal}\` (with its path) in the trust policy`;
    case 'trust-add-principal':
      return `Add \`${t.principal}\` to the principals of trust statement \`${statementName(t.statement)}\``;
    case 'trust-new-statement':
      return `Add a trust statement for \`${t.principal}\``;
    case 'trust-replace-stale-id':
      return `Replace the stale id \`${t.staleId}\` with \`${t.principal}\` in the trust policy`;
    case 'trust-session-action':
      return `Allow \`${t.action}\` in trust statement \`${statementName(t.statement)}\``;
    case 'like-operator':
      return `Use \`${t.likeOperator}\` instead of \`${t.operator}\`: \`${t.operator}\` treats \`*\` literally`;
    case 'stop-excluding':
      return `Stop excluding ${ticked(t.values)} in condition \`${t.conditionKey}\``;
    case 'allow-condition-values':
      return `Allow ${ticked(t.values)} in condition \`${t.conditionKey}\` of trust statement \`${statementName(t.statement)}\` (if this caller should get in)`;
    case 'use-mfa':
      return 'Authenticate with MFA before assuming the role';
    case 'pass-external-id':
      return 'Pass the ExternalId the role expects when assuming it';
    case 'use-registered-mfa-device':
      return `Use the serial number of an MFA device registered to \`${t.userName}\` and a current one-time code`;
    case 'new-credentials':
      return `Get new credentials: sessions issued before \`${t.revokedBefore}\` are revoked`;
    case 'drop-session-policy':
      return `Start the caller's session of \`${t.callerRole}\` without the session policy that blocks it (no --policy / --policy-arns), then assume \`${roleNameOf(t.roleArn)}\``;
    case 'use-existing-role':
      return `Use the existing role \`${t.roleArn}\` in the caller's configuration`;
    case 'identity-allow-assume':
      return `Allow ${t.principalType} \`${t.principalName}\` to assume \`${t.roleArn}\` (${grantPlace(t.place)})`;
    case 'boundary-allow':
      return `Allow ${ticked(t.actions)} on \`${t.roleArn}\` in the permissions boundary ${t.policy}`;
    case 'scp-allow':
      return `Allow ${ticked(t.actions)} on \`${t.roleArn}\` in ${t.policy}${ORG_NOTE}`;
    case 'deny-spare-account':
      return `Let deny statement \`${statementName(t.statement)}\` spare roles of account \`${t.accountId}\` (only if it is a trusted account)${t.orgPolicy ? ORG_NOTE : ''}`;
    case 'deny-exempt-principal':
      return `Exempt \`${t.principal}\` from deny statement \`${statementName(t.statement)}\` (only if this access is intended)${t.orgPolicy ? ORG_NOTE : ''}`;
    case 'recreate-oidc-provider':
      return `Recreate the OIDC provider \`${t.host}\`: ${ticked(t.trustingRoles)} already ${t.trustingRoles.length > 1 ? 'trust' : 'trusts'} its ARN`;
    case 'trust-oidc-subject':
      return `Trust the OIDC provider for exactly the subject \`${t.subject}\` in the trust policy of \`${t.roleName}\``;
    case 'new-oidc-role':
      return `${t.createProvider ? 'Create the OIDC provider and a' : 'Create a'} role trusting exactly the subject \`${t.subject}\` (if this workflow should get in)`;
    case 'add-oidc-audience':
      return `Add the audience \`${t.audience}\` to the client ids of the OIDC provider`;
  }
}

/** The phrase a fix's `appliesTo` shows for what it changes. */
export function fixPlace(p: FixPlace): string {
  switch (p.kind) {
    case 'policy':
      return p.label;
    case 'permission-set':
      return `permission set \`${p.name}\` (IAM Identity Center), provisioned as ${p.label}`;
    case 'oidc-provider':
      return `the OIDC provider \`${p.arn}\``;
    case 'new-role':
      return `a new role \`${p.name}\``;
    case 'mfa-session':
      return "the caller's credentials (an MFA-authenticated session)";
    case 'fresh-session':
      return "the caller's credentials (a session issued after the revocation)";
    case 'assume-call':
      return "the caller's AssumeRole call (SDK, CLI profile or Terraform provider)";
    case 'session-creator':
      return "whatever creates the caller's session (it passed a session policy)";
    case 'caller-configuration':
      return "the caller's configuration (role ARN)";
    case 'mfa-device':
      return "the caller's MFA device and code";
  }
}
