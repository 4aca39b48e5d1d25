import { AlbertError } from './albert-error.js';

/**
 * Stable codes of {@link ConfigError}:
 * - `CONFIG_INVALID_JSON`: the text of a config.json is not JSON.
 * - `CONFIG_NOT_AN_OBJECT`: the JSON value is not an object.
 * - `CONFIG_INVALID_TYPE`: a field has the wrong JSON type (e.g. a string where a number belongs).
 * - `CONFIG_NOT_INTEGER`: a count, size or token id is not an integer.
 * - `CONFIG_NOT_POSITIVE`: a size or count is zero or negative.
 * - `CONFIG_OUT_OF_RANGE`: a probability outside [0, 1], a negative token id or range, a non-positive epsilon.
 * - `CONFIG_HEADS_NOT_DIVIDING`: `hidden_size` is not a multiple of `num_attention_heads`.
 * - `CONFIG_GROUPS_OUT_OF_RANGE`: `num_hidden_groups` is not in [1, `num_hidden_layers`].
 * - `CONFIG_UNKNOWN_ACTIVATION`: `hidden_act` is not one of `HIDDEN_ACTIVATIONS`.
 * - `CONFIG_UNKNOWN_POSITION_EMBEDDING_TYPE`: `position_embedding_type` is not one of `POSITION_EMBEDDING_TYPES`.
 * - `CONFIG_UNKNOWN_PROBLEM_TYPE`: `problem_type` is not one of `PROBLEM_TYPES` (or null).
 * - `CONFIG_LABELS_INCONSISTENT`: `num_labels`, `id2label` and `label2id` disagree.
 * - `CONFIG_WRONG_MODEL_TYPE`: `model_type` is present and is not `"albert"`.
 * - `CONFIG_UNKNOWN_FIELD`: an override names a field AlbertConfig does not have.
 * - `CONFIG_UNKNOWN_PRESET`: `AlbertConfig.preset` got a name that is not a preset.
 * - `CONFIG_LAYER_OUT_OF_RANGE`: a layer index outside [0, `num_hidden_layers`).
 * - `CONFIG_NOT_FOUND`: no config.json where one was expected.
 * - `CONFIG_LIMIT_EXCEEDED`: a count exceeds an `AlbertConfigLimits` bound (`num_labels`, layers).
 * - `CONFIG_TOO_DEEP`: a field nests arrays/objects deeper than `AlbertConfigLimits.maximumDepth`.
 * - `CONFIG_INVALID_LIMITS`: the `limits` option has an unknown key or a bad value.
 * - `CONFIG_UNKNOWN_OPTION`: an options object of `AlbertConfig.parse` / `fromJSON` has an unknown key.
 */
export type ConfigErrorCode =
  | 'CONFIG_INVALID_JSON'
  | 'CONFIG_NOT_AN_OBJECT'
  | 'CONFIG_INVALID_TYPE'
  | 'CONFIG_NOT_INTEGER'
  | 'CONFIG_NOT_POSITIVE'
  | 'CONFIG_OUT_OF_RANGE'
  | 'CONFIG_HEADS_NOT_DIVIDING'
  | 'CONFIG_GROUPS_OUT_OF_RANGE'
  | 'CONFIG_UNKNOWN_ACTIVATION'
  | 'CONFIG_UNKNOWN_POSITION_EMBEDDING_TYPE'
  | 'CONFIG_UNKNOWN_PROBLEM_TYPE'
  | 'CONFIG_LABELS_INCONSISTENT'
  | 'CONFIG_WRONG_MODEL_TYPE'
  | 'CONFIG_UNKNOWN_FIELD'
  | 'CONFIG_UNKNOWN_PRESET'
  | 'CONFIG_LAYER_OUT_OF_RANGE'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_LIMIT_EXCEEDED'
  | 'CONFIG_TOO_DEEP'
  | 'CONFIG_INVALID_LIMITS'
  | 'CONFIG_UNKNOWN_OPTION';

/** Structured context of a {@link ConfigError}. */
export interface ConfigErrorDetails {
  /** The config file, when the config came from one. */
  readonly file?: string | undefined;
  /** The HF snake_case name of the offending field (e.g. `num_hidden_groups`). */
  readonly field?: string | undefined;
  /** The offending value. */
  readonly value?: unknown;
  /** Other context (for example the list of supported values). */
  readonly [key: string]: unknown;
}

/**
 * An invalid or unreadable ALBERT configuration. The message names the field and value (and the file
 * when known), e.g. `num_hidden_groups (3) must be between 1 and num_hidden_layers (2) in fixtures/x/config.json`.
 */
export class ConfigError extends AlbertError {
  /** Stable error code; see {@link ConfigErrorCode}. */
  declare readonly code: ConfigErrorCode;
  /** File, field and value; see {@link ConfigErrorDetails}. */
  declare readonly details: ConfigErrorDetails;

  /**
   * @param code - stable error code.
   * @param message - human-readable message; the file is appended by the caller when known.
   * @param details - file, field, value and other context.
   * @param options - standard error options (`cause`).
   */
  constructor(code: ConfigErrorCode, message: string, details: ConfigErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, message, { ...details }, options);
  }
}
