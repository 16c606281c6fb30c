/**
 * AWS CLI and Terraform renderings of a fix. Pure string building; every
 * value is quoted for the shell (single quotes) or HCL (escaped strings).
 */

/** Quotes text for a POSIX shell as one single-quoted word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** What {@link hclString} escapes: most strings (ARNs, names) hold none of it. */
const HCL_ESCAPED = /[\\"\n]|[$%]\{/;

/** An HCL string literal (escapes `"`, `\`, `${` and `%{`). */
export function hclString(text: string): string {
  if (!HCL_ESCAPED.test(text)) return `"${text}"`;
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\$\{/g, '$$$${')
    .replace(/%\{/g, '%%{')}"`;
}

/**
 * A Terraform name (resource or data source label, variable) in snake_case,
 * as the provider's docs write them: `DeployRole` → `deploy_role`,
 * `token.actions.githubusercontent.com` → `token_actions_githubusercontent_com`.
 */
export function tfLabel(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (snake === '') return 'policy';
  return /^[0-9]/.test(snake) ? `_${snake}` : snake;
}

/**
 * One item of an HCL body: an attribute (`name = value`, the value on one
 * line or spanning several), a nested block, a comment line or a blank line.
 */
type HclAttr = { readonly attr: string; readonly value: string };
type HclItem =
  | HclAttr
  | { readonly block: string; readonly body: readonly HclItem[] }
  | { readonly comment: string }
  | { readonly blank: true };

/**
 * Writes HCL as `terraform fmt` does, appending to `out`: two-space
 * indentation, and the `=` of consecutive one-line attributes aligned; an
 * attribute whose value spans lines (or a block, comment or blank line) ends
 * the aligned run and keeps a single space before its `=`. Nested blocks
 * append to the same `out` (no array per level: a cold process runs this once
 * or twice per fix, so it stays small and allocation-light).
 */
function hclLines(items: readonly HclItem[], indent: string, out: string[]): void {
  let run = 0; // where the current run of one-line attributes starts
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as HclItem;
    if ('attr' in item && !item.value.includes('\n')) continue;
    alignedAttrs(items, run, i, indent, out);
    run = i + 1;
    if ('attr' in item) out.push(`${indent}${item.attr} = ${indentTail(item.value, indent)}`);
    else if ('block' in item) {
      out.push(`${indent}${item.block} {`);
      hclLines(item.body, `${indent}  `, out);
      out.push(`${indent}}`);
    } else if ('comment' in item) out.push(`${indent}# ${item.comment}`.trimEnd());
    else out.push('');
  }
  alignedAttrs(items, run, items.length, indent, out);
}

/** The one-line attributes `items[from..to)`, their `=` aligned. */
function alignedAttrs(
  items: readonly HclItem[],
  from: number,
  to: number,
  indent: string,
  out: string[],
): void {
  let width = 0;
  for (let i = from; i < to; i++) width = Math.max(width, (items[i] as HclAttr).attr.length);
  for (let i = from; i < to; i++) {
    const a = items[i] as HclAttr;
    out.push(`${indent}${a.attr.padEnd(width)} = ${a.value}`);
  }
}

/** Indents every line but the first of a multi-line value by `indent`. */
function indentTail(value: string, indent: string): string {
  return indent === '' ? value : value.replace(BREAK_BEFORE_TEXT, `\n${indent}`);
}

/** A line break followed by a non-empty line (`indent` is spaces: no `$` pattern in it). */
const BREAK_BEFORE_TEXT = /\n(?=[^\n])/g;

/** Top-level HCL: blocks and comments, one blank line between blocks. */
function hclFile(items: readonly HclItem[]): string {
  const out: string[] = [];
  hclLines(items, '', out);
  return out.join('\n');
}

/** An HCL object key: a bare identifier when it is one (`Version`), quoted otherwise (`"sts:ExternalId"`). */
function hclKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : hclString(key);
}

/** A JSON value as an HCL expression, relative to column 0 (the caller indents it). */
function hclValue(value: unknown): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map(hclValue);
    return hclList(items);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const body: string[] = [];
  hclLines(
    entries.map(([k, v]) => ({ attr: hclKey(k), value: hclValue(v) })),
    '  ',
    body,
  );
  return `{\n${body.join('\n')}\n}`;
}

