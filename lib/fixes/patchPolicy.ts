import type {
  ConditionClause,
  PolicyDocument,
  PolicyStatement,
  PrincipalElement,
} from '../policy/PolicyDocument.js';

// Small immutable edits of a normalized policy, each the minimal change one
// fix needs. Statement indexes stay as they are; a new statement is appended.

/**
 * `doc` with the statement numbered `index` replaced by what `edit` returns,
 * or left out when it returns `null` (the others keep their indexes: the
 * audit renumbers after a removal, where indexes must be positions).
 */
export function mapStatement(
  doc: PolicyDocument,
  index: number,
  edit: (s: PolicyStatement) => PolicyStatement | null,
): PolicyDocument {
  // A copy at its size, then the statement replaced: no closure per statement.
  const statements = doc.statements.slice();
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.index !== index) continue;
    const edited = edit(s);
    if (edited === null) statements.splice(i--, 1);
    else statements[i] = edited;
  }
  return { ...doc, statements };
}

function emptyMap(): Extract<PrincipalElement, { kind: 'map' }> {
  return { kind: 'map', AWS: [], Service: [], Federated: [], CanonicalUser: [] };
}

/** The `Principal` of a new statement: `entries` of one type, nothing else. */
export function principalMap(
  type: 'AWS' | 'Service' | 'Federated',
  entries: readonly string[],
): Extract<PrincipalElement, { kind: 'map' }> {
  return {
    kind: 'map',
    AWS: type === 'AWS' ? entries : [],
    Service: type === 'Service' ? entries : [],
    Federated: type === 'Federated' ? entries : [],
    CanonicalUser: [],
  };
}

/** Adds an AWS principal (role or user ARN) to one statement's `Principal`. */
export function addAwsPrincipal(doc: PolicyDocument, index: number, arn: string): PolicyDocument {
  return mapStatement(doc, index, (s) => {
    const p = s.principal?.kind === 'map' ? s.principal : emptyMap();
    if (p.AWS.includes(arn)) return s;
    return { ...s, principal: { ...p, AWS: [...p.AWS, arn] } };
  });
}

/** Adds a provider ARN to one statement's `Principal.Federated`. */
export function addFederatedPrincipal(
  doc: PolicyDocument,
  index: number,
  arn: string,
): PolicyDocument {
  return mapStatement(doc, index, (s) => {
    const p = s.principal?.kind === 'map' ? s.principal : emptyMap();
    if (p.Federated.includes(arn)) return s;
    return { ...s, principal: { ...p, Federated: [...p.Federated, arn] } };
  });
}

/** Replaces one `Principal.AWS` entry (a stale unique id, an ARN without its path). */
export function replaceAwsPrincipal(
  doc: PolicyDocument,
  oldValue: string,
  newValue: string,
): PolicyDocument {
  return {
    ...doc,
    statements: doc.statements.map((s) => {
      if (s.principal?.kind !== 'map' || !s.principal.AWS.includes(oldValue)) return s;
      const aws = s.principal.AWS.map((v) => (v === oldValue ? newValue : v));
      return { ...s, principal: { ...s.principal, AWS: [...new Set(aws)] } };
    }),
  };
}

/** Appends a statement (its index is the next free one). */
export function addStatement(
  doc: PolicyDocument,
  statement: Omit<PolicyStatement, 'index'>,
): PolicyDocument {
  const index = doc.statements.reduce((m, s) => Math.max(m, s.index + 1), 0);
  return { ...doc, statements: [...doc.statements, { ...statement, index }] };
}

/**
 * Makes one statement's `Action` allow `action` in place of the other
 * role-assumption actions it lists (`sts:AssumeRole`, `…WithSAML`,
 * `…WithWebIdentity`, only one of which suits its principal); other actions
 * (`sts:TagSession`, …) stay.
 */
export function replaceAssumeAction(
  doc: PolicyDocument,
  index: number,
  action: string,
): PolicyDocument {
  const assume = /^sts:AssumeRole(WithSAML|WithWebIdentity)?$/i;
  return mapStatement(doc, index, (s) =>
    s.action === undefined
      ? s
      : { ...s, action: [...new Set([action, ...s.action.filter((a) => !assume.test(a))])] },
  );
}

/** Adds an action to one statement's `Action`. */
export function addAction(doc: PolicyDocument, index: number, action: string): PolicyDocument {
  return mapStatement(doc, index, (s) =>
    s.action === undefined || s.action.includes(action)
      ? s
      : { ...s, action: [...s.action, action] },
  );
}

function sameClause(c: ConditionClause, operator: string, key: string): boolean {
  return c.operator === operator && c.key.toLowerCase() === key.toLowerCase();
}

/** Adds values to one condition clause (operator + key) of one statement. */
export function addConditionValues(
  doc: PolicyDocument,
  index: number,
  operator: string,
  key: string,
  values: readonly string[],
): PolicyDocument {
  return mapStatement(doc, index, (s) => ({
    ...s,
    conditions: s.conditions.map((c) =>
      sameClause(c, operator, key)
        ? { ...c, values: [...c.values, ...values.filter((v) => !c.values.includes(v))] }
        : c,
    ),
  }));
}

/** Removes values from one condition clause of one statement. */
export function removeConditionValues(
  doc: PolicyDocument,
  index: number,
  operator: string,
  key: string,
  drop: (value: string) => boolean,
): PolicyDocument {
  return mapStatement(doc, index, (s) => ({
    ...s,
    conditions: s.conditions
      .map((c) =>
        sameClause(c, operator, key) ? { ...c, values: c.values.filter((v) => !drop(v)) } : c,
      )
      .filter((c) => c.values.length > 0),
  }));
}

/** Changes the operator of one condition clause (e.g. `StringEquals` → `StringLike`). */
export function renameOperator(
  doc: PolicyDocument,
  index: number,
  operator: string,
  key: string,
  newOperator: string,
): PolicyDocument {
  return mapStatement(doc, index, (s) => ({
    ...s,
    conditions: s.conditions.map((c) =>
      sameClause(c, operator, key) ? { ...c, operator: newOperator } : c,
    ),
  }));
}

/**
 * Adds values to a negated exception clause of one (deny) statement, creating
 * the clause when the statement has none: the deny then spares them.
 */
export function addExceptionValues(
  doc: PolicyDocument,
  index: number,
  operator: string,
  key: string,
  values: readonly string[],
): PolicyDocument {
  return mapStatement(doc, index, (s) => {
    const existing = s.conditions.find((c) => sameClause(c, operator, key));
    if (existing === undefined) {
      return { ...s, conditions: [...s.conditions, { operator, key, values: [...values] }] };
    }
    const added = values.filter((v) => !existing.values.includes(v));
    return added.length === 0
      ? s
      : {
          ...s,
          conditions: s.conditions.map((c) =>
            c === existing ? { ...c, values: [...c.values, ...added] } : c,
          ),
        };
  });
}

/** Exempts one principal from one deny statement (`ArnNotLike aws:PrincipalArn`). */
export function addPrincipalArnException(
  doc: PolicyDocument,
  index: number,
  principalArn: string,
): PolicyDocument {
  return addExceptionValues(doc, index, 'ArnNotLike', 'aws:PrincipalArn', [principalArn]);
}
