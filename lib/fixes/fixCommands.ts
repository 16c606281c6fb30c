/**
 * AWS CLI and Terraform renderings of a fix. Pure string building; every
 * value is quoted for the shell (single quotes) or HCL (escaped strings).
 */

/** Quotes text for a POSIX shell as one single-quoted word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** An HCL string literal (escapes `"`, `\`, `${` and `%{`). */
export function hclString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\$\{/g, '$$$${')
    .replace(/%\{/g, '%%{')}"`;
}

/** A Terraform resource label made from any name: letters, digits, `_`, `-`; not starting with a digit. */
export function tfLabel(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^([^A-Za-z_])/, '_$1');
  return cleaned.length === 0 ? 'policy' : cleaned.toLowerCase();
}

/** `jsonencode(...)` of a JSON value written as an HCL object/tuple expression. */
export function hclJsonencode(value: unknown, indent = '  '): string {
  return `jsonencode(${hclValue(value, indent)})`;
}

function hclValue(value: unknown, indent: string): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${hclValue(v, inner)}`).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${hclString(k)} = ${hclValue(v, inner)}`).join('\n')}\n${indent}}`;
}

const json = (doc: unknown): string => JSON.stringify(doc);

export function cliUpdateTrust(roleName: string, doc: unknown): string {
  return `aws iam update-assume-role-policy --role-name ${shellQuote(roleName)} --policy-document ${shellQuote(json(doc))}`;
}

export function tfRoleTrust(role: { name: string; path: string }, doc: unknown): string {
  const path = role.path === '/' ? '' : `\n  path               = ${hclString(role.path)}`;
  return `resource "aws_iam_role" ${hclString(tfLabel(role.name))} {
  name               = ${hclString(role.name)}${path}
  # keep the role's other arguments as they are; only the trust policy changes
  assume_role_policy = ${hclJsonencode(doc, '  ')}
}`;
}

export type PolicyOwner =
  | {
      readonly kind: 'inline';
      readonly principalType: 'role' | 'user' | 'group';
      readonly principalName: string;
      readonly policyName: string;
    }
  | { readonly kind: 'managed'; readonly arn: string; readonly name: string }
  /**
   * The inline policy of an IAM Identity Center permission set: IAM refuses
   * to change the `AWSReservedSSO_*` roles it provisions ("protected role"),
   * so the fix goes to the permission set, then is provisioned again.
   */
  | { readonly kind: 'permission-set'; readonly name: string }
  | {
      readonly kind: 'org';
      readonly id: string;
      readonly name: string;
      readonly type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
    };

export function cliPutPolicy(owner: PolicyOwner, doc: unknown): string {
  switch (owner.kind) {
    case 'inline':
      return `aws iam put-${owner.principalType}-policy --${owner.principalType}-name ${shellQuote(owner.principalName)} --policy-name ${shellQuote(owner.policyName)} --policy-document ${shellQuote(json(doc))}`;
    case 'managed':
      return `aws iam create-policy-version --policy-arn ${shellQuote(owner.arn)} --set-as-default --policy-document ${shellQuote(json(doc))}`;
    case 'org':
      return `aws organizations update-policy --policy-id ${shellQuote(owner.id)} --content ${shellQuote(json(doc))}`;
    case 'permission-set': {
      const find = `"$(aws sso-admin describe-permission-set --instance-arn "$INSTANCE_ARN" --permission-set-arn "$ps" --query 'PermissionSet.Name' --output text)" = ${shellQuote(owner.name)}`;
      return [
        "# in the management account or IAM Identity Center's delegated administrator account:",
        `INSTANCE_ARN=$(aws sso-admin list-instances --query 'Instances[0].InstanceArn' --output text)`,
        `PERMISSION_SET_ARN=$(for ps in $(aws sso-admin list-permission-sets --instance-arn "$INSTANCE_ARN" --query 'PermissionSets[]' --output text); do [ ${find} ] && echo "$ps"; done)`,
        `aws sso-admin put-inline-policy-to-permission-set --instance-arn "$INSTANCE_ARN" --permission-set-arn "$PERMISSION_SET_ARN" --inline-policy ${shellQuote(json(doc))}`,
        `aws sso-admin provision-permission-set --instance-arn "$INSTANCE_ARN" --permission-set-arn "$PERMISSION_SET_ARN" --target-type ALL_PROVISIONED_ACCOUNTS`,
      ].join('\n');
    }
  }
}

export function tfPutPolicy(owner: PolicyOwner, doc: unknown): string {
  switch (owner.kind) {
    case 'inline': {
      const resource = `aws_iam_${owner.principalType}_policy`;
      return `resource "${resource}" ${hclString(tfLabel(`${owner.principalName}_${owner.policyName}`))} {
  name   = ${hclString(owner.policyName)}
  ${owner.principalType.padEnd(6)} = ${hclString(owner.principalName)}
  policy = ${hclJsonencode(doc, '  ')}
}`;
    }
    case 'managed':
      return `resource "aws_iam_policy" ${hclString(tfLabel(owner.name))} {
  name   = ${hclString(owner.name)}
  policy = ${hclJsonencode(doc, '  ')}
}`;
    case 'org':
      return `resource "aws_organizations_policy" ${hclString(tfLabel(owner.name))} {
  name    = ${hclString(owner.name)}
  type    = ${hclString(owner.type)}
  content = ${hclJsonencode(doc, '  ')}
}`;
    case 'permission-set': {
      const label = hclString(tfLabel(owner.name));
      return `data "aws_ssoadmin_instances" "this" {}

