import { globFromRaw, globMatch } from './wildcard.js';

/**
 * Does `action` (e.g. `sts:AssumeRole`) match one of the `Action` /
 * `NotAction` patterns of a statement? IAM UG, "IAM JSON policy elements:
 * Action": action names and service prefixes are case-insensitive, `*` matches
 * any run of characters and `?` one character, `"*"` alone matches every action.
 * `NotAction` is the negation and is applied by `evaluatePolicy`.
 */
export function matchAction(patterns: readonly string[], action: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*') return true;
    if (globMatch(globFromRaw(pattern), action, true)) return true;
  }
  return false;
}
