import type {
  ConditionClause,
  PolicyDocument,
  PolicyStatement,
  PrincipalElement,
} from '../policy/PolicyDocument.js';

/**
 * Turns the normalized policy model back into IAM policy JSON as a person
 * would write it: single values as strings, empty elements left out, AWS's
 * element order. The result is a valid policy document for IAM.
 */
export function policyToJson(doc: PolicyDocument): Record<string, unknown> {
  const out: Record<string, unknown> = { Version: doc.version ?? '2012-10-17' };
  if (doc.id !== undefined) out.Id = doc.id;
  out.Statement = doc.statements.map(statementToJson);
  return out;
}

function one(values: readonly string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : [...values];
}

function principalToJson(p: PrincipalElement): unknown {
  if (p.kind === 'any') return '*';
  const out: Record<string, string | string[]> = {};
  if (p.AWS.length > 0) out.AWS = one(p.AWS);
  if (p.Service.length > 0) out.Service = one(p.Service);
  if (p.Federated.length > 0) out.Federated = one(p.Federated);
  if (p.CanonicalUser.length > 0) out.CanonicalUser = one(p.CanonicalUser);
  return out;
}

function conditionsToJson(
  clauses: readonly ConditionClause[],
): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const c of clauses) {
    const byKey = out[c.operator] ?? {};
    const prev = byKey[c.key];
    const merged =
      prev === undefined ? [...c.values] : [...(Array.isArray(prev) ? prev : [prev]), ...c.values];
    byKey[c.key] = one(merged);
    out[c.operator] = byKey;
  }
  return out;
}

/** Elements in AWS's order, each only when present (assigned one by one: no spread per element). */
function statementToJson(s: PolicyStatement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.sid !== undefined) out.Sid = s.sid;
  out.Effect = s.effect;
  if (s.principal !== undefined) out.Principal = principalToJson(s.principal);
  if (s.notPrincipal !== undefined) out.NotPrincipal = principalToJson(s.notPrincipal);
  if (s.action !== undefined) out.Action = one(s.action);
  if (s.notAction !== undefined) out.NotAction = one(s.notAction);
  if (s.resource !== undefined) out.Resource = one(s.resource);
  if (s.notResource !== undefined) out.NotResource = one(s.notResource);
  if (s.conditions.length > 0) out.Condition = conditionsToJson(s.conditions);
  return out;
}