/** A tuple of HCL expressions: on one line when short, else one element a line. */
function hclList(items: readonly string[]): string {
  if (items.length === 0) return '[]';
  if (items.length <= 4 && items.every((v) => !v.includes('\n')) && items.join(', ').length <= 80) {
    return `[${items.join(', ')}]`;
  }
  return `[\n${items.map((v) => `${indentTail(`  ${v}`, '  ')},`).join('\n')}\n]`;
}

/**
 * `jsonencode(...)` of a JSON value written as an HCL object (bare keys where
 * HCL allows them, as the provider's docs write policies), formatted as
 * `terraform fmt` does at an attribute indented by `indent`.
 */
export function hclJsonencode(value: unknown, indent = '  '): string {
  return indentTail(`jsonencode(${hclValue(value)})`, indent);
}

/** A policy JSON element that may be one string or a list of them, as a list. */
function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

/** Values that differ per environment or are secrets: they become Terraform variables. */
const VARIABLE_KEYS: Readonly<Record<string, { name: string; description: string }>> = {
  'sts:externalid': {
    name: 'external_id',
    description: 'ExternalId the caller passes (per environment; keep it out of the code)',
  },
};

/** Variables a snippet refers to: name → description. */
type Variables = Map<string, string>;

function variableBlocks(vars: Variables): HclItem[] {
  return [...vars].flatMap(([name, description]) => [
    { blank: true } as const,
    {
      block: `variable ${hclString(name)}`,
      body: [
        { attr: 'description', value: hclString(description) },
        { attr: 'type', value: 'string' },
        { attr: 'sensitive', value: 'true' },
      ],
    },
  ]);
}

/** `var.x` for a value of a variable key (one variable per distinct value). */
function variableFor(key: string, value: string, vars: Variables, seen: Map<string, string>) {
  const spec = VARIABLE_KEYS[key.toLowerCase()];
  if (spec === undefined) return hclString(value);
  let name = seen.get(value);
  if (name === undefined) {
    name = seen.size === 0 ? spec.name : `${spec.name}_${seen.size + 1}`;
    seen.set(value, name);
    vars.set(name, spec.description);
  }
  return `var.${name}`;
}

/** The `principals` (or `not_principals`) blocks of a Principal element, appended to `out`. */
function principalBlocks(kind: 'principals' | 'not_principals', p: unknown, out: HclItem[]): void {
  if (p === undefined) return;
  if (p === '*') {
    out.push({
      block: kind,
      body: [
        { attr: 'type', value: hclString('*') },
        { attr: 'identifiers', value: hclValue(['*']) },
      ],
    });
    return;
  }
  for (const [type, ids] of Object.entries(p as Record<string, unknown>)) {
    out.push({
      block: kind,
      body: [
        { attr: 'type', value: hclString(type) },
        { attr: 'identifiers', value: hclValue(stringList(ids)) },
      ],
    });
  }
}

/**
 * A policy document (IAM JSON) as the provider's `aws_iam_policy_document`
 * data source, the idiom of its docs: one `statement` block per statement,
 * `principals` and `condition` blocks; ExternalIds become variables.
 */
function policyDocumentData(label: string, doc: unknown, vars: Variables): HclItem {
  const d = doc as { Version?: string; Id?: string; Statement?: unknown };
  const seen = new Map<string, string>();
  const statements = (Array.isArray(d.Statement) ? d.Statement : [d.Statement]).filter(
    (st): st is Record<string, unknown> => typeof st === 'object' && st !== null,
  );
  const body: HclItem[] = [];
  if (d.Version !== undefined && d.Version !== '2012-10-17')
    body.push({ attr: 'version', value: hclString(d.Version) });
  if (d.Id !== undefined) body.push({ attr: 'policy_id', value: hclString(d.Id) });
  for (const st of statements) body.push(statementBlock(st, vars, seen));
  return { block: `data "aws_iam_policy_document" ${hclString(label)}`, body };
}

