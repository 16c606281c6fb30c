/**
 * The one error hierarchy of trustwatch. Messages are lower-case and put user
 * input in backticks; `context` carries the structured facts (file, JSON path,
 * account, ...) so a caller can render a one-line error without a stack trace.
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

export interface TrustwatchErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
}

export class TrustwatchError extends Error {
  override readonly name: string = 'TrustwatchError';
  readonly context: ErrorContext;

  constructor(message: string, options: TrustwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.context = options.context ?? {};
  }
}

/** Input that cannot be used at all: unreadable file, not JSON, no record in it. */
export class InputError extends TrustwatchError {
  override readonly name: string = 'InputError';
}

/** A snapshot file that does not follow `shared/spec/snapshot.md`. */
export class SnapshotError extends TrustwatchError {
  override readonly name: string = 'SnapshotError';
}

/** A policy document that is not valid IAM policy JSON. */
export class PolicyError extends TrustwatchError {
  override readonly name: string = 'PolicyError';
}

/** Invalid configuration (environment, CLI flags, config file). */
export class ConfigError extends TrustwatchError {
  override readonly name: string = 'ConfigError';
}

/** An AWS read that failed for a reason other than "not found" or "access denied". */
export class AwsReadError extends TrustwatchError {
  override readonly name: string = 'AwsReadError';
}

/** A sink (SNS, Slack, EventBridge, DynamoDB) that could not deliver. */
export class DeliveryError extends TrustwatchError {
  override readonly name: string = 'DeliveryError';
}

/**
 * A sink that cannot deliver until an operator acts (a Slack webhook that
 * was revoked, disabled or whose channel was archived): retrying is pointless,
 * so the pipeline does not fail the event for it when another sink delivered
 * the alert, and raises one operational alarm (metric `SinkDisabled`).
 */
export class SinkDisabledError extends DeliveryError {
  override readonly name: string = 'SinkDisabledError';
}

/**
 * Answers of a Slack incoming webhook that only an operator can fix, and so
 * raise {@link SinkDisabledError}: `403` (`invalid_token`,
 * `action_prohibited`), `404` (`no_service`, `no_team`, `channel_not_found`),
 * `410` (`channel_is_archived`, `no_service`). Alerts, the audit digest and
 * routed digests share them.
 */
export const SLACK_WEBHOOK_DISABLED_STATUSES: ReadonlySet<number> = new Set([403, 404, 410]);

/**
 * Too little of the invocation is left to start a delivery and record it: the
 * event is handed back to SQS (with what was delivered recorded) rather than
 * cut off by the Lambda timeout between a sink accepting it and the ledger
 * knowing.
 */
export class DeadlineError extends TrustwatchError {
  override readonly name: string = 'DeadlineError';
}

/** Another invocation is processing the same record (or summary) right now; retry later. */
export class BusyError extends TrustwatchError {
  override readonly name: string = 'BusyError';
}

/**
 * Control characters (a newline in an account id or a file name, a terminal
 * escape in a policy) written as escapes, so that the line stays one line and
 * cannot recolour or rewrite the user's terminal.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * Formats any error as one line for a person: `<message> (file `x`, at `path`)`.
 * Never includes a stack trace, and never a line break (see `escapeControlCharacters`).
 */
export function formatErrorLine(err: unknown): string {
  if (err instanceof TrustwatchError) {
    const where: string[] = [];
    const { file, path } = err.context;
    if (file !== undefined) where.push(`file \`${file}\``);
    if (path !== undefined && path !== '') where.push(`at \`${path}\``);
    return escapeControlCharacters(
      where.length > 0 ? `${err.message} (${where.join(', ')})` : err.message,
    );
  }
  if (err instanceof Error) return escapeControlCharacters(err.message.split('\n')[0] ?? err.name);
  return escapeControlCharacters(String(err));
}
