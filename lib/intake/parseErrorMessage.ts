import type { Draft } from '../validation/Draft.js';
import type { ParsedErrorMessage, PolicyTypeInMessage } from './DenialEvent.js';

/**
 * CloudTrail cuts `errorMessage` at 1 KB. A message this long may have lost
 * its end, so its last token (an ARN, a reason) is not trusted.
 */
export const ERROR_MESSAGE_TRUNCATION_LENGTH = 1000;

/**
 * The policy-type phrases of AWS's access-denied messages (IAM User Guide,
 * "Troubleshoot access denied error messages"), as they follow
 * `because no …` / `with an explicit deny in a …`.
 */
const POLICY_TYPE_PHRASES: readonly {
  readonly phrase: string;
  readonly type: PolicyTypeInMessage;
}[] = [
  { phrase: 'identity-based policy', type: 'identity' },
  { phrase: 'resource-based policy', type: 'resource' },
  // "…with an explicit deny in the role trust policy" (IAM UG, troubleshoot access denied).
  { phrase: 'role trust policy', type: 'resource' },
  { phrase: 'service control policy', type: 'scp' },
  { phrase: 'resource control policy', type: 'rcp' },
  { phrase: 'permissions boundary policy', type: 'boundary' },
  { phrase: 'permissions boundary', type: 'boundary' },
  { phrase: 'session policy', type: 'session' },
  { phrase: 'vpc endpoint policy', type: 'vpce' },
];

/** `User: <principal> is not authorized to perform: <action>[ on resource: <resource>]<rest>`. */
const NOT_AUTHORIZED =
  /^User: (\S+) is not authorized to perform: (\S+)(?: on resource: (\S+))?([\s\S]*)$/;
const MFA_FAILED = /^MultiFactorAuthentication failed/i;
const WEB_IDENTITY = /^Not authorized to perform:? sts:AssumeRoleWithWebIdentity\b/i;
const SAML = /^Not authorized to perform:? sts:AssumeRoleWithSAML\b/i;
/** `InvalidIdentityToken` texts that are an IAM configuration problem, not a bad token. */
const OIDC_PROVIDER_MISSING = /^No OpenIDConnect provider found in your account\b/i;
const OIDC_AUDIENCE_REJECTED = /^Incorrect token audience\b/i;
const POLICY_ARN = /^arn:[\w-]+:(?:iam|organizations|sts)?:[^\s]*$/;

type Reason = NonNullable<ParsedErrorMessage['reason']>;

function matchPolicyType(text: string, truncated: boolean): PolicyTypeInMessage | undefined {
  const lower = text.toLowerCase();
  for (const { phrase, type } of POLICY_TYPE_PHRASES) {
    if (lower.startsWith(phrase)) return type;
  }
  if (!truncated || lower === '') return undefined;
  // A message cut inside the phrase: accept it when only one type fits.
  const fits = new Set(
    POLICY_TYPE_PHRASES.filter(({ phrase }) => phrase.startsWith(lower)).map(({ type }) => type),
  );
  return fits.size === 1 ? [...fits][0] : undefined;
}

/** The text after a policy-type phrase: `allows the sts:AssumeRole action: arn:…` or `: arn:…`. */
function trailingPolicyArn(afterPhrase: string, truncated: boolean): string | undefined {
  const m = /:\s*(\S+)\s*\.?\s*$/.exec(afterPhrase);
  if (m?.[1] === undefined) return undefined;
  if (truncated) return undefined; // the ARN is the last token: it may be cut
  const arn = m[1].replace(/\.$/, '');
  return POLICY_ARN.test(arn) ? arn : undefined;
}

function stripPhrase(text: string, type: PolicyTypeInMessage): string {
  const lower = text.toLowerCase();
  const entry = POLICY_TYPE_PHRASES.find(
    ({ phrase, type: t }) => t === type && lower.startsWith(phrase),
  );
  return entry === undefined ? '' : text.slice(entry.phrase.length);
}

