import type { AlbertConfig } from '@albert-ts/config';
import type { GraphValue } from '@albert-ts/core';
import { TrainingError } from '../training-error.js';
import type { GraphEditor } from './graph-editor.js';

/**
 * Where Hugging Face's ALBERT applies `nn.Dropout` (transformers `modeling_albert.py`):
 * - `embeddings`: `AlbertEmbeddings` after the LayerNorm, before `embedding_hidden_mapping_in` (`hidden_dropout_prob`);
 * - `attention-probabilities`: the softmax of every layer application (`attention_probs_dropout_prob`; eager and
 *   SDPA attention both drop the probabilities);
 * - `attention-output`: `AlbertAttention.output_dropout` after the `dense` projection, before the residual
 *   LayerNorm (`hidden_dropout_prob`);
 * - `classifier`: the head's input — the pooled output of sequence classification, multiple choice and the
 *   pretraining sentence-order head (`classifier_dropout_prob`), the sequence output of token classification
 *   (`classifier_dropout_prob`, HF falls back to `hidden_dropout_prob` when it is `None`).
 *
 * `AlbertLayer` also constructs a `dropout` but never calls it (its feed-forward output is not dropped), and the
 * MLM and question-answering heads have none.
 *
 * @example
 * ```ts
 * graph.dropoutMasks.filter((mask) => mask.site === 'attention-probabilities').length; // layers × inner layers
 * ```
 */
export type DropoutSiteKind = 'embeddings' | 'attention-probabilities' | 'attention-output' | 'classifier';

/**
 * A mask dimension: `rows` is the batch (batch·choices for multiple choice), `sequence` the sequence length.
 *
 * @example
 * ```ts
 * const dims: DropoutMaskDimension[] = ['rows', 12, 'sequence', 'sequence']; // attention probabilities
 * ```
 */
export type DropoutMaskDimension = number | 'rows' | 'sequence';

/**
 * One dropout of a training graph: the graph multiplies the dropped activation by the float32 input `name`,
 * which holds `0` where an element is dropped and `1/(1−p)` where it is kept (PyTorch's inverted dropout).
 *
 * @example
 * ```ts
 * // { name: 'dropout.layer_0.inner_0.attention_output', site: 'attention-output', probability: 0.1, dims: ['rows', 'sequence', 768] }
 * const [embeddings] = graph.dropoutMasks; // dropout.embeddings: ['rows', 'sequence', E]
 * ```
 */
export interface DropoutMaskInput {
  /** Graph input name (`dropout.embeddings`, `dropout.layer_0.inner_0.attention_probabilities`, ...). */
  readonly name: string;
  /** Which of HF's dropouts it is. */
  readonly site: DropoutSiteKind;
  /** The drop probability `p` (> 0). */
  readonly probability: number;
  /** The mask's shape, in terms of the batch: it equals the shape of the activation it drops. */
  readonly dims: readonly DropoutMaskDimension[];
}

/**
 * The drop probabilities of HF's ALBERT for one head.
 *
 * @example
 * ```ts
 * const { hidden, attentionProbabilities, classifier } = albertDropoutProbabilities(config, 'AlbertForMultipleChoice');
 * ```
 */
export interface AlbertDropoutProbabilities {
  /** `hidden_dropout_prob`: embeddings and attention output. */
  readonly hidden: number;
  /** `attention_probs_dropout_prob`. */
  readonly attentionProbabilities: number;
  /** The head's classifier dropout (0 for heads without one). */
  readonly classifier: number;
}

/**
 * The dropout probabilities HF's ALBERT uses for `head` in training mode (`model.train()`).
 *
 * @example
 * ```ts
 * albertDropoutProbabilities(AlbertConfig.preset('albert-base-v1'), 'AlbertForTokenClassification');
 * // { hidden: 0.1, attentionProbabilities: 0.1, classifier: 0.1 }
 * ```
 */
export function albertDropoutProbabilities(config: AlbertConfig, head: string): AlbertDropoutProbabilities {
  let classifier = 0;
  if (head === 'AlbertForTokenClassification')
    // HF's token classifier falls back to hidden_dropout_prob when classifier_dropout_prob is None
    classifier = config.classifierDropoutProb ?? config.hiddenDropoutProb;
  else if (
    head === 'AlbertForSequenceClassification' ||
    head === 'AlbertForMultipleChoice' ||
    head === 'AlbertForPreTraining'
  ) {
    if (config.classifierDropoutProb === null)
      // HF builds nn.Dropout(classifier_dropout_prob) for these heads, which refuses None
      throw new TrainingError(
        'TRAINING_UNSUPPORTED_OPTION',
        `${head} in training mode needs classifier_dropout_prob to be a number (it is null; only the token classifier falls back to hidden_dropout_prob)`,
        { field: 'classifier_dropout_prob', value: null },
      );
    classifier = config.classifierDropoutProb;
  }
  return {
    hidden: config.hiddenDropoutProb,
    attentionProbabilities: config.attentionProbsDropoutProb,
    classifier,
  };
}

const CLASSIFIER_KERNELS = new Set(['classifier.weight.transposed', 'sop_classifier.classifier.weight.transposed']);

