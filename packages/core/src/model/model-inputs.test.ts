import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import type { Backend } from '../backend/backend.js';
import { createTensor } from '../tensor.js';
import { AlbertForMaskedLM } from './albert-for-masked-lm.js';
import { AlbertModel } from './albert-model.js';
import { InputError } from './input-error.js';
import { prepareAlbertInputs, prepareHeadMask } from './model-inputs.js';

const config = AlbertConfig.fromJSON({
  vocab_size: 99,
  embedding_size: 16,
  hidden_size: 36,
  num_attention_heads: 6,
  intermediate_size: 37,
  num_hidden_layers: 2,
  type_vocab_size: 16,
  max_position_embeddings: 512,
});

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).code;
  }
  return undefined;
}

describe('prepareAlbertInputs', () => {
  it('fills HF defaults: mask ones, token types zeros, positions 0..S-1', () => {
    const prepared = prepareAlbertInputs(
      config,
      {
        inputIds: [
          [5, 6, 7],
          [8, 9, 0],
        ],
      },
      { rank: 2 },
    );
    expect(prepared.shape).toEqual([2, 3]);
    expect(Array.from(prepared.feeds['attention_mask']?.data as BigInt64Array)).toEqual([1n, 1n, 1n, 1n, 1n, 1n]);
    expect(Array.from(prepared.feeds['token_type_ids']?.data as BigInt64Array)).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
    expect(Array.from(prepared.feeds['position_ids']?.data as BigInt64Array)).toEqual([0n, 1n, 2n, 0n, 1n, 2n]);
  });

  it('accepts an Encoding (1-D arrays: a batch of one) and typed arrays with a shape', () => {
    expect(
      prepareAlbertInputs(
        config,
        { inputIds: [2, 5, 3], tokenTypeIds: [0, 0, 0], attentionMask: [1, 1, 1] },
        { rank: 2 },
      ).shape,
    ).toEqual([1, 3]);
    const ids = createTensor('int32', [2, 2], Int32Array.of(1, 2, 3, 4));
    expect(
      prepareAlbertInputs(
        config,
        { inputIds: ids, attentionMask: { data: BigInt64Array.of(1n, 1n, 1n, 0n), shape: [2, 2] } },
        { rank: 2 },
      ).shape,
    ).toEqual([2, 2]);
  });

  it('rejects bad inputs with typed errors naming the field and value', () => {
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 99]] }, { rank: 2 }))).toBe('INPUT_OUT_OF_RANGE');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, -1]] }, { rank: 2 }))).toBe('INPUT_OUT_OF_RANGE');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 1.5]] }, { rank: 2 }))).toBe('INPUT_NOT_INTEGER');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 2], [3]] }, { rank: 2 }))).toBe('INPUT_RAGGED');
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 2]], attentionMask: [[1, 1, 1]] }, { rank: 2 })),
    ).toBe('INPUT_SHAPE_MISMATCH');
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 2]], tokenTypeIds: [[0, 16]] }, { rank: 2 })),
    ).toBe('INPUT_OUT_OF_RANGE');
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 2]], positionIds: [[0, 512]] }, { rank: 2 })),
    ).toBe('INPUT_OUT_OF_RANGE');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [new Array(513).fill(1)] }, { rank: 2 }))).toBe(
      'INPUT_SEQUENCE_TOO_LONG',
    );
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[]] }, { rank: 2 }))).toBe('INPUT_EMPTY');
    expect(codeOf(() => prepareAlbertInputs(config, {}, { rank: 2 }))).toBe('INPUT_MISSING');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1]], inputsEmbeds: [[[0]]] }, { rank: 2 }))).toBe(
      'INPUT_CONFLICT',
    );
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[[1]]] }, { rank: 2 }))).toBe('INPUT_RANK');
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, 2]], attentionMask: [[1, 2]] }, { rank: 2 })),
    ).toBe('INPUT_OUT_OF_RANGE');
    expect(codeOf(() => prepareAlbertInputs(config, { inputsEmbeds: [[[1, 2]]] }, { rank: 2 }))).toBe(
      'INPUT_SHAPE_MISMATCH',
    );
  });

  it('names the offending position in the message', () => {
    expect(() =>
      prepareAlbertInputs(
        config,
        {
          inputIds: [
            [1, 2],
            [3, 500],
          ],
        },
        { rank: 2 },
      ),
    ).toThrow(/input_ids\[1\]\[1\] is 500, outside 0\.\.98/);
  });

  it('checks relative-position sequences against max_position_embeddings too', () => {
    const relative = config.with({ positionEmbeddingType: 'relative_key', maxPositionEmbeddings: 4 });
    expect(codeOf(() => prepareAlbertInputs(relative, { inputIds: [[1, 2, 3, 4, 5]] }, { rank: 2 }))).toBe(
      'INPUT_SEQUENCE_TOO_LONG',
    );
    expect(
      prepareAlbertInputs(relative, { inputIds: [[1, 2, 3, 4]] }, { rank: 2 }).feeds['position_ids'],
    ).toBeUndefined();
  });
});

