import type { AssumeRoleEvaluation, Blocker } from '../engine/AssumeRoleEvaluation.js';
import { matchPrincipalElement } from '../engine/matchPrincipal.js';
import type {
  ConditionTrace,
  PolicyEvaluation,
  StatementTrace,
} from '../engine/PolicyEvaluation.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import { parseIamPrincipalArn } from '../intake/parseIamArn.js';
import type { LabeledPolicy, PolicyStatement } from '../policy/PolicyDocument.js';
import { requestPrincipalOf } from './buildRequestContext.js';
import type { CauseDraft } from './CauseDraft.js';
import type { CauseCode } from './causeCodes.js';
import { classifyConditionKey } from './classifyConditionKey.js';
import {
  clauseCertainty,
  clauseCertaintyNote,
  sessionTagDependent,
  sessionTagNote,
} from './clauseCertainty.js';
import {
  actualOf,
  actualText,
  baseOperator,
  callerLabel,
  conditionEvidence,
  equalsWithWildcard,
  quoteList,
  statementRef,
} from './describe.js';
import { githubSubjectDifference, subjectDifferenceNote } from './githubSubject.js';

/** What `mapBlockers` needs to turn engine blockers into causes. */
export interface BlockerContext {
  readonly event: DenialEvent;
  readonly roleArn: string;
  readonly roleName: string;
  readonly trust: LabeledPolicy;
  readonly evaluation: AssumeRoleEvaluation;
  /** The caller's IAM ARN (role ARN for sessions, user ARN). */
  readonly callerArn?: string;
  /** The caller's current unique id (`AROA…`/`AIDA…`), when known. */
  readonly callerUniqueId?: string;
  /** Caller and role are in the same organization. */
  readonly callerInOrg: boolean;
  /** Unique ids that still belong to a principal (stale-id detection). */
  readonly knownUniqueIds?: ReadonlySet<string>;
}

const UNIQUE_ID = /^(AROA|AIDA)[A-Z0-9]{8,}$/;

function certaintyOf(t: 'yes' | 'no' | 'unknown'): 'yes' | 'unknown' {
  return t === 'unknown' ? 'unknown' : 'yes';
}

/** Certain only when both the blocker (was the action needed?) and the statement are. */
function triCertainty(
  blocker: 'yes' | 'no' | 'unknown',
  applies: 'yes' | 'no' | 'unknown',
): 'yes' | 'unknown' {
  return blocker === 'unknown' || applies === 'unknown' ? 'unknown' : 'yes';
}

/**
 * Why a deny of `sts:TagSession` / `sts:SetSourceIdentity` blocks an
 * `AssumeRole…` call: the request needed that action too, and adding it to
 * an Allow cannot help while the Deny matches it.
 */
function sessionActionNote(b: Blocker, eventName: string): string {
  if (b.action.toLowerCase() === `sts:${eventName.toLowerCase()}`) return '';
  const needs =
    b.action === 'sts:TagSession'
      ? 'passing session tags (or transitive tag keys) needs `sts:TagSession`'
      : 'setting a source identity (or carrying one over in a role chain) needs `sts:SetSourceIdentity`';
  const known =
    b.certainty === 'yes' ? '' : ' if the request did so (CloudTrail did not log its parameters)';
  return ` The call is denied because ${needs}${known}, and this statement denies it: narrow the deny, or call without them; allowing the action in another statement does not help.`;
}

function docStatement(trust: LabeledPolicy, index: number): PolicyStatement | undefined {
  return trust.document.statements.find((s) => s.index === index);
}

function awsPrincipals(s: PolicyStatement | undefined): readonly string[] {
  return s?.principal?.kind === 'map' ? s.principal.AWS : [];
}

/**
 * The `aws:PrincipalTag/…` key of a role session on which an Allow that
 * would grant the blocker's action fails: then the missing allow is not
 * certain, the session may carry the tag (see `clauseCertainty.ts`).
 */
