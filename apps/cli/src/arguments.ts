import { UsageError } from './usage-error.js';

/** One command-line flag. The key in {@link ArgumentSpec.flags} is camelCase; on the command line it is kebab-case (`topK` → `--top-k`). */
export interface FlagSpec {
  /** `boolean` flags take no value (`--json`); `string` and `number` flags take one (`--top-k 5` or `--top-k=5`). */
  readonly type: 'boolean' | 'string' | 'number';
  /** One-letter alias, without the dash (`k` for `-k 5`). */
  readonly short?: string;
  /** Shown by `--help`. */
  readonly description: string;
  /** Placeholder of the value in help (`N`, `PATH`); defaults to the upper-case flag name. */
  readonly valueName?: string;
  /** May be given more than once; the value is then an array of every occurrence. */
  readonly multiple?: boolean;
  /** For `string` flags: the only accepted values. */
  readonly choices?: readonly string[];
}

/** What a command accepts. */
export interface ArgumentSpec<Flags extends Readonly<Record<string, FlagSpec>>> {
  /** Flags by camelCase name. */
  readonly flags: Flags;
  /** Fewest positional arguments (default 0). */
  readonly minPositionals?: number;
  /** Most positional arguments (default unlimited). */
  readonly maxPositionals?: number;
  /** Names of the positionals, for messages (`<text>`). */
  readonly positionalNames?: readonly string[];
}

type SingleValue<Spec extends FlagSpec> = Spec['type'] extends 'boolean'
  ? boolean
  : Spec['type'] extends 'number'
    ? number
    : string;

/** The parsed value of one flag: booleans default to false, others to undefined; `multiple` flags are arrays. */
export type FlagValue<Spec extends FlagSpec> = Spec['multiple'] extends true
  ? SingleValue<Spec>[]
  : Spec['type'] extends 'boolean'
    ? boolean
    : SingleValue<Spec> | undefined;

/** Result of {@link parseArguments}. */
export interface ParsedArguments<Flags extends Readonly<Record<string, FlagSpec>>> {
  /** Flag values by camelCase name. */
  readonly flags: { -readonly [Name in keyof Flags]: FlagValue<Flags[Name]> };
  /** Positional arguments in order, including everything after `--`. */
  readonly positionals: string[];
}

/** `topK` → `top-k`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Parses `argv` (the arguments after the command name) against `spec`.
 *
 * Accepted forms: `--name value`, `--name=value`, `-n value`, `--flag` (boolean), `--no-flag` (boolean
 * false), `--` (everything after it is positional, even if it starts with `-`). A lone `-` is a positional
 * (conventionally standard input). Values may start with `-` (`--offset -1`).
 * @throws {@link UsageError} for an unknown flag, a missing or invalid value, a value given to a boolean
 * flag, or too few / too many positionals; the message names the flag or argument.
 */
export function parseArguments<const Flags extends Readonly<Record<string, FlagSpec>>>(
  argv: readonly string[],
  spec: ArgumentSpec<Flags>,
): ParsedArguments<Flags> {
  const byLong = new Map<string, string>();
  const byShort = new Map<string, string>();
  const flags: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    byLong.set(kebabCase(name), name);
    if (flag.short !== undefined) byShort.set(flag.short, name);
    flags[name] = flag.multiple === true ? [] : flag.type === 'boolean' ? false : undefined;
  }
  const positionals: string[] = [];

  const convert = (name: string, flag: FlagSpec, text: string, shown: string): unknown => {
    if (flag.type === 'number') {
      const number = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(number))
        throw new UsageError(`${shown} expects a number, got ${JSON.stringify(text)}`, { flag: shown, value: text });
      return number;
    }
    if (flag.choices !== undefined && !flag.choices.includes(text)) {
      throw new UsageError(`${shown} must be one of ${flag.choices.join(', ')}, got ${JSON.stringify(text)}`, {
        flag: shown,
        value: text,
      });
    }
    return text;
  };
  const store = (name: string, flag: FlagSpec, value: unknown): void => {
    if (flag.multiple === true) (flags[name] as unknown[]).push(value);
    else flags[name] = value;
  };

  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (argument === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (argument === '-' || !argument.startsWith('-') || /^-\d/.test(argument)) {
      positionals.push(argument);
      continue;
    }
    let name: string | undefined;
    let shown: string;
    let inlineValue: string | undefined;
    let negated = false;
    if (argument.startsWith('--')) {
      const equals = argument.indexOf('=');
      const long = equals === -1 ? argument.slice(2) : argument.slice(2, equals);
      inlineValue = equals === -1 ? undefined : argument.slice(equals + 1);
      shown = `--${long}`;
      name = byLong.get(long);
      if (name === undefined && long.startsWith('no-')) {
        const positive = byLong.get(long.slice(3));
        if (positive !== undefined && spec.flags[positive]?.type === 'boolean') {
          name = positive;
          negated = true;
        }
      }
    } else {
      const short = argument.slice(1, 2);
      shown = `-${short}`;
      name = byShort.get(short);
      if (argument.length > 2) inlineValue = argument.slice(2).replace(/^=/, '');
    }
    const flag = name === undefined ? undefined : spec.flags[name];
    if (name === undefined || flag === undefined) {
      const known = Object.keys(spec.flags).map((key) => `--${kebabCase(key)}`);
      throw new UsageError(`unknown option ${shown}${known.length > 0 ? `; options: ${known.join(', ')}` : ''}`, {
        flag: shown,
      });
    }
    if (flag.type === 'boolean') {
      if (inlineValue !== undefined) {
        if (negated || !['true', 'false'].includes(inlineValue)) {
          throw new UsageError(`${shown} takes no value, got ${JSON.stringify(inlineValue)}`, {
            flag: shown,
            value: inlineValue,
          });
        }
        store(name, flag, inlineValue === 'true');
      } else store(name, flag, !negated);
      continue;
    }
    let text = inlineValue;
    if (text === undefined) {
      const next = argv[index + 1];
      if (next === undefined || next === '--') {
        throw new UsageError(`${shown} needs a value (${flag.valueName ?? kebabCase(name).toUpperCase()})`, {
          flag: shown,
        });
      }
      text = next;
      index += 1;
    }
    store(name, flag, convert(name, flag, text, shown));
  }

  const names = spec.positionalNames ?? [];
  const min = spec.minPositionals ?? 0;
  if (positionals.length < min) {
    const missing = names[positionals.length] ?? `argument ${positionals.length + 1}`;
    throw new UsageError(`missing ${missing}`, { argument: missing });
  }
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    const extra = positionals[spec.maxPositionals] as string;
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`, { argument: extra });
  }
  return { flags: flags as ParsedArguments<Flags>['flags'], positionals };
}

/** Help lines for the flags of `spec`, aligned: `  -k, --top-k N   how many predictions`. */
export function formatFlagHelp(flags: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(flags).map(([name, flag]) => {
    const value = flag.type === 'boolean' ? '' : ` ${flag.valueName ?? kebabCase(name).toUpperCase()}`;
    const left = `${flag.short === undefined ? '    ' : `-${flag.short}, `}--${kebabCase(name)}${value}`;
    const choices = flag.choices === undefined ? '' : ` (${flag.choices.join(', ')})`;
    return [left, `${flag.description}${choices}`] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}
