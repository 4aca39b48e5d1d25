import { describe, expect, it } from 'vitest';
import { OptionsError } from '@albert-ts/config';
import { comparePipelineOutput, parsePipelineCases, pipelineOptionsFromPython } from './pipeline-cases.js';
import { pipeline } from './pipeline.js';
import { resolvePipelineTask } from './pipeline-tasks.js';
import { slowTokenizer } from './test-tokenizers.js';

describe('pipeline()', () => {
  it('knows the tasks and their aliases', async () => {
    expect(resolvePipelineTask('sentiment-analysis')).toBe('text-classification');
    expect(resolvePipelineTask('ner')).toBe('token-classification');
    await expect(pipeline('translation' as never, 'x')).rejects.toThrow(
      expect.objectContaining({ code: 'PIPELINE_UNKNOWN_TASK' }),
    );
  });

  it('makes its options strict and names the Python spelling', async () => {
    const error = await pipeline('fill-mask', 'x', { top_k: 3 } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as OptionsError).message).toMatch(/top_k is spelled topK/);
    await expect(pipeline('fill-mask', 'x', {})).rejects.toThrow(/needs a backend/);
  });

  it('refuses an already loaded model of the wrong head', async () => {
    const model = { head: 'AlbertModel', dispose: async () => {} } as never;
    const run = await pipeline('fill-mask', { model, tokenizer: slowTokenizer() });
    await expect(run('A [MASK].')).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_WRONG_MODEL' }));
    await expect(run('A [MASK].', { targetz: ['a'] } as never)).rejects.toThrow(/targetz is spelled targets/);
  });
});

describe('pipeline cases', () => {
  it('compares scores within the tolerance and everything else exactly', () => {
    expect(
      comparePipelineOutput([{ score: 0.5, token: 3, token_str: 'a' }], [{ score: 0.50005, token: 3, token_str: 'a' }]),
    ).toEqual([]);
    expect(comparePipelineOutput([{ score: 0.5 }], [{ score: 0.6 }])[0]).toMatch(
      /\$\[0\]\.score: expected 0\.5, got 0\.6/,
    );
    expect(comparePipelineOutput({ start: 1 }, { start: 1.00001 })).toHaveLength(1);
    expect(comparePipelineOutput({ word: 'a' }, { word: 'a', extra: 1 })[0]).toMatch(/unexpected field/);
    expect(comparePipelineOutput([[[1, 2]]], [[[1.00001, 2]]])).toEqual([]);
    expect(comparePipelineOutput({ start: null }, { start: 0 })).toHaveLength(1);
  });

  it('parses case files strictly and maps Python keywords', () => {
    expect(pipelineOptionsFromPython({ top_k: null, max_seq_len: 4 })).toEqual({ topK: null, maxSeqLen: 4 });
    expect(() => parsePipelineCases('{"format_version": 1, "cases": [{"id": "x", "task": "nope"}]}')).toThrow(
      /has no valid task/,
    );
    expect(() =>
      parsePipelineCases(
        '{"format_version": 1, "cases": [{"id": "x", "task": "fill-mask", "model": "../up", "tokenizer": "slow", "options": {}, "expected": 1}]}',
      ),
    ).toThrow(/has no valid model/);
  });
});
