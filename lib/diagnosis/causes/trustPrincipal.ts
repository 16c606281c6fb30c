import type { Blocker } from '../../engine/AssumeRoleEvaluation.js';
import type { PolicyEvaluation, StatementTrace } from '../../engine/PolicyEvaluation.js';
import { boundaryCaveat } from '../../fixes/boundaryCaveat.js';
import { sidPart } from '../../fixes/fixTexts.js';
import {
  addAction,
  addAwsPrincipal,
  addFederatedPrincipal,
  addStatement,
  principalMap,
  replaceAssumeAction,
  replaceAwsPrincipal,
} from '../../fixes/patchPolicy.js';
import { parseIamPrincipalArn } from '../../iam/parseIamArn.js';
import { isRoleOrUserId } from '../../iam/uniqueId.js';
import type { PolicyDocument } from '../../policy/PolicyDocument.js';
import type { Draft } from '../../validation/Draft.js';
import { type CauseDraft, type DraftOf, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext, RemedySink } from '../CauseRule.js';
import type { PrincipalNotes } from '../causeProse.js';
import * as prose from '../causeProse.js';
import { roleNameOf, statementRef } from '../describe.js';
import type { FixTitle } from '../fixProse.js';
import type { BlockerContext } from '../Situation.js';
import { principalTargetOf, targetOf, trustRemedy } from './remedyKit.js';
import {
  awsPrincipals,
  conditionedSessionAction,
  docStatement,
  type NearStatement,
  nearestTrustStatements,
  numbered,
} from './trustStatements.js';

/** Caller types a record identifies well enough to match against principals for certain. */
const IDENTIFIED_CALLERS: ReadonlySet<string> = new Set([
  'AssumedRole',
  'IAMUser',
  'Root',
  'FederatedUser',
]);

/**
 * What the trust policy's `Principal.AWS` entries say about the caller, read
 * in one pass over the `Allow` statements.
 */
interface AwsEntries {
  /** Every entry, in statement order (the evidence of an untrusted caller). */
  named: string[];
  /** The first entry that is an old unique id of the caller's kind, and its statement. */
  stale?: { readonly s: StatementTrace; readonly id: string };
  /** The last entry naming the caller with another path. */
  pathless?: NonNullable<PrincipalNotes['pathless']>;
}

/**
 * Reads the `Principal.AWS` entries of the `Allow` statements. The caller's
 * ARN is taken apart only when an entry may be about it (a unique id, an ARN
 * ending in its name): most trust policies give no reason to.
 */
function awsEntries(ctx: BlockerContext, statements: readonly StatementTrace[]): AwsEntries {
  const callerArn = ctx.callerArn;
  const out: AwsEntries = { named: [] };
  // Only an ARN ending in the caller's name (`/<name>`) can be it with another path.
  const slash = callerArn === undefined ? -1 : callerArn.lastIndexOf('/');
  const nameEnd = callerArn === undefined || slash < 0 ? undefined : callerArn.slice(slash);
  let caller: ReturnType<typeof parseIamPrincipalArn>;
  let parsed = false;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.effect !== 'Allow') continue;
    const aws = awsPrincipals(docStatement(ctx.trust, s.index));
    if (aws.length === 0) continue;
    // Copied at their size (an empty list grows to 17 slots on a first push).
    out.named = out.named.length === 0 ? aws.slice() : out.named.concat(aws);
    for (let j = 0; j < aws.length; j++) {
      const v = aws[j]!;
      if (callerArn === undefined) continue;
      const staleCandidate =
        out.stale === undefined &&
        isRoleOrUserId(v) &&
        v !== ctx.callerUniqueId &&
        !ctx.knownUniqueIds?.has(v);
      if (!staleCandidate && nameEnd !== undefined && !v.endsWith(nameEnd)) continue;
      if (!parsed) {
        caller = parseIamPrincipalArn(callerArn);
        parsed = true;
      }
      if (caller === undefined) continue;
      // Only an id of the caller's own kind (AROA for roles, AIDA for users)
      // can be its old id.
      if (staleCandidate && v.startsWith(caller.resourceType === 'user' ? 'AIDA' : 'AROA')) {
        out.stale = { s, id: v };
        continue;
      }
      if (!v.endsWith(`/${caller.name}`)) continue;
      const arn = parseIamPrincipalArn(v);
      if (
        arn !== undefined &&
        arn.accountId === caller.accountId &&
        arn.resourceType === caller.resourceType &&
        arn.name === caller.name &&
        arn.path !== caller.path
      ) {
        out.pathless = { named: v, path: caller.path, realArn: callerArn };
      }
    }
  }
  return out;
}

