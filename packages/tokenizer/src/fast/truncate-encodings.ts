import { TokenizerError } from '../tokenizer-error.js';
import { truncateEncoding, type FastEncoding } from './fast-encoding.js';

/** Which sequence(s) a truncation shortens (Hugging Face names). */
export type FastTruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/** Truncation settings, as the library's `TruncationParams` (`maxLength` already net of special tokens). */
export interface FastTruncationParams {
  /** Maximum number of tokens of the sequence(s). */
  readonly maxLength: number;
  /** Strategy. */
  readonly strategy: FastTruncationStrategy;
  /** Side the tokens are removed from. */
  readonly direction: 'right' | 'left';
  /** Tokens shared by consecutive overflowing windows (default 0). */
  readonly stride?: number;
}

/** The library's message when a sequence cannot be truncated enough. */
export const SEQUENCE_TOO_SHORT_MESSAGE =
  'Truncation error: Sequence to truncate too short to respect the provided max_length';
/** The library's message for `only_second` without a second sequence. */
export const SECOND_SEQUENCE_NOT_PROVIDED_MESSAGE = 'Truncation error: Second sequence not provided';

/**
 * The library's `truncate_encodings`: shortens one sequence or a pair to `maxLength` tokens in all;
 * what is cut off goes into each encoding's `overflowing` windows (overlapping by `stride`).
 * Throws a {@link TokenizerError} (`TOKENIZER_TRUNCATION_ERROR`, with the library's message) when
 * `only_first`/`only_second` cannot remove enough tokens or the second sequence is missing.
 */
export function truncateEncodings(
  first: FastEncoding,
  second: FastEncoding | undefined,
  params: FastTruncationParams,
): [FastEncoding, FastEncoding | undefined] {
  const direction = params.direction;
  const stride = params.stride ?? 0;
  if (params.maxLength === 0) {
    return [
      truncateEncoding(first, 0, direction, stride),
      second === undefined ? undefined : truncateEncoding(second, 0, direction, stride),
    ];
  }
  const totalLength = first.ids.length + (second?.ids.length ?? 0);
  if (totalLength <= params.maxLength) return [first, second];
  const toRemove = totalLength - params.maxLength;
  if (params.strategy === 'longest_first') {
    if (second === undefined) return [truncateEncoding(first, totalLength - toRemove, direction, stride), undefined];
    let n1 = first.ids.length;
    let n2 = second.ids.length;
    let swap = false;
    if (n1 > n2) {
      swap = true;
      [n1, n2] = [n2, n1];
    }
    if (n1 > params.maxLength) n2 = n1;
    else n2 = Math.max(n1, params.maxLength - n1);
    if (n1 + n2 > params.maxLength) {
      n1 = Math.floor(params.maxLength / 2);
      n2 = n1 + (params.maxLength % 2);
    }
    if (swap) [n1, n2] = [n2, n1];
    return [truncateEncoding(first, n1, direction, stride), truncateEncoding(second, n2, direction, stride)];
  }
  if (params.strategy === 'only_second' && second === undefined) {
    throw new TokenizerError('TOKENIZER_TRUNCATION_ERROR', SECOND_SEQUENCE_NOT_PROVIDED_MESSAGE, {
      strategy: params.strategy,
      maxLength: params.maxLength,
    });
  }
  const target = params.strategy === 'only_first' ? first : (second as FastEncoding);
  if (target.ids.length <= toRemove) {
    throw new TokenizerError('TOKENIZER_TRUNCATION_ERROR', SEQUENCE_TOO_SHORT_MESSAGE, {
      strategy: params.strategy,
      maxLength: params.maxLength,
      sequenceLength: target.ids.length,
      toRemove,
    });
  }
  const truncated = truncateEncoding(target, target.ids.length - toRemove, direction, stride);
  return params.strategy === 'only_first' ? [truncated, second] : [first, truncated];
}
