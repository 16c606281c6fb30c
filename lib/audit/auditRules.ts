import type { FindingCode } from '../findings/findingCodes.js';
import type { AuditRule } from './AuditRule.js';
import { anyPrincipalUnrestricted } from './rules/anyPrincipalUnrestricted.js';
import { foreignAccountNoExternalId } from './rules/foreignAccountNoExternalId.js';
import { foreignAccountWholeAccount } from './rules/foreignAccountWholeAccount.js';
import { mfaRequiredOnAutomationRole } from './rules/mfaRequiredOnAutomationRole.js';
import { notPrincipalWithAllow } from './rules/notPrincipalWithAllow.js';
import { oidcAudUnchecked } from './rules/oidcAudUnchecked.js';
import { oidcNoSubCondition } from './rules/oidcNoSubCondition.js';
import { oidcSubUnreviewedCode } from './rules/oidcSubUnreviewedCode.js';
import { oidcSubWildcardTooBroad } from './rules/oidcSubWildcardTooBroad.js';
import { pathlessRolePrincipal } from './rules/pathlessRolePrincipal.js';
import { samlNoAudCondition } from './rules/samlNoAudCondition.js';
import { servicePrincipalNoSource } from './rules/servicePrincipalNoSource.js';
import { stalePrincipalId } from './rules/stalePrincipalId.js';
import { stringEqualsWithWildcard } from './rules/stringEqualsWithWildcard.js';
import { trustPolicyInvalid } from './rules/trustPolicyInvalid.js';
import { unusedCrossAccountRole } from './rules/unusedCrossAccountRole.js';

/** Every audit rule, in the order findings are listed for one role. */
export const AUDIT_RULES: readonly AuditRule[] = [
  trustPolicyInvalid,
  anyPrincipalUnrestricted,
  notPrincipalWithAllow,
  oidcNoSubCondition,
  oidcSubWildcardTooBroad,
  oidcSubUnreviewedCode,
  foreignAccountNoExternalId,
  foreignAccountWholeAccount,
  servicePrincipalNoSource,
  oidcAudUnchecked,
  samlNoAudCondition,
  stringEqualsWithWildcard,
  mfaRequiredOnAutomationRole,
  stalePrincipalId,
  pathlessRolePrincipal,
  unusedCrossAccountRole,
];

export const RULES_BY_CODE: ReadonlyMap<FindingCode, AuditRule> = new Map(
  AUDIT_RULES.map((r) => [r.code, r]),
);