function sessionTagClause(event: DenialEvent, b: Blocker): string | undefined {
  for (const { evaluation } of b.evaluations) {
    for (const st of evaluation.statements) {
      if (st.effect !== 'Allow' || st.action === 'no' || st.resource === 'no') continue;
      const c = st.conditions.find((x) => x.result === 'no' && sessionTagDependent(event, x.key));
      if (c !== undefined) return c.key;
    }
  }
  return undefined;
}

/** Causes from a failed trust-policy allow (`trust-no-allow`). */
function trustNoAllow(
  ctx: BlockerContext,
  blocker: Blocker,
  evaln: PolicyEvaluation,
): CauseDraft[] {
  const { event, trust, roleName } = ctx;
  const who = callerLabel(event);
  const allows = evaln.statements.filter((s) => s.effect === 'Allow');
  const candidates = allows.filter((s) => s.principal !== 'no' && s.action !== 'no');
  const out: CauseDraft[] = [];

  if (candidates.length > 0) {
    const scored = candidates.map((s) => {
      const failing = s.conditions.filter((c) => c.result !== 'yes');
      const hard = failing.filter((c) => c.result === 'no').length;
      return { s, failing, score: hard * 100 + failing.length };
    });
    const best = Math.min(...scored.map((x) => x.score));
    const nearest = scored.filter((x) => x.score === best).slice(0, 3);
    const seen = new Set<string>();
    for (const { s, failing } of nearest) {
      if (failing.length === 0) {
        // Only the principal match is undecided (e.g. an unreadable org id).
        out.push({
          code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
          certainty: 'unknown',
          summary: `Whether statement \`${statementRef(s)}\` of the trust policy of \`${roleName}\` names ${who} depends on a value CloudTrail did not log or trustwatch could not read.`,
          evidence: { policy: trust.label, statement: statementRef(s) },
          blocker,
          policy: trust,
          statement: s,
        });
        continue;
      }
      for (const clause of failing) {
        const code = classifyConditionKey(clause.key);
        const dedupe = `${code}|${s.index}|${clause.key}|${clause.operator}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        out.push({
          code,
          certainty: clauseCertainty(event, clause, s.principal === 'yes'),
          summary: `${conditionSummary(ctx, code, s, clause)}${clauseCertaintyNote(event, clause)}`,
          evidence: conditionEvidence(trust.label, s, clause),
          blocker,
          policy: trust,
          statement: s,
          clause,
          ...subjectHint(clause),
        });
      }
    }
    return out;
  }

  // A statement names the caller but allows another action (a web identity
  // or SAML trust written with `sts:AssumeRole`, or the reverse).
  const wrongAction = allows.find((s) => s.principal === 'yes' && s.action === 'no');
  if (wrongAction !== undefined) {
    const st = docStatement(trust, wrongAction.index);
    const listed = st?.action ?? [];
    return [
      {
        code:
          event.eventName === 'AssumeRoleWithWebIdentity'
            ? 'OIDC_PROVIDER_NOT_TRUSTED'
            : 'TRUST_PRINCIPAL_NOT_TRUSTED',
        certainty: 'yes',
        summary: `Statement \`${statementRef(wrongAction)}\` of the trust policy of \`${roleName}\` trusts ${who} but allows only ${quoteList(listed)}, not \`${blocker.action}\`, the action this call needs: add it to that statement${listed.length > 0 ? ' (or replace the wrong one)' : ''}.`,
        evidence: {
          policy: trust.label,
          statement: statementRef(wrongAction),
          allowedActions: listed,
          action: blocker.action,
        },
        blocker,
        policy: trust,
        statement: wrongAction,
        hint: { wrongActionStatement: String(wrongAction.index) },
      },
    ];
  }

  // No statement names the caller.
  if (event.eventName === 'AssumeRoleWithWebIdentity') {
    const provider = event.caller.webIdentity?.providerArn ?? event.caller.webIdentity?.provider;
    return [
      {
        code: 'OIDC_PROVIDER_NOT_TRUSTED',
        certainty: 'yes',
        summary: `The trust policy of \`${roleName}\` does not trust the OIDC provider \`${provider ?? 'unknown'}\` for \`sts:AssumeRoleWithWebIdentity\`: add a statement with that \`Federated\` principal and a scoped \`sub\` condition.`,
        evidence: { policy: trust.label, provider: provider ?? 'unknown' },
        blocker,
        policy: trust,
      },
    ];
  }

  const callerArn = ctx.callerArn;
  const caller = callerArn === undefined ? undefined : parseIamPrincipalArn(callerArn);
  // Stale unique id.
  const ids = allows.flatMap((s) =>
    awsPrincipals(docStatement(trust, s.index))
      .filter((v) => UNIQUE_ID.test(v) && v !== ctx.callerUniqueId && !ctx.knownUniqueIds?.has(v))
      .map((v) => ({ s, id: v })),
  );
  const idOfCallerKind = ids.filter(
    (x) => (caller?.resourceType === 'user' ? 'AIDA' : 'AROA') === x.id.slice(0, 4),
  );
  // Only an id of the caller's own kind (AROA for roles, AIDA for users) can be its old id.
  const stale = idOfCallerKind[0];
  if (stale !== undefined && caller !== undefined) {
    return [
      {
        code: 'TRUST_PRINCIPAL_STALE_ID',
        certainty: 'yes',
        summary: `The trust policy of \`${roleName}\` names \`${stale.id}\`, the unique id of a deleted principal, not an ARN; ${who} was recreated with ${ctx.callerUniqueId === undefined ? 'a new id' : `the new id \`${ctx.callerUniqueId}\``}, so trust is not restored until the trust policy names \`${callerArn ?? 'its ARN'}\` again.`,
        evidence: {
          policy: trust.label,
          statement: statementRef(stale.s),
          staleId: stale.id,
          ...(ctx.callerUniqueId === undefined ? {} : { currentId: ctx.callerUniqueId }),
        },
        blocker,
        policy: trust,
        statement: stale.s,
        hint: { staleId: stale.id },
      },
    ];
  }

  // A role ARN without its path (or with another path).
  let pathNote = '';
  let pathHint: Record<string, string> | undefined;
  if (caller !== undefined) {
    for (const s of allows) {
      for (const v of awsPrincipals(docStatement(trust, s.index))) {
        const named = parseIamPrincipalArn(v);
        if (
          named !== undefined &&
          named.accountId === caller.accountId &&
          named.resourceType === caller.resourceType &&
          named.name === caller.name &&
          named.path !== caller.path
        ) {
          pathNote = ` It names \`${v}\`, which lacks the path \`${caller.path}\` of the real ARN \`${callerArn}\`: a principal ARN must include the path.`;
          pathHint = { wrongArn: v, statementIndex: String(s.index) };
        }
      }
    }
  }
  const sameNameOtherAction = allows.filter((s) => s.principal !== 'no' && s.action === 'no');
  const actionNote =
    sameNameOtherAction.length > 0
      ? ` Statement \`${statementRef(sameNameOtherAction[0]!)}\` names the caller but not the action \`${blocker.action}\`.`
      : '';
  const unknownPrincipal = allows.some((s) => s.principal === 'unknown');
  const selfNote =
    callerArn !== undefined && callerArn === ctx.roleArn
      ? ' A role assuming itself needs a trust statement naming its own ARN (since September 2022).'
      : '';
  if (event.caller.type === 'AWSService') {
    const service = event.caller.invokedBy ?? 'unknown';
    return [
      {
        code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        // Without `invokedBy` the service is not known, so neither is the match.
        certainty: unknownPrincipal || event.caller.invokedBy === undefined ? 'unknown' : 'yes',
        summary: `The trust policy of \`${roleName}\` does not trust the service \`${service}\` for \`${blocker.action}\`: a service assumes a role only when a \`Service\` principal of the trust policy names it.${actionNote}`,
        evidence: {
          policy: trust.label,
          caller: service,
          trustedServices: allows.flatMap((s) => {
            const p = docStatement(trust, s.index)?.principal;
            return p?.kind === 'map' ? p.Service : [];
          }),
        },
        blocker,
        policy: trust,
      },
    ];
  }
  const samlProvider =
    event.caller.type === 'SAMLUser' ? event.caller.saml?.providerArn : undefined;
  if (samlProvider !== undefined) {
    // The provider is the SAML caller's identity: name it and the ones trusted.
    const samlStatements = allows.filter((s) =>
      (docStatement(trust, s.index)?.action ?? []).some((a) =>
        /^sts:(\*|AssumeRole\*|AssumeRoleWithSAML)$/i.test(a),
      ),
    );
    const trusted = samlStatements.flatMap((s) => {
      const p = docStatement(trust, s.index)?.principal;
      return p?.kind === 'map' ? p.Federated : [];
    });
    const nearest = samlStatements[0];
    return [
      {
        code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
        certainty: unknownPrincipal ? 'unknown' : 'yes',
        summary: `The trust policy of \`${roleName}\` does not trust the SAML provider \`${samlProvider}\` the assertion named${trusted.length > 0 ? `; it trusts ${quoteList(trusted)}: either trust this provider too, or make the identity provider send the trusted provider's ARN in its \`Role\` attribute` : ''}.`,
        evidence: { policy: trust.label, caller: samlProvider, trustedPrincipals: trusted },
        blocker,
        policy: trust,
        ...(nearest === undefined
          ? {}
          : {
              statement: nearest,
              hint: { addFederated: samlProvider, statementIndex: String(nearest.index) },
            }),
      },
    ];
  }
  // A caller the record does not identify (`AWSAccount`, `Unknown`, an
  // Identity Center user) cannot be matched against principals for certain.
  const unidentified = !['AssumedRole', 'IAMUser', 'Root', 'FederatedUser'].includes(
    event.caller.type,
  );
  return [
    {
      code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
      certainty: unknownPrincipal || unidentified ? 'unknown' : 'yes',
      summary: `The trust policy of \`${roleName}\` does not name ${who} (${callerArn === undefined ? 'its ARN' : `\`${callerArn}\``}), its account or a matching wildcard for \`${blocker.action}\`.${pathNote}${actionNote}${selfNote}`,
      evidence: {
        policy: trust.label,
        caller: callerArn ?? event.caller.arn ?? 'unknown',
        trustedPrincipals: allows.flatMap((s) => awsPrincipals(docStatement(trust, s.index))),
      },
      blocker,
      policy: trust,
      ...(pathHint === undefined ? {} : { hint: pathHint }),
    },
  ];
}

