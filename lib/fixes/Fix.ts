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

/** Where a lazy fix keeps its text builder, then its texts once built (not enumerable). */
const TEXTS = Symbol('fix texts');

type Lazy = { [TEXTS]: FixTexts | (() => FixTexts) };

function built(fix: Lazy): FixTexts {
  const t = fix[TEXTS];
  if (typeof t !== 'function') return t;
  const texts = t();
  fix[TEXTS] = texts;
  return texts;
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

/**
 * A fix whose texts are built by `texts` on first read (by a renderer) and
 * cached with the fix. The text fields are enumerable getters, so JSON
 * output, spreads and schema checks see ordinary properties.
 */
export function lazyFix<Code extends string>(
  head: {
    readonly cause: Code;
    readonly title: string;
    readonly appliesTo?: string;
    readonly verified: boolean;
  },
  texts: () => FixTexts,
): Fix<Code> {
  const fix = { cause: head.cause, title: head.title };
  Object.defineProperties(fix, TEXT_FIELDS);
  Object.defineProperty(fix, TEXTS, { value: texts, writable: true, enumerable: false });
  const rest = fix as { appliesTo?: string; verified?: boolean };
  if (head.appliesTo !== undefined) rest.appliesTo = head.appliesTo;
  rest.verified = head.verified;
  return fix as Fix<Code>;
}
