import { describe, expect, it } from 'vitest';
import { createTensor } from '@albert-ts/core';
import { fillMaskTargetIds, postprocessFillMask, preprocessFillMask, runFillMask } from './fill-mask-pipeline.js';
import { PipelineError } from './pipeline-error.js';
import { fastTokenizer, slowTokenizer } from './test-tokenizers.js';

describe('fill-mask pipeline (no model)', () => {
  const tokenizer = slowTokenizer();

  it('preprocess finds the masks and refuses texts without one or empty ones', () => {
    const inputs = preprocessFillMask(tokenizer, 'The [MASK] of the [MASK].');
    expect(inputs.maskPositions).toHaveLength(2);
    expect(() => preprocessFillMask(tokenizer, 'no mask')).toThrow(
      expect.objectContaining({ code: 'PIPELINE_NO_MASK_TOKEN' }),
    );
    expect(() => preprocessFillMask(tokenizer, '  ')).toThrow(
      expect.objectContaining({ code: 'PIPELINE_EMPTY_INPUT' }),
    );
    expect(() => preprocessFillMask(tokenizer, 3)).toThrow(PipelineError);
  });

  it('postprocess ranks the vocabulary and decodes the sequence (special tokens kept with several masks)', () => {
    const inputs = preprocessFillMask(tokenizer, 'The river flows into the [MASK].');
    const row = new Float32Array(16000).fill(-5);
    row[404] = 3; // ▁city
    row[5] = 2; // ▁the
    const [first, second] = postprocessFillMask(tokenizer, inputs, [row], { topK: 2 }) as {
      token: number;
      token_str: string;
      sequence: string;
      score: number;
    }[];
    expect(first).toMatchObject({ token: 404, token_str: 'city', sequence: 'the river flows into the city .' });
    expect(second?.token).toBe(5);
    expect((first?.score ?? 0) > (second?.score ?? 1)).toBe(true);
    const two = preprocessFillMask(tokenizer, 'The [MASK] of [MASK].');
    const rows = postprocessFillMask(tokenizer, two, [row, row], { topK: 1 }) as { sequence: string }[][];
    expect(rows[0]?.[0]?.sequence).toContain('[CLS]');
  });

  it('targets: vocabulary entries as is, others by their first token with a warning, capped topK', () => {
    const warnings: string[] = [];
    const ids = fillMaskTargetIds(tokenizer, ['sea', 'zzzq', 'sea'], (message) => warnings.push(message));
    expect(ids).toEqual([8561, 1185]);
    expect(warnings[0]).toMatch(/`zzzq` does not exist in the model vocabulary\. Replacing with `▁z`/);
    expect(() => fillMaskTargetIds(fastTokenizer(), [], () => {})).toThrow(
      expect.objectContaining({ code: 'PIPELINE_UNKNOWN_TARGET' }),
    );
  });

  it('runFillMask batches through forwardMany with the mask positions and checks its options', async () => {
    const calls: number[][][] = [];
    const model = {
      forwardMany: async (encodings: readonly unknown[], options: { logitsPositions: number[][] }) => {
        calls.push(options.logitsPositions);
        return encodings.map((_, index) => ({
          logits: createTensor(
            'float32',
            [1, options.logitsPositions[index]?.length ?? 0, 16000],
            new Float32Array(16000 * (options.logitsPositions[index]?.length ?? 0)),
          ),
        }));
      },
    };
    const results = await runFillMask(model, tokenizer, ['A [MASK].', 'B [MASK] [MASK].'], { topK: 1 }, () => {});
    expect(results).toHaveLength(2);
    expect(calls[0]?.map((row) => row.length)).toEqual([1, 2]);
    await expect(runFillMask(model, tokenizer, 'A [MASK].', { top_k: 1 } as never, () => {})).rejects.toThrow(
      /top_k is spelled topK/,
    );
    await expect(runFillMask(model, tokenizer, 'A [MASK].', { topK: 0 }, () => {})).rejects.toThrow(
      expect.objectContaining({ code: 'PIPELINE_INVALID_OPTION' }),
    );
  });
});
