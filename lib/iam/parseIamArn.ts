import { BoundedCache } from '../validation/BoundedCache.js';

/** An IAM role ARN taken apart. */
export interface RoleArnParts {
  readonly arn: string;
  readonly partition: string;
  readonly accountId: string;
  /** `/` when none, else e.g. `/aws-reserved/sso.amazonaws.com/`. */
  readonly path: string;
  readonly name: string;
}

/** An IAM user, role, group or policy ARN taken apart. */
export interface IamArnParts extends RoleArnParts {
  readonly resourceType: 'user' | 'role' | 'group' | 'policy';
}

const PRINCIPAL_ARN =
  /^arn:(aws[\w-]*):iam::(\d{12}):(user|role|group|policy)(\/(?:[^/\s]+\/)*)?([^/\s]+)$/;
const SESSION_ARN =
  /^arn:(aws[\w-]*):sts::(\d{12}):(assumed-role|federated-user)\/([^/\s]+)(?:\/(.+))?$/;

/** Upper bound on the ARNs `parsedArns` keeps; the cache is emptied when full. */
export const ARN_PARTS_LIMIT = 4096;

/**
 * Parsed IAM ARNs by text (`null`: not one), bounded by
 * {@link ARN_PARTS_LIMIT}: one explanation reads the same target and caller
 * ARNs in intake, in the state reads and in the diagnosis, and the same ARNs
 * recur across events. Each entry is a pure function of its key, and the
 * parts are immutable, so callers share them.
 */
const parsedArns = new BoundedCache<string, IamArnParts | null>(ARN_PARTS_LIMIT);

/** Parses an IAM user, role, group or policy ARN (from the bounded cache `parsedArns`). */
export function parseIamPrincipalArn(arn: string): IamArnParts | undefined {
  return parsedArns.get(arn, splitIamArn) ?? undefined;
}

function splitIamArn(arn: string): IamArnParts | null {
  const m = PRINCIPAL_ARN.exec(arn);
  if (m === null) return null;
  // Indexed, not destructured: array destructuring runs the iterator protocol
  // (an iterator and a result object per element) while the code is interpreted.
  const partition = m[1];
  const accountId = m[2];
  const name = m[5];
  if (partition === undefined || accountId === undefined || name === undefined) return null;
  return Object.freeze({
    arn,
    partition,
    accountId,
    resourceType: m[3] as IamArnParts['resourceType'],
    path: m[4] ?? '/',
    name,
  });
}

/** Parses `arn:aws:iam::<account>:role/<path/><name>`; `undefined` for anything else. */
export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const parts = parseIamPrincipalArn(arn);
  return parts?.resourceType === 'role' ? parts : undefined;
}

/** Parses `arn:aws:sts::<account>:assumed-role/<role>/<session>` and `…:federated-user/<name>`. */
export function parseSessionArn(arn: string):
  | {
      readonly partition: string;
      readonly accountId: string;
      readonly kind: 'assumed-role' | 'federated-user';
      /** Role name (no path) for `assumed-role`, user name for `federated-user`. */
      readonly name: string;
      readonly sessionName?: string;
    }
  | undefined {
  const m = SESSION_ARN.exec(arn);
  if (m === null) return undefined;
  const partition = m[1];
  const accountId = m[2];
  const kind = m[3];
  const name = m[4];
  const session = m[5];
  if (partition === undefined || accountId === undefined || name === undefined) return undefined;
  const k = kind as 'assumed-role' | 'federated-user';
  return session === undefined
    ? { partition, accountId, kind: k, name }
    : { partition, accountId, kind: k, name, sessionName: session };
}

/** The 12-digit account id of any ARN with one (`arn:aws:iam::111111111111:…`). */
export function accountIdOfArn(arn: string): string | undefined {
  const m = /^arn:[\w-]+:[\w-]*:[\w-]*:(\d{12}):/.exec(arn);
  return m?.[1];
}
