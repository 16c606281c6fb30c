import type { OidcProviderState } from '../../state/IamStateSource.js';
import { GITHUB_ENVIRONMENT_PLACEHOLDER, type OidcIssuer } from '../oidcFacts.js';
import { exampleOf } from '../trustFacts.js';

/**
 * The `sub` a fix proposes. Only the shape a person recognises is spelled out
 * (GitHub's `repo:OWNER/REPOSITORY:environment:ENVIRONMENT`); the real value comes from them or
 * from a denied event, shown beside the patterns by `trustwatch explain`.
 */
export function subjectPlaceholder(
  issuer: OidcIssuer,
  owner?: string,
): { value: string; example: string; placeholders: string[] } {
  if (issuer.isGitHub) {
    const o = owner ?? 'OWNER';
    // One environment, not `:*`: a wildcard after the repository admits
    // every ref and pull request (OIDC_SUB_ADMITS_UNREVIEWED_CODE).
    const value = `repo:${o}/REPOSITORY:environment:ENVIRONMENT`;
    return {
      value,
      example: exampleOf(value),
      placeholders: [
        `${owner === undefined ? 'OWNER/' : ''}REPOSITORY: the repository whose workflows assume this role (the sub of its tokens)`,
        GITHUB_ENVIRONMENT_PLACEHOLDER,
      ],
    };
  }
  if (/^oidc\.eks\.[\w-]+\.amazonaws\.com\//.test(issuer.keyPrefix)) {
    const value = 'system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT';
    return {
      value,
      example: value,
      placeholders: [
        'NAMESPACE and SERVICE_ACCOUNT: the Kubernetes service account that uses this role',
      ],
    };
  }
  return {
    value: 'SUBJECT',
    example: 'SUBJECT',
    placeholders: [
      `SUBJECT: the \`sub\` claim of the ${issuer.keyPrefix} identities meant to assume this role`,
    ],
  };
}

/** The `aud` values a fix should require: the provider's client ids, GitHub's default otherwise. */
export function audienceValues(
  issuer: OidcIssuer,
  providers: readonly OidcProviderState[],
): readonly string[] {
  const provider = providers.find((p) => p.arn === issuer.entry);
  if (provider !== undefined && provider.clientIds.length > 0) return provider.clientIds;
  return issuer.isGitHub ? ['sts.amazonaws.com'] : [];
}
