import { createTensor, type Tensor } from '../tensor.js';
import { InputError } from './input-error.js';

/** How natural-length work is cut into batches (see {@link planLengthBuckets}). */
export interface LengthBucketOptions {
  /**
   * The most tokens one batch computes, padding included (rows × longest row; default 256). A
   * sequence longer than the budget gets a batch of its own.
   */
  readonly tokenBudget?: number;
  /** The most rows in one batch (default 64). */
  readonly maxBatchSize?: number;
}

/** The default {@link LengthBucketOptions.tokenBudget}. */
export const DEFAULT_TOKEN_BUDGET = 256;

/** The default {@link LengthBucketOptions.maxBatchSize}. */
export const DEFAULT_MAX_BATCH_SIZE = 64;

function checkPositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError('INPUT_OUT_OF_RANGE', `${field} must be a positive integer, got ${value}`, {
      field,
      value,
      expected: '>= 1',
    });
  }
}

/**
 * Plans batches for sequences of the given lengths: indices sorted by length (stable: equal lengths
 * keep input order), grouped greedily while rows × longest ≤ `tokenBudget` and rows ≤
 * `maxBatchSize`, so that padding costs little. Every index appears in exactly one batch.
 * @returns batches of indices into `lengths`, shortest sequences first.
 */
export function planLengthBuckets(lengths: readonly number[], options: LengthBucketOptions = {}): number[][] {
  const tokenBudget = options.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  checkPositiveInteger('tokenBudget', tokenBudget);
  checkPositiveInteger('maxBatchSize', maxBatchSize);
  const order = lengths
    .map((length, index) => ({ length, index }))
    .sort((a, b) => a.length - b.length || a.index - b.index);
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const { length, index } of order) {
    const nextLongest = Math.max(longest, length);
    if (current.length > 0 && ((current.length + 1) * nextLongest > tokenBudget || current.length >= maxBatchSize)) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(index);
    longest = Math.max(longest, length);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Runs `runBatch` over the batches {@link planLengthBuckets} plans for `items` and returns one
 * result per item, in input order. `runBatch` gets the items of a batch and returns their results
 * in the same order.
 */
export async function runInLengthBuckets<Item, Result>(
  items: readonly Item[],
  lengthOf: (item: Item) => number,
  runBatch: (batch: Item[]) => Promise<readonly Result[]>,
  options: LengthBucketOptions = {},
): Promise<Result[]> {
  const plan = planLengthBuckets(items.map(lengthOf), options);
  const results = new Array<Result>(items.length);
  for (const indices of plan) {
    const outputs = await runBatch(indices.map((index) => items[index] as Item));
    if (outputs.length !== indices.length)
      throw new Error(`internal: a batch of ${indices.length} returned ${outputs.length} results`);
    indices.forEach((index, row) => {
      results[index] = outputs[row] as Result;
    });
  }
  return results;
}

/** One encoded sequence (a tokenizer `Encoding` qualifies): ids, and optionally segment ids and mask. */
export interface SequenceEncoding {
  /** Token ids with special tokens. */
  readonly inputIds: readonly number[];
  /** Segment ids, one per token (zeros when absent). */
  readonly tokenTypeIds?: readonly number[];
  /** 1 for real tokens, 0 for padding (ones when absent). */
  readonly attentionMask?: readonly number[];
}

/** A right-padded batch of {@link SequenceEncoding}s. */
export interface PaddedBatch {
  /** `[batch, longest]`, padded with the pad id. */
  readonly inputIds: number[][];
  /** `[batch, longest]`: the encodings' masks, 0 on padding. */
  readonly attentionMask: number[][];
  /** `[batch, longest]`: the encodings' segment ids, 0 on padding. */
  readonly tokenTypeIds: number[][];
  /** The length of each row before padding. */
  readonly lengths: number[];
}

/** Pads `encodings` on the right to the longest one (ids with `padTokenId`, masks and segments with 0). */
export function padEncodings(encodings: readonly SequenceEncoding[], padTokenId: number): PaddedBatch {
  const longest = Math.max(0, ...encodings.map((encoding) => encoding.inputIds.length));
  const pad = (values: readonly number[], length: number, fill: number): number[] => [
    ...values,
    ...new Array<number>(length - values.length).fill(fill),
  ];
  return {
    inputIds: encodings.map((encoding) => pad(encoding.inputIds, longest, padTokenId)),
    attentionMask: encodings.map((encoding) =>
      pad(encoding.attentionMask ?? new Array<number>(encoding.inputIds.length).fill(1), longest, 0),
    ),
    tokenTypeIds: encodings.map((encoding) =>
      pad(encoding.tokenTypeIds ?? new Array<number>(encoding.inputIds.length).fill(0), longest, 0),
    ),
    lengths: encodings.map((encoding) => encoding.inputIds.length),
  };
}

/**
 * Row `row` of a batched tensor as a batch of one, with the axes in `sequenceAxes` cut to `length`:
 * `[batch, sequence, ...]` → `[1, length, ...]` for `sequenceAxes = [1]`.
 */
export function sliceBatchRow(
  tensor: Tensor<'float32'>,
  row: number,
  length: number,
  sequenceAxes: readonly number[] = [],
): Tensor<'float32'> {
  const shape = [...tensor.shape];
  const rowSize = shape.slice(1).reduce((product, dimension) => product * dimension, 1);
  const rowShape = shape.slice(1);
  const source = tensor.data.subarray(row * rowSize, (row + 1) * rowSize);
  const outShape = rowShape.map((dimension, axis) =>
    sequenceAxes.includes(axis + 1) ? Math.min(length, dimension) : dimension,
  );
  if (outShape.every((dimension, axis) => dimension === rowShape[axis]))
    return createTensor('float32', [1, ...rowShape], source.slice());
  if (outShape.slice(1).every((dimension, axis) => dimension === rowShape[axis + 1])) {
    // only the outermost axis of the row is cut: a contiguous prefix
    return createTensor(
      'float32',
      [1, ...outShape],
      source.slice(
        0,
        outShape.reduce((product, dimension) => product * dimension, 1),
      ),
    );
  }
  const out = new Float32Array(outShape.reduce((product, dimension) => product * dimension, 1));
  // strides of the source row and of the output, innermost last
  const sourceStrides = rowShape.map((_, axis) =>
    rowShape.slice(axis + 1).reduce((product, dimension) => product * dimension, 1),
  );
  const index = new Array<number>(outShape.length).fill(0);
  for (let flat = 0; flat < out.length; flat += 1) {
    let offset = 0;
    for (let axis = 0; axis < index.length; axis += 1)
      offset += (index[axis] as number) * (sourceStrides[axis] as number);
    out[flat] = source[offset] as number;
    for (let axis = index.length - 1; axis >= 0; axis -= 1) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (outShape[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return createTensor('float32', [1, ...outShape], out);
}
