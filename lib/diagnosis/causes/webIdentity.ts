import type { FixTexts } from '../../fixes/Fix.js';
import {
  cliCreateOidcProvider,
  cliUpdateTrust,
  shellQuote,
  tfNewRole,
  tfOidcProvider,
  tfRoleTrust,
} from '../../fixes/fixCommands.js';
import { withTrust } from '../../fixes/patchInputs.js';
import { addStatement, principalMap } from '../../fixes/patchPolicy.js';
import { policyToJson } from '../../fixes/policyToJson.js';
import type { PolicyDocument } from '../../policy/PolicyDocument.js';
import { type CauseDraft, type DraftOf, NO_CAUSES } from '../CauseDraft.js';
import type { CauseRule, Remedy, RemedyContext, RemedySink } from '../CauseRule.js';
import * as prose from '../causeProse.js';
import { evaluateRole } from '../evaluateRequest.js';
import type { Situation } from '../Situation.js';
import { once } from './remedyKit.js';
import { conditionRemedies } from './trustConditions.js';
import { wrongActionRemedy } from './trustPrincipal.js';

/**
 * STS rejected the web identity token because of the account's IAM setup
 * (`InvalidIdentityToken`): no OIDC provider for the issuer, or an audience
 * that is not one of the provider's client ids. AWS's message is the evidence;
 * no policy is evaluated (STS checks the provider before any trust policy).
 */
function tokenRejection(s: Situation): CauseDraft {
  const { event, bundle } = s;
  const account = s.targetAccount;
  const w = event.caller.webIdentity;
  const host = w?.provider ?? 'the issuer';
  if (event.errorMessage.kind === 'oidc-provider-missing') {
    const providerArn =
      account === undefined ? undefined : `arn:aws:iam::${account}:oidc-provider/${host}`;
    // Roles that name the provider's ARN and, evaluated with this token, let it in:
    // recreating the provider is then the whole fix.
    const listed = account === undefined ? undefined : bundle.rolesByAccount?.[account];
    const target = bundle.role?.ok === true ? bundle.role.value : null;
    const candidates = [
      ...(listed?.ok === true ? listed.value : []),
      ...(target !== null &&
      !(listed?.ok === true && listed.value.some((r) => r.arn === target.arn))
        ? [target]
        : []),
    ];
    const trusting =
      providerArn === undefined
        ? []
        : candidates
            .filter(
              (r) =>
                r.trustPolicy.statements.some(
                  (st) =>
                    st.effect === 'Allow' &&
                    st.principal?.kind === 'map' &&
                    st.principal.Federated.includes(providerArn),
                ) && evaluateRole(event, bundle, r).evaluation.allowed === 'yes',
            )
            .map((r) => r.name);
    return {
      code: 'OIDC_PROVIDER_NOT_TRUSTED',
      certainty: 'message',
      summary: prose.oidcProviderMissing(host, account, w?.aud, trusting),
      evidence: {
        ...(providerArn === undefined ? {} : { provider: providerArn }),
        providerExists: false,
        awsMessage: event.errorMessage.raw,
        source: 'errorMessage',
      },
      facts: {
        providerMissing: true,
        ...(providerArn === undefined ? {} : { providerArn }),
        ...(trusting.length > 0 ? { trustingRoles: trusting } : {}),
      },
    };
  }
  const providerArn = w?.providerArn;
  const providers = bundle.oidcProviders;
  const provider =
    providers?.ok === true ? providers.value.find((p) => p.arn === providerArn) : undefined;
  return {
    code: 'OIDC_CLAIM_MISMATCH',
    certainty: 'message',
    summary: prose.oidcAudienceRejected(w?.aud, providerArn, provider?.clientIds),
    evidence: {
      conditionKey: `${host}:aud`,
      ...(provider === undefined ? {} : { expected: provider.clientIds }),
      actual: w?.aud === undefined ? 'not logged' : [w.aud],
      ...(providerArn === undefined ? {} : { provider: providerArn }),
      awsMessage: event.errorMessage.raw,
      source: 'errorMessage',
    },
    ...(providerArn === undefined || w?.aud === undefined
      ? {}
      : { facts: { audienceRejected: { audience: w.aud, providerArn } } }),
  };
}

function detectInSituation(s: Situation): readonly CauseDraft[] {
  return s.kind === 'token-rejected' ? [tokenRejection(s)] : NO_CAUSES;
}

/**
 * No role trusts the caller's OIDC provider (or it does not exist): recreate
 * the provider when roles still trust its ARN, else a trust policy for
 * exactly the observed `sub` and `aud` (the evaluated role's, or a new role's).
 */