/**
 * The trust policy does not name the caller: no principal match, a stale
 * unique id, a principal ARN without its path, the wrong action for the
 * caller, a service or SAML provider not trusted, or a session action
 * (`sts:TagSession`, `sts:SetSourceIdentity`) not allowed. Each shape of
 * cause is worded by its own function below, so a cold process compiles
 * only the ones its denials have.
 */
function principalCauses(
  ctx: BlockerContext,
  blocker: Blocker,
  evaln: PolicyEvaluation,
): readonly CauseDraft[] {
  const nearest = nearestTrustStatements(evaln);
  // Only the principal match is undecided (e.g. an unreadable org id).
  if (nearest.length > 0) return undecidedPrincipal(ctx, blocker, nearest);

  // One pass over the Allow statements for what the shapes below read.
  const statements = evaln.statements;
  // A statement that names the caller but allows another action (a web
  // identity or SAML trust written with `sts:AssumeRole`, or the reverse).
  let wrongAction: StatementTrace | undefined;
  // The first that may name the caller, for another action.
  let otherAction: StatementTrace | undefined;
  let unknownPrincipal = false;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.effect !== 'Allow') continue;
    if (s.principal === 'unknown') unknownPrincipal = true;
    if (s.action !== 'no' || s.principal === 'no') continue;
    otherAction ??= s;
    if (s.principal === 'yes') wrongAction ??= s;
  }
  if (wrongAction !== undefined) return [wrongActionCause(ctx, blocker, wrongAction)];

  // No statement names the caller.
  const { event, callerArn } = ctx;
  if (event.eventName === 'AssumeRoleWithWebIdentity') return [providerNotTrusted(ctx, blocker)];
  const entries = awsEntries(ctx, statements);
  if (entries.stale !== undefined) return [staleIdCause(ctx, blocker, entries.stale)];
  const notes: Draft<PrincipalNotes> = {};
  // A role ARN without its path (or with another path).
  if (entries.pathless !== undefined) notes.pathless = entries.pathless;
  if (otherAction !== undefined) notes.otherActionStatement = statementRef(otherAction);
  notes.selfAssume = callerArn !== undefined && callerArn === ctx.roleArn;
  const caller = event.caller;
  if (caller.type === 'AWSService')
    return [serviceNotTrusted(ctx, blocker, statements, notes, unknownPrincipal)];
  const samlProvider = caller.type === 'SAMLUser' ? caller.saml?.providerArn : undefined;
  if (samlProvider !== undefined)
    return [samlNotTrusted(ctx, blocker, statements, samlProvider, unknownPrincipal)];
  // A caller the record does not identify (`AWSAccount`, `Unknown`, an
  // Identity Center user) cannot be matched against principals for certain.
  const unidentified = !IDENTIFIED_CALLERS.has(caller.type);
  const draft: Draft<DraftOf<'TRUST_PRINCIPAL_NOT_TRUSTED'>> = {
    code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
    certainty: unknownPrincipal || unidentified ? 'unknown' : 'yes',
    summary: prose.principalNotTrusted(event, ctx.roleName, callerArn, blocker.action, notes),
    evidence: {
      policy: ctx.trust.label,
      caller: callerArn ?? caller.arn ?? 'unknown',
      trustedPrincipals: entries.named,
    },
    blocker,
    policy: ctx.trust,
  };
  if (entries.pathless !== undefined) draft.facts = { wrongArn: entries.pathless.named };
  return [draft];
}

/** Statements that would let the caller in but for an undecided principal match. */
function undecidedPrincipal(
  ctx: BlockerContext,
  blocker: Blocker,
  nearest: readonly NearStatement[],
): CauseDraft[] {
  const { event, trust, roleName } = ctx;
  const out: CauseDraft[] = [];
  for (const { s, failing } of nearest) {
    if (failing.length > 0) continue;
    out.push({
      code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
      certainty: 'unknown',
      summary: prose.principalUndecided(event, statementRef(s), roleName),
      evidence: { policy: trust.label, statement: statementRef(s) },
      blocker,
      policy: trust,
      statement: s,
    });
  }
  return out;
}

