import type { CauseDraft } from '../diagnosis/CauseDraft.js';
import type { CauseCode } from '../diagnosis/causeCodes.js';
import type { Fix } from '../diagnosis/Diagnosis.js';
import { baseOperator, equalsWithWildcard, quoteList, roleNameOf } from '../diagnosis/describe.js';
import type { AssumeRoleInputs, OrgPolicies } from '../engine/AssumeRoleEvaluation.js';
import type { RequestContext } from '../engine/RequestContext.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import { parseIamPrincipalArn, parseRoleArn } from '../intake/parseIamArn.js';
import type { LabeledPolicy, PolicyDocument, PolicyStatement } from '../policy/PolicyDocument.js';
import {
  cliAssumeRole,
  cliCreateOidcProvider,
  cliPutPolicy,
  cliUpdateTrust,
  ownerOfPolicy,
  permissionSetOf,
  shellQuote,
  tfNewRole,
  tfOidcProvider,
  tfProviderAssumeRole,
  tfPutPolicy,
  tfRoleTrust,
} from './fixCommands.js';
import {
  addAction,
  addAwsPrincipal,
  addConditionValues,
  addExceptionValues,
  addFederatedPrincipal,
  addPrincipalArnException,
  addStatement,
  removeConditionValues,
  renameOperator,
  replaceAssumeAction,
  replaceAwsPrincipal,
} from './patchPolicy.js';
import { policyToJson } from './policyToJson.js';

/** What a fix needs besides its cause: the evaluated request and a way to re-check it. */
export interface FixContext {
  readonly event: DenialEvent;
  /** The inputs the cause was found with (absent when no role could be evaluated). */
  readonly inputs?: AssumeRoleInputs;
  readonly role?: { readonly arn: string; readonly name: string; readonly path: string };
  /** The caller's IAM ARN (role ARN for sessions, user ARN). */
  readonly callerArn?: string;
  /** Re-runs the evaluation with patched inputs: does `code` still block? */
  /**
   * Re-runs the evaluation with patched inputs: does `code` still block (for
   * `action`, and, when given, from that policy statement)?
   */
  readonly stillBlocks: (
    inputs: AssumeRoleInputs,
    code: CauseCode,
    action?: string,
    where?: Readonly<Record<string, string>>,
  ) => boolean;
  /** Does a role with this ARN exist (for corrected-ARN fixes)? */
  readonly roleExists: (arn: string) => boolean;
  /** The existing role a `ROLE_NOT_FOUND` cause of the same diagnosis suggests. */
  readonly suggestedRoleArn?: string;
}

interface Rendering {
  readonly iamPolicy?: Record<string, unknown>;
  readonly awsCli: string;
  readonly terraform: string;
}

/** A candidate fix: patched inputs to verify, and its renderings (built only once verified). */
type Candidate = {
  readonly title: string;
  readonly inputs: AssumeRoleInputs;
  readonly appliesTo: string;
} & (Rendering | { readonly render: () => Rendering });

function sessionNameOf(event: DenialEvent): string {
  const n = event.request.roleSessionName ?? 'trustwatch-fix';
  return /^[\w+=,.@-]{2,64}$/.test(n) ? n : 'trustwatch-fix';
}

function withTrust(inputs: AssumeRoleInputs, doc: PolicyDocument): AssumeRoleInputs {
  return { ...inputs, trust: { ...inputs.trust, document: doc } };
}

function withContext(
  inputs: AssumeRoleInputs,
  set: Record<string, readonly string[]>,
): AssumeRoleInputs {
  const ctx: RequestContext = inputs.context;
  const keys = Object.keys(set);
  return {
    ...inputs,
    context: {
      ...ctx,
      values: { ...ctx.values, ...set },
      unknownKeys: ctx.unknownKeys.filter((k) => !keys.includes(k)),
    },
  };
}

function replacePolicy(
  inputs: AssumeRoleInputs,
  old: LabeledPolicy,
  doc: PolicyDocument,
): AssumeRoleInputs {
  const swap = (p: LabeledPolicy): LabeledPolicy =>
    p === old || (p.label === old.label && p.arn === old.arn) ? { ...p, document: doc } : p;
  const swapOrg = (o: OrgPolicies | undefined): OrgPolicies | undefined =>
    o === undefined
      ? undefined
      : { ...o, levels: o.levels.map((l) => ({ ...l, policies: l.policies.map(swap) })) };
  return {
    ...inputs,
    trust: swap(inputs.trust),
    identity: inputs.identity?.map(swap),
    boundary:
      inputs.boundary === null || inputs.boundary === undefined
        ? inputs.boundary
        : swap(inputs.boundary),
    sessionPolicies: inputs.sessionPolicies?.map(swap),
    scp: swapOrg(inputs.scp),
    rcp: swapOrg(inputs.rcp),
  };
}

