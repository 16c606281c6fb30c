import type { Tri } from './RequestContext.js';

/**
 * Kleene three-valued logic: `no` ∧ anything = `no`, `yes` ∧ `unknown` =
 * `unknown`; `yes` ∨ anything = `yes`, `no` ∨ `unknown` = `unknown`.
 */
export function triAnd(a: Tri, b: Tri, c: Tri = 'yes'): Tri {
  if (a === 'no' || b === 'no' || c === 'no') return 'no';
  return a === 'unknown' || b === 'unknown' || c === 'unknown' ? 'unknown' : 'yes';
}

export function triOr(...values: readonly Tri[]): Tri {
  let result: Tri = 'no';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 'yes') return 'yes';
    if (v === 'unknown') result = 'unknown';
  }
  return result;
}

export function triNot(v: Tri): Tri {
  return v === 'yes' ? 'no' : v === 'no' ? 'yes' : 'unknown';
}

export function triOf(b: boolean): Tri {
  return b ? 'yes' : 'no';
}
