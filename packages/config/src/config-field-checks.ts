import type { AlbertConfigLimits } from './albert-config-limits.js';
import { ConfigError, type ConfigErrorCode } from './config-error.js';
import { HIDDEN_ACTIVATIONS, isHiddenAct, type HiddenAct } from './hidden-activation.js';
import { POSITION_EMBEDDING_TYPES, type PositionEmbeddingType } from './position-embedding-type.js';
import { PROBLEM_TYPES, type ProblemType } from './problem-type.js';

// Internal helpers of AlbertConfig: per-field type and range checks that throw a ConfigError naming the
// file, the HF snake_case field and the value. Not exported from the package index.

/** Where a value came from, for error messages. */
export interface CheckContext {
  readonly file: string | undefined;
  /** The limits in force (defaults when absent). */
  readonly limits?: AlbertConfigLimits | undefined;
}

/** `value` as it appears in a message: strings quoted, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    const text = JSON.stringify(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return String(value);
  }
}

/** Throws a ConfigError; the message gets ` (in FILE)` appended when the file is known. */
export function fail(
  code: ConfigErrorCode,
  message: string,
  context: CheckContext,
  details: { field?: string; value?: unknown; [key: string]: unknown } = {},
): never {
  const where = context.file === undefined ? '' : ` (in ${context.file})`;
  throw new ConfigError(code, `${message}${where}`, { file: context.file, ...details });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function expectNumber(field: string, value: unknown, context: CheckContext, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    if (typeof value === 'number')
      fail('CONFIG_OUT_OF_RANGE', `${field} must be a finite number, got ${formatValue(value)}`, context, {
        field,
        value,
      });
    fail('CONFIG_INVALID_TYPE', `${field} must be ${what}, got ${typeName(value)} (${formatValue(value)})`, context, {
      field,
      value,
    });
  }
  return value;
}

/** A positive integer size or count (`vocab_size`, `hidden_size`, `inner_group_num`, ...). */
export function checkPositiveInteger(field: string, value: unknown, context: CheckContext): number {
  const number = expectNumber(field, value, context, 'a positive integer');
  if (!Number.isInteger(number))
    fail('CONFIG_NOT_INTEGER', `${field} must be an integer, got ${formatValue(number)}`, context, { field, value });
  if (number <= 0)
    fail('CONFIG_NOT_POSITIVE', `${field} must be positive, got ${formatValue(number)}`, context, { field, value });
  return number;
}

/** An integer of any sign (range checked elsewhere, e.g. `num_hidden_groups`). */
export function checkInteger(field: string, value: unknown, context: CheckContext): number {
  const number = expectNumber(field, value, context, 'an integer');
  if (!Number.isInteger(number))
    fail('CONFIG_NOT_INTEGER', `${field} must be an integer, got ${formatValue(number)}`, context, { field, value });
  return number;
}

/** A probability in [0, 1] (dropout rates). */
export function checkProbability(field: string, value: unknown, context: CheckContext): number {
  const number = expectNumber(field, value, context, 'a number between 0 and 1');
  if (number < 0 || number > 1)
    fail('CONFIG_OUT_OF_RANGE', `${field} must be between 0 and 1, got ${formatValue(number)}`, context, {
      field,
      value,
    });
  return number;
}

/** A probability or `null` (`classifier_dropout_prob`, which HF's token classifier reads as "use hidden_dropout_prob"). */
export function checkNullableProbability(field: string, value: unknown, context: CheckContext): number | null {
  return value === null ? null : checkProbability(field, value, context);
}

/** A number ≥ 0 (`initializer_range`). */
export function checkNonNegativeNumber(field: string, value: unknown, context: CheckContext): number {
  const number = expectNumber(field, value, context, 'a number ≥ 0');
  if (number < 0)
    fail('CONFIG_OUT_OF_RANGE', `${field} must be ≥ 0, got ${formatValue(number)}`, context, { field, value });
  return number;
}