/** Title-cased identifier fragment for a Sid (letters and digits only). */
function sidPart(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '');
}

/** The caller authenticates with MFA, so the request carries `aws:MultiFactorAuthPresent` true. */
function mfaCandidate(event: DenialEvent, inputs: AssumeRoleInputs, roleArn: string): Candidate {
  const sessionName = sessionNameOf(event);
  const user = event.caller.type === 'IAMUser' ? event.caller.userName : undefined;
  const serialCmd =
    user === undefined
      ? undefined
      : `MFA_SERIAL=$(aws iam list-mfa-devices --user-name ${shellQuote(user)} --query 'MFADevices[0].SerialNumber' --output text)`;
  const assume = `aws sts assume-role --role-arn ${shellQuote(roleArn)} --role-session-name ${shellQuote(sessionName)} --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"`;
  return {
    title: 'Authenticate with MFA before assuming the role',
    inputs: withContext(inputs, {
      'aws:multifactorauthpresent': ['true'],
      'aws:multifactorauthage': ['0'],
    }),
    awsCli:
      serialCmd === undefined
        ? `# sign in again with MFA (the caller's session must be MFA-authenticated), then:\naws sts assume-role --role-arn ${shellQuote(roleArn)} --role-session-name ${shellQuote(sessionName)}`
        : `${serialCmd}\n${assume}`,
    terraform: `# Terraform cannot prompt for an MFA code: export MFA session credentials first\n# (aws sts get-session-token --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"), then:\n${tfProviderAssumeRole({ roleArn, sessionName })}`,
    appliesTo: "the caller's credentials (an MFA-authenticated session)",
  };
}

/**
 * The ExternalId a deny statement insists on (`StringNotEquals sts:ExternalId
 * <value>`, with or without IfExists), when that is why it applies.
 */
function deniedExternalId(draft: CauseDraft): string | undefined {
  const c = (draft.statement?.conditions ?? []).find(
    (x) =>
      x.result !== 'no' &&
      x.key.toLowerCase() === 'sts:externalid' &&
      /^stringnot(equals|like)/i.test(baseOperator(x.operator)),
  );
  return c?.expected.find((v) => !v.includes('*') && !v.includes('?') && !v.includes('${'));
}

/** True when a deny statement applies because the request was not MFA-authenticated. */
function deniesWithoutMfa(draft: CauseDraft): boolean {
  return (draft.statement?.conditions ?? []).some(
    (c) => c.result !== 'no' && /^aws:multifactorauth(present|age)$/i.test(c.key),
  );
}

/** True when a deny statement applies because of the role's account or organization (a resource perimeter). */
function perimeterDeny(draft: CauseDraft): boolean {
  return (draft.statement?.conditions ?? []).some(
    (c) =>
      c.result !== 'no' &&
      /^aws:resource(account|orgid|orgpaths)$/i.test(c.key) &&
      /not/i.test(baseOperator(c.operator)),
  );
}

/**
 * The time before which sessions are denied, when a deny statement applies
 * because of the caller's `aws:TokenIssueTime` (the console's "Revoke active
 * sessions" policy: `DateLessThan aws:TokenIssueTime <revocation time>`).
 */
function revokedBefore(draft: CauseDraft): string | undefined {
  const c = (draft.statement?.conditions ?? []).find(
    (x) =>
      x.result === 'yes' &&
      x.key.toLowerCase() === 'aws:tokenissuetime' &&
      /^datelessthan/i.test(baseOperator(x.operator)),
  );
  return c?.expected[0];
}

/** The caller gets new credentials: a session issued now is not revoked. */
function newSessionCandidate(
  event: DenialEvent,
  inputs: AssumeRoleInputs,
  roleArn: string,
  revokedAt: string,
): Candidate {
  const sessionName = sessionNameOf(event);
  const again = `# credentials issued before ${revokedAt} were revoked: get new ones first\n# (sign in again, re-run the job, or re-assume the caller's role), then:`;
  return {
    title: `Get new credentials: sessions issued before \`${revokedAt}\` are revoked`,
    inputs: withContext(inputs, { 'aws:tokenissuetime': [event.eventTime] }),
    awsCli: `${again}\n${cliAssumeRole({ roleArn, sessionName })}`,
    terraform: `${again}\n${tfProviderAssumeRole({ roleArn, sessionName })}`,
    appliesTo: "the caller's credentials (a session issued after the revocation)",
  };
}

const DENY_CODES: readonly CauseCode[] = [
  'TRUST_EXPLICIT_DENY',
  'IDENTITY_EXPLICIT_DENY',
  'BOUNDARY_EXPLICIT_DENY',
  'SESSION_POLICY_EXPLICIT_DENY',
  'SCP_EXPLICIT_DENY',
  'RCP_EXPLICIT_DENY',
];

