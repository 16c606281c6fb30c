import { evaluatePolicy } from '../engine/evaluatePolicy.js';
import type { AuditFix, FindingEvidence } from '../findings/AuditFinding.js';
import { shellQuote, tfFindAddress } from '../fixes/fixCommands.js';
import { trustPolicyTexts } from '../fixes/fixTexts.js';
import type { PolicyDocument } from '../policy/PolicyDocument.js';
import { parsePolicyDocument } from '../policy/parsePolicyDocument.js';
import type { RoleState } from '../state/IamStateSource.js';
import type { AuditContext, AuditRule, RuleHit } from './AuditRule.js';

/** Identity of a hit that survives statement renumbering: principal, key and values. */
export function evidenceKey(e: FindingEvidence): string {
  return [
    e.principalType ?? '',
    e.principal ?? '',
    (e.conditionKey ?? '').toLowerCase(),
    (e.values ?? []).join(','),
  ].join('|');
}

/** A trust policy has no `Resource`: drop it wherever a patch might have carried it. */
function withoutResource(doc: PolicyDocument): PolicyDocument {
  return {
    ...doc,
    statements: doc.statements.map(({ resource: _r, notResource: _n, ...s }) => s),
  };
}

function deleteRoleCommands(role: RoleState): { awsCli: string; terraform: string } {
  const n = shellQuote(role.name);
  return {
    awsCli: [
      `# detach and delete what the role holds first (IAM refuses to delete a role that has policies or instance profiles)`,
      `for arn in $(aws iam list-attached-role-policies --role-name ${n} --query 'AttachedPolicies[].PolicyArn' --output text); do aws iam detach-role-policy --role-name ${n} --policy-arn "$arn"; done`,
      `for p in $(aws iam list-role-policies --role-name ${n} --query 'PolicyNames[]' --output text); do aws iam delete-role-policy --role-name ${n} --policy-name "$p"; done`,
      `for ip in $(aws iam list-instance-profiles-for-role --role-name ${n} --query 'InstanceProfiles[].InstanceProfileName' --output text); do aws iam remove-role-from-instance-profile --role-name ${n} --instance-profile-name "$ip"; done`,
      `aws iam delete-role --role-name ${n}`,
    ].join('\n'),
    terraform: [
      `# find the role's resource address: ${tfFindAddress('aws_iam_role', 'name', role.name)}`,
      '# then delete that resource block (and the policy attachments and instance profiles naming it) and run terraform apply',
    ].join('\n'),
  };
}

/** An earlier fix of the same role that a later one is built on. */
export interface EarlierFix {
  readonly rule: AuditRule;
  readonly evidenceKey: string;
  readonly fingerprint: string;
  /** Its placeholders: they are in the composed policy too. */
  readonly placeholders: readonly string[];
}

/**
 * Fixes of one role compose: each is built on the policy as patched by the
 * fixes shown before it (`base`), so pasting them in order ends with every
 * finding fixed.
 */
export interface FixChain {
  readonly base: PolicyDocument;
  readonly earlier: readonly EarlierFix[];
}

/**
 * The hit's remedy re-derived on `base`: statement indexes and entries may
 * have moved under the earlier fixes. A hit the earlier fixes already removed
 * gets an identity patch (its fix is the policy as the earlier ones left it).
 */
function remedyOn(
  rule: AuditRule,
  hit: RuleHit,
  role: RoleState,
  ctx: AuditContext,
  base: PolicyDocument,
): { remedy: RuleHit['remedy']; alreadyFixed: boolean } {
  if (base === role.trustPolicy) return { remedy: hit.remedy, alreadyFixed: false };
  const key = evidenceKey(hit.evidence);
  const again = rule
    .check({ ...role, trustPolicy: base }, ctx)
    .find((h) => evidenceKey(h.evidence) === key && h.remedy.kind === hit.remedy.kind);
  if (again !== undefined) return { remedy: again.remedy, alreadyFixed: false };
  if (hit.remedy.kind !== 'patch') return { remedy: hit.remedy, alreadyFixed: true };
  return { remedy: { ...hit.remedy, patch: (d) => d }, alreadyFixed: true };
}

/**
 * Turns a hit's remedy into a fix and verifies it: the patched policy must be
 * valid IAM JSON without `Resource`, the rule must no longer fire for the same
 * evidence on it, and every legitimate caller the rule names must still be
 * let in by the engine (not a definite "no"). A fix that fails a check is
 * returned with `verified: false` and the failing check.
 */
