import type { PolicyDocument } from '../policy/PolicyDocument.js';
import type { FixTexts } from './Fix.js';
import {
  cliPutPolicy,
  cliUpdateTrust,
  type PolicyOwner,
  tfPutPolicy,
  tfRoleTrust,
} from './fixCommands.js';
import { policyToJson } from './policyToJson.js';

/** Texts of a fix that replaces a role's trust policy. */
export function trustPolicyTexts(
  role: { readonly name: string; readonly path: string },
  doc: PolicyDocument,
): FixTexts {
  const json = policyToJson(doc);
  return {
    iamPolicy: json,
    awsCli: cliUpdateTrust(role.name, json),
    terraform: tfRoleTrust(role, json),
  };
}

/** Texts of a fix that replaces an identity, boundary or organization policy. */
export function policyTexts(owner: PolicyOwner, doc: PolicyDocument): FixTexts {
  const json = policyToJson(doc);
  return {
    iamPolicy: json,
    awsCli: cliPutPolicy(owner, json),
    terraform: tfPutPolicy(owner, json),
  };
}

/** The session name a fix's `aws sts assume-role` uses: the event's, when valid. */
export function sessionNameOf(roleSessionName: string | undefined): string {
  const n = roleSessionName ?? 'trustwatch-fix';
  return /^[\w+=,.@-]{2,64}$/.test(n) ? n : 'trustwatch-fix';
}

/** Letters and digits of a name, for a Sid. */
export function sidPart(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '');
}