/** A statement names the caller for another action than the one it asked for. */
function wrongActionCause(
  ctx: BlockerContext,
  blocker: Blocker,
  wrongAction: StatementTrace,
): CauseDraft {
  const { event, trust, roleName } = ctx;
  const listed = docStatement(trust, wrongAction.index)?.action ?? [];
  const base = {
    certainty: 'yes' as const,
    summary: prose.wrongActionForCaller(
      event,
      statementRef(wrongAction),
      roleName,
      listed,
      blocker.action,
    ),
    evidence: {
      policy: trust.label,
      statement: statementRef(wrongAction),
      allowedActions: listed,
      action: blocker.action,
    },
    blocker,
    policy: trust,
    statement: wrongAction,
    facts: { wrongActionStatement: wrongAction.index },
  };
  return event.eventName === 'AssumeRoleWithWebIdentity'
    ? { ...base, code: 'OIDC_PROVIDER_NOT_TRUSTED' }
    : { ...base, code: 'TRUST_PRINCIPAL_NOT_TRUSTED' };
}

/** No statement trusts the web identity caller's OIDC provider. */
function providerNotTrusted(ctx: BlockerContext, blocker: Blocker): CauseDraft {
  const w = ctx.event.caller.webIdentity;
  const provider = w?.providerArn ?? w?.provider;
  return {
    code: 'OIDC_PROVIDER_NOT_TRUSTED',
    certainty: 'yes',
    summary: prose.oidcProviderNotTrusted(ctx.roleName, provider ?? 'unknown'),
    evidence: { policy: ctx.trust.label, provider: provider ?? 'unknown' },
    blocker,
    policy: ctx.trust,
  };
}

/** The trust policy names an old unique id of the caller's kind (the principal was recreated). */
function staleIdCause(
  ctx: BlockerContext,
  blocker: Blocker,
  stale: NonNullable<AwsEntries['stale']>,
): CauseDraft {
  return {
    code: 'TRUST_PRINCIPAL_STALE_ID',
    certainty: 'yes',
    summary: prose.staleUniqueId(
      ctx.event,
      ctx.roleName,
      stale.id,
      ctx.callerUniqueId,
      ctx.callerArn,
    ),
    evidence: {
      policy: ctx.trust.label,
      statement: statementRef(stale.s),
      staleId: stale.id,
      ...(ctx.callerUniqueId === undefined ? {} : { currentId: ctx.callerUniqueId }),
    },
    blocker,
    policy: ctx.trust,
    statement: stale.s,
    facts: { staleId: stale.id },
  };
}

/** An AWS service caller that no `Service` principal names. */
function serviceNotTrusted(
  ctx: BlockerContext,
  blocker: Blocker,
  statements: readonly StatementTrace[],
  notes: PrincipalNotes,
  unknownPrincipal: boolean,
): CauseDraft {
  const { trust } = ctx;
  const invokedBy = ctx.event.caller.invokedBy;
  const service = invokedBy ?? 'unknown';
  return {
    code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
    // Without `invokedBy` the service is not known, so neither is the match.
    certainty: unknownPrincipal || invokedBy === undefined ? 'unknown' : 'yes',
    summary: prose.serviceNotTrusted(ctx.roleName, service, blocker.action, notes),
    evidence: {
      policy: trust.label,
      caller: service,
      trustedServices: statements.flatMap((s) => {
        if (s.effect !== 'Allow') return [];
        const p = docStatement(trust, s.index)?.principal;
        return p?.kind === 'map' ? p.Service : [];
      }),
    },
    blocker,
    policy: trust,
  };
}

/** A SAML caller whose provider (its identity) no statement trusts. */
function samlNotTrusted(
  ctx: BlockerContext,
  blocker: Blocker,
  statements: readonly StatementTrace[],
  samlProvider: string,
  unknownPrincipal: boolean,
): CauseDraft {
  const { trust } = ctx;
  // The provider is the SAML caller's identity: name it and the ones trusted.
  const samlStatements = statements.filter(
    (s) =>
      s.effect === 'Allow' &&
      (docStatement(trust, s.index)?.action ?? []).some((a) =>
        /^sts:(\*|AssumeRole\*|AssumeRoleWithSAML)$/i.test(a),
      ),
  );
  const trusted = samlStatements.flatMap((s) => {
    const p = docStatement(trust, s.index)?.principal;
    return p?.kind === 'map' ? p.Federated : [];
  });
  const nearestSaml = samlStatements[0];
  return {
    code: 'TRUST_PRINCIPAL_NOT_TRUSTED',
    certainty: unknownPrincipal ? 'unknown' : 'yes',
    summary: prose.samlProviderNotTrusted(ctx.roleName, samlProvider, trusted),
    evidence: { policy: trust.label, caller: samlProvider, trustedPrincipals: trusted },
    blocker,
    policy: trust,
    ...(nearestSaml === undefined
      ? {}
      : {
          statement: nearestSaml,
          facts: {
            addFederated: { providerArn: samlProvider, statementIndex: nearestSaml.index },
          },
        }),
  };
}