/** One policy statement as a `statement` block (elements pushed in order, no spread per element). */
function statementBlock(
  st: Record<string, unknown>,
  vars: Variables,
  seen: Map<string, string>,
): HclItem {
  const body: HclItem[] = [];
  const list = (attr: string, v: unknown): void => {
    if (v !== undefined) body.push({ attr, value: hclValue(stringList(v)) });
  };
  if (st.Sid !== undefined) body.push({ attr: 'sid', value: hclString(String(st.Sid)) });
  body.push({ attr: 'effect', value: hclString(String(st.Effect ?? 'Allow')) });
  list('actions', st.Action);
  list('not_actions', st.NotAction);
  list('resources', st.Resource);
  list('not_resources', st.NotResource);
  principalBlocks('principals', st.Principal, body);
  principalBlocks('not_principals', st.NotPrincipal, body);
  for (const [test, byKey] of Object.entries((st.Condition ?? {}) as Record<string, unknown>)) {
    for (const [variable, values] of Object.entries(byKey as Record<string, unknown>)) {
      const rendered = stringList(values).map((v) => variableFor(variable, v, vars, seen));
      body.push({
        block: 'condition',
        body: [
          { attr: 'test', value: hclString(test) },
          { attr: 'variable', value: hclString(variable) },
          { attr: 'values', value: hclList(rendered) },
        ],
      });
    }
  }
  return { block: 'statement', body };
}

/** What {@link ereLiteral} escapes (metacharacters and `'`): most role and policy names hold none. */
const ERE_ESCAPED = /[\\.^$|?*+()[\]{}']/;

/** Escapes text for a POSIX extended regular expression inside single quotes. */
function ereLiteral(text: string): string {
  if (!ERE_ESCAPED.test(text)) return text;
  return text.replace(/[\\.^$|?*+()[\]{}]/g, '\\$&').replace(/'/g, `'\\''`);
}

/**
 * The shell line that finds the Terraform address of the resource of `type`
 * whose `attribute` is `value` (trustwatch cannot know how a configuration
 * names it): every address of that type in the state, shown, matched.
 */
export function tfFindAddress(type: string, attribute: string, value: string): string {
  return `terraform state list | grep -E '(^|\\.)${type}\\.' | while read -r a; do terraform state show "$a" | grep -qE '^ *${attribute} *= "${ereLiteral(value)}"$' && echo "$a"; done`;
}

/**
 * A fix to a document another resource holds: the document as a data source,
 * and comments saying which resource to find (and how) and which argument to
 * point at it. Writing a second resource instead would make Terraform create a
 * duplicate, or fight the one that already manages the object.
 */
function documentFix(opts: {
  readonly what: string;
  readonly type: string;
  readonly attribute: string;
  readonly value: string;
  readonly argument: string;
  readonly label: string;
  readonly doc: unknown;
  /** Comment lines after the finder: how to get from what it finds to the resource to change. */
  readonly via?: readonly string[];
}): string {
  const vars: Variables = new Map();
  const data = policyDocumentData(opts.label, opts.doc, vars);
  const items: HclItem[] = [
    { comment: `${opts.what}: find its resource address in your configuration's state with` },
    { comment: `  ${tfFindAddress(opts.type, opts.attribute, opts.value)}` },
  ];
  for (const comment of opts.via ?? []) items.push({ comment });
  items.push(
    {
      comment: `then set its argument \`${opts.argument} = data.aws_iam_policy_document.${opts.label}.json\``,
    },
    {
      comment:
        'and add this data source beside it (not in your state: terraform import it first, or use the AWS CLI fix)',
    },
  );
  if (vars.size > 0) {
    items.push({
      comment: `set ${[...vars.keys()].map((v) => `var.${v}`).join(', ')} in terraform.tfvars or TF_VAR_*; the value is in this fix's IAM JSON`,
    });
  }
  items.push(data, ...variableBlocks(vars));
  return hclFile(items);
}

const json = (doc: unknown): string => JSON.stringify(doc);

export function cliUpdateTrust(roleName: string, doc: unknown): string {
  return `aws iam update-assume-role-policy --role-name ${shellQuote(roleName)} --policy-document ${shellQuote(json(doc))}`;
}

export function tfRoleTrust(role: { name: string; path: string }, doc: unknown): string {
  return documentFix({
    what: `The trust policy of role \`${role.path === '/' ? '' : role.path}${role.name}\` (an aws_iam_role)`,
    type: 'aws_iam_role',
    attribute: 'name',
    value: role.name,
    argument: 'assume_role_policy',
    label: `${tfLabel(role.name)}_trust`,
    doc,
  });
}

/** A role that does not exist yet: the resource itself, its trust policy as a data source. */
export function tfNewRole(roleName: string, doc: unknown): string {
  const vars: Variables = new Map();
  const label = tfLabel(roleName);
  return hclFile([
    {
      block: `resource "aws_iam_role" ${hclString(label)}`,
      body: [
        { attr: 'name', value: hclString(roleName) },
        { attr: 'assume_role_policy', value: `data.aws_iam_policy_document.${label}_trust.json` },
      ],
    },
    { blank: true },
    policyDocumentData(`${label}_trust`, doc, vars),
    ...variableBlocks(vars),
  ]);
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
    case 'inline':
      return documentFix({
        what: `Inline policy \`${owner.policyName}\` of ${owner.principalType} \`${owner.principalName}\` (an aws_iam_${owner.principalType}_policy)`,
        type: `aws_iam_${owner.principalType}_policy`,
        attribute: 'name',
        value: owner.policyName,
        argument: 'policy',
        label: tfLabel(`${owner.principalName}_${owner.policyName}`),
        doc,
      });
    case 'managed':
      return documentFix({
        what: `Managed policy \`${owner.name}\` (an aws_iam_policy)`,
        type: 'aws_iam_policy',
        attribute: 'arn',
        value: owner.arn,
        argument: 'policy',
        label: tfLabel(owner.name),
        doc,
      });
    case 'org':
      return documentFix({
        what: `${owner.type === 'SERVICE_CONTROL_POLICY' ? 'Service' : 'Resource'} control policy \`${owner.name}\` (an aws_organizations_policy, in the management account)`,
        type: 'aws_organizations_policy',
        attribute: 'id',
        value: owner.id,
        argument: 'content',
        label: tfLabel(owner.name),
        doc,
      });
    case 'permission-set':
      return documentFix({
        what: `IAM Identity Center permission set \`${owner.name}\` (an aws_ssoadmin_permission_set)`,
        type: 'aws_ssoadmin_permission_set',
        attribute: 'name',
        value: owner.name,
        via: [
          'its inline policy is the aws_ssoadmin_permission_set_inline_policy whose permission_set_arn',
          "is that resource's arn (terraform state list | grep aws_ssoadmin_permission_set_inline_policy);",
        ],
        argument: 'inline_policy',
        label: tfLabel(owner.name),
        doc,
      });
  }
}

