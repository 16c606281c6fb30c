/** An IAM role ARN taken apart. */
export interface RoleArnParts {
  readonly arn: string;
  readonly partition: string;
  readonly accountId: string;
  /** `/` when none, else e.g. `/aws-reserved/sso.amazonaws.com/`. */
  readonly path: string;
  readonly name: string;
}

const ROLE_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):role(\/(?:[^/\s]+\/)*)?([^/\s]+)$/;
const PRINCIPAL_ARN =
  /^arn:(aws[\w-]*):iam::(\d{12}):(user|role|group|policy)(\/(?:[^/\s]+\/)*)?([^/\s]+)$/;
const SESSION_ARN =
  /^arn:(aws[\w-]*):sts::(\d{12}):(assumed-role|federated-user)\/([^/\s]+)(?:\/(.+))?$/;

/** Parses `arn:aws:iam::<account>:role/<path/><name>`; `undefined` for anything else. */
export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const m = ROLE_ARN.exec(arn);
  if (m === null) return undefined;
  // Indexed, not destructured: array destructuring runs the iterator protocol
  // (an iterator and a result object per element) while the code is interpreted.
  const partition = m[1];
  const accountId = m[2];
  const name = m[4];
  if (partition === undefined || accountId === undefined || name === undefined) return undefined;
  return { arn, partition, accountId, path: m[3] ?? '/', name };
}

/** Parses an IAM user, role, group or policy ARN. */
export function parseIamPrincipalArn(arn: string):
  | {
      readonly partition: string;
      readonly accountId: string;
      readonly resourceType: 'user' | 'role' | 'group' | 'policy';
      readonly path: string;
      readonly name: string;
    }
  | undefined {
  const m = PRINCIPAL_ARN.exec(arn);
  if (m === null) return undefined;
  // Indexed, not destructured (see `parseRoleArn`).
  const partition = m[1];
  const accountId = m[2];
  const name = m[5];
  if (partition === undefined || accountId === undefined || name === undefined) return undefined;
  return {
    partition,
    accountId,
    resourceType: m[3] as 'user' | 'role' | 'group' | 'policy',
    path: m[4] ?? '/',
    name,
  };
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
