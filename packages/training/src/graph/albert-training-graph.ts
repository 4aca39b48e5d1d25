import type { AlbertConfig, ProblemType } from '@albert-ts/config';
import {
  buildAlbertModelProto,
  encodeModel,
  type AlbertHeadName,
  type GraphValue,
  type OnnxElementType,
  type OnnxModel,
  type OnnxModelProto,
  type Tensor,
} from '@albert-ts/core';
import { TrainingError } from '../training-error.js';
import { differentiate } from './differentiate.js';
import { insertAlbertDropout, type DropoutMaskInput } from './dropout-sites.js';
import { GraphEditor } from './graph-editor.js';
import {
  binaryCrossEntropyWithLogitsLoss,
  crossEntropyLoss,
  meanSquaredErrorLoss,
  questionAnsweringLoss,
} from './training-losses.js';

/** The heads that take labels (every ALBERT head but `AlbertModel`). */
export type TrainableHeadName = Exclude<AlbertHeadName, 'AlbertModel'>;

/** Every {@link TrainableHeadName}. */
export const TRAINABLE_HEADS: readonly TrainableHeadName[] = [
  'AlbertForPreTraining',
  'AlbertForMaskedLM',
  'AlbertForSequenceClassification',
  'AlbertForMultipleChoice',
  'AlbertForTokenClassification',
  'AlbertForQuestionAnswering',
];

/** The weights a training graph starts from: canonical HF keys (see `AlbertWeights` of core). */
export interface TrainingWeights {
  /** The tensor of a canonical key (tied aliases resolve). */
  get(key: string): Tensor<'float32'>;
  /** Whether the key resolves. */
  has(key: string): boolean;
  /** The distinct parameters, canonical keys in module order (tied aliases not repeated). */
  readonly keys: readonly string[];
}

/** Options of {@link buildAlbertTrainingGraph}. */
export interface AlbertTrainingGraphOptions {
  /** The head to train. */
  readonly head: TrainableHeadName;
  /**
   * `AlbertForSequenceClassification` only: the loss, as HF's `problem_type` (default: the config's,
   * else `regression` for one label and `single_label_classification` otherwise; multi-label needs to
   * be named because HF infers it from float labels).
   */
  readonly problemType?: ProblemType;
  /**
   * Training mode (HF's `model.train()`): HF's dropouts at the config's probabilities, each fed a mask input
   * ({@link AlbertTrainingGraph.dropoutMasks}). Default `false`: eval-mode forward (`model.eval()`), as the
   * training fixtures were made. A dropout whose probability is 0 adds nothing, so with every probability 0
   * the graph is the same bytes either way.
   *
   * @example
   * ```ts
   * const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForSequenceClassification', dropout: true });
   * const masks = dropoutMaskFeeds(graph.dropoutMasks, feeds, { seed: 42, step: 0, microBatch: 0 });
   * ```
   */
  readonly dropout?: boolean;
}

/** One label input of a training graph. */
export interface TrainingLabelInput {
  /** HF name (`labels`, `sentence_order_label`, `start_positions`, `end_positions`). */
  readonly name: string;
  /** `int64` class indices or `float32` targets. */
  readonly elementType: 'int64' | 'float32';
  /** Dimensions, named where they follow the batch. */
  readonly dims: readonly (number | string)[];
}

/**
 * A training graph: `weights + inputs + labels → loss + logits + one gradient per reached parameter`.
 * Runs on any core `Backend` like an inference graph.
 */
export interface AlbertTrainingGraph extends OnnxModel {
  /** The head. */
  readonly head: TrainableHeadName;
  /** The sequence-classification loss (`null` for the other heads). */
  readonly problemType: ProblemType | null;
  /** Every parameter of the head (HF names, module order), whether or not the graph reads it. */
  readonly parameters: readonly string[];
  /** The parameters that are graph inputs (the ones the forward pass reads), in input order. */
  readonly parameterInputs: readonly string[];
  /** Gradient output name by parameter, for the parameters the loss reaches. */
  readonly gradients: ReadonlyMap<string, string>;
  /** Parameters without a gradient (not read, or not reaching the loss): PyTorch's `grad is None`. */
  readonly withoutGradient: readonly string[];
  /**
   * The model inputs (`input_ids`, `attention_mask`, `token_type_ids`, `position_ids` where absolute), then the
   * dropout masks of a training-mode graph ({@link AlbertTrainingGraph.dropoutMasks}).
   */
  readonly modelInputs: readonly string[];
  /** The dropout mask inputs of a training-mode graph, in graph order (empty in eval mode or when every p is 0). */
  readonly dropoutMasks: readonly DropoutMaskInput[];
  /** The label inputs. */
  readonly labelInputs: readonly TrainingLabelInput[];
  /** The head's output names (logits), besides `loss`. */
  readonly logitOutputs: readonly string[];
  /** The graph before encoding (weights are inputs, so it holds constants only), for graphs that extend it. */
  readonly proto: OnnxModelProto;
}

