/**
 * Classifies errors thrown by SDK v3 clients. The SDK sets `name` to the AWS
 * error code (`AccessDenied`, `NoSuchEntity`, `Throttling`, …); `$metadata`
 * carries the HTTP status and `$retryable` marks what it would retry.
 */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
  readonly code?: unknown;
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
]);

const NOT_FOUND = new Set(['NoSuchEntity', 'NoSuchEntityException', 'NotFoundException']);

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** The AWS error code, or the JavaScript error name. */
export function awsErrorName(err: unknown): string {
  const s = shape(err);
  if (typeof s.Code === 'string' && s.Code !== '') return s.Code;
  if (typeof s.name === 'string' && s.name !== '' && s.name !== 'Error') return s.name;
  if (typeof s.code === 'string' && s.code !== '') return s.code;
  return 'Error';
}

/** `Name: first line of the message`, for one-line reasons. */
export function describeAwsError(err: unknown): string {
  const name = awsErrorName(err);
  const s = shape(err);
  const raw =
    typeof s.message === 'string' ? s.message : err instanceof Error ? err.message : String(err);
  const first = raw.split('\n')[0]?.trim() ?? '';
  if (first === '' || first === name) return name;
  return `${name}: ${first}`;
}

export function isAccessDenied(err: unknown): boolean {
  return ACCESS_DENIED.has(awsErrorName(err)) || shape(err).$metadata?.httpStatusCode === 403;
}

export function isNotFound(err: unknown): boolean {
  return NOT_FOUND.has(awsErrorName(err));
}

/**
 * Errors worth trying again later (throttling the SDK gave up on, 5xx,
 * network): results carrying them are not cached.
 */
export function isTransient(err: unknown): boolean {
  const s = shape(err);
  const name = awsErrorName(err);
  if (THROTTLING.has(name) || NETWORK_CODES.has(name)) return true;
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  if (s.$retryable !== undefined && s.$retryable !== null) return true;
  const status = s.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}
