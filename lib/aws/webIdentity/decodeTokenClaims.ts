import { InputError } from '../../errors/TrustwatchError.js';

/** A token claim as IAM compares it: a string, or a list of strings (`aud` may be one). */
export type ClaimValue = string | readonly string[];

export interface TokenClaims {
  /** The issuer as trust policies name it: `iss` without its scheme (`token.actions.githubusercontent.com`). */
  readonly issuerHost: string;
  readonly sub?: string;
  /** Every claim, as strings: numbers and booleans in their JSON form, objects left out. */
  readonly claims: Readonly<Record<string, ClaimValue>>;
}

function decodeSegment(segment: string): unknown {
  const json = Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(
    'utf8',
  );
  return JSON.parse(json);
}

function claimValue(v: unknown): ClaimValue | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

/**
 * The claims of an OIDC token (a JWT), decoded **without checking its
 * signature**: trustwatch only reads what the token says, to explain what
 * STS (which does check it) compared with the trust policy. A text that is
 * not a JWT with an `iss` is one `InputError` naming where it came from.
 */
export function decodeTokenClaims(token: string, from: string): TokenClaims {
  const parts = token.trim().split('.');
  const fail = (why: string): never => {
    throw new InputError(`not an OIDC token (a JWT): ${why}`, { context: { file: from } });
  };
  if (parts.length !== 3 || parts.some((p) => !/^[\w-]*$/.test(p)) || parts[1] === '')
    fail('expected three base64url parts separated by dots');
  let payload: unknown;
  try {
    payload = decodeSegment(parts[1] as string);
  } catch {
    fail('its payload is not base64url-encoded JSON');
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    fail('its payload is not a JSON object');
  const record = payload as Record<string, unknown>;
  if (typeof record.iss !== 'string' || record.iss === '') fail('it has no `iss` claim');
  const claims: Record<string, ClaimValue> = {};
  for (const [k, v] of Object.entries(record)) {
    const value = claimValue(v);
    if (value !== undefined) claims[k] = value;
  }
  const issuerHost = (record.iss as string).replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return {
    issuerHost,
    ...(typeof record.sub === 'string' ? { sub: record.sub } : {}),
    claims,
  };
}
