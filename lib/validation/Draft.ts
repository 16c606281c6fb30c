/**
 * An object under construction: `T` without `readonly`. Hot paths (intake,
 * reads, diagnosis) set each optional field in its own statement, only when
 * known, so no key holds `undefined`; a generic "drop the undefined keys"
 * copy or a conditional spread per field costs a keyed store or a throwaway
 * object per field.
 */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };
