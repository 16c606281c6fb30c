import type { CleanText } from './cleanLogText.js';

/**
 * One AWS access-denied message found in a tool's output, with what the
 * surrounding text says about it. Everything here was printed; nothing is
 * inferred beyond what the tool's own wording states.
 */
export interface FoundMessage {
  /** 1-based line of the input where the message starts. */
  readonly line: number;
  /** AWS's message on one line, as CloudTrail's `errorMessage` would hold it. */
  readonly message: string;
  /** The STS operation the tool names (`operation error STS: AssumeRole`, `when calling the AssumeRole operation`). */
  readonly operation?: string;
  /** The AWS request id the tool printed with it (Go, Java, JavaScript SDKs; Terraform). */
  readonly requestId?: string;
  /** The role the tool says it tried: Terraform's `IAM Role (…) cannot be assumed`, `role-to-assume: …`. */
  readonly roleArn?: string;
  /** Printed by GitHub Actions' configure-aws-credentials (its OIDC token is GitHub's). */
  readonly githubActions?: { readonly audience?: string };
}

/** An access-denied message that is not about a role assumption. */
export interface OtherDenial {
  readonly line: number;
  readonly reason: string;
}

export interface FoundMessages {
  readonly messages: readonly FoundMessage[];
  readonly others: readonly OtherDenial[];
}

/** Actions whose denial fails a role assumption (session tags and source identity are checked with it). */
const ROLE_ASSUMPTION_ACTION =
  /^sts:(?:AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|TagSession|SetSourceIdentity)$/i;

const WS = '\\s+';
const w = (phrase: string) => phrase.trim().split(/\s+/).join(WS);

/** The policy-type phrases of AWS's access-denied messages (IAM UG, "Troubleshoot access denied error messages"). */
const POLICY_PHRASE = [
  'identity-based policy',
  'resource-based policy',
  'role trust policy',
  'service control policy',
  'resource control policy',
  'permissions boundary policy',
  'permissions boundary',
  'session policy',
  'VPC endpoint policy',
]
  .map(w)
  .join('|');

/** `User: <arn> is not authorized to perform: <action>`: anchored on its middle. */
const NOT_AUTHORIZED = new RegExp(w('is not authorized to perform'), 'gi');
/** The bare messages of web identity and SAML denials, which name neither caller nor role. */
const FEDERATED_NOT_AUTHORIZED =
  /(?<!\bis\s{1,4})\bNot\s+authorized\s+to\s+perform:?\s+sts:(AssumeRoleWithWebIdentity|AssumeRoleWithSAML)\b/gi;
const MFA_FAILED = /MultiFactorAuthentication\s+failed\b[^\n]*/gi;
/** `InvalidIdentityToken` texts that are an IAM set-up problem (explained as records are). */
const TOKEN_SETUP =
  /No\s+OpenIDConnect\s+provider\s+found\s+in\s+your\s+account\s+for\s+\S+|Incorrect\s+token\s+audience\b/gi;
/** A denial of another operation, printed by the AWS CLI, boto3 or a Go SDK chain. */
const OTHER_OPERATION_DENIED =
  /\((AccessDenied\w*)\)\s+when\s+calling\s+the\s+(\w+)\s+operation|operation\s+error\s+[\w ]+?:\s+(\w+),[^\n]{0,300}?api\s+error\s+(AccessDenied\w*)/gi;

const TOKEN_END = String.raw`(?=[\s,;)'"\`\]]|\.(?:\s|$)|$)`;
const AFTER_ANCHOR = new RegExp(String.raw`^:?\s+(\S+?)${TOKEN_END}`);
const ON_RESOURCE = new RegExp(String.raw`^\s+on\s+resource:?\s+(\S+?)${TOKEN_END}`, 'i');
const REASON = new RegExp(
  String.raw`^\s+(?:(because\s+no\s+(?:${POLICY_PHRASE})\s+allows\s+the\s+\S+?\s+action)|((?:with|due\s+to)\s+an\s+explicit\s+deny\s+in\s+(?:an?|the)\s+(?:${POLICY_PHRASE})))(?:\s*:\s*(arn:\S+?)${TOKEN_END})?`,
  'i',
);
const USER_BEFORE = /User:\s*(\S+)\s*$/;