/** The `sub` value a fix should add when the token differs in a documented GitHub way. */
function subjectHint(clause: ConditionTrace): Pick<CauseDraft, 'hint'> {
  const d = githubSubjectDifference(clause);
  return d === undefined
    ? {}
    : { hint: { suggestedValue: d.suggested, subjectDifference: d.kind } };
}

function conditionSummary(
  ctx: BlockerContext,
  code: CauseCode,
  s: StatementTrace,
  clause: ConditionTrace,
): string {
  const { roleName, event } = ctx;
  const where = `Statement \`${statementRef(s)}\` of the trust policy of \`${roleName}\``;
  const req = `\`${clause.key}\` ${clause.operator} ${quoteList(clause.expected)}`;
  const got = actualText(clause);
  const wildcard = equalsWithWildcard(clause)
    ? ` Note: \`${clause.operator}\` does not expand wildcards, so \`*\` there is a literal character; use \`${clause.operator.replace(/Equals/, 'Like')}\`.`
    : '';
  switch (code) {
    case 'TRUST_CONDITION_EXTERNAL_ID': {
      const inOrg = ctx.callerInOrg
        ? ' ExternalId is meant for third parties; for a caller inside your organization, `aws:PrincipalOrgID` is the better condition.'
        : '';
      const sent =
        clause.actual === undefined && clause.result === 'unknown'
          ? 'CloudTrail did not log which ExternalId the request sent (if any)'
          : `the request carried ${got}`;
      return `${where} requires ${req} but ${sent}: call AssumeRole with the expected \`--external-id\`.${inOrg}${wildcard}`;
    }
    case 'TRUST_CONDITION_MFA': {
      const how =
        event.caller.type === 'IAMUser'
          ? 'call AssumeRole with `--serial-number` and `--token-code`'
          : 'start a session authenticated with MFA and retry';
      const had =
        clause.actual === undefined && clause.result === 'unknown'
          ? event.caller.type === 'IAMUser'
            ? 'CloudTrail did not log whether the request sent an MFA code (SerialNumber and TokenCode), and the caller uses long-term keys'
            : "CloudTrail does not tell whether the caller's session was MFA-authenticated"
          : clause.actual === undefined
            ? 'the request had no MFA at all'
            : `the caller's session carried ${got}`;
      return `${where} requires ${req} but ${had}: ${how}.`;
    }
    case 'TRUST_CONDITION_ORG':
      return `${where} requires ${req} but the caller has ${got}: the caller is outside the organization or OU path the role expects.${wildcard}`;
    case 'OIDC_CLAIM_MISMATCH': {
      const env =
        clause.key.toLowerCase().endsWith(':sub') &&
        (clause.actual ?? []).some((v) => v.includes(':environment:')) &&
        !clause.expected.some((v) => v.includes(':environment:'))
          ? ' The job declares an environment, so GitHub sends `repo:…:environment:…` instead of a branch `sub`.'
          : '';
      const difference = githubSubjectDifference(clause);
      const subject = difference === undefined ? '' : subjectDifferenceNote(difference);
      return `${where} requires ${req} but the token's claim was ${got}.${subject}${env}${wildcard}`;
    }
    case 'SAML_CLAIM_MISMATCH':
      return `${where} requires ${req} but the SAML assertion carried ${got}.${wildcard}`;
    default:
      return `${where} requires ${req} but the request carried ${got}.${wildcard}`;
  }
}