function providerRemedy(
  d: DraftOf<'OIDC_PROVIDER_NOT_TRUSTED'>,
  ctx: RemedyContext,
): Remedy | undefined {
  const w = ctx.event.caller.webIdentity;
  const providerArn = d.facts?.providerArn || w?.providerArn;
  const host = w?.provider;
  const inputs = ctx.evaluated?.inputs;
  if (
    providerArn === undefined ||
    host === undefined ||
    w?.sub === undefined ||
    inputs === undefined
  )
    return undefined;
  const providerMissing = d.facts?.providerMissing === true;
  const clientId = w.aud ?? 'sts.amazonaws.com';
  const trustingRoles = d.facts?.trustingRoles;
  if (providerMissing && trustingRoles !== undefined) {
    // Recreating the provider is the whole fix: its ARN comes from its URL.
    return {
      title: { kind: 'recreate-oidc-provider', host, trustingRoles },
      appliesTo: { kind: 'oidc-provider', arn: providerArn },
      check: {
        kind: 'before-policies',
        rule: "STS looks up the IAM OIDC provider of the token's issuer before any trust policy; the roles named were evaluated by the engine with this token and allow it",
      },
      texts: () => ({
        awsCli: cliCreateOidcProvider(host, clientId),
        terraform: tfOidcProvider(host, [clientId]),
      }),
    };
  }
  const repo = /^repo:[^/]+\/([^:]+):/.exec(w.sub)?.[1];
  const roleName =
    ctx.role?.name ?? (repo === undefined ? 'web-identity-role' : `github-${repo}`.slice(0, 64));
  const statement = {
    sid: 'TrustOidcSubject',
    effect: 'Allow' as const,
    principal: principalMap('Federated', [providerArn]),
    action: ['sts:AssumeRoleWithWebIdentity'],
    conditions: [
      ...(w.aud === undefined
        ? []
        : [{ operator: 'StringEquals', key: `${host}:aud`, values: [w.aud] }]),
      { operator: 'StringEquals', key: `${host}:sub`, values: [w.sub] },
    ],
  };
  const existing = ctx.role;
  const doc = once(
    (): PolicyDocument =>
      existing !== undefined
        ? addStatement(inputs.trust.document, statement)
        : { version: '2012-10-17', statements: [{ ...statement, index: 0 }] },
  );
  return {
    title:
      existing !== undefined
        ? { kind: 'trust-oidc-subject', subject: w.sub, roleName }
        : { kind: 'new-oidc-role', subject: w.sub, createProvider: providerMissing },
    appliesTo:
      existing !== undefined
        ? { kind: 'policy', label: inputs.trust.label }
        : { kind: 'new-role', name: roleName },
    // The trust policy must let the token in: no trust-side blocker may remain.
    check: {
      kind: 'patch',
      inputs: () => withTrust(inputs, doc()),
      target: { kind: 'trust-no-allow', action: inputs.context.action },
    },
    texts: oidcTrustTexts(
      doc,
      existing === undefined ? undefined : { name: roleName, path: existing.path },
      { roleName, host, clientId, createProvider: providerMissing },
    ),
  };
}

/**
 * The texts of {@link providerRemedy}: the existing role's trust policy
 * replaced, or a new role (and provider). Made in a scope without the engine
 * inputs, which a memoized fix would otherwise keep.
 */
function oidcTrustTexts(
  doc: () => PolicyDocument,
  existing: { readonly name: string; readonly path: string } | undefined,
  created: { roleName: string; host: string; clientId: string; createProvider: boolean },
): () => FixTexts {
  return () => {
    const json = policyToJson(doc());
    if (existing !== undefined) {
      return {
        iamPolicy: json,
        awsCli: cliUpdateTrust(existing.name, json),
        terraform: tfRoleTrust(existing, json),
      };
    }
    const { roleName, host, clientId } = created;
    const createProvider = created.createProvider
      ? `${cliCreateOidcProvider(host, clientId)}\n`
      : '';
    const tfProvider = created.createProvider ? `${tfOidcProvider(host, [clientId])}\n\n` : '';
    return {
      iamPolicy: json,
      awsCli: `${createProvider}aws iam create-role --role-name ${shellQuote(roleName)} --assume-role-policy-document ${shellQuote(JSON.stringify(json))}`,
      terraform: `${tfProvider}${tfNewRole(roleName, json)}`,
    };
  };
}

/** Add the rejected audience to the OIDC provider's client ids. */
function audienceRemedy(d: DraftOf<'OIDC_CLAIM_MISMATCH'>, audience: string, arn: string): Remedy {
  const host = arn.slice(arn.indexOf('oidc-provider/') + 'oidc-provider/'.length);
  const known = d.evidence.expected ?? [];
  return {
    title: { kind: 'add-oidc-audience', audience },
    appliesTo: { kind: 'oidc-provider', arn },
    check: {
      kind: 'before-policies',
      rule: "STS accepts a web identity token only when its `aud` is one of the IAM OIDC provider's client ids, and checks that before any trust policy",
    },
    texts: () => ({
      awsCli: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${shellQuote(arn)} --client-id ${shellQuote(audience)}`,
      terraform: tfOidcProvider(host, [...known, audience]),
    }),
  };
}

function remedies(d: CauseDraft, ctx: RemedyContext, sink: RemedySink): undefined {
  if (d.code === 'OIDC_PROVIDER_NOT_TRUSTED') {
    // A statement that trusts the provider for the wrong action is mended in place.
    sink.offer(
      d.facts?.wrongActionStatement === undefined
        ? providerRemedy(d, ctx)
        : wrongActionRemedy(d, ctx, d.facts.wrongActionStatement),
    );
    return;
  }
  if (d.code === 'OIDC_CLAIM_MISMATCH') {
    const rejected = d.facts?.audienceRejected;
    if (rejected === undefined) conditionRemedies(d, ctx, sink);
    else sink.offer(audienceRemedy(d, rejected.audience, rejected.providerArn));
  }
}

/** Web identity: the OIDC provider (missing, untrusted, audience) and the token's claims. */
export const webIdentityRule: CauseRule = {
  family: 'web identity',
  codes: ['OIDC_PROVIDER_NOT_TRUSTED', 'OIDC_CLAIM_MISMATCH'],
  situationKinds: ['token-rejected'],
  detectInSituation,
  remedies,
};
