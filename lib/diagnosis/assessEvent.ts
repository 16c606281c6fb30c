import type { RoleState } from '../iam/IamState.js';
import { parseRoleArn } from '../iam/parseIamArn.js';
import type { DenialEvent } from '../intake/DenialEvent.js';
import type { Draft } from '../validation/Draft.js';
import type { CauseDraft } from './CauseDraft.js';
import * as prose from './causeProse.js';
import { refusedByEveryRole } from './clauseCertainty.js';
import type { DiagnosisBundle } from './DiagnosisBundle.js';
import { editDistanceText } from './describe.js';
import { evaluate, evaluateRole, OPEN_TRUST, trustOf } from './evaluateRequest.js';
import { orgAccountIds } from './orgAccountIds.js';
import type { Evaluated, Situation } from './Situation.js';

/**
 * Decides what kind of denial this is and evaluates the role it is about
 * (lib/diagnosis/Situation.ts). `mapBlockers` turns an evaluation into the
 * causes its blockers stand for (the registered rules,
 * lib/diagnosis/causeRules.ts).
 */
export function assessEvent(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  mapBlockers: (e: Evaluated) => CauseDraft[],
): Situation {
  const msg = event.errorMessage;
  // Filled in below as the kind is decided; returned once decided.
  const s: Draft<Situation> = {
    kind: 'no-target',
    event,
    bundle,
    targetArn: event.target.roleArn,
    targetAccount: event.target.accountId,
    blockerDrafts: [],
    roleSideReadable: false,
    ruledOut: false,
  };
  if (msg.kind === 'mfa-failed') {
    s.kind = 'mfa-failed';
    return s;
  }
  if (msg.kind === 'oidc-provider-missing' || msg.kind === 'oidc-audience-rejected') {
    s.kind = 'token-rejected';
    s.ruledOut = true;
    s.targetAccount = event.target.accountId ?? event.recordedInAccount;
    return s;
  }
  if (
    (event.caller.type === 'Root' || event.caller.type === 'FederatedUser') &&
    event.eventName === 'AssumeRole'
  ) {
    s.kind = 'forbidden-caller';
    s.ruledOut = true;
    return s;
  }
  const targetArn = event.target.roleArn;
  if (targetArn === undefined && event.eventName !== 'AssumeRole') {
    const found = federatedSearch(event, bundle, mapBlockers);
    const account = found.accountId;
    s.kind = 'federated-search';
    s.blockerDrafts = found.drafts;
    s.roleSideReadable = true;
    s.evaluated =
      found.evaluated === undefined &&
      account !== undefined &&
      found.drafts.some((d) => d.code === 'OIDC_PROVIDER_NOT_TRUSTED')
        ? newRoleEvaluation(event, bundle, account)
        : found.evaluated;
    if (found.roleArn !== undefined) s.targetArn = found.roleArn;
    if (account !== undefined) s.targetAccount = account;
    return s;
  }
  if (targetArn === undefined) return s;

  const parts = parseRoleArn(targetArn);
  const roleRead = bundle.role;
  const account = parts?.accountId ?? event.target.accountId ?? '';
  s.targetAccount = account;
  const pathMismatch =
    roleRead?.ok === true &&
    roleRead.value !== null &&
    parts !== undefined &&
    // IAM looks names up case-insensitively, but the ARN must match exactly.
    (roleRead.value.path !== parts.path || roleRead.value.name !== parts.name);
  if (roleRead?.ok && roleRead.value !== null && !pathMismatch) {
    const role = roleRead.value;
    const evaluated = evaluate(
      event,
      bundle,
      { arn: targetArn, accountId: role.accountId, isServiceLinked: role.isServiceLinked },
      trustOf(role),
      role,
    );
    s.kind = 'role';
    s.evaluated = evaluated;
    s.blockerDrafts = mapBlockers(evaluated);
    s.roleSideReadable = true;
    return s;
  }
  // The role could not be found or read: check the caller's side alone.
  const evaluated = evaluate(
    event,
    bundle,
    { arn: targetArn, accountId: account, isServiceLinked: false },
    OPEN_TRUST,
  );
  s.evaluated = evaluated;
  s.blockerDrafts = mapBlockers(evaluated);
  const org = bundle.organization;
  const inOrg = org.ok && org.value !== null && orgAccountIds(org.value).has(account);
  if (roleRead?.ok && (roleRead.value === null || pathMismatch)) {
    s.kind = 'role-missing';
    s.roleSideReadable = true;
  } else if (
    org.ok &&
    !inOrg &&
    !bundle.readableAccounts.includes(account) &&
    // Without an organization, any account the snapshot does not hold is
    // outside what the user owns here (a typo or a third party).
    (org.value !== null || account !== event.caller.accountId)
  ) {
    s.kind = 'outside-org';
  } else {
    s.kind = 'role-unreadable';
    s.unreadableReason = roleRead !== undefined && !roleRead.ok ? roleRead.reason : 'not read';
  }
  return s;
}