/** The loss of a sequence-classification head, HF's way. */
export function sequenceClassificationProblemType(config: AlbertConfig, override?: ProblemType): ProblemType {
  if (override !== undefined) return override;
  if (config.problemType !== null) return config.problemType;
  return config.numLabels === 1 ? 'regression' : 'single_label_classification';
}

/** Makes every consumer of the int64 inputs `names` read `Reshape(input, Shape(input))` instead (same values). */
function routeInputsThroughReshape(e: GraphEditor, names: readonly string[]): void {
  const count = e.nodes.length;
  const routed = new Map<string, GraphValue>();
  for (const name of names)
    routed.set(
      name,
      e.within('inputs', () => e.reshape(name, e.shape(name))),
    );
  const added = e.nodes.splice(count);
  for (let index = 0; index < e.nodes.length; index += 1) {
    const node = e.nodes[index] as (typeof e.nodes)[number];
    if (node.inputs.some((input) => routed.has(input)))
      e.nodes[index] = { ...node, inputs: node.inputs.map((input) => routed.get(input) ?? input) };
  }
  e.nodes.unshift(...added);
}

/**
 * HF's word embeddings are `nn.Embedding(padding_idx=pad_token_id)`: the lookup adds nothing to the
 * gradient of the padding row (the tied MLM decoder still does). The embedding sum's first operand
 * (core's `words + token types`) becomes `words·keep + detached(words)·(1 − keep)` (keep = 0 at padding ids), which has the same
 * value and passes no gradient at padding positions. Returns the detached value.
 */
function detachPaddingLookups(e: GraphEditor, padTokenId: number): GraphValue {
  const sumIndex = e.nodes.findIndex((node) => node.opType === 'Add' && node.name.startsWith('embeddings/'));
  const sum = e.nodes[sumIndex];
  if (sum === undefined)
    throw new TrainingError(
      'TRAINING_UNSUPPORTED_OPERATOR',
      'the ALBERT graph has no embedding sum to attach the padding rule to',
      {},
    );
  const words = sum.inputs[0] as GraphValue;
  // the ids: the indices of the Gather that starts the word-embedding lookup
  const producers = new Map(e.nodes.flatMap((node) => node.outputs.map((output) => [output, node] as const)));
  let node = producers.get(words);
  while (node !== undefined && node.opType !== 'Gather') node = producers.get(node.inputs[0] as GraphValue);
  if (node === undefined)
    throw new TrainingError(
      'TRAINING_UNSUPPORTED_OPERATOR',
      'the word-embedding lookup of the ALBERT graph is not a Gather',
      {},
    );
  const ids = node.inputs[1] as GraphValue;
  const count = e.nodes.length;
  const detached = e.within('embeddings/padding_idx', () => {
    const value = e.op('Identity', [words]);
    // words·keep + detached·(1 − keep), keep = 0 at padding ids: exactly `words` (a multiply by 1 or 0;
    // a Where with a broadcast condition gives wrong values on onnxruntime-web's WebGPU)
    const keep = e.unsqueeze(e.cast(e.op('Not', [e.op('Equal', [ids, e.int(padTokenId)])]), 'float32'), [-1]); // [B, S, 1]
    const lookup = e.add(e.mul(words, keep), e.mul(value, e.sub(e.float(1), keep))); // [B, S, E]
    e.nodes[sumIndex] = { ...sum, inputs: [lookup, ...sum.inputs.slice(1)] };
    return value;
  });
  e.nodes.splice(sumIndex, 0, ...e.nodes.splice(count));
  return detached;
}

/**
 * The nodes of each application of the activation function (core names them `…/ffn/<hidden_act>/…`), one
 * region per layer application: their intermediates are recomputed in the backward pass rather than kept
 * (see `recompute` of {@link differentiate}). For `gelu_new` at albert-base's 8 × 128 that keeps 2 of the
 * 6 `[8, 128, 3072]` activations of each of the 12 applications between the passes: 576 MiB less.
 */
function activationRegions(e: GraphEditor, activation: string): ReadonlySet<string>[] {
  const marker = `/${activation}/`;
  const regions = new Map<string, Set<string>>();
  for (const node of e.nodes) {
    const at = node.name.indexOf(marker);
    if (at < 0) continue;
    const scope = node.name.slice(0, at + marker.length);
    const region = regions.get(scope) ?? new Set<string>();
    region.add(node.name);
    regions.set(scope, region);
  }
  return [...regions.values()];
}

