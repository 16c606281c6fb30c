import { mapStatement } from '../../fixes/patchPolicy.js';
import type {
  ConditionClause,
  PolicyDocument,
  PolicyStatement,
} from '../../policy/PolicyDocument.js';
import type { AuditRule, RuleHit } from '../AuditRule.js';
import {
  claimOf,
  GITHUB_ENVIRONMENT_PLACEHOLDER,
  type OidcIssuer,
  sharedAudienceTrusts,
  subSpansTenants,
} from '../oidcFacts.js';
import {
  addCondition,
  exampleOf,
  federatedRequest,
  isRestrictingClause,
  operatorOf,
  restrictingClauses,
  statementEvidence,
  statementName,
} from '../trustFacts.js';
import { audienceValues } from './oidcValues.js';

/**
 * What a `sub` pattern lets in beyond reviewed, merged code, and how to close
 * it: a narrower value in its place, or a claim condition beside it.
 */
interface ReviewGap {
  /** Short name, in the finding's evidence (`detail.gap`). */
  readonly gap: string;
  /** Completes "… so …": who gets in. */
  readonly who: string;
  readonly fix: (
    | { readonly kind: 'replace'; readonly value: string }
    | { readonly kind: 'condition'; readonly claim: string; readonly value: string }
  ) & { readonly placeholders: string[]; readonly note?: string };
}

const wild = (s: string) => s.includes('*') || s.includes('?');
const ENV_PLACEHOLDER = GITHUB_ENVIRONMENT_PLACEHOLDER;

/**
 * GitHub Actions (GitHub Docs, "OpenID Connect": example subject claims,
 * customizing the subject claims; "Configuring OpenID Connect in Amazon Web
 * Services": add protection rules to the environment). A wildcard right
 * after the repository admits every ref, tag, environment and
 * `pull_request`; `ref:refs/heads/*` any branch anyone with write access
 * pushes; `pull_request` code proposed but not reviewed; a wildcard inside
 * an environment name any environment, though environments (with their
 * protection rules) are the review boundary; a custom template with only
 * the repository every ref of it; one with only the owner (and an
 * environment), or none naming a repository, every repository of the
 * organization.
 */