function detectInBlocker(b: Blocker, ctx: BlockerContext): readonly CauseDraft[] {
  const first = b.evaluations[0];
  if (b.kind === 'trust-no-allow')
    return principalCauses(ctx, b, first?.evaluation ?? ctx.evaluation.trust);
  if (b.kind !== 'trust-session-action') return NO_CAUSES;
  const evaln = first?.evaluation;
  if (conditionedSessionAction(evaln) && evaln !== undefined) {
    const certainty = b.certainty === 'unknown' ? 'unknown' : 'yes';
    return principalCauses(ctx, b, evaln).map((d) =>
      certainty === 'yes' ? d : { ...d, certainty: 'unknown' as const },
    );
  }
  const certainty = b.certainty === 'unknown' ? 'unknown' : 'yes';
  return [
    {
      code: 'TRUST_MISSING_SESSION_ACTION',
      certainty,
      summary: prose.missingSessionAction(ctx.event, certainty === 'yes', b.action, ctx.roleName),
      evidence: { policy: ctx.trust.label, action: b.action },
      blocker: b,
      policy: ctx.trust,
    },
  ];
}

/** Mends a statement that trusts the caller for another action. */
export function wrongActionRemedy(
  d: CauseDraft,
  ctx: RemedyContext,
  statementIndex: number,
  caveat?: Remedy['caveat'],
): Remedy | undefined {
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  const needed = d.blocker?.action ?? ctx.evaluated?.inputs.context.action;
  if (trustDoc === undefined || needed === undefined) return undefined;
  const allowed = 'allowedActions' in d.evidence ? (d.evidence.allowedActions ?? []) : [];
  return trustRemedy(
    ctx,
    {
      kind: 'trust-right-action',
      action: needed,
      listed: allowed,
      statement: { sid: d.statement?.sid, index: statementIndex },
    },
    () => replaceAssumeAction(trustDoc, statementIndex, needed),
    principalTargetOf(d),
    caveat,
  );
}

/**
 * Grants of trust to the caller, best first, each offered to `sink` only if
 * the one before it was not verified. Each is checked against the caller's
 * permissions boundary too (`boundaryCaveat`): the engine's evaluation of
 * the patched request tells whether the boundary still limits it
 * (lib/fixes/boundaryCaveat.ts).
 */
function principalRemedies(
  d: DraftOf<'TRUST_PRINCIPAL_NOT_TRUSTED'>,
  ctx: RemedyContext,
  sink: RemedySink,
): void {
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  const federated = d.facts?.addFederated;
  if (federated !== undefined && trustDoc !== undefined) {
    sink.offer(samlProviderRemedy(d, ctx, trustDoc, federated));
    return;
  }
  if (d.facts?.wrongActionStatement !== undefined) {
    sink.offer(wrongActionRemedy(d, ctx, d.facts.wrongActionStatement, boundaryCaveat));
    return;
  }
  const event = ctx.event;
  const service = event.caller.type === 'AWSService' ? event.caller.invokedBy : undefined;
  if (trustDoc !== undefined && service !== undefined) {
    sink.offer(
      newStatementRemedy(
        d,
        ctx,
        trustDoc,
        { kind: 'trust-service', service },
        {
          sid: `Allow${sidPart(service.split('.')[0] ?? 'Service')}Service`,
          type: 'Service',
          entry: service,
        },
      ),
    );
    return;
  }
  const callerArn = ctx.callerArn;
  if (trustDoc === undefined || callerArn === undefined) return;
  const wrong = d.facts?.wrongArn;
  if (
    wrong !== undefined &&
    sink.offer(
      trustRemedy(
        ctx,
        { kind: 'trust-full-arn', principal: callerArn },
        () => replaceAwsPrincipal(trustDoc, wrong, callerArn),
        principalTargetOf(d),
        boundaryCaveat,
      ),
    )
  )
    return;
  const traces = d.blocker?.evaluations[0]?.evaluation.statements ?? [];
  const statements = trustDoc.statements;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.effect !== 'Allow' || s.principal?.kind !== 'map' || s.principal.AWS.length === 0)
      continue;
    const t = numbered(traces, s.index);
    if (t !== undefined && t.action !== 'yes') continue;
    if (
      sink.offer(
        trustRemedy(
          ctx,
          { kind: 'trust-add-principal', principal: callerArn, statement: s },
          () => addAwsPrincipal(trustDoc, s.index, callerArn),
          principalTargetOf(d),
          boundaryCaveat,
        ),
      )
    )
      return;
  }
  sink.offer(
    newStatementRemedy(
      d,
      ctx,
      trustDoc,
      { kind: 'trust-new-statement', principal: callerArn },
      { sid: `Allow${sidPart(roleNameOf(callerArn))}`, type: 'AWS', entry: callerArn },
    ),
  );
}

