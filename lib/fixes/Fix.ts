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

/**
 * A fix whose texts are built by `texts` on first read (by a renderer) and
 * cached on the object. The text fields are enumerable getters, so JSON
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
  let built: FixTexts | undefined;
  const get = (): FixTexts => {
    built ??= texts();
    return built;
  };
  const fix = { cause: head.cause, title: head.title } as Fix<Code>;
  Object.defineProperties(fix, {
    iamPolicy: { enumerable: true, get: () => get().iamPolicy },
    awsCli: { enumerable: true, get: () => get().awsCli },
    terraform: { enumerable: true, get: () => get().terraform },
    ...(head.appliesTo === undefined
      ? {}
      : { appliesTo: { enumerable: true, value: head.appliesTo } }),
    verified: { enumerable: true, value: head.verified },
  });
  return Object.freeze(fix);
}
