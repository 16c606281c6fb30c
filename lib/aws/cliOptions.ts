import { ConfigError } from '../errors/TrustwatchError.js';

/** `a,b,c` → `['a','b','c']`, checking each item (`what` is the option's name). */
export function commaList(text: string, what: string, valid: RegExp): string[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new ConfigError(`\`--${what}\` needs at least one value`);
  for (const item of items) {
    if (!valid.test(item))
      throw new ConfigError(`\`${item}\` is not a valid value for \`--${what}\``);
  }
  return [...new Set(items)];
}

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;
