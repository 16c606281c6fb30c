/**
 * A proposed fix: what to change and where, and whether the engine confirmed
 * it. One type for the diagnosis of a denial and for the trust-policy audit.
 * The texts a person pastes (`iamPolicy`, `awsCli`, `terraform`) are built
 * the first time a renderer reads them ({@link lazyFix}) and kept on the fix,
 * so a repeated denial served from the memo renders them for free.
 */
export interface Fix<Code extends string = string> {
  readonly cause: Code;
  readonly title: string;
  /** The complete patched policy document (trust policy or identity policy), valid IAM JSON. */
  readonly iamPolicy?: Record<string, unknown>;
  readonly awsCli?: string;
  readonly terraform?: string;
  /** Which policy the fix changes: "trust policy of <role-arn>", an identity policy, the caller's tool config, … */
  readonly appliesTo?: string;
  /** True when the engine re-evaluated the request with the fix applied and the cause no longer blocks. */
  readonly verified?: boolean;
}

/** The texts of a fix, built on demand. */
export interface FixTexts {
  readonly iamPolicy?: Record<string, unknown>;
  readonly awsCli: string;
  readonly terraform: string;
}

/** Where a lazy fix keeps its title and text builders, then their results once built (not enumerable). */
const PENDING = Symbol('fix title and texts');

interface Pending {
  title: string | (() => string);
  texts: FixTexts | (() => FixTexts);
}

type Lazy = { readonly [PENDING]: Pending };

function built(fix: Lazy): FixTexts {
  const p = fix[PENDING];
  const t = p.texts;
  if (typeof t !== 'function') return t;
  const texts = t();
  p.texts = texts;
  return texts;
}

function worded(fix: Lazy): string {
  const p = fix[PENDING];
  const t = p.title;
  if (typeof t !== 'function') return t;
  const title = t();
  p.title = title;
  return title;
}

/** Shared by every lazy fix: no closure per fix. */
const TEXT_FIELDS: PropertyDescriptorMap = {
  iamPolicy: {
    enumerable: true,
    get(this: Lazy) {
      return built(this).iamPolicy;
    },
  },
  awsCli: {
    enumerable: true,
    get(this: Lazy) {
      return built(this).awsCli;
    },
  },
  terraform: {
    enumerable: true,
    get(this: Lazy) {
      return built(this).terraform;
    },
  },
};

/** {@link TEXT_FIELDS} after a title worded on first read (same key order as a plain title). */
const TITLE_AND_TEXT_FIELDS: PropertyDescriptorMap = {
  title: {
    enumerable: true,
    get(this: Lazy) {
      return worded(this);
    },
  },
  ...TEXT_FIELDS,
};

/**
 * A fix whose texts are built by `texts` on first read (by a renderer) and
 * cached with the fix; so is its title when given as a function (a diagnosis
 * words its fixes' titles only when they are rendered:
 * lib/diagnosis/fixProse.ts). Title and text fields are enumerable getters,
 * so JSON output, spreads and schema checks see ordinary properties.
 */
export function lazyFix<Code extends string>(
  head: {
    readonly cause: Code;
    readonly title: string | (() => string);
    readonly appliesTo?: string;
    readonly verified: boolean;
  },
  texts: () => FixTexts,
): Fix<Code> {
  const title = head.title;
  const lazyTitle = typeof title === 'function';
  const fix: { cause: Code; title?: string } = lazyTitle
    ? { cause: head.cause }
    : { cause: head.cause, title };
  Object.defineProperties(fix, lazyTitle ? TITLE_AND_TEXT_FIELDS : TEXT_FIELDS);
  const pending: Pending = { title, texts };
  Object.defineProperty(fix, PENDING, { value: pending, enumerable: false });
  const rest = fix as { appliesTo?: string; verified?: boolean };
  if (head.appliesTo !== undefined) rest.appliesTo = head.appliesTo;
  rest.verified = head.verified;
  return fix as Fix<Code>;
}
