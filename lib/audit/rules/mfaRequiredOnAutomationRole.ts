import type { RequestContext } from '../../engine/RequestContext.js';
import { mapStatement } from '../../fixes/patchPolicy.js';
import type { ConditionClause, PolicyStatement } from '../../policy/PolicyDocument.js';
import type { AuditContext, AuditRule, RuleHit } from '../AuditRule.js';
import {
  allowStatements,
  roleSessionRequest,
  serviceRequest,
  statementEvidence,
  statementName,
} from '../trustFacts.js';

const MFA_KEYS = new Set(['aws:multifactorauthpresent', 'aws:multifactorauthage']);

/** Caller types that are never a person at a keyboard with an MFA device. */
const MACHINE_CALLER_TYPES = new Set(['AWSService', 'WebIdentityUser', 'AWSAccount']);

function isHumanRole(arn: string): boolean {
  return (
    /:role\/aws-reserved\/sso\.amazonaws\.com\//.test(arn) ||
    /:role\/(.*\/)?AWSReservedSSO_/.test(arn)
  );
}

function isMfaClause(c: ConditionClause): boolean {
  if (!MFA_KEYS.has(c.key.toLowerCase())) return false;
  // BoolIfExists false / Null true are the "deny when no MFA" idioms of Deny statements, not requirements.
  return (
    c.key.toLowerCase() === 'aws:multifactorauthage' ||
    c.values.some((v) => v.toLowerCase() === 'true')
  );
}

function daysBetween(a: Date, b: Date): number {
  return (a.getTime() - b.getTime()) / 86_400_000;
}

/** What shows that the callers of an MFA-guarded statement are machines. */
function machineEvidence(
  st: PolicyStatement,
  roleArn: string,
  lastUsed: string | undefined,
  created: string | undefined,
  ctx: AuditContext,
): { reason: string; caller: RequestContext } | undefined {
  const denial = ctx.denials.find(
    (d) =>
      d.roleArn === roleArn &&
      (MACHINE_CALLER_TYPES.has(d.callerType) ||
        (d.callerType === 'AssumedRole' && d.callerArn !== undefined && !isHumanRole(d.callerArn))),
  );
  if (denial !== undefined) {
    const caller = denial.callerArn;
    return {
      reason: `${denial.count} recent denial(s) of ${denial.callerType} caller${caller === undefined ? '' : ` \`${caller}\``}`,
      caller:
        caller !== undefined && /:role\//.test(caller)
          ? roleSessionRequest(roleArn, caller)
          : roleSessionRequest(roleArn, roleArn.replace(/:role\/.*$/, ':role/trustwatch-check')),
    };
  }
  if (st.principal?.kind !== 'map') return undefined;
  const p = st.principal;
  const machineOnly =
    p.Federated.length === 0 &&
    p.CanonicalUser.length === 0 &&
    p.AWS.every((e) => /^arn:aws[\w-]*:iam::\d{12}:role\//.test(e) && !isHumanRole(e)) &&
    p.AWS.length + p.Service.length > 0;
  if (!machineOnly) return undefined;
  const idle =
    lastUsed === undefined
      ? created !== undefined && daysBetween(ctx.now, new Date(created)) > ctx.unusedDays
      : daysBetween(ctx.now, new Date(lastUsed)) > ctx.unusedDays;
  if (!idle) return undefined;
  const firstRole = p.AWS[0];
  return {
    reason: `only workload principals are trusted (${[...p.AWS, ...p.Service].join(', ')}) and the role was ${lastUsed === undefined ? 'never used' : `last used ${lastUsed.slice(0, 10)}`}`,
    caller:
      firstRole !== undefined
        ? roleSessionRequest(roleArn, firstRole)
        : serviceRequest(roleArn, p.Service[0] as string, {}),
  };
}

/**
 * An MFA condition on a role its callers are machines for: role sessions of
 * workloads, services and web identities never carry
 * `aws:MultiFactorAuthPresent` (IAM UG, "AWS global condition context keys":
 * the key is absent for AssumeRole sessions created without MFA), so the
 * role can never be assumed by them.
 */
export const mfaRequiredOnAutomationRole: AuditRule = {
  code: 'MFA_REQUIRED_ON_AUTOMATION_ROLE',
  title: 'the trust requires MFA but the role is used (or meant to be used) by machines',
  reference: 'IAM User Guide, "AWS global condition context keys": aws:MultiFactorAuthPresent',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const st of allowStatements(role.trustPolicy)) {
      const mfa = st.conditions.filter(isMfaClause);
      if (mfa.length === 0) continue;
      const ev = machineEvidence(st, role.arn, role.lastUsedDate, role.createDate, ctx);
      if (ev === undefined) continue;
      const first = mfa[0] as ConditionClause;
      hits.push({
        evidence: statementEvidence(st, {
          conditionKey: first.key,
          operator: first.operator,
          values: first.values,
          detail: { evidence: ev.reason },
        }),
        summary: `${statementName(st)} requires MFA (\`${first.key}\`), but ${ev.reason}: machine callers never carry MFA, so they can never assume \`${role.name}\`.`,
        remedy: {
          kind: 'patch',
          title:
            'drop the MFA condition for the machine callers (keep it on statements for people)',
          patch: (doc) =>
            mapStatement(doc, st.index, (s) => ({
              ...s,
              conditions: s.conditions.filter((c) => !isMfaClause(c)),
            })),
          legitimate: [{ label: 'the machine caller, without MFA', context: ev.caller }],
        },
      });
    }
    return hits;
  },
};
