import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AlbertConfig, HIDDEN_ACTIVATIONS, type HiddenAct } from '@albert-ts/config';
import {
  AlbertForMultipleChoice,
  AlbertModel,
  directorySource,
  readSafetensors,
  resolveAlbertWeights,
  type AlbertGraphFlavour,
  type AlbertGraphWeights,
  type Tensor,
} from '@albert-ts/core';
import { referenceAlbertForward, syntheticAlbertWeights, type ReferenceAlbertInputs } from '@albert-ts/testing';
import { nodeBackend } from './node-backend.js';

// Graph variants without a PyTorch fixture (relative_key_query, every hidden_act, uneven group splits,
// inner groups with head masks, inputs_embeds) are checked against a naive float64 reference, which is
// itself first checked against the PyTorch fixtures.
const backend = nodeBackend();
const models: AlbertModel[] = [];
afterAll(async () => {
  for (const model of models) await model.dispose();
});

function maxDiff(actual: Tensor<'float32'> | undefined, expected: ArrayLike<number>): number {
  if (actual === undefined) return Number.POSITIVE_INFINITY;
  expect(actual.data.length).toBe(expected.length);
  let max = 0;
  for (let index = 0; index < expected.length; index += 1)
    max = Math.max(max, Math.abs((actual.data[index] as number) - (expected[index] as number)));
  return max;
}

async function compare(
  config: AlbertConfig,
  weights: AlbertGraphWeights,
  inputs: ReferenceAlbertInputs,
  flavour: AlbertGraphFlavour = 'plain',
): Promise<number> {
  const model = new AlbertModel({ config, weights, backend, flavour });
  models.push(model);
  // the fused flavour computes attention with MultiHeadAttention only when probabilities are not outputs
  const outputAttentions = flavour === 'plain';
  const out = await model.forward(
    {
      inputIds: inputs.inputIds,
      ...(inputs.attentionMask ? { attentionMask: inputs.attentionMask } : {}),
      ...(inputs.tokenTypeIds ? { tokenTypeIds: inputs.tokenTypeIds } : {}),
      ...(inputs.positionIds ? { positionIds: inputs.positionIds } : {}),
    },
    { outputHiddenStates: true, outputAttentions, ...(inputs.headMask ? { headMask: inputs.headMask } : {}) },
  );
  const reference = referenceAlbertForward(config, weights, inputs);
  let worst = maxDiff(out.lastHiddenState, reference.lastHiddenState);
  expect(out.hiddenStates?.length).toBe(reference.hiddenStates.length);
  reference.hiddenStates.forEach(
    (state, index) => (worst = Math.max(worst, maxDiff(out.hiddenStates?.[index], state))),
  );
  if (outputAttentions) {
    expect(out.attentions?.length).toBe(reference.attentions.length);
    reference.attentions.forEach(
      (probabilities, index) => (worst = Math.max(worst, maxDiff(out.attentions?.[index], probabilities))),
    );
  }
  if (reference.poolerOutput) worst = Math.max(worst, maxDiff(out.poolerOutput, reference.poolerOutput));
  return worst;
}

const inputs: ReferenceAlbertInputs = {
  inputIds: [
    [2, 15, 37, 8, 61, 3, 0],
    [2, 44, 3, 90, 5, 0, 0],
  ],
  attentionMask: [
    [1, 1, 1, 1, 1, 1, 0],
    [1, 1, 1, 1, 1, 0, 0],
  ],
  tokenTypeIds: [
    [0, 0, 0, 1, 1, 1, 1],
    [0, 0, 1, 1, 2, 0, 0],
  ],
};

const base = {
  vocab_size: 99,
  embedding_size: 16,
  hidden_size: 24,
  num_attention_heads: 4,
  intermediate_size: 30,
  type_vocab_size: 3,
  max_position_embeddings: 16,
};

describe('the float64 reference itself', () => {
  for (const name of ['tiny', 'relu-relkey', 'grouped']) {
    it(`matches the PyTorch fixture ${name}`, () => {
      const directory = new URL(`../../../fixtures/models/${name}/`, import.meta.url);
      const config = AlbertConfig.parse(readFileSync(new URL('config.json', directory), 'utf8'));
      const weights = resolveAlbertWeights(
        config,
        readSafetensors(new Uint8Array(readFileSync(new URL('model.safetensors', directory))), 'model.safetensors'),
        'AlbertModel',
        { file: 'model.safetensors' },
      );
      const cases = JSON.parse(readFileSync(new URL('cases.json', directory), 'utf8')) as {
        cases: {
          name: string;
          inputs: Record<string, number[][] | null>;
          outputs: { AlbertModel?: { last_hidden_state: { data: number[] } } };
        }[];
      };
      for (const testCase of cases.cases) {
        const expected = testCase.outputs.AlbertModel;
        if (expected === undefined) continue;
        const { input_ids, attention_mask, token_type_ids, position_ids, head_mask } = testCase.inputs;
        const reference = referenceAlbertForward(config, weights, {
          inputIds: input_ids as number[][],
          ...(attention_mask ? { attentionMask: attention_mask } : {}),
          ...(token_type_ids ? { tokenTypeIds: token_type_ids } : {}),
          ...(position_ids ? { positionIds: position_ids } : {}),
          ...(head_mask ? { headMask: head_mask } : {}),
        });
        let worst = 0;
        expected.last_hidden_state.data.forEach(
          (value, index) => (worst = Math.max(worst, Math.abs(value - (reference.lastHiddenState[index] as number)))),
        );
        expect(worst, `${name}/${testCase.name}`).toBeLessThanOrEqual(1e-4);
      }
    });
  }
});