/**
 * Inserts HF's dropouts (see {@link DropoutSiteKind}) into the forward part of an ALBERT training graph, each as
 * `x · mask` with a float32 mask input, and returns the mask inputs in graph order. A site whose probability
 * is 0 gets no node, so a graph without any non-zero probability is unchanged.
 *
 * The masks are graph inputs (drawn in TypeScript, see `dropoutMaskFeeds`): the backward pass of `Mul` then
 * multiplies the incoming gradient by the same mask (`dx = dy · mask`), and the masks are the same on every backend.
 *
 * @example
 * ```ts
 * const e = new GraphEditor(buildAlbertModelProto(config, weights, { head, flavour: 'plain' }).proto);
 * const masks = insertAlbertDropout(e, config, head); // before the loss and `differentiate`
 * ```
 * @throws {@link TrainingError} `TRAINING_UNSUPPORTED_OPERATOR` when the graph lacks a site HF has;
 * `TRAINING_BAD_OPTIONS` for a probability outside [0, 1].
 */
export function insertAlbertDropout(
  e: GraphEditor,
  config: AlbertConfig,
  head: string,
  probabilities: AlbertDropoutProbabilities = albertDropoutProbabilities(config, head),
): DropoutMaskInput[] {
  for (const [field, value] of Object.entries(probabilities)) {
    if (!(typeof value === 'number' && value >= 0 && value <= 1))
      throw new TrainingError('TRAINING_BAD_OPTIONS', `dropout probability ${field} must be in [0, 1], not ${value}`, {
        field,
        value,
      });
  }
  const rows = head === 'AlbertForMultipleChoice' ? 'batch_choices' : 'batch';
  const masks: DropoutMaskInput[] = [];
  const H = config.hiddenSize;

  /** Drops `value` for every node that reads it: `value · mask`, placed before its first reader. */
  const drop = (
    value: GraphValue,
    name: string,
    site: DropoutSiteKind,
    probability: number,
    dims: DropoutMaskDimension[],
  ): void => {
    if (probability === 0) return;
    if (e.outputs.some((output) => output.name === value))
      throw new TrainingError('TRAINING_UNSUPPORTED_OPERATOR', `dropout site ${name}: ${value} is a graph output`, {
        node: value,
      });
    const first = e.nodes.findIndex((node) => node.inputs.includes(value));
    if (first < 0)
      throw new TrainingError('TRAINING_UNSUPPORTED_OPERATOR', `dropout site ${name}: nothing reads ${value}`, {
        node: value,
      });
    const mask = e.input(
      name,
      'float32',
      dims.map((dimension) => (dimension === 'rows' ? rows : dimension)),
    );
    const count = e.nodes.length;
    const dropped = e.within(`dropout/${name.slice('dropout.'.length)}`, () => e.mul(value, mask));
    const added = e.nodes.splice(count);
    for (let index = first; index < e.nodes.length; index += 1) {
      const node = e.nodes[index] as (typeof e.nodes)[number];
      if (node.inputs.includes(value))
        e.nodes[index] = { ...node, inputs: node.inputs.map((input) => (input === value ? dropped : input)) };
    }
    e.nodes.splice(first, 0, ...added);
    masks.push({ name, site, probability, dims });
  };

  // the sites, found by the weights they sit next to (core's plain graph, before the loss is appended)
  const forward = [...e.nodes];
  const layerOf = (nodeName: string): string => {
    const match = /encoder\/layer_(\d+)\/inner_(\d+)\//.exec(nodeName);
    if (match === null)
      throw new TrainingError('TRAINING_UNSUPPORTED_OPERATOR', `node ${nodeName} is not inside an encoder layer`, {
        node: nodeName,
      });
    return `layer_${match[1]}.inner_${match[2]}`;
  };
  const mapping = forward.find(
    (node) =>
      node.opType === 'MatMul' && node.inputs[1] === 'albert.encoder.embedding_hidden_mapping_in.weight.transposed',
  );
  if (mapping === undefined)
    throw new TrainingError('TRAINING_UNSUPPORTED_OPERATOR', 'the graph has no embedding_hidden_mapping_in MatMul', {});
  drop(mapping.inputs[0] as GraphValue, 'dropout.embeddings', 'embeddings', probabilities.hidden, [
    'rows',
    'sequence',
    config.embeddingSize,
  ]);
  for (const node of forward) {
    if (node.opType === 'Softmax' && node.name.includes('/attention/'))
      drop(
        node.outputs[0] as GraphValue,
        `dropout.${layerOf(node.name)}.attention_probabilities`,
        'attention-probabilities',
        probabilities.attentionProbabilities,
        ['rows', config.numAttentionHeads, 'sequence', 'sequence'],
      );
    else if (node.opType === 'Add' && node.inputs.some((input) => input.endsWith('.attention.dense.bias')))
      drop(
        node.outputs[0] as GraphValue,
        `dropout.${layerOf(node.name)}.attention_output`,
        'attention-output',
        probabilities.hidden,
        ['rows', 'sequence', H],
      );
    else if (node.opType === 'MatMul' && CLASSIFIER_KERNELS.has(node.inputs[1] as string))
      drop(
        node.inputs[0] as GraphValue,
        'dropout.classifier',
        'classifier',
        probabilities.classifier,
        head === 'AlbertForTokenClassification' ? ['rows', 'sequence', H] : ['rows', H],
      );
  }
  return masks;
}
