import { describe, expect, it } from 'vitest';
import { OptionsError } from '@albert-ts/config';
import type { Backend, OnnxModel } from '../backend/backend.js';
import type { AlbertGraph } from '../graph/albert-graph.js';
import { directorySource } from '../checkpoint/sources/directory-source.js';
import { fixturePath } from '../checkpoint/test-fixtures.js';
import { AlbertForMaskedLM } from './albert-for-masked-lm.js';
import { AlbertModel } from './albert-model.js';
import { fillMask } from './fill-mask.js';

/** A backend that records the graph it is asked to load, then refuses it (nothing runs in these tests). */
function recordingBackend(graphs: AlbertGraph[]): Backend {
  return {
    specificationVersion: 1,
    name: 'recording',
    capabilities: { contribOperators: [], float16: false },
    probe: async () => ({ available: true }),
    load: async (model: OnnxModel) => {
      graphs.push(model as AlbertGraph);
      throw new Error('recorded');
    },
  } as unknown as Backend;
}

const tiny = () => directorySource(fixturePath('models/tiny/AlbertModel'));

describe('strict options', () => {
  it('fromPretrained names the right spelling of a Python keyword', async () => {
    const error = await AlbertModel.fromPretrained(tiny(), {
      backend: recordingBackend([]),
      output_attentions: true,
    } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as OptionsError).message).toBe(
      'AlbertModel.fromPretrained: unknown option output_attentions (output_attentions is spelled outputAttentions)',
    );
    const model = await AlbertModel.fromPretrained(tiny(), { backend: recordingBackend([]), outputAttentions: true });
    expect(model.config.outputAttentions).toBe(true);
  });

  it('forward, forwardMany and fillMask refuse unknown keys before running anything', async () => {
    const graphs: AlbertGraph[] = [];
    const model = await AlbertModel.fromPretrained(tiny(), { backend: recordingBackend(graphs) });
    await expect(model.forward({ inputIds: [[2, 5, 3]] }, { output_hidden_states: true } as never)).rejects.toThrow(
      /output_hidden_states is spelled outputHiddenStates/,
    );
    await expect(model.forwardMany([{ inputIds: [2, 5, 3] }], { token_budget: 8 } as never)).rejects.toThrow(
      /token_budget is spelled tokenBudget/,
    );
    const masked = await AlbertForMaskedLM.fromPretrained(
      directorySource(fixturePath('models/tiny/AlbertForMaskedLM')),
      { backend: recordingBackend(graphs) },
    );
    await expect(fillMask(masked, 'a [MASK]', { top_k: 2 } as never)).rejects.toThrow(/top_k is spelled topK/);
    expect(graphs).toHaveLength(0);
  });

  it('config output_hidden_states / output_attentions are the defaults of forward, as in HF', async () => {
    const graphs: AlbertGraph[] = [];
    const base = await AlbertModel.fromPretrained(tiny(), { backend: recordingBackend(graphs) });
    const config = base.config.with({ outputHiddenStates: true, outputAttentions: true });
    const model = await AlbertModel.fromPretrained(tiny(), { backend: recordingBackend(graphs), config });
    await expect(model.forward({ inputIds: [[2, 5, 3]] })).rejects.toThrow('recorded');
    expect(graphs[0]?.options).toMatchObject({ outputHiddenStates: true, outputAttentions: true });
    await expect(
      model.forward({ inputIds: [[2, 5, 3]] }, { outputAttentions: false, outputHiddenStates: false }),
    ).rejects.toThrow('recorded');
    expect(graphs[1]?.options).toMatchObject({ outputHiddenStates: false, outputAttentions: false });
  });
});