/** A number > 0 (`layer_norm_eps`). */
export function checkPositiveNumber(field: string, value: unknown, context: CheckContext): number {
  const number = expectNumber(field, value, context, 'a positive number');
  if (number <= 0)
    fail('CONFIG_OUT_OF_RANGE', `${field} must be > 0, got ${formatValue(number)}`, context, { field, value });
  return number;
}

/** A token id: an integer ≥ 0, or null. */
export function checkTokenId(field: string, value: unknown, context: CheckContext): number | null {
  if (value === null) return null;
  const number = expectNumber(field, value, context, 'an integer token id or null');
  if (!Number.isInteger(number))
    fail('CONFIG_NOT_INTEGER', `${field} must be an integer, got ${formatValue(number)}`, context, { field, value });
  if (number < 0)
    fail('CONFIG_OUT_OF_RANGE', `${field} must be ≥ 0, got ${formatValue(number)}`, context, { field, value });
  return number;
}

/** A boolean flag. */
export function checkBoolean(field: string, value: unknown, context: CheckContext): boolean {
  if (typeof value !== 'boolean')
    fail(
      'CONFIG_INVALID_TYPE',
      `${field} must be true or false, got ${typeName(value)} (${formatValue(value)})`,
      context,
      { field, value },
    );
  return value;
}

/** A string or null (`dtype`). */
export function checkNullableString(field: string, value: unknown, context: CheckContext): string | null {
  if (value !== null && typeof value !== 'string')
    fail(
      'CONFIG_INVALID_TYPE',
      `${field} must be a string or null, got ${typeName(value)} (${formatValue(value)})`,
      context,
      { field, value },
    );
  return value;
}

/** `hidden_act`: one of HIDDEN_ACTIVATIONS. */
export function checkHiddenAct(field: string, value: unknown, context: CheckContext): HiddenAct {
  if (!isHiddenAct(value)) {
    fail(
      'CONFIG_UNKNOWN_ACTIVATION',
      `${field} ${formatValue(value)} is not a supported activation; supported: ${HIDDEN_ACTIVATIONS.join(', ')}`,
      context,
      { field, value, supported: HIDDEN_ACTIVATIONS },
    );
  }
  return value;
}

/** `position_embedding_type`: one of POSITION_EMBEDDING_TYPES. */
export function checkPositionEmbeddingType(
  field: string,
  value: unknown,
  context: CheckContext,
): PositionEmbeddingType {
  if (typeof value !== 'string' || !(POSITION_EMBEDDING_TYPES as readonly string[]).includes(value)) {
    fail(
      'CONFIG_UNKNOWN_POSITION_EMBEDDING_TYPE',
      `${field} ${formatValue(value)} is not supported; supported: ${POSITION_EMBEDDING_TYPES.join(', ')}`,
      context,
      { field, value, supported: POSITION_EMBEDDING_TYPES },
    );
  }
  return value as PositionEmbeddingType;
}

/** `problem_type`: one of PROBLEM_TYPES or null. */
export function checkProblemType(field: string, value: unknown, context: CheckContext): ProblemType | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !(PROBLEM_TYPES as readonly string[]).includes(value)) {
    fail(
      'CONFIG_UNKNOWN_PROBLEM_TYPE',
      `${field} ${formatValue(value)} is not supported; supported: ${PROBLEM_TYPES.join(', ')} or null`,
      context,
      { field, value, supported: PROBLEM_TYPES },
    );
  }
  return value as ProblemType;
}

/** `architectures`: an array of class-name strings, or null. */
export function checkArchitectures(field: string, value: unknown, context: CheckContext): readonly string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    fail('CONFIG_INVALID_TYPE', `${field} must be an array of strings or null, got ${formatValue(value)}`, context, {
      field,
      value,
    });
  }
  return Object.freeze([...(value as string[])]);
}

/** `model_type`: must be `albert`. */
export function checkModelType(field: string, value: unknown, context: CheckContext): 'albert' {
  if (value !== 'albert') {
    fail(
      'CONFIG_WRONG_MODEL_TYPE',
      `${field} ${formatValue(value)} is not "albert": this is not an ALBERT config`,
      context,
      { field, value },
    );
  }
  return 'albert';
}

/** Is `value` a plain object (not null, not an array)? */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
