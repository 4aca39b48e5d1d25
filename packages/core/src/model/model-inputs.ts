import type { AlbertConfig } from '@albert-ts/config';
import { createTensor, shapeSize, type Tensor } from '../tensor.js';
import { InputError } from './input-error.js';

/** A typed array with an explicit row-major shape (a core `Tensor` qualifies). */
export interface ShapedArrayInput {
  /** Elements, row-major. */
  readonly data: Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array | Int8Array | readonly number[];
  /** Dimensions. */
  readonly shape: readonly number[];
}

/** Numbers as nested arrays (`[S]`, `[B, S]`, `[B, C, S]`, ...) or a {@link ShapedArrayInput}. */
export type ArrayInput =
  | readonly number[]
  | readonly (readonly number[])[]
  | readonly (readonly (readonly number[])[])[]
  | readonly (readonly (readonly (readonly number[])[])[])[]
  | ShapedArrayInput;

/**
 * Model inputs, in camelCase. A tokenizer `Encoding` (1-D arrays: a batch of one) and a
 * `BatchEncoding` (2-D arrays) are accepted as they are. Absent inputs take HF's defaults:
 * `attentionMask` all ones, `tokenTypeIds` zeros, `positionIds` `0..S-1` for every row.
 */
export interface AlbertInputs {
  /** Token ids `[batch, sequence]` (`[batch, choices, sequence]` for multiple choice). */
  readonly inputIds?: ArrayInput;
  /** Embeddings `[batch, sequence, embedding_size]` used instead of `inputIds` (word embeddings only). */
  readonly inputsEmbeds?: ArrayInput;
  /** 1 for tokens to attend to, 0 for padding (only keys are masked). */
  readonly attentionMask?: ArrayInput;
  /** Segment ids. */
  readonly tokenTypeIds?: ArrayInput;
  /** Position ids (absolute position embeddings only; ignored by relative types, as in HF). */
  readonly positionIds?: ArrayInput;
}

/** A flattened numeric array with its shape. */
export interface FlatArray {
  /** Dimensions. */
  readonly shape: number[];
  /** Elements, row-major, as numbers. */
  readonly values: ArrayLike<number>;
}

/** Deepest input albert-ts takes: `inputs_embeds` of multiple choice, `[batch, choices, sequence, embedding]`. */
const MAXIMUM_RANK = 4;

function isTypedNumberArray(value: unknown): boolean {
  return (
    value instanceof Int32Array ||
    value instanceof BigInt64Array ||
    value instanceof Float32Array ||
    value instanceof Float64Array ||
    value instanceof Uint8Array ||
    value instanceof Int8Array
  );
}

/** Checks a `{ data, shape }` input's shape: an array of at most 4 non-negative integers. */
function checkShape(shape: unknown, field: string): number[] {
  if (!Array.isArray(shape))
    throw new InputError('INPUT_RANK', `${field}.shape must be an array of dimensions, got ${typeof shape}`, {
      field,
      value: typeof shape,
    });
  if (shape.length > MAXIMUM_RANK)
    throw new InputError(
      'INPUT_RANK',
      `${field}.shape has ${shape.length} dimensions; inputs have at most ${MAXIMUM_RANK}`,
      { field, expected: MAXIMUM_RANK, actual: shape.length },
    );
  const dimensions: number[] = [];
  for (let index = 0; index < shape.length; index += 1) {
    const dimension: unknown = shape[index];
    if (typeof dimension !== 'number' || !Number.isSafeInteger(dimension) || dimension < 0) {
      throw new InputError(
        'INPUT_SHAPE_INVALID',
        `${field}.shape[${index}] is ${typeof dimension === 'number' ? dimension : typeof dimension}, expected a non-negative integer`,
        {
          field,
          index,
          value: typeof dimension === 'number' ? dimension : typeof dimension,
        },
      );
    }
    dimensions.push(dimension);
  }
  return dimensions;
}

/**
 * Flattens nested arrays or a shaped typed array, checking the structure before reading values:
 * at most 4 dimensions (a self-referencing array is caught here), rectangular, no holes, and for
 * `{ data, shape }` a shape of non-negative integers whose size matches `data`.
 */
