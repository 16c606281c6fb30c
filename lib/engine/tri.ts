import type { Tri } from './RequestContext.js';

/**
 * Kleene three-valued logic: `no` ∧ anything = `no`, `yes` ∧ `unknown` =
 * `unknown`; `yes` ∨ anything = `yes`, `no` ∨ `unknown` = `unknown`.
 */
export function triAnd(a: Tri, b: Tri, c: Tri = 'yes', d: Tri = 'yes'): Tri {
  if (a === 'no' || b === 'no' || c === 'no' || d === 'no') return 'no';
  return a === 'unknown' || b === 'unknown' || c === 'unknown' || d === 'unknown'
    ? 'unknown'
    : 'yes';
}

/** Fixed arity, as {@link triAnd}: the engine's loops call it per statement, and a rest parameter is an array per call. */
export function triOr(a: Tri, b: Tri, c: Tri = 'no'): Tri {
  if (a === 'yes' || b === 'yes' || c === 'yes') return 'yes';
  return a === 'unknown' || b === 'unknown' || c === 'unknown' ? 'unknown' : 'no';
}

export function triNot(v: Tri): Tri {
  return v === 'yes' ? 'no' : v === 'no' ? 'yes' : 'unknown';
}

export function triOf(b: boolean): Tri {
  return b ? 'yes' : 'no';
}
