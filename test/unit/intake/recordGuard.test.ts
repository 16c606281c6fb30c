import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deniedRecordSchema, isDeniedRecord } from '../../../lib/intake/cloudTrailRecordSchema.js';
import { normalizeRecord } from '../../../lib/intake/normalizeRecord.js';
import { zodIssuePath } from '../../../lib/validation/jsonPath.js';
import type * as z from '../../../lib/validation/z.js';

/**
 * `isDeniedRecord` is intake's hand-written copy of `deniedRecordSchema`'s
 * judgement (the hot path reads a record it accepts as it stands; zod words
 * what is wrong with the rest). These properties pin that copy to the schema:
 * on records generated from the schema itself, with any field swapped for any
 * value, both accept exactly the same records, and reading a record as it
 * stands gives the same event as reading zod's output.
 */

type Def = {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly innerType?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly element?: z.core.$ZodType;
};
const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as Def;

/** Every key of every object of the schema: extra keys drawn from these land on the wrong object. */
function shapeKeys(schema: z.core.$ZodType, out = new Set<string>()): Set<string> {
  const def = defOf(schema);
  for (const [key, field] of Object.entries(def.shape ?? {})) {
    out.add(key);
    shapeKeys(field, out);
  }
  for (const child of [def.innerType, def.element, ...(def.options ?? [])]) {
    if (child !== undefined) shapeKeys(child, out);
  }
  return out;
}
const KEYS = [...shapeKeys(deniedRecordSchema)];

/** Strings that mean something to intake, beside arbitrary ones. */
const someString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'arn:aws:iam::222222222222:role/deploy',
    'arn:aws:iam::222222222222:role/team/deploy',
    'arn:aws:sts::111111111111:assumed-role/ci/build-1',
    'arn:aws:iam::111111111111:user/alice',
    'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
    'AROAEXAMPLE:build-1',
    'AssumedRole',
    'WebIdentityUser',
    'SAMLUser',
    'true',
    'FALSE',
    '3600',
    'x',
    '',
  ),
);

/** Any value at all (JavaScript's, not only JSON's: NaN, undefined, holes, null prototypes, boxed values). */
const anyValue = fc.anything({
  maxDepth: 2,
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: true,
  withDate: true,
});

/** A record the schema accepts: every field absent, null or of its type; keys outside a shape carry any value. */
function validValueOf(schema: z.core.$ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (child: z.core.$ZodType | undefined) => validValueOf(child as z.core.$ZodType);
  switch (def.type) {
    case 'string':
      return someString;
    case 'number':
      return fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return fc.boolean();
    case 'unknown':
      return anyValue;
    case 'optional':
      return fc.oneof(fc.constant(undefined), { arbitrary: inner(def.innerType), weight: 4 });
    case 'nullable':
      return fc.oneof(fc.constant(null), { arbitrary: inner(def.innerType), weight: 4 });
    case 'union':
      return fc.oneof(...(def.options ?? []).map(inner));
    case 'array':
      return fc.array(inner(def.element), { maxLength: 3 });
    case 'record':
      return fc.dictionary(someString, anyValue, { maxKeys: 3 });
    case 'object': {
      const shape = def.shape ?? {};
      const fields = Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, inner(f)]));
      const required = Object.keys(shape).filter(
        (k) => defOf(shape[k] as z.core.$ZodType).type !== 'optional',
      );
      const otherKeys = KEYS.filter((k) => !(k in shape));
      return fc
        .tuple(
          fc.record(fields, { requiredKeys: required }),
          fc.dictionary(fc.constantFrom(...otherKeys), anyValue, { maxKeys: 2 }),
        )
        .map(([own, extra]) => ({ ...extra, ...own }));
    }
    default:
      throw new Error(`no generator for zod type ${def.type}`);
  }
}

/** Values that are almost right somewhere: the edges of each zod type. */
const misfit = fc.oneof(
  anyValue,
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    '',
    'x',
    true,
    null,
    undefined,
    [],
    {},
    Object.create(null),
    new Date(0),
    [undefined],
  ),
  fc.sparseArray(someString, { maxLength: 3 }),
  fc.array(anyValue, { maxLength: 2 }),
);

type Path = readonly (string | number)[];