export function buildAuditFix(
  rule: AuditRule,
  hit: RuleHit,
  role: RoleState,
  ctx: AuditContext,
  chain?: FixChain,
): AuditFix | undefined {
  const base = chain?.base ?? role.trustPolicy;
  const earlier = chain?.earlier ?? [];
  const { remedy, alreadyFixed } = remedyOn(rule, hit, role, ctx, base);
  if (remedy.kind === 'none') return undefined;
  if (remedy.kind === 'delete-role') {
    return {
      cause: rule.code,
      title: remedy.title,
      kind: 'delete-role',
      ...deleteRoleCommands(role),
      placeholders: [],
      verified: true,
      checks: ['a deleted role has no trust policy left to audit'],
    };
  }
  const checks: string[] = [];
  let verified = true;
  const includes = earlier.length === 0 ? {} : { includes: earlier.map((e) => e.fingerprint) };
  const placeholders = [
    ...new Set([...earlier.flatMap((e) => e.placeholders), ...(remedy.placeholders ?? [])]),
  ];
  const patched = withoutResource(remedy.patch(base));
  // The same texts as a diagnosis's trust-policy fix (lib/fixes/fixTexts.ts).
  const texts = trustPolicyTexts(role, patched);
  const json = texts.iamPolicy as Record<string, unknown>;
  const result = (ok: boolean, found: string[]): AuditFix => ({
    cause: rule.code,
    title: remedy.title,
    kind: 'update-trust-policy',
    iamPolicy: json,
    awsCli: texts.awsCli,
    terraform: texts.terraform,
    placeholders,
    ...includes,
    verified: ok,
    checks: found,
  });
  let reparsed: PolicyDocument;
  try {
    reparsed = parsePolicyDocument(json, '$');
    checks.push('the patched trust policy is valid IAM policy JSON');
  } catch (err) {
    return result(false, [`the patched trust policy does not parse: ${(err as Error).message}`]);
  }
  // Fingerprints leave out the statement index, so identical statements share
  // one: the patch must leave fewer hits with this evidence than there were.
  const fixedRole = { ...role, trustPolicy: reparsed };
  const fixes = (r: AuditRule, key: string): boolean =>
    hitCount(r, key, fixedRole, ctx) < hitCount(r, key, role, ctx);
  const still = !fixes(rule, evidenceKey(hit.evidence));
  if (still) {
    verified = false;
    checks.push(`${rule.code} still fires on the patched policy`);
  } else
    checks.push(
      `${rule.code} no longer fires on the patched policy${alreadyFixed ? ' (the earlier fixes of this role already fixed it)' : ''}`,
    );
  if (earlier.length > 0) {
    const undone = earlier.filter((e) => !fixes(e.rule, e.evidenceKey));
    if (undone.length > 0) {
      verified = false;
      checks.push(`undoes the earlier fix of ${undone.map((e) => e.rule.code).join(', ')}`);
    } else
      checks.push(
        `builds on the ${earlier.length} fix(es) shown before it for this role, which stay fixed`,
      );
  }
  // Conditions the rule is not about stay as they were: keys the legitimate
  // request does not set are unknown ("other conditions permitting"), not absent.
  const keys = new Set(
    reparsed.statements.flatMap((st) => st.conditions.map((c) => c.key.toLowerCase())),
  );
  for (const legit of remedy.legitimate) {
    const open = [...keys].filter((k) => legit.context.values[k] === undefined);
    const context = { ...legit.context, unknownKeys: [...legit.context.unknownKeys, ...open] };
    const ev = evaluatePolicy(reparsed, context, { principal: true, resource: false });
    const ok = ev.allow !== 'no' && ev.deny !== 'yes';
    if (!ok) verified = false;
    checks.push(
      ok
        ? `${legit.label} is still allowed${ev.allow === 'unknown' ? ' (other conditions permitting)' : ''}`
        : `${legit.label} would be denied by the patched policy`,
    );
  }
  return result(verified, checks);
}

/** How many hits of `rule` on `role` carry this evidence. */
function hitCount(rule: AuditRule, key: string, role: RoleState, ctx: AuditContext): number {
  return rule.check(role, ctx).filter((h) => evidenceKey(h.evidence) === key).length;
}