data "aws_ssoadmin_permission_set" ${label} {
  instance_arn = tolist(data.aws_ssoadmin_instances.this.arns)[0]
  name         = ${hclString(owner.name)}
}

resource "aws_ssoadmin_permission_set_inline_policy" ${label} {
  instance_arn       = tolist(data.aws_ssoadmin_instances.this.arns)[0]
  permission_set_arn = data.aws_ssoadmin_permission_set.${tfLabel(owner.name)}.arn
  inline_policy      = ${hclJsonencode(doc, '  ')}
}`;
    }
  }
}

/** An IAM OIDC provider for `host` (its ARN derives from the URL) with these client ids. */
export function tfOidcProvider(host: string, clientIds: readonly string[]): string {
  return `resource "aws_iam_openid_connect_provider" ${hclString(tfLabel(host))} {
  url            = ${hclString(`https://${host}`)}
  client_id_list = [${[...new Set(clientIds)].map(hclString).join(', ')}]
}`;
}

/** `aws iam create-open-id-connect-provider` for `host` with one client id. */
export function cliCreateOidcProvider(host: string, clientId: string): string {
  return `aws iam create-open-id-connect-provider --url ${shellQuote(`https://${host}`)} --client-id-list ${shellQuote(clientId)}`;
}

/** The caller's side: `aws sts assume-role` with the right inputs. */
export function cliAssumeRole(opts: {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  serialNumber?: string;
}): string {
  const parts = [
    'aws sts assume-role',
    `--role-arn ${shellQuote(opts.roleArn)}`,
    `--role-session-name ${shellQuote(opts.sessionName)}`,
  ];
  if (opts.externalId !== undefined) parts.push(`--external-id ${shellQuote(opts.externalId)}`);
  if (opts.serialNumber !== undefined) {
    parts.push(`--serial-number ${shellQuote(opts.serialNumber)}`, '--token-code "$MFA_CODE"');
  }
  return parts.join(' ');
}

/** The Terraform AWS provider's `assume_role` block for the caller. */
export function tfProviderAssumeRole(opts: {
  roleArn: string;
  sessionName: string;
  externalId?: string;
}): string {
  const ext =
    opts.externalId === undefined ? '' : `\n    external_id  = ${hclString(opts.externalId)}`;
  return `provider "aws" {
  assume_role {
    role_arn     = ${hclString(opts.roleArn)}
    session_name = ${hclString(opts.sessionName)}${ext}
  }
}`;
}

/** The permission set an IAM Identity Center role (`AWSReservedSSO_<set>_<16 hex>`) provisions. */
export function permissionSetOf(roleName: string): string | undefined {
  return /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(roleName)?.[1];
}

/** Reads an owner out of a policy label of lib/state (inline / managed / org policy). */
export function ownerOfPolicy(label: string, arn: string | undefined): PolicyOwner | undefined {
  const inline = /^inline policy `([^`]+)` of (role|user|group) `([^`]+)`$/.exec(label);
  if (inline !== null) {
    const principalName = inline[3] as string;
    if (inline[2] === 'role') {
      // Roles IAM will not let anyone edit: Identity Center's (edited through
      // their permission set) and service-linked roles (not at all).
      const permissionSet = permissionSetOf(principalName);
      if (permissionSet !== undefined) return { kind: 'permission-set', name: permissionSet };
      if (principalName.startsWith('AWSServiceRoleFor')) return undefined;
    }
    return {
      kind: 'inline',
      policyName: inline[1] as string,
      principalType: inline[2] as 'role' | 'user' | 'group',
      principalName,
    };
  }
  const ref = arn ?? /(arn:aws[\w-]*:\S+?)(?:\)|$|\s)/.exec(label)?.[1];
  if (ref === undefined) return undefined;
  const org =
    /^arn:aws[\w-]*:organizations::\d{12}:policy\/o-[\w]+\/(service_control_policy|resource_control_policy)\/(p-[\w]+)$/.exec(
      ref,
    );
  if (org !== null) {
    const name = /^(?:SCP|RCP) `([^`]+)`/.exec(label)?.[1] ?? (org[2] as string);
    return {
      kind: 'org',
      id: org[2] as string,
      name,
      type:
        org[1] === 'service_control_policy' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY',
    };
  }
  const managed = /^arn:aws[\w-]*:iam::(\d{12}):policy\/(?:.*\/)?([^/]+)$/.exec(ref);
  if (managed !== null) return { kind: 'managed', arn: ref, name: managed[2] as string };
  return undefined;
}
