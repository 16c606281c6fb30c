import { createHash } from 'node:crypto';
import { parseRoleArn } from '../../iam/parseIamArn.js';
import { callerOfArn } from '../callerOfArn.js';
import type {
  AssumeRoleEventName,
  Caller,
  DenialEvent,
  ParsedErrorMessage,
  SkippedRecord,
} from '../DenialEvent.js';
import { parseErrorMessage } from '../parseErrorMessage.js';
import { roleTarget } from '../roleTarget.js';
import type { FoundMessage } from './findDenialMessages.js';

/** GitHub Actions' OIDC issuer, as trust policies name it in condition keys. */
export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';

/** A stable id for a message with no request id: the same text always gets the same id. */
export function messageId(message: string): string {
  return `message-${createHash('sha256').update(message).digest('hex').slice(0, 16)}`;
}

const EVENT_NAMES: Readonly<Record<string, AssumeRoleEventName>> = {
  'sts:assumerole': 'AssumeRole',
  'sts:assumerolewithwebidentity': 'AssumeRoleWithWebIdentity',
  'sts:assumerolewithsaml': 'AssumeRoleWithSAML',
};

/**
 * Which call was denied: the action AWS's message names, else the operation
 * the tool names. A session-tag or source-identity denial fails the
 * `AssumeRole*` call it came with.
 */
function eventNameOf(
  parsed: ParsedErrorMessage,
  found: FoundMessage,
): AssumeRoleEventName | undefined {
  const operation = found.operation;
  const byAction =
    parsed.action === undefined ? undefined : EVENT_NAMES[parsed.action.toLowerCase()];
  if (byAction !== undefined) return byAction;
  if (parsed.kind === 'oidc-provider-missing' || parsed.kind === 'oidc-audience-rejected')
    return 'AssumeRoleWithWebIdentity';
  const byOperation =
    operation === undefined ? undefined : EVENT_NAMES[`sts:${operation.toLowerCase()}`];
  if (byOperation !== undefined) return byOperation;
  // `sts:TagSession` / `sts:SetSourceIdentity` without an operation: only AssumeRole sends them
  // with a caller ARN; an MFA failure beside the role the tool tried (Terraform) is its AssumeRole.
  if (parsed.kind === 'not-authorized') return 'AssumeRole';
  return parsed.kind === 'mfa-failed' && found.roleArn !== undefined ? 'AssumeRole' : undefined;
}

function webIdentityCaller(found: FoundMessage, roleArn: string | undefined): Caller {
  const gh = found.githubActions;
  if (gh === undefined) return { type: 'WebIdentityUser' };
  const role = roleArn === undefined ? undefined : parseRoleArn(roleArn);
  return {
    type: 'WebIdentityUser',
    webIdentity: {
      provider: GITHUB_OIDC_ISSUER,
      // STS looks the token's issuer up among the IAM OIDC providers of the role's account.
      ...(role === undefined
        ? {}
        : {
            providerArn: `arn:${role.partition}:iam::${role.accountId}:oidc-provider/${GITHUB_OIDC_ISSUER}`,
          }),
      ...(gh.audience === undefined ? {} : { aud: gh.audience }),
    },
  };
}

function callerOf(
  found: FoundMessage,
  eventName: AssumeRoleEventName,
  parsed: ParsedErrorMessage,
  roleArn: string | undefined,
): Caller {
  if (eventName === 'AssumeRoleWithWebIdentity') return webIdentityCaller(found, roleArn);
  if (eventName === 'AssumeRoleWithSAML') return { type: 'SAMLUser' };
  return parsed.principalArn === undefined ? { type: 'Unknown' } : callerOfArn(parsed.principalArn);
}

function targetOf(parsed: ParsedErrorMessage, found: FoundMessage): DenialEvent['target'] {
  for (const [arn, source] of [
    [parsed.resourceArn, 'errorMessage'],
    [found.roleArn, 'errorText'],
  ] as const) {
    if (arn !== undefined && parseRoleArn(arn) !== undefined) return roleTarget(arn, source);
  }
  return { source: 'none' };
}

export type MessageEvent =
  | { readonly ok: true; readonly event: DenialEvent }
  | { readonly ok: false; readonly skipped: SkippedRecord };

/**
 * A message found in a log → the same normalized denial a CloudTrail record
 * gives. What a message does not carry (time, source IP, user agent, MFA
 * state, request parameters, token claims) stays unknown: `eventTime` is
 * empty and `request.logged` is false, so conditions on them are unknown,
 * exactly as for an unlogged record field.
 */
export function messageToEvent(found: FoundMessage, file: string | undefined): MessageEvent {
  const eventId = found.requestId ?? messageId(found.message);
  const origin = { ...(file === undefined ? {} : { file }), path: `line ${found.line}` };
  const parsed = parseErrorMessage(found.message);
  const eventName = eventNameOf(parsed, found);
  if (eventName === undefined) {
    return {
      ok: false,
      skipped: {
        eventId,
        reason: `line ${found.line}: \`${found.message}\`${found.operation === undefined ? ' names no role assumption call' : ` is from \`${found.operation}\`, not a role assumption`}`,
        origin,
      },
    };
  }
  const target = targetOf(parsed, found);
  return {
    ok: true,
    event: {
      eventId,
      input: 'message',
      eventName,
      eventTime: '',
      errorCode: 'AccessDenied',
      errorMessage: parsed,
      caller: callerOf(found, eventName, parsed, target.roleArn),
      target,
      request: { logged: false },
      origin,
    },
  };
}