/** How far around a message the tool's context (request id, role, operation) is looked for. */
const CONTEXT_BEFORE = 1500;
const CONTEXT_AFTER = 2500;
/** How far back `role-to-assume:` of a configure-aws-credentials step is looked for. */
const STEP_INPUTS_BEFORE = 20_000;

const REQUEST_ID =
  /\bRequest[ _-]?ID\b["']?\s*[:=]\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9]{16,64})\b/i;
/** After a message: a request id, but not the one of the next message's Go chain. */
const REQUEST_ID_AFTER = new RegExp(`${REQUEST_ID.source}(?!,\\s+api\\s+error)`, 'i');
const XML_REQUEST_ID = /<RequestId>([\w-]{8,64})<\/RequestId>/;
const OPERATION =
  /operation\s+error\s+STS:\s+(\w+)|when\s+calling\s+the\s+(\w+)\s+operation|Error\s+executing\s+"(\w+)"|\b(AssumeRole\w*)Command\b/gi;
const TOOL_ROLE =
  /IAM\s+Role\s+\((arn:[^\s)]+)\)\s+cannot\s+be\s+assumed|The\s+role\s+"(arn:[^\s"]+)"\s+cannot\s+be\s+assumed|role-to-assume:\s+(arn:\S+)/gi;
const GITHUB_OIDC =
  /Could\s+not\s+assume\s+role\s+with\s+OIDC|Assuming\s+role\s+with\s+OIDC|configure-aws-credentials/i;
