import { parseArgs } from 'node:util';
import { ConfigError, escapeControlCharacters } from '../errors/TrustwatchError.js';

/**
 * One option of a command, as data: the parser (`node:util` parseArgs,
 * strict), the help text and the tests are all derived from these tables.
 */
export interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** A string option that may be given more than once (its values, in order). */
  readonly multiple?: boolean;
  /** The value's placeholder in the help (`FILE`, `ARN`). */
  readonly value?: string;
  readonly help: string;
  /** Another spelling of option `aliasOf` (`--output` for `--format`, as the AWS CLI spells it). */
  readonly aliasOf?: string;
  /** Where the help lists it: with the command's own options, or with the AWS options. */
  readonly group?: 'aws';
}

export type OptionTable = Readonly<Record<string, OptionDef>>;

/** A command's whole command line: what its help says and what its parser accepts. */
export interface CommandDef<O extends OptionTable = OptionTable> {
  readonly name: string;
  /** One line for `trustwatch --help`. */
  readonly summary: string;
  /** What follows `trustwatch <name>` in the usage line. */
  readonly synopsis: string;
  /** Paragraph(s) after the usage line. */
  readonly description: string;
  /** The positional arguments, or none. */
  readonly positionals?: {
    /** How the help shows them (`<file|dir|->`). */
    readonly label: string;
    /** What one is called in errors (`input`), and what it may be (`a file, a directory or -`). */
    readonly name: string;
    readonly what: string;
    readonly help: string;
    readonly min: number;
    readonly max: number;
  };
  readonly options: O;
  /** Every exit status the command can return, and when. */
  readonly exitCodes: readonly (readonly [number, string])[];
}

/** The values of a table's options (aliases folded into the option they spell). */
export type OptionValues<O extends OptionTable> = {
  [K in keyof O as O[K] extends { aliasOf: string } ? never : K]?: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : string;
};

export interface ParsedCommandLine<O extends OptionTable> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  /** `--help` / `-h` was given: print {@link renderHelp} and stop. */
  readonly help: boolean;
}

const HELP: OptionDef = { type: 'boolean', short: 'h', help: 'print this help' };

/** `--x` as the user typed it, from Node's parse error text. */
function optionIn(message: string): string | undefined {
  return /'(-[^'\s]*)'/.exec(message)?.[1] ?? /(--?[\w-]+)/.exec(message)?.[1];
}

/**
 * Parses a command's arguments against its table with `node:util` parseArgs
 * (strict): unknown options, missing values and stray arguments are one-line
 * `ConfigError`s (exit 2); `--opt=value` and `--opt value` both work; an
 * alias's value lands under the option it spells (both given, differing: an error).
 */
export function parseCommandLine<O extends OptionTable>(
  def: CommandDef<O>,
  argv: readonly string[],
): ParsedCommandLine<O> {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {
    help: { type: HELP.type, short: 'h' },
  };
  for (const [name, o] of Object.entries(def.options)) {
    options[name] = {
      type: o.type,
      ...(o.short === undefined ? {} : { short: o.short }),
      ...(o.multiple === true ? { multiple: true } : {}),
    };
  }
  const hint = `see \`trustwatch help ${def.name}\``;
  let parsed: {
    values: Record<string, string | boolean | string[] | undefined>;
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: def.positionals !== undefined,
    }) as typeof parsed;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = escapeControlCharacters((err as Error).message);
    const opt = optionIn(message);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new ConfigError(`unknown option \`${opt ?? message}\` (${hint})`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = opt?.replace(/^-+/, '').split(/[\s=]/)[0] ?? '';
      throw new ConfigError(
        def.options[name]?.type === 'boolean'
          ? `option \`--${name}\` takes no value`
          : `option \`${opt ?? '?'}\` needs a value`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new ConfigError(
        `unexpected argument \`${/'([^']*)'/.exec(message)?.[1] ?? message}\` (${hint})`,
      );
    throw new ConfigError(message.charAt(0).toLowerCase() + message.slice(1));
  }
  const values: Record<string, string | boolean | string[]> = {};
  const setBy: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name === 'help' || value === undefined) continue;
    if (value === '' || (Array.isArray(value) && value.includes('')))
      throw new ConfigError(`option \`--${name}\` needs a value`);
    const target = def.options[name]?.aliasOf ?? name;
    const earlier = values[target];
    if (earlier !== undefined && earlier !== value) {
      throw new ConfigError(`\`--${setBy[target]}\` and \`--${name}\` give different values`);
    }
    values[target] = value;
    setBy[target] = name;
  }
  const help = parsed.values.help === true;
  const p = def.positionals;
  if (!help && p !== undefined) {
    const n = parsed.positionals.length;
    if (n < p.min) throw new ConfigError(`missing ${p.name}: ${p.what}`);
    if (n > p.max)
      throw new ConfigError(
        `expected ${p.max === 1 ? 'one' : `at most ${p.max}`} ${p.name}, got ${n}`,
      );
  }
  return { values: values as OptionValues<O>, positionals: parsed.positionals, help };
}

function optionLines(entries: readonly (readonly [string, OptionDef])[]): string[] {
  const left = entries.map(([name, o]) => {
    const flag = `${o.short === undefined ? '' : `-${o.short}, `}--${name}`;
    return o.type === 'string' ? `${flag} ${o.value ?? 'VALUE'}` : flag;
  });
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return entries.map(([, o], i) => {
    const [first, ...more] = (o.aliasOf === undefined ? o.help : `same as --${o.aliasOf}`).split(
      '\n',
    );
    return [
      `  ${(left[i] as string).padEnd(width)}${first}`,
      ...more.map((l) => `  ${' '.repeat(width)}${l}`),
    ].join('\n');
  });
}

/** The help of a command: usage, description, arguments, options, AWS options, exit status. */
export function renderHelp(def: CommandDef): string {
  const entries = Object.entries(def.options);
  const own = entries.filter(([, o]) => o.group === undefined);
  const aws = entries.filter(([, o]) => o.group === 'aws');
  const lines = [`usage: trustwatch ${def.name} ${def.synopsis}`, '', def.description];
  if (def.positionals !== undefined) {
    lines.push('', 'arguments:', `  ${def.positionals.label}`);
    lines.push(...def.positionals.help.split('\n').map((l) => `      ${l}`));
  }
  lines.push('', 'options:', ...optionLines([...own, ['help', HELP]]));
  if (aws.length > 0) {
    lines.push(
      '',
      'AWS options (AWS_PROFILE, AWS_REGION and the profile’s region are honoured as the AWS CLI does):',
      ...optionLines(aws),
    );
  }
  lines.push('', 'exit status:');
  for (const [code, what] of def.exitCodes) lines.push(`  ${code}  ${what}`);
  return `${lines.join('\n')}\n`;
}