/** The request's action, as the trust grants name it. */
function grantedAction(d: CauseDraft, ctx: RemedyContext): string {
  return d.blocker?.action ?? ctx.evaluated?.inputs.context.action ?? 'sts:AssumeRole';
}

/** Trusts the SAML caller's provider in the statement that trusts SAML. */
function samlProviderRemedy(
  d: DraftOf<'TRUST_PRINCIPAL_NOT_TRUSTED'>,
  ctx: RemedyContext,
  trustDoc: PolicyDocument,
  federated: { readonly providerArn: string; readonly statementIndex: number },
): Remedy | undefined {
  return trustRemedy(
    ctx,
    {
      kind: 'trust-saml-provider',
      provider: federated.providerArn,
      statement: { sid: d.statement?.sid, index: federated.statementIndex },
    },
    () => addFederatedPrincipal(trustDoc, federated.statementIndex, federated.providerArn),
    principalTargetOf(d),
    boundaryCaveat,
  );
}

/**
 * A new statement trusting one principal entry: the calling service, or the
 * caller's ARN when no statement names AWS principals to add it to.
 */
function newStatementRemedy(
  d: DraftOf<'TRUST_PRINCIPAL_NOT_TRUSTED'>,
  ctx: RemedyContext,
  trustDoc: PolicyDocument,
  title: FixTitle,
  grant: { readonly sid: string; readonly type: 'AWS' | 'Service'; readonly entry: string },
): Remedy | undefined {
  const action = grantedAction(d, ctx);
  return trustRemedy(
    ctx,
    title,
    () =>
      addStatement(trustDoc, {
        sid: grant.sid.slice(0, 100),
        effect: 'Allow',
        principal: principalMap(grant.type, [grant.entry]),
        action: [action],
        conditions: [],
      }),
    principalTargetOf(d),
    boundaryCaveat,
  );
}

function remedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  switch (d.code) {
    case 'TRUST_PRINCIPAL_NOT_TRUSTED':
      principalRemedies(d, ctx, sink);
      return;
    case 'TRUST_PRINCIPAL_STALE_ID':
      sink.offer(staleIdRemedy(d, ctx));
      return;
    case 'TRUST_MISSING_SESSION_ACTION':
      sessionActionRemedies(d, ctx, sink);
      return;
    default:
      return;
  }
}

/** Replaces the stale unique id with the caller's ARN. */
function staleIdRemedy(
  d: DraftOf<'TRUST_PRINCIPAL_STALE_ID'>,
  ctx: RemedyContext,
): Remedy | undefined {
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  const stale = d.facts?.staleId;
  const callerArn = ctx.callerArn;
  if (trustDoc === undefined || callerArn === undefined || stale === undefined) return undefined;
  return trustRemedy(
    ctx,
    { kind: 'trust-replace-stale-id', staleId: stale, principal: callerArn },
    () => replaceAwsPrincipal(trustDoc, stale, callerArn),
    principalTargetOf(d),
    boundaryCaveat,
  );
}

/** Adds the session action to a statement that may trust the caller, first that verifies. */
function sessionActionRemedies(
  d: DraftOf<'TRUST_MISSING_SESSION_ACTION'>,
  ctx: RemedyContext,
  sink: RemedySink,
): void {
  const trustDoc = ctx.evaluated?.inputs.trust.document;
  const action = d.blocker?.action;
  if (trustDoc === undefined || action === undefined) return;
  for (const t of d.blocker?.evaluations[0]?.evaluation.statements ?? []) {
    if (t.effect !== 'Allow' || t.principal === 'no') continue;
    const remedy = trustRemedy(
      ctx,
      { kind: 'trust-session-action', action, statement: t },
      () => addAction(trustDoc, t.index, action),
      targetOf(d),
    );
    if (sink.offer(remedy)) return;
  }
}

/** Trust policies that do not name the caller (or not for the action it needs). */
export const trustPrincipalRule: CauseRule = {
  family: 'trust principal',
  codes: [
    'TRUST_PRINCIPAL_NOT_TRUSTED',
    'TRUST_PRINCIPAL_STALE_ID',
    'TRUST_MISSING_SESSION_ACTION',
  ],
  blockerKinds: ['trust-no-allow', 'trust-session-action'],
  detectInBlocker,
  remedies,
};
