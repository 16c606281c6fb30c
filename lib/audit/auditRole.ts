import type { AuditFinding, SuppressedFinding } from '../findings/AuditFinding.js';
import { FINDING_CODES, SEVERITY_RANK } from '../findings/findingCodes.js';
import { isServiceLinkedRolePath } from '../iam/serviceLinkedRole.js';
import { parsePolicyDocument } from '../policy/parsePolicyDocument.js';
import type { RoleState } from '../state/IamStateSource.js';
import type { AuditContext, AuditRule, RuleHit } from './AuditRule.js';
import { AUDIT_RULES } from './auditRules.js';
import {
  type AuditSuppression,
  IGNORE_TAG,
  readIgnoreTag,
  suppressionReason,
} from './auditSuppressions.js';
import { buildAuditFix, evidenceKey, type FixChain } from './buildAuditFix.js';

export interface RoleAuditOptions {
  readonly suppressions?: readonly AuditSuppression[];
  /** Build and verify fixes (default true). */
  readonly fixes?: boolean;
  /** Rules to run (default: all). */
  readonly rules?: readonly AuditRule[];
}

export interface RoleAudit {
  readonly skipped: boolean;
  readonly findings: readonly AuditFinding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly warnings: readonly string[];
}

/** Roles whose trust policy AWS owns: service-linked and IAM Identity Center roles. */
export function isAwsManagedRole(role: RoleState): boolean {
  return (
    role.isServiceLinked ||
    isServiceLinkedRolePath(role.path) ||
    role.path.startsWith('/aws-reserved/')
  );
}

/**
 * Runs every rule on one role (pure). Service-linked and IAM Identity Center
 * roles are skipped: their trust policies are AWS's and cannot be edited.
 */
export function auditRole(
  role: RoleState,
  ctx: AuditContext,
  opts: RoleAuditOptions = {},
): RoleAudit {
  if (isAwsManagedRole(role)) return { skipped: true, findings: [], suppressed: [], warnings: [] };
  // Findings first (fingerprints in rule order), then in the order they are
  // shown (severity, code, fingerprint: `sortFindings`), then fixes: the
  // fixes of the shown findings compose, each built on the policy as the
  // ones before it patched it (lib/audit/FINDINGS.md, "Fixes").
  const raw: { rule: AuditRule; hit: RuleHit; finding: AuditFinding; reason?: string }[] = [];
  const seen = new Map<string, number>();
  for (const rule of opts.rules ?? AUDIT_RULES) {
    for (const hit of rule.check(role, ctx)) {
      const base = `${rule.code}|${role.arn}|${evidenceKey(hit.evidence)}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const finding: AuditFinding = {
        code: rule.code,
        severity: hit.severity ?? FINDING_CODES[rule.code],
        roleArn: role.arn,
        roleName: role.name,
        accountId: role.accountId,
        evidence: hit.evidence,
        summary: hit.summary,
        fingerprint: n === 0 ? base : `${base}#${n}`,
        ...(hit.remedy.kind === 'none' ? { noFixReason: hit.remedy.reason } : {}),
      };
      const reason = suppressionReason(finding, role.tags, opts.suppressions ?? []);
      raw.push({ rule, hit, finding, ...(reason === undefined ? {} : { reason }) });
    }
  }
  raw.sort(
    (a, b) =>
      SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] ||
      a.finding.code.localeCompare(b.finding.code) ||
      a.finding.fingerprint.localeCompare(b.finding.fingerprint),
  );
  const findings: AuditFinding[] = [];
  const suppressed: SuppressedFinding[] = [];
  let chain: FixChain = { base: role.trustPolicy, earlier: [] };
  for (const { rule, hit, finding, reason } of raw) {
    // A suppressed finding's fix stands alone: nobody pastes it in the chain.
    const fix =
      opts.fixes === false
        ? undefined
        : buildAuditFix(rule, hit, role, ctx, reason === undefined ? chain : undefined);
    const full: AuditFinding = fix === undefined ? finding : { ...finding, fix };
    if (reason !== undefined) {
      suppressed.push({ finding: full, reason });
      continue;
    }
    findings.push(full);
    if (fix?.kind === 'update-trust-policy' && fix.iamPolicy !== undefined) {
      try {
        chain = {
          base: parsePolicyDocument(fix.iamPolicy, '$'),
          earlier: [
            ...chain.earlier,
            {
              rule,
              evidenceKey: evidenceKey(hit.evidence),
              fingerprint: finding.fingerprint,
              placeholders: fix.placeholders,
            },
          ],
        };
      } catch {
        // an unparsable fix is reported as such; the next fixes build on the last good policy
      }
    }
  }
  const tag = role.tags.length === 0 ? undefined : readIgnoreTag(role.tags);
  const warnings =
    tag !== undefined && tag.unknown.length > 0
      ? [
          `role \`${role.arn}\` tag ${IGNORE_TAG} names unknown code(s) ${tag.unknown.map((u) => `\`${u}\``).join(', ')}`,
        ]
      : [];
  return { skipped: false, findings, suppressed, warnings };
}