describe('hostile inputs (class 9): structure and shape validated before anything is read or allocated', () => {
  it('{ data, shape } with negative, fractional, string or too many dimensions', () => {
    const data = Int32Array.of(1, 2, 3, 4);
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: { data, shape: [-2, -2] } }, { rank: 2 }))).toBe(
      'INPUT_SHAPE_INVALID',
    );
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: { data, shape: [1.5, 8 / 3] } }, { rank: 2 }))).toBe(
      'INPUT_SHAPE_INVALID',
    );
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: { data, shape: ['2', '2'] as never } }, { rank: 2 })),
    ).toBe('INPUT_SHAPE_INVALID');
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: { data, shape: [1, 1, 1, 1, 2, 2] } }, { rank: 2 })),
    ).toBe('INPUT_RANK');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: { data, shape: '2,2' as never } }, { rank: 2 }))).toBe(
      'INPUT_RANK',
    );
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: { data: 'abcd' as never, shape: [2, 2] } }, { rank: 2 })),
    ).toBe('INPUT_RANK');
    expect(
      codeOf(() =>
        prepareAlbertInputs(config, { inputIds: { data: [1, '2', 3, 4] as never, shape: [2, 2] } }, { rank: 2 }),
      ),
    ).toBe('INPUT_NOT_NUMBER');
  });

  it('string and missing elements in nested arrays', () => {
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, '2' as never]] }, { rank: 2 }))).toBe(
      'INPUT_RAGGED',
    );
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [[1, null as never]] }, { rank: 2 }))).toBe(
      'INPUT_RAGGED',
    );
  });

  it('sparse arrays: holes are refused (forEach would skip them)', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3] as number[];
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [sparse] }, { rank: 2 }))).toBe('INPUT_RAGGED');
    const longHole = new Array<number>(4);
    longHole[0] = 1;
    expect(
      codeOf(() => prepareAlbertInputs(config, { inputIds: { data: longHole, shape: [1, 4] } }, { rank: 2 })),
    ).toBe('INPUT_NOT_NUMBER');
    const sparseRows = new Array<number[]>(2);
    sparseRows[0] = [1, 2];
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: sparseRows }, { rank: 2 }))).toBe('INPUT_RAGGED');
  });

  it('a self-referencing nested array is refused at once (no loop, no allocation)', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const started = performance.now();
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: cyclic as never }, { rank: 2 }))).toBe('INPUT_RANK');
    const wide: unknown[] = [1, 2];
    wide.push(wide);
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: [wide] as never }, { rank: 2 }))).toBe('INPUT_RAGGED');
    expect(codeOf(() => prepareHeadMask(config, cyclic as never))).toBe('INPUT_RANK');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('inputs that are not objects', () => {
    expect(codeOf(() => prepareAlbertInputs(config, null as never, { rank: 2 }))).toBe('INPUT_MISSING');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: 'hello' as never }, { rank: 2 }))).toBe('INPUT_RANK');
    expect(codeOf(() => prepareAlbertInputs(config, { inputIds: 42 as never }, { rank: 2 }))).toBe('INPUT_RANK');
  });
});

describe('prepareHeadMask', () => {
  it('repeats a [heads] mask for every layer and keeps [L, heads]', () => {
    expect(prepareHeadMask(config, [1, 0, 1, 0, 1, 0]).shape).toEqual([2, 6]);
    expect(
      prepareHeadMask(config, [
        [1, 1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0, 0],
      ]).shape,
    ).toEqual([2, 6]);
  });
  it('rejects other shapes', () => {
    expect(codeOf(() => prepareHeadMask(config, [1, 0]))).toBe('INPUT_HEAD_MASK_SHAPE');
    expect(codeOf(() => prepareHeadMask(config, [[1, 1, 1, 1, 1, 1]]))).toBe('INPUT_HEAD_MASK_SHAPE');
  });
});

describe('model input validation', () => {
  it('throws before anything reaches the backend', async () => {
    let loads = 0;
    const backend: Backend = {
      specificationVersion: 1,
      name: 'never',
      capabilities: { contribOperators: [], float16: false },
      probe: async () => ({ available: true }),
      load: async () => {
        loads += 1;
        throw new Error('must not be reached');
      },
    };
    const model = new AlbertModel({
      config,
      weights: { get: () => createTensor('float32', [1], Float32Array.of(0)), has: () => true },
      backend,
    });
    await expect(model.forward({ inputIds: [[1, 200]] })).rejects.toBeInstanceOf(InputError);
    await expect(model.forward({ inputIds: [[1, 2]] }, { headMask: [1, 1] })).rejects.toMatchObject({
      code: 'INPUT_HEAD_MASK_SHAPE',
    });
    const masked = new AlbertForMaskedLM({
      config,
      weights: { get: () => createTensor('float32', [1], Float32Array.of(0)), has: () => true },
      backend,
    });
    await expect(
      // eslint-disable-next-line no-sparse-arrays -- a hole in the array is the hostile input
      masked.forward({ inputIds: [[1, 2, 3]] }, { logitsPositions: [[0, , 2] as number[]] }),
    ).rejects.toMatchObject({ code: 'INPUT_NOT_INTEGER' });
    await expect(masked.forward({ inputIds: [[1, 2, 3]] }, { logitsPositions: ['0' as never] })).rejects.toMatchObject({
      code: 'INPUT_RANK',
    });
    await expect(masked.forward({ inputIds: [[1, 2, 3]] }, { logitsPositions: 7 as never })).rejects.toBeInstanceOf(
      InputError,
    );
    expect(loads).toBe(0);
  });
});