/** No role to patch: evaluate a new, empty role so the proposed trust policy can be verified. */
function newRoleEvaluation(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  account: string,
): Evaluated {
  const repo = /^repo:[^/]+\/([^:]+):/.exec(event.caller.webIdentity?.sub ?? '')?.[1];
  const name = repo === undefined ? 'web-identity-role' : `github-${repo}`.slice(0, 64);
  const arn = `arn:aws:iam::${account}:role/${name}`;
  return evaluate(
    event,
    bundle,
    { arn, accountId: account, isServiceLinked: false },
    {
      label: `trust policy of new role ${arn}`,
      document: { version: '2012-10-17', statements: [] },
    },
  );
}

/** Web identity / SAML with no role in the event: find the roles that trust the provider. */
function federatedSearch(
  event: DenialEvent,
  bundle: DiagnosisBundle,
  mapBlockers: (e: Evaluated) => CauseDraft[],
): { drafts: CauseDraft[]; evaluated?: Evaluated; roleArn?: string; accountId?: string } {
  const web = event.eventName === 'AssumeRoleWithWebIdentity';
  const account = event.target.accountId ?? event.recordedInAccount;
  const providerArn = web ? event.caller.webIdentity?.providerArn : event.caller.saml?.providerArn;
  const providerName = providerArn ?? event.caller.webIdentity?.provider ?? 'unknown';
  const roles = account === undefined ? undefined : bundle.rolesByAccount?.[account];
  if (account === undefined || roles === undefined || !roles.ok) {
    return {
      drafts: [
        {
          code: 'INSUFFICIENT_DATA',
          certainty: 'yes',
          summary: prose.rolesToSearchUnreadable(
            account,
            roles !== undefined && !roles.ok ? roles.reason : undefined,
            web,
          ),
          evidence: {
            unreadable: 'roles',
            accountId: account,
            reason: roles !== undefined && !roles.ok ? roles.reason : 'no account',
          },
        } as CauseDraft,
      ],
      ...(account === undefined ? {} : { accountId: account }),
    };
  }
  // Amazon Cognito, Login with Amazon, Facebook and Google are named by host
  // (`cognito-identity.amazonaws.com`, `accounts.google.com`, …): they are
  // built into STS and have no IAM OIDC provider resource.
  const builtInProvider =
    web && providerArn === undefined && event.caller.webIdentity?.provider !== undefined;
  const providerKnown = web
    ? builtInProvider ||
      (bundle.oidcProviders?.ok === true &&
        bundle.oidcProviders.value.some(
          (p) => p.arn === providerArn || p.url === event.caller.webIdentity?.provider,
        ))
    : bundle.samlProviders?.ok === true &&
      bundle.samlProviders.value.some((p) => p.arn === providerArn);
  // SAML: CloudTrail logs a hash as `identityProvider`; the provider ARN is
  // only in `requestParameters.principalArn`, which denials do not log. Then
  // every role trusting some SAML provider is a candidate, for that provider.
  const samlUnknown = !web && providerArn === undefined;
  const samlProviderOf = (r: RoleState): string | undefined =>
    r.trustPolicy.statements
      .flatMap((s) =>
        s.effect === 'Allow' && s.principal?.kind === 'map' ? s.principal.Federated : [],
      )
      .find((f) => f.includes(':saml-provider/'));
  const trusting = roles.value.filter((r) =>
    samlUnknown
      ? samlProviderOf(r) !== undefined
      : r.trustPolicy.statements.some(
          (s) =>
            s.effect === 'Allow' &&
            s.principal?.kind === 'map' &&
            s.principal.Federated.some(
              (f) => f === providerArn || f === event.caller.webIdentity?.provider,
            ),
        ),
  );
  const eventFor = (r: RoleState): DenialEvent => {
    const guessed = samlUnknown ? samlProviderOf(r) : undefined;
    return guessed === undefined
      ? event
      : {
          ...event,
          caller: { ...event.caller, saml: { ...event.caller.saml, providerArn: guessed } },
        };
  };
  if (trusting.length === 0 || (web && !providerKnown && bundle.oidcProviders?.ok === true)) {
    const missing = web && bundle.oidcProviders?.ok === true && !providerKnown;
    // Roles that still name a deleted provider's ARN trust it again once it is
    // recreated with the same URL (the ARN is derived from the URL).
    const stillTrusting = missing
      ? trusting
          .filter((r) => evaluateRole(eventFor(r), bundle, r).evaluation.allowed === 'yes')
          .map((r) => r.name)
      : [];
    return {
      drafts: [
        {
          code: web ? 'OIDC_PROVIDER_NOT_TRUSTED' : 'TRUST_PRINCIPAL_NOT_TRUSTED',
          certainty: 'yes',
          summary: prose.noRoleTrustsProvider(
            account,
            providerName,
            missing
              ? { kind: 'oidc-provider-missing', stillTrusting }
              : samlUnknown
                ? { kind: 'no-saml-trust' }
                : { kind: 'provider-not-trusted', web },
          ),
          evidence: {
            policy: `trust policies of the roles of account ${account}`,
            provider: providerName,
            providerExists: providerKnown,
            ...(web && event.caller.webIdentity?.sub !== undefined
              ? { observedSub: event.caller.webIdentity.sub }
              : {}),
          },
          ...(missing
            ? {
                facts: {
                  providerMissing: true,
                  ...(stillTrusting.length > 0 ? { trustingRoles: stillTrusting } : {}),
                },
              }
            : {}),
        } as CauseDraft,
      ],
      accountId: account,
    };
  }
  // Evaluate each trusting role; keep the nearest by claim similarity.
  const observed = web ? event.caller.webIdentity?.sub : event.caller.saml?.subject;
  const scored = trusting.map((r) => {
    const evaluated = evaluateRole(eventFor(r), bundle, r);
    const ev = { ...evaluated, drafts: mapBlockers(evaluated) };
    const patterns = ev.drafts.flatMap((d) =>
      d.clause !== undefined && /:sub$/i.test(d.clause.key) ? d.clause.expected : [],
    );
    const distance =
      observed === undefined || patterns.length === 0
        ? 1000
        : Math.min(...patterns.map((p) => editDistanceText(observed, p.replace(/\*/g, ''))));
    return { r, ev, distance };
  });
  const allowing = scored.filter((x) => x.ev.evaluation.allowed === 'yes');
  if (allowing.length > 0) {
    const x = allowing[0]!;
    return {
      drafts: [],
      evaluated: x.ev,
      roleArn: x.r.arn,
      accountId: account,
    };
  }
  scored.sort(
    (a, b) =>
      a.distance - b.distance ||
      a.ev.drafts.length - b.ev.drafts.length ||
      a.r.arn.localeCompare(b.r.arn),
  );
  const best = scored[0]!;
  const drafts = best.ev.drafts.map((d) => ({
    ...d,
    certainty:
      d.certainty === 'yes' &&
      (trusting.length > 1 || samlUnknown) &&
      !refusedByEveryRole(
        d,
        scored.map((x) => x.ev),
      )
        ? ('unknown' as const)
        : d.certainty,
    evidence: {
      ...d.evidence,
      roleArn: best.r.arn,
      ...(observed === undefined ? {} : { [web ? 'observedSub' : 'observedSubject']: observed }),
      ...(trusting.length > 1
        ? { otherTrustingRoles: trusting.filter((r) => r !== best.r).map((r) => r.arn) }
        : {}),
    },
    summary: prose.pickedRole(d.summary, trusting.length, samlUnknown),
  })) as CauseDraft[];
  return { drafts, evaluated: best.ev, roleArn: best.r.arn, accountId: account };
}