/** Parses the `because no …` / `with an explicit deny in …` suffix. */
function parseReason(rest: string, truncated: boolean): Reason | undefined {
  const text = rest.trim();
  const implicit = /^because no\s+([\s\S]*)$/i.exec(text);
  const explicit = /^(?:with|due to) an explicit deny in (?:an?|the)\s+([\s\S]*)$/i.exec(text);
  const body = implicit?.[1] ?? explicit?.[1];
  if (body === undefined) {
    if (!truncated) return undefined;
    // Cut inside the connective itself: nothing can be said about the type.
    return undefined;
  }
  const policyType = matchPolicyType(body, truncated);
  if (policyType === undefined) return undefined;
  const after = stripPhrase(body, policyType);
  const policyArn = trailingPolicyArn(after, truncated);
  return {
    policyType,
    explicitDeny: explicit !== null,
    ...(policyArn === undefined ? {} : { policyArn }),
  };
}

function mfaFailure(msg: string): NonNullable<ParsedErrorMessage['mfaFailure']> {
  if (/invalid MFA one time pass code/i.test(msg)) return 'invalid-code';
  if (/unable to validate MFA code|serial number/i.test(msg)) return 'invalid-serial';
  return 'other';
}

/**
 * Takes AWS's `errorMessage` apart. Never throws: a message it does not know
 * is kept verbatim with kind `unrecognized`; a message cut by CloudTrail's
 * 1 KB limit yields what can still be read (the last, possibly cut, token is
 * dropped).
 */
export function parseErrorMessage(msg: string | undefined): ParsedErrorMessage {
  const text = msg?.trim();
  if (msg === undefined || text === undefined || text === '')
    return { raw: msg ?? '', kind: 'none' };
  const raw = msg;
  const truncated = raw.length >= ERROR_MESSAGE_TRUNCATION_LENGTH;

  // The common message first: its `User: ` start excludes every other kind.
  const na = NOT_AUTHORIZED.exec(text);
  if (na !== null) return notAuthorized(raw, na, truncated);

  if (MFA_FAILED.test(text)) return { raw, kind: 'mfa-failed', mfaFailure: mfaFailure(text) };
  if (OIDC_PROVIDER_MISSING.test(text)) return { raw, kind: 'oidc-provider-missing' };
  if (OIDC_AUDIENCE_REJECTED.test(text)) return { raw, kind: 'oidc-audience-rejected' };
  if (WEB_IDENTITY.test(text)) {
    return { raw, kind: 'web-identity-not-authorized', action: 'sts:AssumeRoleWithWebIdentity' };
  }
  if (SAML.test(text))
    return { raw, kind: 'saml-not-authorized', action: 'sts:AssumeRoleWithSAML' };
  // Cut before the action was complete: keep the principal when it is whole.
  const cut = /^User: (\S+) is not authorized/.exec(text);
  if (truncated && cut?.[1] !== undefined) {
    return { raw, kind: 'not-authorized', principalArn: cut[1] };
  }
  return { raw, kind: 'unrecognized' };
}

/** A `User: … is not authorized to perform: …` message, taken apart (`na`: `NOT_AUTHORIZED`'s match). */
function notAuthorized(raw: string, na: RegExpExecArray, truncated: boolean): ParsedErrorMessage {
  // Indexed, not destructured: array destructuring runs the iterator protocol in the interpreter.
  const principalArn = na[1];
  const action = na[2];
  const resource = na[3];
  const rest = na[4] ?? '';
  if (truncated && resource === undefined && rest === '') {
    // The action was the last token: it may be cut.
    return { raw, kind: 'not-authorized', principalArn };
  }
  const parsed: Draft<ParsedErrorMessage> = { raw, kind: 'not-authorized', principalArn, action };
  const lastToken = rest.trim() === '';
  // The resource was the last token of a cut message: it may be cut.
  if (resource !== undefined && !(truncated && lastToken)) parsed.resourceArn = resource;
  const reason = lastToken ? undefined : parseReason(rest, truncated);
  if (reason !== undefined) parsed.reason = reason;
  return parsed;
}