/** The paths of every array and object inside `value` (its own keys), and the root. */
function containerPaths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (typeof value !== 'object' || value === null || at.length > 6) return out;
  out.push(at);
  for (const [k, v] of Object.entries(value)) {
    containerPaths(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

/** `value` with `at` set to `v` (copies along the path; the original is left as it is). */
function setAt(value: unknown, at: Path, v: unknown): unknown {
  const [head, ...rest] = at;
  if (head === undefined) return v;
  const container = value as Record<string | number, unknown>;
  const copy = (Array.isArray(value) ? [...value] : { ...container }) as typeof container;
  copy[head] = setAt(container[head], rest, v);
  return copy;
}

/**
 * A valid record with one place changed to a misfit: the record itself, a
 * field of one of its objects (one it has, or any key of the schema), or an
 * element of one of its arrays. One change at a time, so no other fault
 * hides a difference between the guard and the schema.
 */
const recordWithOneMisfit = fc
  .tuple(validValueOf(deniedRecordSchema), fc.nat(), fc.nat(), fc.boolean(), misfit)
  .map(([record, i, j, ownKey, v]) => {
    const paths = containerPaths(record);
    const container = paths[i % paths.length] as Path;
    const node = container.reduce<unknown>(
      (o, k) => (o as Record<string | number, unknown>)[k],
      record,
    ) as object;
    const keys: (string | number)[] = Array.isArray(node)
      ? node.map((_, n) => n)
      : ownKey
        ? Object.keys(node)
        : KEYS;
    const key = keys.length === 0 ? undefined : keys[j % keys.length];
    return key === undefined ? setAt(record, container, v) : setAt(record, [...container, key], v);
  });

const HEAD = {
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRole',
  errorCode: 'AccessDenied',
};
const ORIGIN = { file: 'in.json', path: 'Records[0]' };

describe('isDeniedRecord is deniedRecordSchema', () => {
  it('accepts exactly the records the schema accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(validValueOf(deniedRecordSchema), recordWithOneMisfit, anyValue),
        (record) => {
          expect(isDeniedRecord(record)).toBe(deniedRecordSchema.safeParse(record).success);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reading a record as it stands gives the event read from zod’s output', () => {
    fc.assert(
      fc.property(validValueOf(deniedRecordSchema), fc.option(fc.string()), (record, eventID) => {
        const parsed = deniedRecordSchema.safeParse(record);
        expect(parsed.success).toBe(true);
        const asItStands = normalizeRecord({ ...(record as object), ...HEAD, eventID }, ORIGIN);
        const asZodReadIt = normalizeRecord({ ...parsed.data, ...HEAD, eventID }, ORIGIN);
        expect(asItStands).toStrictEqual(asZodReadIt);
      }),
      { numRuns: 1000 },
    );
  });

  it('a rejected record is skipped naming the path of zod’s first issue', () => {
    fc.assert(
      fc.property(recordWithOneMisfit, (record) => {
        const parsed = deniedRecordSchema.safeParse({ ...(record as object), eventID: 'e1' });
        fc.pre(!parsed.success);
        const issue = parsed.error?.issues[0] as z.core.$ZodIssue;
        const result = normalizeRecord({ ...(record as object), ...HEAD, eventID: 'e1' }, ORIGIN);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.skipped.reason).toContain(
            `denied \`AssumeRole\` cannot be read: \`${zodIssuePath(ORIGIN.path, issue)}\`: `,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  /** JavaScript values JSON never holds, at the places where zod's types have edges. */
  const sessionWith = (webIdFederationData: unknown) => ({
    eventTime: 't',
    userIdentity: { sessionContext: { webIdFederationData } },
  });
  const requestWith = (requestParameters: unknown) => ({
    eventTime: 't',
    userIdentity: {},
    requestParameters,
  });
  it.each([
    ['durationSeconds NaN', requestWith({ durationSeconds: Number.NaN }), false],
    ['durationSeconds Infinity', requestWith({ durationSeconds: Number.NEGATIVE_INFINITY }), false],
    ['durationSeconds -0', requestWith({ durationSeconds: -0 }), true],
    [
      'a hole in transitiveTagKeys',
      requestWith({ transitiveTagKeys: Object.assign([], { 0: 'a', 2: 'b' }) }),
      false,
    ],
    ['a boxed string', requestWith({ roleArn: new String('arn') }), false],
    ['attributes a Date', sessionWith({ attributes: new Date(0) }), false],
    ['attributes without a prototype', sessionWith({ attributes: Object.create(null) }), true],
    ['attributes an array', sessionWith({ attributes: [] }), false],
    ['attributes with a symbol key', sessionWith({ attributes: { [Symbol('s')]: 1 } }), false],
  ])('%s: schema and guard both answer accepted = %s', (_name, record, accepted) => {
    expect(deniedRecordSchema.safeParse(record).success).toBe(accepted);
    expect(isDeniedRecord(record)).toBe(accepted);
  });
});