function githubGap(
  value: string,
  like: boolean,
  st: PolicyStatement,
  issuer: OidcIssuer,
): ReviewGap | undefined {
  const repo = /^repo:([^:/*?]+\/[^:*?]+)(.*)$/.exec(value);
  const pinned = (claims: readonly string[]) =>
    restrictingClauses(
      st,
      claims.map((c) => `${issuer.keyPrefix}:${c}`),
    ).length > 0;
  if (repo !== null) {
    const name = repo[1] as string;
    const rest = repo[2] as string;
    const base = `repo:${name}`;
    if (like && (rest === ':*' || rest === '*')) {
      return {
        gap: 'any-ref',
        who: 'every branch, tag, environment and pull request of the repository can assume it, reviewed or not',
        fix: {
          kind: 'replace',
          value: `${base}:environment:ENVIRONMENT`,
          placeholders: [ENV_PLACEHOLDER],
        },
      };
    }
    if (like && /^:ref:(refs\/(heads\/)?)?\*$/.test(rest)) {
      return {
        gap: 'any-branch',
        who: 'a workflow on any branch, which anyone with write access can push without review, can assume it',
        fix: {
          kind: 'replace',
          value: `${base}:ref:refs/heads/BRANCH`,
          placeholders: ['BRANCH: the protected branch (reviews required to merge) that deploys'],
        },
      };
    }
    if (rest === ':pull_request' || (like && rest === ':pull_request*')) {
      return {
        gap: 'pull-request',
        who: 'a pull request, code nobody has reviewed or merged, can assume it',
        fix: {
          kind: 'replace',
          value: `${base}:environment:ENVIRONMENT`,
          placeholders: [ENV_PLACEHOLDER],
        },
      };
    }
    const env = /^:environment:(.*)$/.exec(rest);
    if (like && env !== null && wild(env[1] as string)) {
      return {
        gap: 'environment-wildcard',
        who: 'a job in any matching environment, including one created without protection rules, can assume it',
        fix: {
          kind: 'replace',
          value: `${base}:environment:ENVIRONMENT`,
          placeholders: [ENV_PLACEHOLDER],
        },
      };
    }
    if (rest === '' && !pinned(['environment', 'ref', 'job_workflow_ref'])) {
      return {
        gap: 'repository-only-template',
        who: 'the customized subject carries only the repository, so every branch, tag, environment and pull request of it can assume it',
        fix: {
          kind: 'condition',
          claim: 'environment',
          value: 'ENVIRONMENT',
          placeholders: [ENV_PLACEHOLDER],
        },
      };
    }
    return undefined;
  }
  if (wild(value)) return undefined; // a wildcard before the repository is OIDC_SUB_WILDCARD_TOO_BROAD's
  const names = /(^|:)(repo|repository|repository_id|job_workflow_ref):/.test(value);
  if (names || pinned(['repository', 'repository_id', 'job_workflow_ref'])) return undefined;
  const owner = /(^|:)repository_owner(_id)?:/.test(value);
  return {
    gap: owner ? 'owner-only-template' : 'no-repository',
    who: owner
      ? 'the customized subject names the owner but no repository, so a workflow of any repository of the organization (with that environment, which anyone creating a repository can add) can assume it'
      : 'the subject names no repository, so workflows of every repository that produce it can assume it (organization-wide by omission)',
    fix: {
      kind: 'condition',
      claim: 'repository_id',
      value: 'REPOSITORY_ID',
      placeholders: [
        'REPOSITORY_ID: the id of the repository whose workflows deploy (immutable, unlike its name)',
      ],
    },
  };
}

/**
 * GitLab (GitLab Docs, "OpenID Connect (OIDC) Authentication Using ID
 * Tokens": `sub` is `project_path:{group}/{project}:ref_type:{type}:ref:{branch_name}`,
 * `ref_protected` is true for a protected branch or tag): a wildcard over
 * `ref_type` or `ref` admits unprotected branches (anyone with Developer
 * access pushes them) unless a `ref_protected` condition requires a
 * protected ref.
 */
function gitlabGap(
  value: string,
  like: boolean,
  st: PolicyStatement,
  issuer: OidcIssuer,
): ReviewGap | undefined {
  const m = /^project_path:([^:*?]+)(.*)$/.exec(value);
  if (m === null || !like) return undefined;
  const rest = m[2] as string;
  const anyRef =
    rest === ':*' ||
    rest === '*' ||
    /^:ref_type:[^:]*[*?]/.test(rest) ||
    /^:ref_type:[^:]+:ref:.*[*?]/.test(rest);
  if (!anyRef) return undefined;
  const protectedRef = restrictingClauses(st, [`${issuer.keyPrefix}:ref_protected`]).some((c) =>
    c.values.every((v) => v.toLowerCase() === 'true'),
  );
  if (protectedRef) return undefined;
  return {
    gap: 'unprotected-ref',
    who: 'a pipeline on any branch or tag, including unprotected ones anyone with Developer access pushes, can assume it',
    fix: { kind: 'condition', claim: 'ref_protected', value: 'true', placeholders: [] },
  };
}

/**
 * HCP Terraform (HashiCorp, "Use dynamic credentials with the AWS provider":
 * `sub` is `organization:O:project:P:workspace:W:run_phase:{plan|apply}`;
 * separate plan and apply roles, `TFC_AWS_PLAN_ROLE_ARN` /
 * `TFC_AWS_APPLY_ROLE_ARN`): `run_phase:*` (or a wildcard after the
 * workspace) gives plan runs, speculative plans of unmerged changes among
 * them, the apply role.
 */
function terraformGap(value: string, like: boolean): ReviewGap | undefined {
  const m = /^(organization:[^:*?]+:project:[^:*?]+:workspace:[^:*?]+)(.*)$/.exec(value);
  if (m === null || !like) return undefined;
  const rest = m[2] as string;
  if (!(rest === ':*' || rest === '*' || /^:run_phase:.*[*?]/.test(rest))) return undefined;
  return {
    gap: 'any-run-phase',
    who: 'plan runs, including speculative plans of changes nobody has reviewed or merged, get the apply role',
    fix: {
      kind: 'replace',
      value: `${m[1]}:run_phase:apply`,
      placeholders: [],
      note: '; give plan runs a read-only role of their own (`TFC_AWS_PLAN_ROLE_ARN`)',
    },
  };
}

function gapOf(
  value: string,
  like: boolean,
  st: PolicyStatement,
  issuer: OidcIssuer,
): ReviewGap | undefined {
  if (issuer.isGitHub) return githubGap(value, like, st, issuer);
  return gitlabGap(value, like, st, issuer) ?? terraformGap(value, like);
}

function replaceValue(
  doc: PolicyDocument,
  index: number,
  key: string,
  from: string,
  to: string,
): PolicyDocument {
  return mapStatement(doc, index, (s) => ({
    ...s,
    conditions: s.conditions.map(
      (c): ConditionClause =>
        c.key.toLowerCase() === key.toLowerCase() && c.values.includes(from)
          ? { ...c, values: [...new Set(c.values.map((v) => (v === from ? to : v)))] }
          : c,
    ),
  }));
}

/**
 * An OIDC `sub` that lets code nobody reviewed or merged assume the role,
 * graded the way the providers' own hardening guides do (issue 12.6): every
 * ref or pull request of a GitHub repository, an environment wildcard, a
 * customized subject without a repository; GitLab ref wildcards without
 * `ref_protected`; HCP Terraform plan runs on the apply role. EKS, CircleCI
 * and Bitbucket subjects carry no ref or review state: not judged here.
 */
export const oidcSubUnreviewedCode: AuditRule = {
  code: 'OIDC_SUB_ADMITS_UNREVIEWED_CODE',
  title: 'an OIDC sub admits code nobody reviewed or merged (any ref, a pull request, a plan run)',
  reference:
    'GitHub Docs, "OpenID Connect" and "Configuring OpenID Connect in Amazon Web Services"; GitLab Docs, "OpenID Connect (OIDC) Authentication Using ID Tokens"; HashiCorp, "Use dynamic credentials with the AWS provider"',
  check(role, ctx) {
    const hits: RuleHit[] = [];
    for (const { st, issuer } of sharedAudienceTrusts(role.trustPolicy)) {
      for (const clause of st.conditions) {
        if (claimOf(clause.key, issuer) !== 'sub' || !isRestrictingClause(clause)) continue;
        const like = operatorOf(clause)?.spec.wildcards === true;
        for (const value of clause.values) {
          if (subSpansTenants(value, issuer)) continue;
          const gap = gapOf(value, like, st, issuer);
          if (gap === undefined) continue;
          hits.push(hitOf(role.arn, role.name, st, issuer, clause, value, gap, ctx));
        }
      }
    }
    return hits;
  },
};

function hitOf(
  roleArn: string,
  roleName: string,
  st: PolicyStatement,
  issuer: OidcIssuer,
  clause: ConditionClause,
  value: string,
  gap: ReviewGap,
  ctx: Parameters<AuditRule['check']>[1],
): RuleHit {
  const subKey = `${issuer.keyPrefix}:sub`;
  const aud = audienceValues(issuer, ctx.oidcProviders);
  const fix = gap.fix;
  const newSub = fix.kind === 'replace' ? fix.value : value;
  const claims: Record<string, readonly string[]> = {
    [subKey.toLowerCase()]: [exampleOf(newSub)],
    ...(aud.length > 0 ? { [`${issuer.keyPrefix}:aud`.toLowerCase()]: [aud[0] as string] } : {}),
    ...(fix.kind === 'condition'
      ? { [`${issuer.keyPrefix}:${fix.claim}`.toLowerCase()]: [fix.value] }
      : {}),
  };
  return {
    severity: 'high',
    evidence: statementEvidence(st, {
      principal: issuer.entry,
      principalType: 'Federated',
      conditionKey: clause.key,
      operator: clause.operator,
      values: [value],
      detail: { gap: gap.gap },
    }),
    summary: `${statementName(st)} accepts \`sub\` \`${value}\`: ${gap.who}, so \`${roleName}\` is not limited to reviewed, merged code.`,
    remedy: {
      kind: 'patch',
      title: `${
        fix.kind === 'replace'
          ? `accept \`${fix.value}\` instead of \`${value}\``
          : `also require \`${issuer.keyPrefix}:${fix.claim}\` = \`${fix.value}\``
      }${fix.note ?? ''}`,
      patch: (doc) =>
        fix.kind === 'replace'
          ? replaceValue(doc, st.index, clause.key, value, fix.value)
          : addCondition(doc, st.index, {
              operator: 'StringEquals',
              key: `${issuer.keyPrefix}:${fix.claim}`,
              values: [fix.value],
            }),
      placeholders: fix.placeholders,
      legitimate: [
        {
          label:
            fix.kind === 'replace'
              ? 'a token whose sub matches the narrowed pattern'
              : `a token with ${fix.claim} ${fix.value}`,
          context: federatedRequest(roleArn, 'WebIdentity', issuer.entry, claims),
        },
      ],
    },
  };
}
