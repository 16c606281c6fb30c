import type { CauseCode } from './causeCodes.js';

/**
 * Which cause code a failed trust-policy condition key stands for.
 * OIDC claim keys are `<issuer host[/path]>:<claim>` (the host has a dot);
 * SAML keys start with `saml:`.
 */
export function classifyConditionKey(key: string): CauseCode {
  const k = key.toLowerCase();
  if (k === 'sts:externalid') return 'TRUST_CONDITION_EXTERNAL_ID';
  if (k === 'aws:multifactorauthpresent' || k === 'aws:multifactorauthage') {
    return 'TRUST_CONDITION_MFA';
  }
  if (k === 'aws:principalorgid' || k === 'aws:principalorgpaths' || k === 'aws:principalaccount') {
    return 'TRUST_CONDITION_ORG';
  }
  if (k.startsWith('saml:')) return 'SAML_CLAIM_MISMATCH';
  const colon = k.indexOf(':');
  if (colon > 0 && k.slice(0, colon).includes('.')) return 'OIDC_CLAIM_MISMATCH';
  return 'TRUST_CONDITION_OTHER';
}