export function flattenArrayInput(value: ArrayInput, field: string): FlatArray {
  if (!Array.isArray(value)) {
    const shaped = value as ShapedArrayInput;
    if (shaped === null || typeof shaped !== 'object' || !('data' in shaped) || !('shape' in shaped)) {
      throw new InputError(
        'INPUT_RANK',
        `${field} must be a (nested) array of numbers or { data, shape }, got ${typeof value}`,
        { field, value: typeof value },
      );
    }
    const shape = checkShape(shaped.shape, field);
    const data: unknown = shaped.data;
    if (!isTypedNumberArray(data) && !Array.isArray(data)) {
      throw new InputError(
        'INPUT_RANK',
        `${field}.data must be a typed array or an array of numbers, got ${typeof data}`,
        { field, value: typeof data },
      );
    }
    const size = shapeSize(shape);
    const length = (data as ArrayLike<unknown>).length;
    if (length !== size) {
      throw new InputError(
        'INPUT_SHAPE_MISMATCH',
        `${field}: data has ${length} elements but shape [${shape.join(', ')}] needs ${size}`,
        { field, expected: size, actual: length },
      );
    }
    if (Array.isArray(data)) {
      // a plain array: every element (holes included) must be a number
      for (let index = 0; index < data.length; index += 1) {
        const element: unknown = data[index];
        if (typeof element !== 'number' && typeof element !== 'bigint') {
          throw new InputError(
            'INPUT_NOT_NUMBER',
            `${field}.data[${index}] is ${element === undefined ? 'missing (a hole or undefined)' : typeof element}, expected a number`,
            { field, index, value: typeof element },
          );
        }
      }
    }
    const values =
      data instanceof BigInt64Array || Array.isArray(data)
        ? Array.from(data as ArrayLike<number | bigint>, (element) => Number(element))
        : (data as ArrayLike<number>);
    return { shape, values };
  }
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    if (shape.length === MAXIMUM_RANK) {
      throw new InputError(
        'INPUT_RANK',
        `${field} nests arrays more than ${MAXIMUM_RANK} levels deep (or contains itself); inputs have at most ${MAXIMUM_RANK} dimensions`,
        { field, expected: MAXIMUM_RANK },
      );
    }
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number' && typeof node !== 'bigint') {
        const what =
          node === undefined ? 'missing (a hole or undefined)' : Array.isArray(node) ? 'an array' : typeof node;
        throw new InputError(
          'INPUT_RAGGED',
          `${field}[${path.join('][')}] is ${what}, expected a number (ragged or mixed nesting)`,
          { field, index: path, value: what },
        );
      }
      values.push(Number(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      const actual = Array.isArray(node) ? node.length : typeof node;
      throw new InputError(
        'INPUT_RAGGED',
        `${field} is ragged: ${field}${path.map((index) => `[${index}]`).join('')} has length ${actual}, expected ${shape[depth]} (pad the batch to one length)`,
        {
          field,
          index: path,
          expected: shape[depth],
          actual,
        },
      );
    }
    // an index loop (forEach would skip the holes of a sparse array)
    for (let index = 0; index < node.length; index += 1) walk(node[index], depth + 1, [...path, index]);
  };
  walk(value, 0, []);
  return { shape, values };
}

/** The validated, defaulted inputs of one forward call, as int64 / float32 tensors for the graph. */
export interface PreparedInputs {
  /** `[batch, sequence]` or `[batch, choices, sequence]`. */
  readonly shape: readonly number[];
  /** Feeds keyed by HF input name (`input_ids` or `inputs_embeds`, `attention_mask`, `token_type_ids`, `position_ids`). */
  readonly feeds: Record<string, Tensor>;
  /** The attention mask, flat (for pipelines). */
  readonly attentionMask: ArrayLike<number>;
  /** The input ids, flat, when ids were given. */
  readonly inputIds?: ArrayLike<number>;
}

function toInt64(shape: readonly number[], values: ArrayLike<number>): Tensor<'int64'> {
  const data = new BigInt64Array(values.length);
  for (let index = 0; index < values.length; index += 1) data[index] = BigInt(values[index] as number);
  return createTensor('int64', shape, data);
}

function indexOf(shape: readonly number[], flat: number): number[] {
  const index: number[] = [];
  let remainder = flat;
  for (let dim = shape.length - 1; dim >= 0; dim -= 1) {
    const size = shape[dim] as number;
    index.unshift(remainder % size);
    remainder = Math.floor(remainder / size);
  }
  return index;
}