/**
 * Builds the training graph of `head` from core's plain ALBERT graph: the weights become graph inputs
 * (core's derived initializers — transposed linear kernels, the tied MLM decoder table — are rebuilt
 * from them by `Transpose` / `Concat` nodes, so their gradients flow back to the one parameter), the
 * head's HF loss is appended as the `loss` output, and {@link differentiate} appends the backward pass.
 *
 * @example
 * ```ts
 * const { config, weights } = await loadPretrainedWeights(directorySource('model'), 'AlbertForSequenceClassification');
 * const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForSequenceClassification' });
 * const session = await nodeBackend().load(graph);   // feeds: parameters, input_ids, ..., labels
 * ```
 * @throws {@link TrainingError} `TRAINING_UNSUPPORTED_OPTION` for a head without labels.
 */
export function buildAlbertTrainingGraph(
  config: AlbertConfig,
  weights: TrainingWeights,
  options: AlbertTrainingGraphOptions,
): AlbertTrainingGraph {
  const head = options.head;
  if (!(TRAINABLE_HEADS as readonly string[]).includes(head)) {
    throw new TrainingError(
      'TRAINING_UNSUPPORTED_OPTION',
      `head ${String(head)} has no loss to train (one of ${TRAINABLE_HEADS.join(', ')})`,
      { field: 'head', value: head },
    );
  }
  if (options.dropout !== undefined && typeof options.dropout !== 'boolean')
    throw new TrainingError(
      'TRAINING_UNSUPPORTED_OPTION',
      `dropout must be a boolean, not ${String(options.dropout)}`,
      {
        field: 'dropout',
        value: String(options.dropout),
      },
    );
  if (options.problemType !== undefined && head !== 'AlbertForSequenceClassification') {
    throw new TrainingError(
      'TRAINING_UNSUPPORTED_OPTION',
      `problemType is an option of AlbertForSequenceClassification, not of ${head}`,
      { field: 'problemType', value: options.problemType },
    );
  }
  const { proto, inputNames, outputNames } = buildAlbertModelProto(config, weights, { head, flavour: 'plain' });
  const e = new GraphEditor(proto);

  // ---- weights → graph inputs -----------------------------------------------------------------
  const keyOfTensor = new Map<Tensor<'float32'>, string>();
  for (const key of weights.keys) if (!keyOfTensor.has(weights.get(key))) keyOfTensor.set(weights.get(key), key);
  const parameterOf = (key: string): string => {
    const parameter = weights.has(key) ? keyOfTensor.get(weights.get(key)) : undefined;
    if (parameter === undefined)
      throw new TrainingError(
        'TRAINING_NO_PARAMETERS',
        `the graph reads ${key}, which is not one of the weights' keys`,
        { key },
      );
    return parameter;
  };
  const parameterInputs: string[] = [];
  const declare = (parameter: string): string => {
    if (!parameterInputs.includes(parameter)) {
      parameterInputs.push(parameter);
      e.input(parameter, 'float32', weights.get(parameter).shape);
    }
    return parameter;
  };
  const nodeCount = e.nodes.length;
  for (const initializer of [...e.initializers]) {
    const name = initializer.name;
    if (name === 'predictions.decoder.table') {
      // [Wᵀ; b]: the decoder weight (the word embeddings when tied) and its bias
      e.takeInitializer(name);
      const decoderWeight = declare(parameterOf('predictions.decoder.weight'));
      const decoderBias = declare(parameterOf('predictions.decoder.bias'));
      e.nodes.push({
        name: 'parameters/decoder_table',
        opType: 'Concat',
        domain: '',
        inputs: [e.transpose(decoderWeight, [1, 0]), e.unsqueeze(decoderBias, [0])],
        outputs: [name],
        attributes: { axis: { kind: 'int', value: 0 } },
      });
    } else if (name.endsWith('.weight.transposed')) {
      e.takeInitializer(name);
      const source = declare(parameterOf(name.slice(0, -'.transposed'.length)));
      e.nodes.push({
        name: `parameters/${name}`,
        opType: 'Transpose',
        domain: '',
        inputs: [source],
        outputs: [name],
        attributes: { perm: { kind: 'ints', value: [1, 0] } },
      });
    } else if (!name.startsWith('const/') && weights.has(name)) {
      e.takeInitializer(name);
      declare(parameterOf(name));
      // the initializer name is the parameter's canonical key unless it is a tied alias
      const parameter = parameterOf(name);
      if (parameter !== name)
        e.nodes.push({
          name: `parameters/${name}`,
          opType: 'Identity',
          domain: '',
          inputs: [parameter],
          outputs: [name],
          attributes: {},
        });
    }
  }
  // the nodes that rebuild derived weights run first
  e.nodes.unshift(...e.nodes.splice(nodeCount));

  // ---- training mode: HF's dropouts, each `x · mask` with a mask input
  const dropoutMasks = options.dropout === true ? insertAlbertDropout(e, config, head) : [];

  // ---- int64 model inputs are read through a Reshape to their own shape: onnxruntime-web's WebGPU computes
  // wrong embedding lookups when an int64 graph input feeds a Gather and other nodes at once
  routeInputsThroughReshape(e, inputNames);

  // ---- nn.Embedding(padding_idx): the padding row of the word embeddings gets no gradient from the lookup
  const stopGradient = new Set<GraphValue>();
  if (config.padTokenId !== null) stopGradient.add(detachPaddingLookups(e, config.padTokenId));

  // ---- the loss -------------------------------------------------------------------------------
  const labelInputs: TrainingLabelInput[] = [];
  const label = (name: string, elementType: 'int64' | 'float32', dims: readonly (number | string)[]): GraphValue => {
    labelInputs.push({ name, elementType, dims });
    return e.input(name, elementType, dims);
  };
  const ignoreIndex = e.int(-100);
  let problemType: ProblemType | null = null;
  const loss = e.within('loss', (): GraphValue => {
    switch (head) {
      case 'AlbertForPreTraining': {
        const mlm = crossEntropyLoss(
          e,
          e.reshape('prediction_logits', [-1, config.vocabSize]),
          e.reshape(label('labels', 'int64', ['batch', 'sequence']), [-1]),
          ignoreIndex,
          config.vocabSize,
        );
        const order = crossEntropyLoss(
          e,
          e.reshape('sop_logits', [-1, 2]),
          e.reshape(label('sentence_order_label', 'int64', ['batch']), [-1]),
          ignoreIndex,
          2,
        );
        return e.add(mlm, order);
      }
      case 'AlbertForMaskedLM':
        return crossEntropyLoss(
          e,
          e.reshape('logits', [-1, config.vocabSize]),
          e.reshape(label('labels', 'int64', ['batch', 'sequence']), [-1]),
          ignoreIndex,
          config.vocabSize,
        );
      case 'AlbertForSequenceClassification': {
        problemType = sequenceClassificationProblemType(config, options.problemType);
        if (problemType === 'regression') {
          const targets = label('labels', 'float32', config.numLabels === 1 ? ['batch'] : ['batch', config.numLabels]);
          return config.numLabels === 1
            ? meanSquaredErrorLoss(e, e.reshape('logits', [-1]), e.reshape(targets, [-1]))
            : meanSquaredErrorLoss(e, 'logits', targets);
        }
        if (problemType === 'multi_label_classification')
          return binaryCrossEntropyWithLogitsLoss(e, 'logits', label('labels', 'float32', ['batch', config.numLabels]));
        return crossEntropyLoss(
          e,
          e.reshape('logits', [-1, config.numLabels]),
          e.reshape(label('labels', 'int64', ['batch']), [-1]),
          ignoreIndex,
          config.numLabels,
        );
      }
      case 'AlbertForMultipleChoice':
        return crossEntropyLoss(e, 'logits', label('labels', 'int64', ['batch']), ignoreIndex);
      case 'AlbertForTokenClassification':
        return crossEntropyLoss(
          e,
          e.reshape('logits', [-1, config.numLabels]),
          e.reshape(label('labels', 'int64', ['batch', 'sequence']), [-1]),
          ignoreIndex,
          config.numLabels,
        );
      case 'AlbertForQuestionAnswering':
        return questionAnsweringLoss(
          e,
          'start_logits',
          'end_logits',
          label('start_positions', 'int64', ['batch']),
          label('end_positions', 'int64', ['batch']),
        );
    }
  });
  e.outputs.unshift({ name: 'loss', elementType: 'float32' as OnnxElementType });
  e.nodes.push({
    name: 'output/loss',
    opType: 'Identity',
    domain: '',
    inputs: [loss],
    outputs: ['loss'],
    attributes: {},
  });

  // ---- the backward pass ------------------------------------------------------------------------
  const { gradients, withoutGradient } = differentiate(e, {
    loss: 'loss',
    parameters: parameterInputs,
    stopGradient,
    recompute: activationRegions(e, config.hiddenAct),
  });
  const parameters = [...weights.keys];
  const model = e.build(
    `ALBERT ${head} training graph built by albert-ts: loss and gradients of ${gradients.size} parameters`,
  );
  return {
    bytes: encodeModel(model),
    inputNames: e.inputs.map((input) => input.name),
    outputNames: e.outputs.map((output) => output.name),
    head,
    problemType,
    parameters,
    parameterInputs,
    gradients,
    withoutGradient: parameters.filter((parameter) => !gradients.has(parameter) || withoutGradient.includes(parameter)),
    modelInputs: [...inputNames, ...dropoutMasks.map((mask) => mask.name)],
    dropoutMasks,
    labelInputs,
    logitOutputs: outputNames,
    proto: model,
  };
}