/** Builds the candidate fixes for one cause, best first (all unverified). */
function candidates(draft: CauseDraft, ctx: FixContext): Candidate[] {
  const { inputs, role, callerArn, event } = ctx;
  const out: Candidate[] = [];
  const trustFix = (title: string, doc: PolicyDocument): Candidate | undefined => {
    if (inputs === undefined || role === undefined) return undefined;
    return {
      title,
      inputs: withTrust(inputs, doc),
      appliesTo: inputs.trust.label,
      render: () => {
        const json = policyToJson(doc);
        return {
          iamPolicy: json,
          awsCli: cliUpdateTrust(role.name, json),
          terraform: tfRoleTrust(role, json),
        };
      },
    };
  };
  const policyFix = (
    title: string,
    policy: LabeledPolicy,
    doc: PolicyDocument,
  ): Candidate | undefined => {
    if (inputs === undefined) return undefined;
    const owner = ownerOfPolicy(policy.label, policy.arn);
    if (owner === undefined) return undefined;
    return {
      title,
      inputs: replacePolicy(inputs, policy, doc),
      appliesTo: policy.label,
      render: () => {
        const json = policyToJson(doc);
        return {
          iamPolicy: json,
          awsCli: cliPutPolicy(owner, json),
          terraform: tfPutPolicy(owner, json),
        };
      },
    };
  };
  const push = (c: Candidate | undefined): void => {
    if (c !== undefined) out.push(c);
  };
  const trustDoc = inputs?.trust.document;
  const roleArn = role?.arn ?? event.target.roleArn;

  const federated = draft.hint?.addFederated;
  const federatedIndex = draft.hint?.statementIndex;
  if (federated !== undefined && federatedIndex !== undefined && trustDoc !== undefined) {
    push(
      trustFix(
        `Trust the SAML provider \`${federated}\` in statement \`${draft.statement?.sid ?? `#${federatedIndex}`}\` (only if it should sign in to this role)`,
        addFederatedPrincipal(trustDoc, Number(federatedIndex), federated),
      ),
    );
    return out;
  }
  const wrongAction = draft.hint?.wrongActionStatement;
  const neededAction = draft.blocker?.action ?? inputs?.context.action;
  if (wrongAction !== undefined && trustDoc !== undefined && neededAction !== undefined) {
    const ref = draft.statement?.sid ?? `#${wrongAction}`;
    push(
      trustFix(
        `Allow \`${neededAction}\` instead of ${quoteList(Array.isArray(draft.evidence.allowedActions) ? draft.evidence.allowedActions.map(String) : [])} in trust statement \`${ref}\`, which already trusts the caller`,
        replaceAssumeAction(trustDoc, Number(wrongAction), neededAction),
      ),
    );
    return out;
  }

  switch (draft.code) {
    case 'TRUST_PRINCIPAL_NOT_TRUSTED': {
      const service = event.caller.type === 'AWSService' ? event.caller.invokedBy : undefined;
      if (trustDoc !== undefined && service !== undefined) {
        push(
          trustFix(
            `Trust the service \`${service}\` in the trust policy (if it should assume this role)`,
            addStatement(trustDoc, {
              sid: `Allow${sidPart(service.split('.')[0] ?? 'Service')}Service`.slice(0, 100),
              effect: 'Allow',
              principal: {
                kind: 'map',
                AWS: [],
                Service: [service],
                Federated: [],
                CanonicalUser: [],
              },
              action: [draft.blocker?.action ?? inputs?.context.action ?? 'sts:AssumeRole'],
              conditions: [],
            }),
          ),
        );
        break;
      }
      if (trustDoc === undefined || callerArn === undefined) break;
      const wrong = draft.hint?.wrongArn;
      if (wrong !== undefined) {
        push(
          trustFix(
            `Name the full ARN \`${callerArn}\` (with its path) in the trust policy`,
            replaceAwsPrincipal(trustDoc, wrong, callerArn),
          ),
        );
      }
      const traces = draft.blocker?.evaluations[0]?.evaluation.statements ?? [];
      const action = draft.blocker?.action ?? inputs?.context.action ?? 'sts:AssumeRole';
      for (const s of trustDoc.statements) {
        const t = traces.find((x) => x.index === s.index);
        if (s.effect !== 'Allow' || s.principal?.kind !== 'map' || s.principal.AWS.length === 0)
          continue;
        if (t !== undefined && t.action !== 'yes') continue;
        push(
          trustFix(
            `Add \`${callerArn}\` to the principals of trust statement \`${s.sid ?? `#${s.index}`}\``,
            addAwsPrincipal(trustDoc, s.index, callerArn),
          ),
        );
      }
      const name = roleNameOf(callerArn);
      push(
        trustFix(
          `Add a trust statement for \`${callerArn}\``,
          addStatement(trustDoc, {
            sid: `Allow${sidPart(name)}`.slice(0, 100),
            effect: 'Allow',
            principal: {
              kind: 'map',
              AWS: [callerArn],
              Service: [],
              Federated: [],
              CanonicalUser: [],
            },
            action: [action],
            conditions: [],
          }),
        ),
      );
      break;
    }
    case 'TRUST_PRINCIPAL_STALE_ID': {
      const stale = draft.hint?.staleId;
      if (trustDoc === undefined || callerArn === undefined || stale === undefined) break;
      push(
        trustFix(
          `Replace the stale id \`${stale}\` with \`${callerArn}\` in the trust policy`,
          replaceAwsPrincipal(trustDoc, stale, callerArn),
        ),
      );
      break;
    }
    case 'TRUST_MISSING_SESSION_ACTION': {
      const action = draft.blocker?.action;
      if (trustDoc === undefined || action === undefined || inputs === undefined) break;
      for (const t of inputs !== undefined
        ? (draft.blocker?.evaluations[0]?.evaluation.statements ?? [])
        : []) {
        if (t.effect === 'Allow' && t.principal !== 'no') {
          push(
            trustFix(
              `Allow \`${action}\` in trust statement \`${t.sid ?? `#${t.index}`}\``,
              addAction(trustDoc, t.index, action),
            ),
          );
        }
      }
      break;
    }
    case 'TRUST_EXPLICIT_DENY':
    case 'IDENTITY_EXPLICIT_DENY':
    case 'BOUNDARY_EXPLICIT_DENY':
    case 'SCP_EXPLICIT_DENY':
    case 'RCP_EXPLICIT_DENY': {
      const policy = draft.policy;
      const s = draft.statement;
      if (policy === undefined || s === undefined || callerArn === undefined) break;
      // A deny that only bites sessions without MFA (the usual "force MFA"
      // policy) is met by using MFA, not by exempting the caller from it; one
      // that bites requests without the agreed ExternalId, by sending it.
      if (deniesWithoutMfa(draft) && inputs !== undefined && roleArn !== undefined) {
        out.push(mfaCandidate(event, inputs, roleArn));
      }
      const externalId = deniedExternalId(draft);
      if (externalId !== undefined && inputs !== undefined && roleArn !== undefined) {
        const sessionName = sessionNameOf(event);
        out.push({
          title: 'Pass the ExternalId the role expects when assuming it',
          inputs: withContext(inputs, { 'sts:externalid': [externalId] }),
          awsCli: cliAssumeRole({ roleArn, sessionName, externalId }),
          terraform: tfProviderAssumeRole({ roleArn, sessionName, externalId }),
          appliesTo: "the caller's AssumeRole call (SDK, CLI profile or Terraform provider)",
        });
      }
      // A revocation deny is met by new credentials; exempting the caller
      // would undo the incident response that revoked them.
      const revokedAt = revokedBefore(draft);
      if (revokedAt !== undefined) {
        if (inputs !== undefined && roleArn !== undefined) {
          out.push(newSessionCandidate(event, inputs, roleArn, revokedAt));
        }
        break;
      }
      /** The deny's own policy patched: the trust policy, an identity policy or an org policy. */
      const pushDenyPatch = (title: string, doc: PolicyDocument): void => {
        if (draft.code === 'TRUST_EXPLICIT_DENY') push(trustFix(title, doc));
        else {
          const org = draft.code === 'SCP_EXPLICIT_DENY' || draft.code === 'RCP_EXPLICIT_DENY';
          push(
            policyFix(
              org ? `${title}; needs the organization's management account` : title,
              policy,
              doc,
            ),
          );
        }
      };
      // A resource perimeter (deny unless the role's account or organization
      // is ours) is opened for the one account asked for, not for the caller
      // everywhere: the exception data-perimeter guidance uses.
      const targetAccount = roleArn === undefined ? undefined : parseRoleArn(roleArn)?.accountId;
      if (perimeterDeny(draft) && targetAccount !== undefined) {
        const opened = addExceptionValues(
          policy.document,
          s.index,
          'StringNotEquals',
          'aws:ResourceAccount',
          [targetAccount],
        );
        pushDenyPatch(
          `Let deny statement \`${s.sid ?? `#${s.index}`}\` spare roles of account \`${targetAccount}\` (only if it is a trusted account)`,
          opened,
        );
      }
      pushDenyPatch(
        `Exempt \`${callerArn}\` from deny statement \`${s.sid ?? `#${s.index}`}\` (only if this access is intended)`,
        addPrincipalArnException(policy.document, s.index, callerArn),
      );
      break;
    }
    case 'TRUST_CONDITION_EXTERNAL_ID': {
      const clause = draft.clause;
      if (inputs === undefined || roleArn === undefined || clause === undefined) break;
      if (trustDoc !== undefined && draft.statement !== undefined && equalsWithWildcard(clause)) {
        const newOp = clause.operator.replace(/Equals/, 'Like');
        push(
          trustFix(
            `Use \`${newOp}\` instead of \`${clause.operator}\`: \`${clause.operator}\` treats \`*\` literally`,
            renameOperator(trustDoc, draft.statement.index, clause.operator, clause.key, newOp),
          ),
        );
      }
      const op = baseOperator(clause.operator).toLowerCase();
      const value = clause.expected.find((v) => !v.includes('*') && !v.includes('?'));
      if (!op.startsWith('string') || op.includes('not') || value === undefined) break;
      const sessionName = sessionNameOf(event);
      out.push({
        title: 'Pass the ExternalId the role expects when assuming it',
        inputs: withContext(inputs, { 'sts:externalid': [value] }),
        awsCli: cliAssumeRole({ roleArn, sessionName, externalId: value }),
        terraform: tfProviderAssumeRole({ roleArn, sessionName, externalId: value }),
        appliesTo: "the caller's AssumeRole call (SDK, CLI profile or Terraform provider)",
      });
      break;
    }
    case 'TRUST_CONDITION_MFA': {
      if (inputs === undefined || roleArn === undefined) break;
      out.push(mfaCandidate(event, inputs, roleArn));
      break;
    }
    case 'TRUST_CONDITION_ORG':
    case 'TRUST_CONDITION_OTHER':
    case 'OIDC_CLAIM_MISMATCH':
    case 'SAML_CLAIM_MISMATCH': {
      const clause = draft.clause;
      const s = draft.statement;
      if (trustDoc === undefined || clause === undefined || s === undefined) break;
      if (equalsWithWildcard(clause)) {
        const newOp = clause.operator.replace(/Equals/, 'Like');
        push(
          trustFix(
            `Use \`${newOp}\` instead of \`${clause.operator}\`: \`${clause.operator}\` treats \`*\` literally`,
            renameOperator(trustDoc, s.index, clause.operator, clause.key, newOp),
          ),
        );
      }
      const actual = clause.actual;
      if (actual === undefined || actual.length === 0) break;
      const base = baseOperator(clause.operator).toLowerCase();
      const negated = base.includes('not');
      if (negated) {
        const lower = actual.map((a) => a.toLowerCase());
        push(
          trustFix(
            `Stop excluding ${actual.map((a) => `\`${a}\``).join(', ')} in condition \`${clause.key}\``,
            removeConditionValues(trustDoc, s.index, clause.operator, clause.key, (v) =>
              lower.includes(v.toLowerCase()),
            ),
          ),
        );
      } else if (base.startsWith('string') || base.startsWith('arn') || base === 'ipaddress') {
        const add =
          base === 'ipaddress'
            ? actual.map((a) => (a.includes('/') ? a : a.includes(':') ? `${a}/128` : `${a}/32`))
            : actual;
        push(
          trustFix(
            `Allow ${add.map((a) => `\`${a}\``).join(', ')} in condition \`${clause.key}\` of trust statement \`${s.sid ?? `#${s.index}`}\` (if this caller should get in)`,
            addConditionValues(trustDoc, s.index, clause.operator, clause.key, add),
          ),
        );
      }
      break;
    }
    case 'IDENTITY_NO_ALLOW': {
      // Without the caller's policies (unreadable account) a grant cannot be verified.
      if (
        inputs === undefined ||
        inputs.identity === undefined ||
        roleArn === undefined ||
        callerArn === undefined
      )
        break;
      const caller = parseIamPrincipalArn(callerArn);
      if (
        caller === undefined ||
        (caller.resourceType !== 'role' && caller.resourceType !== 'user')
      )
        break;
      // Granting a role that does not exist fixes nothing: grant the role the
      // ROLE_NOT_FOUND cause suggests instead, or nothing.
      const grantArn = ctx.roleExists(roleArn) ? roleArn : ctx.suggestedRoleArn;
      if (grantArn === undefined) break;
      const target: AssumeRoleInputs =
        grantArn === roleArn
          ? inputs
          : {
              ...inputs,
              role: { ...inputs.role, arn: grantArn },
              context: { ...inputs.context, resource: grantArn },
            };
      const roleName = roleNameOf(grantArn);
      const actions = [
        ...new Set([
          inputs.context.action,
          ...(draft.blocker?.action === undefined ? [] : [draft.blocker.action]),
          ...inputs.sessionActions.filter((a) => a.needed === 'yes').map((a) => a.action),
        ]),
      ];
      const policyName = `AllowAssume${sidPart(roleName)}`.slice(0, 128);
      const statement: Omit<PolicyStatement, 'index'> = {
        sid: policyName,
        effect: 'Allow',
        action: actions,
        resource: [grantArn],
        conditions: [],
      };
      const ownLabel = `of ${caller.resourceType} \`${caller.name}\``;
      // An Identity Center role has one inline policy, its permission set's,
      // which is replaced whole: extend it rather than add another.
      const existing =
        caller.resourceType === 'role' && permissionSetOf(caller.name) !== undefined
          ? (inputs.identity ?? []).find(
              (p) => p.label.startsWith('inline policy `') && p.label.endsWith(ownLabel),
            )
          : undefined;
      const policy: LabeledPolicy = existing ?? {
        label: `inline policy \`${policyName}\` ${ownLabel}`,
        document: { version: '2012-10-17', statements: [] },
      };
      const doc = addStatement(policy.document, statement);
      const owner = ownerOfPolicy(policy.label, undefined);
      if (owner === undefined) break;
      const json = policyToJson(doc);
      const patched = { ...policy, document: doc };
      out.push({
        title: `Allow ${caller.resourceType} \`${caller.name}\` to assume \`${grantArn}\` (${owner.kind === 'permission-set' ? `permission set \`${owner.name}\` in IAM Identity Center` : existing === undefined ? 'new inline policy' : 'its inline policy'})`,
        inputs: {
          ...target,
          identity:
            existing === undefined
              ? [...(inputs.identity ?? []), patched]
              : (inputs.identity ?? []).map((p) => (p === existing ? patched : p)),
        },
        iamPolicy: json,
        awsCli: cliPutPolicy(owner, json),
        terraform: tfPutPolicy(owner, json),
        appliesTo:
          owner.kind === 'permission-set'
            ? `permission set \`${owner.name}\` (IAM Identity Center), provisioned as ${policy.label}`
            : policy.label,
      });
      break;
    }
    case 'BOUNDARY_NO_ALLOW':
    case 'SCP_NO_ALLOW': {
      if (inputs === undefined || roleArn === undefined) break;
      const pool: LabeledPolicy[] =
        draft.code === 'BOUNDARY_NO_ALLOW'
          ? draft.policy === undefined
            ? []
            : [draft.policy]
          : (draft.blocker?.level?.policies ?? []).filter(
              (p) =>
                ownerOfPolicy(p.label, p.arn)?.kind === 'org' && !/FullAWSAccess/.test(p.label),
            );
      const actions = [
        ...new Set([
          inputs.context.action,
          ...(draft.blocker?.action === undefined ? [] : [draft.blocker.action]),
          ...inputs.sessionActions.filter((a) => a.needed === 'yes').map((a) => a.action),
        ]),
      ];
      for (const p of pool) {
        const doc = addStatement(p.document, {
          sid: `AllowAssume${sidPart(roleNameOf(roleArn))}`.slice(0, 100),
          effect: 'Allow',
          action: actions,
          resource: [roleArn],
          conditions: [],
        });
        const org = draft.code === 'SCP_NO_ALLOW';
        push(
          policyFix(
            `Allow ${actions.map((a) => `\`${a}\``).join(', ')} on \`${roleArn}\` in ${org ? '' : 'the permissions boundary '}${p.label}${org ? "; needs the organization's management account" : ''}`,
            p,
            doc,
          ),
        );
      }
      break;
    }
    case 'SESSION_POLICY_NO_ALLOW':
    case 'SESSION_POLICY_EXPLICIT_DENY': {
      if (inputs === undefined || callerArn === undefined || roleArn === undefined) break;
      const c = parseRoleArn(callerArn);
      if (c === undefined) break;
      const sessionName = 'trustwatch-fix';
      out.push({
        title: `Start the caller's session of \`${c.name}\` without the session policy that blocks it (no --policy / --policy-arns), then assume \`${roleNameOf(roleArn)}\``,
        inputs: { ...inputs, sessionPolicies: [] },
        awsCli: `${cliAssumeRole({ roleArn: callerArn, sessionName: /^[\w+=,.@-]{2,64}$/.test(sessionName) ? sessionName : 'trustwatch-fix' })}\n${cliAssumeRole({ roleArn, sessionName: sessionNameOf(event) })}`,
        terraform: `# create the caller's session without \`policy\` / \`policy_arns\` in its assume_role block\n${tfProviderAssumeRole({ roleArn: callerArn, sessionName: 'trustwatch-fix' })}`,
        appliesTo: "whatever creates the caller's session (it passed a session policy)",
      });
      break;
    }
    default:
      break;
  }
  return out;
}