function checkIntegers(field: string, array: FlatArray, low: number, high: number, what: string): void {
  const { values, shape } = array;
  for (let flat = 0; flat < values.length; flat += 1) {
    const value = values[flat] as number;
    if (!Number.isInteger(value)) {
      throw new InputError(
        'INPUT_NOT_INTEGER',
        `${field}[${indexOf(shape, flat).join('][')}] is ${value}, expected an integer`,
        { field, index: indexOf(shape, flat), value },
      );
    }
    if (value < low || value >= high) {
      throw new InputError(
        'INPUT_OUT_OF_RANGE',
        `${field}[${indexOf(shape, flat).join('][')}] is ${value}, outside 0..${high - 1} (${what})`,
        { field, index: indexOf(shape, flat), value, expected: [low, high - 1] },
      );
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, index) => dim === b[index]);
}

/**
 * Validates inputs against the config and fills HF's defaults. `rank` is 2 for `[batch, sequence]`
 * inputs and 3 for multiple choice; inputs of one rank less get a batch of one.
 */
export function prepareAlbertInputs(
  config: AlbertConfig,
  inputs: AlbertInputs,
  options: { readonly rank: 2 | 3 },
): PreparedInputs {
  const { rank } = options;
  if (inputs === null || typeof inputs !== 'object')
    throw new InputError(
      'INPUT_MISSING',
      'forward: inputs must be an object such as { inputIds } or a tokenizer Encoding',
      { field: 'inputs' },
    );
  if (inputs.inputIds !== undefined && inputs.inputsEmbeds !== undefined) {
    throw new InputError(
      'INPUT_CONFLICT',
      'forward: give either inputIds or inputsEmbeds, not both (HF raises the same)',
      { field: 'input_ids' },
    );
  }
  if (inputs.inputIds === undefined && inputs.inputsEmbeds === undefined) {
    throw new InputError('INPUT_MISSING', 'forward: inputIds (or inputsEmbeds) is required', { field: 'input_ids' });
  }
  const fitRank = (array: FlatArray, field: string, expectedRank: number): FlatArray => {
    if (array.shape.length === expectedRank - 1) return { shape: [1, ...array.shape], values: array.values };
    if (array.shape.length !== expectedRank) {
      throw new InputError(
        'INPUT_RANK',
        `${field} has shape [${array.shape.join(', ')}], expected ${expectedRank} dimensions${rank === 3 ? ' [batch, choices, sequence]' : ' [batch, sequence]'}`,
        { field, expected: expectedRank, actual: array.shape },
      );
    }
    return array;
  };

  let shape: number[];
  const feeds: Record<string, Tensor> = {};
  let inputIds: FlatArray | undefined;
  if (inputs.inputIds !== undefined) {
    inputIds = fitRank(flattenArrayInput(inputs.inputIds, 'input_ids'), 'input_ids', rank);
    shape = inputIds.shape;
  } else {
    const embeds = fitRank(
      flattenArrayInput(inputs.inputsEmbeds as ArrayInput, 'inputs_embeds'),
      'inputs_embeds',
      rank + 1,
    );
    shape = embeds.shape.slice(0, rank);
    if (embeds.shape[rank] !== config.embeddingSize) {
      throw new InputError(
        'INPUT_SHAPE_MISMATCH',
        `inputs_embeds has last dimension ${embeds.shape[rank]}, expected embedding_size ${config.embeddingSize}`,
        { field: 'inputs_embeds', expected: config.embeddingSize, actual: embeds.shape[rank] },
      );
    }
    const data = Float32Array.from(embeds.values);
    if (!data.every(Number.isFinite))
      throw new InputError('INPUT_NOT_FINITE', 'inputs_embeds contains NaN or infinite values', {
        field: 'inputs_embeds',
      });
    feeds['inputs_embeds'] = createTensor('float32', embeds.shape, data);
  }
  if (shape.some((dim) => dim === 0))
    throw new InputError('INPUT_EMPTY', `input has an empty dimension: shape [${shape.join(', ')}]`, {
      field: 'input_ids',
      actual: shape,
    });
  const sequenceLength = shape[rank - 1] as number;
  const size = shapeSize(shape);

  const optional = (value: ArrayInput | undefined, field: string): FlatArray | undefined => {
    if (value === undefined || value === null) return undefined;
    const array = fitRank(flattenArrayInput(value, field), field, rank);
    if (!sameShape(array.shape, shape)) {
      throw new InputError(
        'INPUT_SHAPE_MISMATCH',
        `${field} has shape [${array.shape.join(', ')}] but the input has shape [${shape.join(', ')}]`,
        { field, expected: shape, actual: array.shape },
      );
    }
    return array;
  };
  const attentionMask = optional(inputs.attentionMask, 'attention_mask');
  const tokenTypeIds = optional(inputs.tokenTypeIds, 'token_type_ids');
  const positionIds = optional(inputs.positionIds, 'position_ids');

  if (inputIds !== undefined) {
    checkIntegers('input_ids', inputIds, 0, config.vocabSize, `vocab_size is ${config.vocabSize}`);
    feeds['input_ids'] = toInt64(shape, inputIds.values);
  }
  if (attentionMask !== undefined) {
    checkIntegers('attention_mask', attentionMask, 0, 2, 'an attention mask holds 0 or 1');
  }
  const mask = attentionMask?.values ?? new Array<number>(size).fill(1);
  feeds['attention_mask'] = toInt64(shape, mask);
  if (tokenTypeIds !== undefined)
    checkIntegers(
      'token_type_ids',
      tokenTypeIds,
      0,
      config.typeVocabSize,
      `type_vocab_size is ${config.typeVocabSize}`,
    );
  feeds['token_type_ids'] = toInt64(shape, tokenTypeIds?.values ?? new Array<number>(size).fill(0));

  if (config.positionEmbeddingType === 'absolute') {
    if (positionIds !== undefined) {
      checkIntegers(
        'position_ids',
        positionIds,
        0,
        config.maxPositionEmbeddings,
        `max_position_embeddings is ${config.maxPositionEmbeddings}`,
      );
      feeds['position_ids'] = toInt64(shape, positionIds.values);
    } else {
      if (sequenceLength > config.maxPositionEmbeddings) {
        throw new InputError(
          'INPUT_SEQUENCE_TOO_LONG',
          `sequence length ${sequenceLength} exceeds max_position_embeddings ${config.maxPositionEmbeddings}`,
          { field: 'input_ids', value: sequenceLength, expected: config.maxPositionEmbeddings },
        );
      }
      const positions = new Array<number>(size);
      for (let index = 0; index < size; index += 1) positions[index] = index % sequenceLength;
      feeds['position_ids'] = toInt64(shape, positions);
    }
  } else if (sequenceLength > config.maxPositionEmbeddings) {
    throw new InputError(
      'INPUT_SEQUENCE_TOO_LONG',
      `sequence length ${sequenceLength} exceeds max_position_embeddings ${config.maxPositionEmbeddings} (relative distances would leave the distance_embedding table)`,
      {
        field: 'input_ids',
        value: sequenceLength,
        expected: config.maxPositionEmbeddings,
      },
    );
  }
  return { shape, feeds, attentionMask: mask, ...(inputIds === undefined ? {} : { inputIds: inputIds.values }) };
}