/** An IAM OIDC provider for `host` (its ARN derives from the URL) with these client ids. */
export function tfOidcProvider(host: string, clientIds: readonly string[]): string {
  return hclFile([
    {
      comment: `already in your configuration? (${tfFindAddress('aws_iam_openid_connect_provider', 'url', `https://${host}`)})`,
    },
    { comment: 'then set client_id_list on that resource instead of adding this one' },
    {
      block: `resource "aws_iam_openid_connect_provider" ${hclString(tfLabel(host))}`,
      body: [
        { attr: 'url', value: hclString(`https://${host}`) },
        { attr: 'client_id_list', value: hclValue([...new Set(clientIds)]) },
      ],
    },
  ]);
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

/**
 * The Terraform AWS provider's `assume_role` block for the caller, to merge
 * into the provider block the failing run uses; an ExternalId is a variable.
 */
export function tfProviderAssumeRole(opts: {
  roleArn: string;
  sessionName: string;
  externalId?: string;
}): string {
  const vars: Variables = new Map();
  const externalId =
    opts.externalId === undefined
      ? []
      : [
          {
            attr: 'external_id',
            value: variableFor('sts:ExternalId', opts.externalId, vars, new Map()),
          },
        ];
  return hclFile([
    { comment: 'in the aws provider block (or provider alias) of the failing configuration:' },
    {
      block: 'provider "aws"',
      body: [
        {
          block: 'assume_role',
          body: [
            { attr: 'role_arn', value: hclString(opts.roleArn) },
            { attr: 'session_name', value: hclString(opts.sessionName) },
            ...externalId,
          ],
        },
      ],
    },
    ...variableBlocks(vars),
  ]);
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
