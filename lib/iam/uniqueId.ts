/**
 * A role's (`AROA…`) or user's (`AIDA…`) unique id as a trust policy shows
 * it once the principal it named is deleted (IAM UG, "Unique identifiers"):
 * what the diagnosis reads the state's unique-id index for and names as a
 * stale principal.
 */
const ROLE_OR_USER_ID = /^(AROA|AIDA)[A-Z0-9]{8,}$/;

export function isRoleOrUserId(text: string): boolean {
  return ROLE_OR_USER_ID.test(text);
}