/**
 * Validates a head mask of shape `[heads]` or `[num_hidden_layers, heads]` and returns it as a float32
 * `[num_hidden_layers, heads]` tensor (a `[heads]` mask is repeated for every layer, as HF does).
 */
export function prepareHeadMask(config: AlbertConfig, headMask: ArrayInput): Tensor<'float32'> {
  const array = flattenArrayInput(headMask, 'head_mask');
  const layers = config.numHiddenLayers;
  const heads = config.numAttentionHeads;
  const values = Float32Array.from(array.values);
  if (!values.every(Number.isFinite))
    throw new InputError('INPUT_NOT_FINITE', 'head_mask contains NaN or infinite values', { field: 'head_mask' });
  if (sameShape(array.shape, [heads])) {
    const repeated = new Float32Array(layers * heads);
    for (let layer = 0; layer < layers; layer += 1) repeated.set(values, layer * heads);
    return createTensor('float32', [layers, heads], repeated);
  }
  if (sameShape(array.shape, [layers, heads])) return createTensor('float32', [layers, heads], values);
  throw new InputError(
    'INPUT_HEAD_MASK_SHAPE',
    `head_mask has shape [${array.shape.join(', ')}], expected [${heads}] (num_attention_heads) or [${layers}, ${heads}] (num_hidden_layers, num_attention_heads)`,
    {
      field: 'head_mask',
      expected: [[heads], [layers, heads]],
      actual: array.shape,
    },
  );
}