const AUDIENCE_INPUT = /^\s*audience:\s+(\S+)\s*$/m;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function trimToken(token: string): string {
  return token.replace(/[.'"`]+$/, '');
}

/** The last match of a global regex in `text`, or `undefined`. */
function lastMatch(re: RegExp, text: string): RegExpExecArray | undefined {
  re.lastIndex = 0;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    last = m;
    if (m[0] === '') re.lastIndex++;
  }
  return last;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly action?: string;
}

/** `User: P is not authorized to perform: A [on resource: R] [reason[: policy-arn]]` around one anchor. */
function notAuthorizedAt(text: string, anchor: RegExpExecArray): Span | undefined {
  const before = text.slice(Math.max(0, anchor.index - 600), anchor.index);
  const user = USER_BEFORE.exec(before);
  if (user?.[1] === undefined) return undefined;
  const start = anchor.index - (before.length - before.lastIndexOf('User:'));
  let pos = anchor.index + anchor[0].length;
  const tail = () => text.slice(pos, pos + 1500);
  const action = AFTER_ANCHOR.exec(tail());
  if (action?.[1] === undefined) return undefined;
  pos += action[0].length;
  let message = `User: ${trimToken(user[1])} is not authorized to perform: ${trimToken(action[1])}`;
  const resource = ON_RESOURCE.exec(tail());
  if (resource?.[1] !== undefined) {
    pos += resource[0].length;
    message += ` on resource: ${trimToken(resource[1])}`;
  }
  const reason = REASON.exec(tail());
  if (reason !== null) {
    pos += reason[0].length;
    message += ` ${oneLine(reason[1] ?? reason[2] ?? '')}`;
    if (reason[3] !== undefined) message += `: ${trimToken(reason[3])}`;
  }
  return { start, end: pos, message, action: trimToken(action[1]) };
}

/**
 * Where a message's context may be: from the end of the previous message
 * (its context is its own) to the start of the next one.
 */
interface Bounds {
  readonly start: number;
  readonly end: number;
  readonly previousEnd: number;
  readonly next: number;
}

function before(text: string, b: Bounds, distance: number): string {
  return text.slice(Math.max(b.previousEnd, b.start - distance), b.start);
}

function operationNear(text: string, b: Bounds): string | undefined {
  const m = lastMatch(OPERATION, `${before(text, b, CONTEXT_BEFORE)}${text.slice(b.start, b.end)}`);
  return m === undefined ? undefined : (m[1] ?? m[2] ?? m[3] ?? m[4]);
}

/** Go SDKs and Terraform print the request id just before AWS's message: `RequestID: x, api error AccessDenied: `. */
const GO_CHAIN_TAIL = /RequestID:\s*([\w-]+),\s+api\s+error\s+[\w.]+:\s*$/;

function requestIdNear(text: string, b: Bounds): string | undefined {
  const chain = GO_CHAIN_TAIL.exec(before(text, b, 400));
  if (chain?.[1] !== undefined) return chain[1];
  // Java, JavaScript, XML: after it, before the next message.
  const after = text.slice(b.end, Math.min(b.next, b.end + CONTEXT_AFTER));
  return REQUEST_ID_AFTER.exec(after)?.[1] ?? XML_REQUEST_ID.exec(after)?.[1];
}

function toolRoleNear(text: string, b: Bounds): string | undefined {
  // The tools print the role before AWS's message (Terraform's paragraph, the step's inputs).
  const found = lastMatch(TOOL_ROLE, before(text, b, STEP_INPUTS_BEFORE));
  const arn = found?.[1] ?? found?.[2] ?? found?.[3];
  return arn === undefined ? undefined : trimToken(arn);
}

function githubActionsNear(text: string, b: Bounds): FoundMessage['githubActions'] | undefined {
  const context = `${before(text, b, STEP_INPUTS_BEFORE)}${text.slice(b.start, b.end)}`;
  if (!GITHUB_OIDC.test(context)) return undefined;
  const audience = lastMatch(new RegExp(AUDIENCE_INPUT.source, 'gm'), context)?.[1];
  return audience === undefined ? {} : { audience };
}

function lineAt(clean: CleanText, lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return clean.lineOfInput[lo] ?? lo + 1;
}

/**
 * Every AWS access-denied message of a cleaned log, in order: the role
 * assumptions (with their context) and the denials of other actions (to be
 * skipped with a reason). Anchored scans over bounded windows: linear in the
 * size of the log, whatever it holds.
 */
export function findDenialMessages(clean: CleanText): FoundMessages {
  const { text } = clean;
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);

  const spans: Span[] = [];
  for (const re of [NOT_AUTHORIZED, FEDERATED_NOT_AUTHORIZED, MFA_FAILED, TOKEN_SETUP]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (re === NOT_AUTHORIZED) {
        const span = notAuthorizedAt(text, m);
        if (span !== undefined) spans.push(span);
      } else {
        spans.push({ start: m.index, end: m.index + m[0].length, message: oneLine(m[0]) });
      }
    }
  }
  spans.sort((a, b) => a.start - b.start);

  const messages: FoundMessage[] = [];
  const others: OtherDenial[] = [];
  const denialLines = new Set<number>();
  spans.forEach((span, i) => {
    const line = lineAt(clean, lineStarts, span.start);
    if (span.action !== undefined && !ROLE_ASSUMPTION_ACTION.test(span.action)) {
      denialLines.add(line);
      others.push({
        line,
        reason: `line ${line}: access denied for \`${span.action}\`, not a role assumption`,
      });
      return;
    }
    denialLines.add(line);
    const bounds: Bounds = {
      start: span.start,
      end: span.end,
      previousEnd: spans[i - 1]?.end ?? 0,
      next: spans[i + 1]?.start ?? text.length,
    };
    const operation = operationNear(text, bounds);
    const requestId = requestIdNear(text, bounds);
    const roleArn = toolRoleNear(text, bounds);
    const githubActions = githubActionsNear(text, bounds);
    messages.push({
      line,
      message: span.message,
      ...(operation === undefined ? {} : { operation }),
      ...(requestId === undefined ? {} : { requestId }),
      ...(roleArn === undefined ? {} : { roleArn }),
      ...(githubActions === undefined ? {} : { githubActions }),
    });
  });

  OTHER_OPERATION_DENIED.lastIndex = 0;
  for (
    let m = OTHER_OPERATION_DENIED.exec(text);
    m !== null;
    m = OTHER_OPERATION_DENIED.exec(text)
  ) {
    const operation = m[2] ?? m[3] ?? '';
    if (/^AssumeRole/i.test(operation)) continue;
    const line = lineAt(clean, lineStarts, m.index);
    if (denialLines.has(line) || denialLines.has(line + 1)) continue;
    denialLines.add(line);
    others.push({
      line,
      reason: `line ${line}: \`${m[1] ?? m[4]}\` for the \`${operation}\` operation, not a role assumption`,
    });
  }
  others.sort((a, b) => a.line - b.line);
  return { messages, others };
}