function denyStatement(evaln: PolicyEvaluation): StatementTrace | undefined {
  return (
    evaln.statements.find((s) => s.effect === 'Deny' && s.applies === 'yes') ??
    evaln.statements.find((s) => s.effect === 'Deny' && s.applies === 'unknown')
  );
}

const LEVEL_WORD = { ROOT: 'root', ORGANIZATIONAL_UNIT: 'OU', ACCOUNT: 'account' } as const;

function levelText(b: Blocker): string {
  const l = b.level;
  if (l === undefined) return '';
  return ` attached to the ${LEVEL_WORD[l.targetType]} \`${l.name ?? l.targetId}\`${l.name === undefined ? '' : ` (\`${l.targetId}\`)`}`;
}

/** Turns every engine blocker into the causes it stands for. */
export function mapBlockers(ctx: BlockerContext): CauseDraft[] {
  const out: CauseDraft[] = [];
  const { event, roleArn, roleName, evaluation } = ctx;
  const who = callerLabel(event);
  for (const b of evaluation.blockers) {
    const first = b.evaluations[0];
    const certainty = certaintyOf(b.certainty);
    const policyLabel = b.policy?.label ?? first?.policy.label;
    switch (b.kind) {
      case 'trust-no-allow':
        out.push(...trustNoAllow(ctx, b, first?.evaluation ?? evaluation.trust));
        break;
      case 'trust-session-action': {
        // A statement allows the session action but its condition fails
        // (e.g. `aws:RequestTag/team` for these tags): that condition is the
        // cause, and allowing the action outright would drop the restriction.
        const evaln = first?.evaluation;
        const conditioned =
          evaln !== undefined &&
          evaln.deny === 'no' &&
          evaln.statements.some(
            (st) =>
              st.effect === 'Allow' &&
              st.principal !== 'no' &&
              st.action !== 'no' &&
              st.conditions.some((c) => c.result !== 'yes'),
          );
        if (conditioned) {
          out.push(
            ...trustNoAllow(ctx, b, evaln).map((d) =>
              certainty === 'yes' ? d : { ...d, certainty: 'unknown' as const },
            ),
          );
          break;
        }
        const what =
          b.action === 'sts:TagSession' ? 'passed session tags' : 'set a source identity';
        out.push({
          code: 'TRUST_MISSING_SESSION_ACTION',
          certainty,
          summary: `${certainty === 'yes' ? `The request ${what}` : `If the request ${what} (CloudTrail did not log its parameters)`}, ${certainty === 'yes' ? 'but ' : ''}no statement of the trust policy of \`${roleName}\` allows \`${b.action}\` for ${who}: add \`${b.action}\` to the statement that trusts it.`,
          evidence: { policy: ctx.trust.label, action: b.action },
          blocker: b,
          policy: ctx.trust,
        });
        break;
      }
      case 'trust-deny':
      case 'identity-deny':
      case 'boundary-deny':
      case 'session-deny':
      case 'scp-deny':
      case 'rcp-deny': {
        const evaln = first?.evaluation;
        const s = evaln === undefined ? undefined : denyStatement(evaln);
        const code = DENY_CODES[b.kind];
        const policy = b.policy ?? first?.policy;
        const cond = s?.conditions.find((c) => c.result !== 'no');
        const listed = s === undefined ? undefined : docStatement(ctx.trust, s.index)?.notPrincipal;
        const notPrincipal =
          b.kind === 'trust-deny' &&
          listed !== undefined &&
          matchPrincipalElement(listed, requestPrincipalOf(event)).result === 'yes'
            ? ' A `Deny` with `NotPrincipal` denies every principal that has a permissions boundary, whatever `NotPrincipal` lists (IAM User Guide, "Permissions boundaries for IAM entities"): use `"Principal": "*"` with an `ArnNotEquals` condition on `aws:PrincipalArn` instead.'
            : '';
        const tagDependent =
          s?.conditions.some((c) => c.result === 'yes' && sessionTagDependent(event, c.key)) ===
          true;
        out.push({
          code,
          certainty:
            s === undefined
              ? certainty
              : tagDependent
                ? 'unknown'
                : triCertainty(b.certainty, s.applies),
          summary: `Statement \`${s === undefined ? '?' : statementRef(s)}\` of ${DENY_NOUN[b.kind]}${policyLabel ?? 'unknown'}${levelText(b)} explicitly denies \`${b.action}\` on \`${roleName}\` for ${who}${cond === undefined ? '' : ` (its condition \`${cond.key}\` ${cond.operator} ${quoteList(cond.expected)} matches: the request carried ${actualText(cond)})`}; an explicit deny overrides every allow.${sessionActionNote(b, event.eventName)}${cond === undefined ? '' : sessionTagNote(event, cond.key)}${notPrincipal}`,
          evidence: {
            ...(policyLabel === undefined ? {} : { policy: policyLabel }),
            ...(s === undefined ? {} : { statement: statementRef(s) }),
            ...(cond === undefined
              ? {}
              : {
                  conditionKey: cond.key,
                  operator: cond.operator,
                  expected: cond.expected,
                  actual: actualOf(cond),
                }),
            ...(b.level === undefined ? {} : { level: b.level.targetId }),
          },
          blocker: b,
          ...(policy === undefined ? {} : { policy }),
          ...(s === undefined ? {} : { statement: s }),
        });
        break;
      }
      case 'identity-no-allow': {
        const accountGrant =
          evaluation.trustGrant === 'account'
            ? ` The trust policy of \`${roleName}\` trusts the whole account, which delegates the decision to the caller's IAM policies.`
            : evaluation.sameAccount
              ? ''
              : ' A cross-account assumption needs an allow on both sides.';
        const tagKey = sessionTagClause(event, b);
        out.push({
          code: 'IDENTITY_NO_ALLOW',
          certainty: tagKey === undefined ? certainty : 'unknown',
          summary: `No identity-based policy of ${who} allows \`${b.action}\` on \`${roleArn}\`: attach a policy allowing it.${accountGrant}${tagKey === undefined ? '' : ` A statement that would allow it requires \`${tagKey}\`.${sessionTagNote(event, tagKey)}`}`,
          evidence: {
            policy:
              b.evaluations.map((e) => e.policy.label).join(', ') || 'no identity-based policies',
            action: b.action,
            resource: roleArn,
          },
          blocker: b,
        });
        break;
      }
      case 'boundary-no-allow':
        out.push({
          code: 'BOUNDARY_NO_ALLOW',
          certainty,
          summary:
            evaluation.sameAccount && evaluation.trustGrant === 'none'
              ? `The permissions boundary \`${policyLabel ?? 'unknown'}\` of ${who} does not allow \`${b.action}\` on \`${roleArn}\` either: ${event.caller.type === 'IAMUser' ? `a trust grant to the account would still be limited by it, one to the user ARN${ctx.callerArn === undefined ? '' : ` \`${ctx.callerArn}\``} itself would not` : `once the trust policy trusts the role ARN${ctx.callerArn === undefined ? '' : ` \`${ctx.callerArn}\``}, the boundary still limits that grant`} (IAM User Guide, "Policy evaluation logic": same-account resource-based policies and permissions boundaries): add it to the boundary.`
              : `The permissions boundary \`${policyLabel ?? 'unknown'}\` of ${who} does not allow \`${b.action}\` on \`${roleArn}\`, so no identity allow takes effect: add it to the boundary.`,
          evidence: { policy: policyLabel ?? 'permissions boundary', action: b.action },
          blocker: b,
          ...(b.policy === undefined ? {} : { policy: b.policy }),
          ...(evaluation.sameAccount && evaluation.trustGrant === 'none'
            ? { hint: { limitsTrustFix: 'true' } }
            : {}),
        });
        break;
      case 'session-no-allow':
        out.push({
          code: 'SESSION_POLICY_NO_ALLOW',
          certainty,
          summary: `The session policy of ${who}'s session does not allow \`${b.action}\` on \`${roleArn}\`: start the session without that session policy or with one that allows it.`,
          evidence: { policy: policyLabel ?? 'session policy', action: b.action },
          blocker: b,
        });
        break;
      case 'scp-no-allow':
        out.push({
          code: 'SCP_NO_ALLOW',
          certainty,
          summary: `No service control policy${levelText(b)} allows \`${b.action}\` on \`${roleArn}\`; every level from the root to the caller's account must allow it.`,
          evidence: {
            policy: b.evaluations.map((e) => e.policy.label).join(', ') || 'no SCP',
            ...(b.level === undefined
              ? {}
              : { level: b.level.targetId, levelType: b.level.targetType }),
            action: b.action,
          },
          blocker: b,
          ...(b.policy === undefined ? {} : { policy: b.policy }),
        });
        break;
    }
  }
  return out;
}

const DENY_CODES = {
  'trust-deny': 'TRUST_EXPLICIT_DENY',
  'identity-deny': 'IDENTITY_EXPLICIT_DENY',
  'boundary-deny': 'BOUNDARY_EXPLICIT_DENY',
  'session-deny': 'SESSION_POLICY_EXPLICIT_DENY',
  'scp-deny': 'SCP_EXPLICIT_DENY',
  'rcp-deny': 'RCP_EXPLICIT_DENY',
} as const satisfies Record<string, CauseCode>;

/** Prefix before the policy label (labels of SCPs, RCPs and trust policies name their kind). */
const DENY_NOUN = {
  'trust-deny': '',
  'identity-deny': 'identity-based policy ',
  'boundary-deny': 'permissions boundary ',
  'session-deny': 'session policy ',
  'scp-deny': '',
  'rcp-deny': '',
} as const;

export { baseOperator };
