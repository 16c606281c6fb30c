/**
 * Builds the JSON paths used in `context.path` of errors:
 * `accounts.222222222222.RoleDetailList[3].AssumeRolePolicyDocument.Statement[1].Effect`.
 * Keys made only of letters, digits, `_` and `$` use dot notation; any other key
 * (`aws:PrincipalTag/Team`, `ForAnyValue:StringLike`) is written as `["…"]`.
 */
export function appendKey(path: string, key: string): string {
  if (/^[A-Za-z0-9_$]+$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

export function appendIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}