/**
 * The minimal verified fix for one cause: each candidate is re-evaluated with
 * the engine; the first one after which the cause no longer blocks is kept.
 * Causes whose fix is a corrected input (role ARN, MFA code) are checked
 * against IAM state instead.
 */
export function buildFix(draft: CauseDraft, ctx: FixContext): Fix | undefined {
  const { event } = ctx;
  switch (draft.code) {
    case 'ROLE_NOT_FOUND':
    case 'TARGET_ACCOUNT_OUTSIDE_ORG': {
      const arn = draft.hint?.suggestedArn;
      if (arn === undefined || !ctx.roleExists(arn)) return undefined;
      const sessionName = sessionNameOf(event);
      return {
        cause: draft.code,
        title: `Use the existing role \`${arn}\` in the caller's configuration`,
        awsCli: cliAssumeRole({ roleArn: arn, sessionName }),
        terraform: tfProviderAssumeRole({ roleArn: arn, sessionName }),
        appliesTo: "the caller's configuration (role ARN)",
        verified: true,
      };
    }
    case 'MFA_CODE_INVALID': {
      const user = event.caller.type === 'IAMUser' ? event.caller.userName : undefined;
      const roleArn = event.target.roleArn ?? event.request.roleSessionName;
      if (user === undefined) return undefined;
      const serial =
        event.request.serialNumber ??
        '$(aws iam list-mfa-devices --user-name ' +
          shellQuote(user) +
          " --query 'MFADevices[0].SerialNumber' --output text)";
      const assume =
        event.target.roleArn === undefined
          ? `aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name ${shellQuote(sessionNameOf(event))} --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"`
          : `aws sts assume-role --role-arn ${shellQuote(event.target.roleArn)} --role-session-name ${shellQuote(sessionNameOf(event))} --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"`;
      void roleArn;
      return {
        cause: 'MFA_CODE_INVALID',
        title: `Use the serial number of an MFA device registered to \`${user}\` and a current one-time code`,
        awsCli: `MFA_SERIAL=${event.request.serialNumber === undefined ? `"${serial}"` : shellQuote(serial)}\n${assume}`,
        terraform: `# Terraform cannot prompt for an MFA code: export MFA session credentials first, e.g.\n# aws sts get-session-token --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE"\n${hclComment()}`,
        appliesTo: "the caller's MFA device and code",
        // AWS checks the code before any policy: a valid serial and code remove this failure.
        verified: true,
      };
    }
    case 'OIDC_CLAIM_MISMATCH': {
      // STS rejected the audience: the provider's client ids are the fix, not a trust policy.
      const aud = draft.hint?.audienceRejected;
      const arn = draft.hint?.providerArn;
      if (aud === undefined || arn === undefined) break;
      const host = arn.slice(arn.indexOf('oidc-provider/') + 'oidc-provider/'.length);
      const known = Array.isArray(draft.evidence.expected)
        ? draft.evidence.expected.map(String)
        : [];
      return {
        cause: 'OIDC_CLAIM_MISMATCH',
        title: `Add the audience \`${aud}\` to the client ids of the OIDC provider`,
        awsCli: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${shellQuote(arn)} --client-id ${shellQuote(aud)}`,
        terraform: tfOidcProvider(host, [...known, aud]),
        appliesTo: `the OIDC provider \`${arn}\``,
        // STS accepts a token whose aud is one of the provider's client ids.
        verified: true,
      };
    }
    case 'OIDC_PROVIDER_NOT_TRUSTED':
      // A statement that trusts the provider for the wrong action is mended in place.
      if (draft.hint?.wrongActionStatement === undefined) return oidcProviderFix(draft, ctx);
      break;
    default:
      break;
  }
  // Causes about a session action (`sts:TagSession`, …) are re-checked for that action.
  const blocked = draft.blocker?.action;
  const action =
    blocked !== undefined && ctx.inputs !== undefined && blocked !== ctx.inputs.context.action
      ? blocked
      : undefined;
  // An explicit deny is fixed when its own statement stops denying, a missing
  // SCP allow when its own level allows: another deny or level is a cause of
  // its own, with its own fix.
  const { policy, statement, level } = draft.evidence;
  const where: Readonly<Record<string, string>> | undefined =
    DENY_CODES.includes(draft.code) && typeof policy === 'string' && typeof statement === 'string'
      ? { policy, statement }
      : draft.code === 'SCP_NO_ALLOW' && typeof level === 'string'
        ? { level }
        : undefined;
  for (const c of candidates(draft, ctx)) {
    if (!ctx.stillBlocks(c.inputs, draft.code, action, where)) {
      const r = 'render' in c ? c.render() : c;
      return {
        cause: draft.code,
        title: c.title,
        ...(r.iamPolicy === undefined ? {} : { iamPolicy: r.iamPolicy }),
        awsCli: r.awsCli,
        terraform: r.terraform,
        appliesTo: c.appliesTo,
        verified: true,
      };
    }
  }
  return undefined;
}

