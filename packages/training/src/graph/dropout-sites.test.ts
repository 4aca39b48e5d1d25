import { AlbertConfig } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { TRAINABLE_HEADS, buildAlbertTrainingGraph, type TrainableHeadName } from './albert-training-graph.js';
import { albertDropoutProbabilities } from './dropout-sites.js';

const models = new URL('../../../../fixtures/models/', import.meta.url).pathname;
// the fixture checkpoints: one folder per head, pretraining at the model's root (as training.json names them)
const load = (model: string, head: TrainableHeadName) =>
  loadPretrainedWeights(directorySource(`${models}${model}/${head === 'AlbertForPreTraining' ? '' : head}`), head);

describe('HF dropout sites in the training graph', () => {
  it('with every probability 0, training mode builds the same bytes as eval mode (fixture parity untouched)', async () => {
    for (const model of ['tiny', 'grouped', 'relu-relkey']) {
      for (const head of TRAINABLE_HEADS) {
        const { config: loaded, weights } = await load(model, head);
        const config = loaded.with({ hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, classifierDropoutProb: 0 });
        const evalMode = buildAlbertTrainingGraph(config, weights, { head });
        const trainMode = buildAlbertTrainingGraph(config, weights, { head, dropout: true });
        expect(trainMode.dropoutMasks, `${model} ${head}`).toEqual([]);
        expect(Buffer.from(trainMode.bytes).equals(Buffer.from(evalMode.bytes)), `${model} ${head}`).toBe(true);
        // the fixture configs (classifier_dropout_prob 0.1) in eval mode: the graph has no mask input
        expect(buildAlbertTrainingGraph(loaded, weights, { head }).dropoutMasks).toEqual([]);
      }
    }
  });

  it('places a dropout where HF does: embeddings, every attention softmax and attention output, the classifier', async () => {
    const { config: loaded, weights } = await load('grouped', 'AlbertForSequenceClassification');
    const config = loaded.with({ hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.2, classifierDropoutProb: 0.3 });
    const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForSequenceClassification', dropout: true });
    const applications = config.numHiddenLayers * config.innerGroupNum; // 6 layers × 2 inner layers
    const names = graph.dropoutMasks.map((mask) => mask.name);
    expect(names[0]).toBe('dropout.embeddings');
    expect(names).toContain('dropout.layer_5.inner_1.attention_probabilities');
    expect(names).toContain('dropout.layer_0.inner_0.attention_output');
    expect(names[names.length - 1]).toBe('dropout.classifier');
    expect(graph.dropoutMasks.filter((mask) => mask.site === 'attention-probabilities')).toHaveLength(applications);
    expect(graph.dropoutMasks.filter((mask) => mask.site === 'attention-output')).toHaveLength(applications);
    expect(graph.dropoutMasks).toHaveLength(2 + 2 * applications);
    const byName = new Map(graph.dropoutMasks.map((mask) => [mask.name, mask]));
    expect(byName.get('dropout.embeddings')).toMatchObject({ probability: 0.1, dims: ['rows', 'sequence', 16] });
    expect(byName.get('dropout.layer_2.inner_1.attention_probabilities')).toMatchObject({
      probability: 0.2,
      dims: ['rows', 6, 'sequence', 'sequence'],
    });
    expect(byName.get('dropout.layer_2.inner_1.attention_output')).toMatchObject({
      probability: 0.1,
      dims: ['rows', 'sequence', 36],
    });
    expect(byName.get('dropout.classifier')).toMatchObject({ probability: 0.3, dims: ['rows', 36] });
    // the masks are model inputs (fed with the batch) after the HF inputs
    expect(graph.modelInputs.slice(-graph.dropoutMasks.length)).toEqual(names);
    // HF's AlbertLayer never calls its own dropout: nothing on the feed-forward output
    expect(names.some((name) => name.includes('ffn'))).toBe(false);
  });

  it('uses each head’s classifier probability as HF does (none for MLM and QA, the SOP head for pretraining)', async () => {
    const probabilities = { hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, classifierDropoutProb: 0.25 };
    const classifier = async (model: string, head: TrainableHeadName) => {
      const { config, weights } = await load(model, head);
      return buildAlbertTrainingGraph(config.with(probabilities), weights, { head, dropout: true }).dropoutMasks;
    };
    expect(await classifier('tiny', 'AlbertForMaskedLM')).toEqual([]);
    expect(await classifier('tiny', 'AlbertForQuestionAnswering')).toEqual([]);
    expect(await classifier('tiny', 'AlbertForTokenClassification')).toEqual([
      { name: 'dropout.classifier', site: 'classifier', probability: 0.25, dims: ['rows', 'sequence', 36] },
    ]);
    const choices = await classifier('tiny', 'AlbertForMultipleChoice');
    expect(choices).toEqual([
      { name: 'dropout.classifier', site: 'classifier', probability: 0.25, dims: ['rows', 36] },
    ]);
    expect(await classifier('tiny', 'AlbertForPreTraining')).toEqual([
      { name: 'dropout.classifier', site: 'classifier', probability: 0.25, dims: ['rows', 36] },
    ]);
    const { config } = await load('tiny', 'AlbertForMaskedLM');
    expect(
      albertDropoutProbabilities(config.with({ classifierDropoutProb: 0.3 }), 'AlbertForPreTraining').classifier,
    ).toBe(0.3);
    expect(albertDropoutProbabilities(config.with(probabilities), 'AlbertForQuestionAnswering').classifier).toBe(0);
  });
});

describe('classifier_dropout_prob null (HF allows None)', () => {
  it('the token classifier uses hidden_dropout_prob; the heads that build nn.Dropout(None) are a typed error', () => {
    const config = AlbertConfig.parse(JSON.stringify({ classifier_dropout_prob: null, hidden_dropout_prob: 0.2 }));
    expect(config.classifierDropoutProb).toBeNull();
    expect(config.toJSON()['classifier_dropout_prob']).toBeNull();
    expect(albertDropoutProbabilities(config, 'AlbertForTokenClassification').classifier).toBe(0.2);
    expect(albertDropoutProbabilities(config, 'AlbertForQuestionAnswering').classifier).toBe(0);
    expect(() => albertDropoutProbabilities(config, 'AlbertForSequenceClassification')).toThrow(
      expect.objectContaining({ code: 'TRAINING_UNSUPPORTED_OPTION' }),
    );
  });
});
