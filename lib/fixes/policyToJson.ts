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
  return {
    Version: doc.version ?? '2012-10-17',
    ...(doc.id === undefined ? {} : { Id: doc.id }),
    Statement: doc.statements.map(statementToJson),
  };
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

function statementToJson(s: PolicyStatement): Record<string, unknown> {
  return {
    ...(s.sid === undefined ? {} : { Sid: s.sid }),
    Effect: s.effect,
    ...(s.principal === undefined ? {} : { Principal: principalToJson(s.principal) }),
    ...(s.notPrincipal === undefined ? {} : { NotPrincipal: principalToJson(s.notPrincipal) }),
    ...(s.action === undefined ? {} : { Action: one(s.action) }),
    ...(s.notAction === undefined ? {} : { NotAction: one(s.notAction) }),
    ...(s.resource === undefined ? {} : { Resource: one(s.resource) }),
    ...(s.notResource === undefined ? {} : { NotResource: one(s.notResource) }),
    ...(s.conditions.length === 0 ? {} : { Condition: conditionsToJson(s.conditions) }),
  };
}