function hclComment(): string {
  return '# then run terraform with those credentials in the environment';
}

/**
 * No role trusts the caller's OIDC provider (or it does not exist): a new
 * role trust policy for exactly the observed `sub` and `aud`, verified
 * against the request.
 */
function oidcProviderFix(draft: CauseDraft, ctx: FixContext): Fix | undefined {
  const w = ctx.event.caller.webIdentity;
  const providerArn = draft.hint?.providerArn || w?.providerArn;
  const host = w?.provider;
  if (
    providerArn === undefined ||
    host === undefined ||
    w?.sub === undefined ||
    ctx.inputs === undefined
  ) {
    return undefined;
  }
  const trustingRoles = draft.hint?.trustingRoles;
  if (draft.hint?.providerMissing === 'true' && trustingRoles !== undefined) {
    // Recreating the provider is the whole fix: its ARN comes from its URL.
    const clientId = w.aud ?? 'sts.amazonaws.com';
    return {
      cause: 'OIDC_PROVIDER_NOT_TRUSTED',
      title: `Recreate the OIDC provider \`${host}\`: ${trustingRoles
        .split(',')
        .map((r) => `\`${r}\``)
        .join(', ')} already ${trustingRoles.includes(',') ? 'trust' : 'trusts'} its ARN`,
      awsCli: cliCreateOidcProvider(host, clientId),
      terraform: tfOidcProvider(host, [clientId]),
      appliesTo: `the OIDC provider \`${providerArn}\``,
      // Those roles' trust policies were evaluated with this token and allow it.
      verified: true,
    };
  }
  const repo = /^repo:[^/]+\/([^:]+):/.exec(w.sub)?.[1];
  const roleName =
    ctx.role?.name ?? (repo === undefined ? 'web-identity-role' : `github-${repo}`.slice(0, 64));
  const conditions = [
    ...(w.aud === undefined
      ? []
      : [{ operator: 'StringEquals', key: `${host}:aud`, values: [w.aud] }]),
    { operator: 'StringEquals', key: `${host}:sub`, values: [w.sub] },
  ];
  const statement = {
    sid: 'TrustOidcSubject',
    effect: 'Allow' as const,
    principal: {
      kind: 'map' as const,
      AWS: [],
      Service: [],
      Federated: [providerArn],
      CanonicalUser: [],
    },
    action: ['sts:AssumeRoleWithWebIdentity'],
    conditions,
  };
  const existing = ctx.role !== undefined;
  const doc: PolicyDocument = existing
    ? addStatement(ctx.inputs.trust.document, statement)
    : { version: '2012-10-17', statements: [{ ...statement, index: 0 }] };
  const patched = withTrust(ctx.inputs, doc);
  if (
    ctx.stillBlocks(patched, 'OIDC_PROVIDER_NOT_TRUSTED') ||
    ctx.stillBlocks(patched, 'OIDC_CLAIM_MISMATCH')
  ) {
    return undefined;
  }
  const json = policyToJson(doc);
  const providerMissing = draft.hint?.providerMissing === 'true';
  const clientId = w.aud ?? 'sts.amazonaws.com';
  const createProvider = providerMissing ? `${cliCreateOidcProvider(host, clientId)}\n` : '';
  const tfProvider = providerMissing ? `${tfOidcProvider(host, [clientId])}\n\n` : '';
  const awsCli = existing
    ? cliUpdateTrust(roleName, json)
    : `${createProvider}aws iam create-role --role-name ${shellQuote(roleName)} --assume-role-policy-document ${shellQuote(JSON.stringify(json))}`;
  const terraform = existing
    ? tfRoleTrust({ name: roleName, path: ctx.role?.path ?? '/' }, json)
    : `${tfProvider}${tfNewRole(roleName, json)}`;
  return {
    cause: 'OIDC_PROVIDER_NOT_TRUSTED',
    title: existing
      ? `Trust the OIDC provider for exactly the subject \`${w.sub}\` in the trust policy of \`${roleName}\``
      : `${providerMissing ? 'Create the OIDC provider and a' : 'Create a'} role trusting exactly the subject \`${w.sub}\` (if this workflow should get in)`,
    iamPolicy: json,
    awsCli,
    terraform,
    appliesTo: existing ? ctx.inputs.trust.label : `a new role \`${roleName}\``,
    verified: true,
  };
}