describe('graph variants vs the float64 reference (node-cpu)', () => {
  it('relative_key_query, uneven groups (5 layers in 2 groups), 2 inner layers, layer_norm_eps 1e-5, head mask', async () => {
    const config = AlbertConfig.fromJSON({
      ...base,
      num_hidden_layers: 5,
      num_hidden_groups: 2,
      inner_group_num: 2,
      position_embedding_type: 'relative_key_query',
      layer_norm_eps: 1e-5,
      hidden_act: 'gelu',
    });
    expect([0, 1, 2, 3, 4].map((layer) => config.groupIndexOfLayer(layer))).toEqual([0, 0, 0, 1, 1]);
    const headMask = Array.from({ length: 5 }, (_, row) => [1, 0.5, row / 5, 1 - row / 10]);
    const worst = await compare(config, syntheticAlbertWeights(config, { seed: 7 }), { ...inputs, headMask });
    console.log(`relative_key_query / uneven groups / head mask: max abs diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('relative_key with explicit position ids (which relative types ignore)', async () => {
    const config = AlbertConfig.fromJSON({
      ...base,
      num_hidden_layers: 2,
      position_embedding_type: 'relative_key',
      hidden_act: 'gelu_new',
    });
    const worst = await compare(config, syntheticAlbertWeights(config, { seed: 8 }), inputs);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('absolute positions with explicit position ids', async () => {
    const config = AlbertConfig.fromJSON({ ...base, num_hidden_layers: 3, num_hidden_groups: 3 });
    const worst = await compare(config, syntheticAlbertWeights(config, { seed: 9 }), {
      ...inputs,
      positionIds: [
        [3, 4, 5, 6, 7, 8, 9],
        [0, 0, 1, 1, 2, 2, 3],
      ],
    });
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  const activations: readonly HiddenAct[] = HIDDEN_ACTIVATIONS;
  for (const activation of activations) {
    it(`hidden_act ${activation}`, async () => {
      const config = AlbertConfig.fromJSON({ ...base, num_hidden_layers: 1, hidden_act: activation });
      const worst = await compare(config, syntheticAlbertWeights(config, { seed: 11, scale: 0.5 }), inputs);
      expect(worst).toBeLessThanOrEqual(1e-4);
    });
  }

  for (const activation of ['gelu', 'gelu_new', 'gelu_fast', 'relu'] as const) {
    it(`fused flavour, hidden_act ${activation}, 4 layers in 2 groups`, async () => {
      const config = AlbertConfig.fromJSON({
        ...base,
        num_hidden_layers: 4,
        num_hidden_groups: 2,
        inner_group_num: 2,
        hidden_act: activation,
        layer_norm_eps: 1e-6,
      });
      const worst = await compare(config, syntheticAlbertWeights(config, { seed: 13, scale: 0.5 }), inputs, 'fused');
      expect(worst).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('input forms give the same result', () => {
  const config = AlbertConfig.fromJSON({ ...base, num_hidden_layers: 2 });
  const weights = syntheticAlbertWeights(config, { seed: 5 });

  it('inputsEmbeds (word embeddings looked up by hand) equals inputIds', async () => {
    const model = new AlbertModel({ config, weights, backend });
    models.push(model);
    const byIds = await model.forward(inputs);
    const table = weights.get('albert.embeddings.word_embeddings.weight').data;
    const embeds = inputs.inputIds.map((row) => row.map((id) => Array.from(table.subarray(id * 16, id * 16 + 16))));
    const byEmbeds = await model.forward({
      inputsEmbeds: embeds,
      attentionMask: inputs.attentionMask as number[][],
      tokenTypeIds: inputs.tokenTypeIds as number[][],
    });
    expect(maxDiff(byEmbeds.lastHiddenState, byIds.lastHiddenState.data)).toBeLessThanOrEqual(1e-6);
  });

  it('a [heads] head mask equals the same row repeated for every layer', async () => {
    const model = new AlbertModel({ config, weights, backend });
    models.push(model);
    const row = [1, 0, 0.5, 0.25];
    const a = await model.forward(inputs, { headMask: row });
    const b = await model.forward(inputs, { headMask: [row, row] });
    expect(maxDiff(a.lastHiddenState, b.lastHiddenState.data)).toBe(0);
  });

  it('typed arrays with a shape equal nested arrays', async () => {
    const model = new AlbertModel({ config, weights, backend });
    models.push(model);
    const nested = await model.forward(inputs);
    const typed = await model.forward({
      inputIds: { data: BigInt64Array.from(inputs.inputIds.flat(), (value) => BigInt(value)), shape: [2, 7] },
      attentionMask: { data: Int32Array.from((inputs.attentionMask as number[][]).flat()), shape: [2, 7] },
      tokenTypeIds: { data: Int32Array.from((inputs.tokenTypeIds as number[][]).flat()), shape: [2, 7] },
    });
    expect(maxDiff(typed.lastHiddenState, nested.lastHiddenState.data)).toBe(0);
  });

  it('multiple choice: inputsEmbeds [B, C, S, E] equals inputIds [B, C, S]', async () => {
    const directory = fileURLToPath(new URL('../../../fixtures/models/tiny/AlbertForMultipleChoice/', import.meta.url));
    const model = await AlbertForMultipleChoice.fromPretrained(directorySource(directory), { backend });
    try {
      const inputIds = [
        [
          [2, 10, 11, 3],
          [2, 12, 13, 3],
        ],
        [
          [2, 20, 21, 3],
          [2, 22, 0, 0],
        ],
      ];
      const attentionMask = [
        [
          [1, 1, 1, 1],
          [1, 1, 1, 1],
        ],
        [
          [1, 1, 1, 1],
          [1, 1, 0, 0],
        ],
      ];
      const byIds = await model.forward({ inputIds, attentionMask }, { labels: [1, 0] });
      expect(byIds.logits.shape).toEqual([2, 2]);
      // the first forward released the model's copy of the weights; read them back from the checkpoint
      expect(() => model.weights).toThrow(expect.objectContaining({ code: 'MODEL_WEIGHTS_RELEASED' }));
      const table = (await model.loadWeights()).get('albert.embeddings.word_embeddings.weight').data;
      const width = model.config.embeddingSize;
      const inputsEmbeds = inputIds.map((choices) =>
        choices.map((row) => row.map((id) => Array.from(table.subarray(id * width, (id + 1) * width)))),
      );
      const byEmbeds = await model.forward({ inputsEmbeds, attentionMask }, { labels: [1, 0] });
      expect(maxDiff(byEmbeds.logits, byIds.logits.data)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs((byEmbeds.loss as number) - (byIds.loss as number))).toBeLessThanOrEqual(1e-6);
    } finally {
      await model.dispose();
    }
  });

  it('releases the weights once a session holds them, re-reads them for a new variant, keeps them with keepWeights', async () => {
    const directory = fileURLToPath(new URL('../../../fixtures/models/tiny/AlbertModel/', import.meta.url));
    const inputs = { inputIds: [[2, 10, 11, 12, 3]] };
    const released = await AlbertModel.fromPretrained(directorySource(directory), { backend });
    const kept = await AlbertModel.fromPretrained(directorySource(directory), { backend, keepWeights: true });
    try {
      const wordEmbeddings = kept.weights.get('albert.embeddings.word_embeddings.weight').data;
      expect(released.weights.get('albert.embeddings.word_embeddings.weight').data).toEqual(wordEmbeddings); // held until the first session
      const first = await released.forward(inputs);
      expect(() => released.weights).toThrow(
        expect.objectContaining({
          code: 'MODEL_WEIGHTS_RELEASED',
          details: expect.objectContaining({ field: 'weights' }),
        }),
      );
      // a new graph variant re-reads the checkpoint and gives the same numbers as a model that kept its weights
      const withStates = await released.forward(inputs, { outputHiddenStates: true });
      const keptStates = await kept.forward(inputs, { outputHiddenStates: true });
      expect(maxDiff(withStates.lastHiddenState, first.lastHiddenState.data)).toBe(0);
      expect(withStates.hiddenStates?.length).toBe(keptStates.hiddenStates?.length);
      expect(maxDiff(withStates.hiddenStates?.at(-1), keptStates.hiddenStates?.at(-1)?.data ?? [])).toBe(0);
      expect(() => released.weights).toThrow(expect.objectContaining({ code: 'MODEL_WEIGHTS_RELEASED' }));
      expect((await released.loadWeights()).get('albert.embeddings.word_embeddings.weight').data).toEqual(
        wordEmbeddings,
      );
      expect((await released.exportGraph()).bytes.byteLength).toBe((await kept.exportGraph()).bytes.byteLength);
      expect(kept.weights.has('albert.embeddings.word_embeddings.weight')).toBe(true); // kept after its sessions were built
    } finally {
      await released.dispose();
      await kept.dispose();
    }
  });
});
