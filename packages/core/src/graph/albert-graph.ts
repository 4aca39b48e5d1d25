import type { AlbertConfig } from '@albert-ts/config';
import type { OnnxModel } from '../backend/backend.js';
import { ALBERT_HEADS, type AlbertHead } from '../checkpoint/albert-weight-specs.js';
import { createTensor, type Tensor } from '../tensor.js';
import { applyActivation } from './activation.js';
import { plainLayerKernels } from './albert-layer-kernels.js';
import { fusedLayerKernels, type FusedAttentionKind } from './fused/fused-layer-kernels.js';
import { GraphBuilder, type GraphValue } from './graph-builder.js';
import { GraphError } from './graph-error.js';
import { encodeModel, encodeModelChunks, type OnnxModelProto } from './onnx-proto.js';
import { convertToFloat16 } from './quantize/convert-float16.js';
import { quantizeDynamicInt8, type DynamicInt8Operator } from './quantize/quantize-dynamic-int8.js';

/**
 * The ALBERT heads, named like the Hugging Face classes: the same list as the checkpoint readers'
 * {@link AlbertHead}, under the name the graph and model code use.
 */
export type AlbertHeadName = AlbertHead;

/** Every {@link AlbertHeadName}, in Hugging Face's order. */
export const ALBERT_HEAD_NAMES: readonly AlbertHeadName[] = ALBERT_HEADS;

/**
 * The weights the graph reads, by canonical HF key (encoder keys with the `albert.` prefix; tied
 * `predictions.decoder.*` resolved). `AlbertWeights` from the checkpoint module satisfies it.
 */
export interface AlbertGraphWeights {
  /** The tensor of `key`; throws when absent. */
  get(key: string): Tensor<'float32'>;
  /** Whether `key` is present. */
  has(key: string): boolean;
}

/**
 * Graph flavours, with the same results: `plain` uses standard ONNX opset-17 operators only and runs on
 * every backend; `fused` uses onnxruntime's `com.microsoft` operators (MultiHeadAttention,
 * SkipLayerNormalization, FastGelu/BiasGelu) where they reproduce HF exactly.
 */
export type AlbertGraphFlavour = 'plain' | 'fused';

/**
 * Numeric precision of a built graph; inputs and outputs stay float32 in every case. `float32` is
 * exact to HF; `int8` quantizes the large MatMul weights per column and their activations at run
 * time (CPU/WASM); `float16` casts weights and activations to half precision (GPU backends).
 */
export type AlbertGraphPrecision = 'float32' | 'int8' | 'float16';

/** What to build. Each distinct combination is a distinct graph. */
export interface AlbertGraphOptions {
  /** Which head sits on the encoder. */
  readonly head: AlbertHeadName;
  /** Add `hidden_states.0` … `hidden_states.L` outputs. */
  readonly outputHiddenStates?: boolean;
  /** Add `attentions.0` … outputs (L × inner_group_num of them). */
  readonly outputAttentions?: boolean;
  /** Add a float `head_mask` input of shape [num_hidden_layers, heads]. */
  readonly headMask?: boolean;
  /** Take float `inputs_embeds` [batch, sequence, E] instead of `input_ids`. */
  readonly inputsEmbeds?: boolean;
  /** Graph flavour (default `plain`). */
  readonly flavour?: AlbertGraphFlavour;
  /**
   * The fused flavour's attention operator (default `multi-head-attention`, which every onnxruntime
   * device runs; `chooseFusedAttention` picks the best one for a backend).
   */
  readonly fusedAttention?: FusedAttentionKind;
  /**
   * The fused flavour's residual Add + LayerNorm as one `SkipLayerNormalization` (default `true`);
   * `false` keeps `Add` + `LayerNormalization`, which onnxruntime's CPU kernels run 5× faster than
   * its CPU `SkipLayerNormalization` (`chooseFusedAttention` decides per backend).
   */
  readonly skipLayerNormalization?: boolean;
  /**
   * `AlbertForMaskedLM` only: an int64 input `logits_positions` `[batch, positions]` picks the sequence
   * positions whose MLM logits are computed, and `logits` is `[batch, positions, vocab]` — fill-mask
   * needs the `[MASK]` rows only, so the transform and the `[E, V]` decoder run on those rows alone.
   * Each row is the same computation as in the full `[batch, sequence, vocab]` logits.
   */
  readonly logitsPositions?: boolean;
  /** Precision, applied to the finished float32 graph (default `float32`). */
  readonly precision?: AlbertGraphPrecision;
  /** With `precision: 'int8'`: the quantized MatMul form (default `dynamic-quantize-matmul`). */
  readonly int8Operator?: DynamicInt8Operator;
}

/** A built ALBERT graph: the `ModelProto` bytes plus its I/O names. */
export interface AlbertGraph extends OnnxModel {
  /** The options it was built with. */
  readonly options: AlbertGraphOptions;
}

/** The ONNX opset of the plain flavour (LayerNormalization needs 17). */
export const ALBERT_GRAPH_OPSET = 17;

/** The float32 minimum that HF multiplies `(1 - attention_mask)` by. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Transposes a 2-D `[rows, columns]` weight into `[columns, rows]`. */
function transpose2d(tensor: Tensor<'float32'>): Tensor<'float32'> {
  const [rows, columns] = tensor.shape as [number, number];
  const source = tensor.data;
  const result = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1)
      result[column * rows + row] = source[row * columns + column] as number;
  }
  return createTensor('float32', [columns, rows], result);
}

/**
 * The MLM decoder as one `[E + 1, V]` matrix: `Wᵀ` with the decoder bias as its last row, so that
 * `[x, 1] · table` is `x Wᵀ + b` in one MatMul that writes the `[B, S, V]` logits once (no bias pass
 * over the logits, no reshape copy). Exactly the bytes of `W` and `b`.
 */
function decoderTable(weight: Tensor<'float32'>, bias: Tensor<'float32'>): Tensor<'float32'> {
  const [rows, columns] = weight.shape as [number, number]; // [V, E]
  const table = new Float32Array((columns + 1) * rows);
  table.set(transpose2d(weight).data);
  table.set(bias.data, columns * rows);
  return createTensor('float32', [columns + 1, rows], table);
}

/** Names of the graph outputs a head produces (without the optional hidden states / attentions). */
export function albertHeadOutputNames(head: AlbertHeadName, weights: AlbertGraphWeights): string[] {
  switch (head) {
    case 'AlbertModel':
      return weights.has('albert.pooler.weight') ? ['last_hidden_state', 'pooler_output'] : ['last_hidden_state'];
    case 'AlbertForPreTraining':
      return ['prediction_logits', 'sop_logits'];
    case 'AlbertForQuestionAnswering':
      return ['start_logits', 'end_logits'];
    default:
      return ['logits'];
  }
}

/**
 * Builds ALBERT as an ONNX `ModelProto` (see {@link buildAlbertGraph} for the bytes).
 *
 * Inputs (HF names): `input_ids` or `inputs_embeds`, `attention_mask`, `token_type_ids`,
 * `position_ids` (absolute position embeddings only), `head_mask` (when requested), all with a
 * leading `[batch, choices]` for multiple choice instead of `[batch]`. Every input is required: the
 * model classes feed HF's defaults.
 */
export function buildAlbertModelProto(
  config: AlbertConfig,
  weights: AlbertGraphWeights,
  options: AlbertGraphOptions,
): {
  /** The model, not yet encoded (see {@link encodeModel} / {@link encodeModelChunks}). */
  proto: OnnxModelProto;
  /** Graph input names (HF names such as `input_ids`), in graph order. */
  inputNames: string[];
  /** Graph output names (`last_hidden_state`, `logits`, `hidden_states.0`, `attentions.0`, ...), in graph order. */
  outputNames: string[];
} {
  const flavour = options.flavour ?? 'plain';
  const precision = options.precision ?? 'float32';
  if (precision !== 'float32' && precision !== 'int8' && precision !== 'float16') {
    throw new GraphError(
      'GRAPH_UNSUPPORTED_OPTION',
      `graph precision ${String(precision)} is not available (float32, int8 or float16)`,
      { field: 'precision', value: precision },
    );
  }
  if (flavour !== 'plain' && flavour !== 'fused') {
    throw new GraphError(
      'GRAPH_UNSUPPORTED_OPTION',
      `graph flavour ${String(flavour)} is not available (plain or fused)`,
      { field: 'flavour', value: flavour },
    );
  }
  if (options.logitsPositions === true && options.head !== 'AlbertForMaskedLM') {
    throw new GraphError(
      'GRAPH_UNSUPPORTED_OPTION',
      `logitsPositions is an option of the AlbertForMaskedLM graph, not of ${options.head}`,
      { field: 'logitsPositions', value: options.head },
    );
  }
  const g = new GraphBuilder(`albert-${options.head}`);
  const E = config.embeddingSize;
  const H = config.hiddenSize;
  const heads = config.numAttentionHeads;
  const L = config.numHiddenLayers;
  const G = config.numHiddenGroups;
  const eps = config.layerNormEps;
  const act = config.hiddenAct;
  const multipleChoice = options.head === 'AlbertForMultipleChoice';
  const relative = config.positionEmbeddingType !== 'absolute';

  const get = (key: string): Tensor<'float32'> => {
    if (!weights.has(key))
      throw new GraphError(
        'GRAPH_MISSING_WEIGHT',
        `the ${options.head} graph needs weight ${key}, which the checkpoint does not have`,
        { key, head: options.head },
      );
    return weights.get(key);
  };
  const weight = (key: string): GraphValue => g.weight(key, get(key));
  /** The `[in, out]` kernel of HF's `[out, in]` linear weight, stored transposed once per weight. */
  const linearKernel = (prefix: string): GraphValue =>
    g.derivedWeight(get(`${prefix}.weight`), 'transposed', `${prefix}.weight.transposed`, transpose2d);
  /** `y = x Wᵀ + b`. */
  const linear = (x: GraphValue, prefix: string): GraphValue =>
    g.add(g.matMul(x, linearKernel(prefix)), weight(`${prefix}.bias`));
  const layerNorm = (x: GraphValue, prefix: string): GraphValue =>
    g.layerNorm(x, weight(`${prefix}.weight`), weight(`${prefix}.bias`), eps);

  // ---- inputs ------------------------------------------------------------------------------
  const leading = multipleChoice ? ['batch', 'choices', 'sequence'] : ['batch', 'sequence'];
  const rawInput =
    options.inputsEmbeds === true
      ? g.input('inputs_embeds', 'float32', [...leading, E])
      : g.input('input_ids', 'int64', leading);
  const rawMask = g.input('attention_mask', 'int64', leading);
  const rawTypes = g.input('token_type_ids', 'int64', leading);
  const rawPositions = relative ? undefined : g.input('position_ids', 'int64', leading);
  const logitsPositions =
    options.logitsPositions === true ? g.input('logits_positions', 'int64', ['batch', 'positions']) : undefined;
  const headMask = options.headMask === true ? g.input('head_mask', 'float32', [L, heads]) : undefined;

  // Multiple choice folds [batch, choices, sequence] into [batch·choices, sequence].
  const foldChoices = (x: GraphValue): GraphValue =>
    multipleChoice ? g.reshape(x, g.concat([g.ints([-1]), g.shape(x, 2)], 0)) : x;
  const ids = foldChoices(rawInput); // [B, S] ids or [B, S, E] embeddings
  const mask = foldChoices(rawMask); // [B, S]
  const tokenTypes = foldChoices(rawTypes); // [B, S]
  const positions = rawPositions === undefined ? undefined : foldChoices(rawPositions); // [B, S]
  const sequenceLength = g.shape(mask, 1, 2); // [1]

  // ---- the MLM decoder table, shared with the word embeddings when they are tied ------------
  const mlmHead = options.head === 'AlbertForMaskedLM' || options.head === 'AlbertForPreTraining';
  // int8 quantizes the decoder as a plain linear (x · Wᵀ quantized per column, the bias folded into
  // the quantized MatMul), so it keeps the word embeddings as their own float32 table.
  const tableDecoder = precision !== 'int8';
  const decoder = (): GraphValue =>
    g.derivedWeight(get('predictions.decoder.weight'), 'decoder-table', 'predictions.decoder.table', (tensor) =>
      decoderTable(tensor, get('predictions.decoder.bias')),
    ); // [E + 1, V]
  const tiedDecoder =
    mlmHead && tableDecoder && get('predictions.decoder.weight') === get('albert.embeddings.word_embeddings.weight')
      ? decoder()
      : undefined;

  // ---- embeddings (width E) ----------------------------------------------------------------
  const embedded = g.within('embeddings', () => {
    let words: GraphValue; // [B, S, E]
    if (options.inputsEmbeds === true) words = ids;
    else if (tiedDecoder !== undefined) {
      // the word embeddings live in the decoder table's columns: gather columns, drop the bias row
      const columns = g.op('Slice', [g.gather(tiedDecoder, ids, 1), g.ints([0]), g.ints([E]), g.ints([0])]); // [E, B, S]
      words = g.transpose(columns, [1, 2, 0]); // [B, S, E]
    } else words = g.gather(weight('albert.embeddings.word_embeddings.weight'), ids); // [B, S, E]
    let sum = g.add(words, g.gather(weight('albert.embeddings.token_type_embeddings.weight'), tokenTypes)); // [B, S, E]
    if (positions !== undefined)
      sum = g.add(sum, g.gather(weight('albert.embeddings.position_embeddings.weight'), positions)); // [B, S, E]
    return layerNorm(sum, 'albert.embeddings.LayerNorm'); // [B, S, E]
  });

  // ---- attention mask: (1 - mask) · float32_min on the key axis ----------------------------
  const maskAdd = g.within('attention_mask', () => {
    const inverted = g.sub(g.float(1), g.cast(mask, 'float32')); // [B, S]
    return g.unsqueeze(g.mul(inverted, g.float(FLOAT32_MIN)), [1, 2]); // [B, 1, 1, S]
  });

  // ---- relative positions: R[l, r] = distance_embedding[l - r + max_pos - 1] ----------------
  const distanceIndex = relative
    ? g.within('relative_positions', () => {
        const steps = g.range(g.reshape(sequenceLength, [])); // [S]
        const offset = g.sub(g.unsqueeze(steps, [1]), g.unsqueeze(steps, [0])); // [S, S]
        return g.add(offset, g.int(config.maxPositionEmbeddings - 1)); // [S, S]
      })
    : undefined;
  const relativeTables = new Map<string, GraphValue>(); // one gathered R per shared distance_embedding
  const relativeTable = (prefix: string): GraphValue => {
    const key = `${prefix}.distance_embedding.weight`;
    let table = relativeTables.get(key);
    if (table === undefined) {
      table = g.gather(weight(key), distanceIndex as GraphValue); // [S, S, d]
      relativeTables.set(key, table);
    }
    return table;
  };
  /** [S, B, heads, S] as a shape tensor, for un-flattening relative terms. */
  const relativeShape = relative ? g.concat([sequenceLength, g.ints([-1, heads]), sequenceLength], 0) : undefined;

  // ---- one ALBERT layer, from the flavour's kernels ------------------------------------------
  const hiddenStates: GraphValue[] = [];
  const attentions: GraphValue[] = [];
  const layerContext = {
    g,
    config,
    weight,
    linearKernel,
    linear,
    layerNorm,
    maskAdd,
    headMask,
    relativeTable: relative ? relativeTable : undefined,
    relativeShape,
    outputAttentions: options.outputAttentions === true,
  };
  const kernels =
    flavour === 'fused'
      ? fusedLayerKernels(layerContext, options.fusedAttention ?? 'multi-head-attention', {
          skipLayerNormalization: options.skipLayerNormalization ?? true,
        })
      : plainLayerKernels(layerContext);
  const albertLayer = (x: GraphValue, prefix: string, headMaskRow: number | undefined): GraphValue => {
    const attended = g.within('attention', () => {
      const { output, probabilities } = kernels.selfAttention(x, `${prefix}.attention`, headMaskRow); // [B, S, H], [B, heads, S, S]
      if (probabilities !== undefined) attentions.push(probabilities);
      return kernels.residualLayerNorm(output, x, `${prefix}.attention.LayerNorm`); // [B, S, H]
    });
    return g.within('ffn', () =>
      kernels.residualLayerNorm(kernels.feedForward(attended, prefix), attended, `${prefix}.full_layer_layer_norm`),
    ); // [B, S, H]
  };

  // ---- encoder: E → H, then L applications of shared layer groups ---------------------------
  let hidden = g.within('encoder', () => linear(embedded, 'albert.encoder.embedding_hidden_mapping_in')); // [B, S, H]
  hiddenStates.push(hidden);
  const layersPerGroup = Math.trunc(L / G);
  for (let layerIndex = 0; layerIndex < L; layerIndex += 1) {
    const group = config.groupIndexOfLayer(layerIndex);
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      // HF slices head_mask[g·int(L/G) : (g+1)·int(L/G)] and indexes it by the inner layer.
      let headMaskRow: number | undefined;
      if (headMask !== undefined) {
        const sliceEnd = Math.min((group + 1) * layersPerGroup, L);
        headMaskRow = group * layersPerGroup + inner;
        if (headMaskRow >= sliceEnd) {
          throw new GraphError(
            'GRAPH_HEAD_MASK_ROW',
            `head_mask: layer ${layerIndex} (group ${group}, inner layer ${inner}) reads row ${headMaskRow}, outside the rows ${group * layersPerGroup}..${sliceEnd - 1} of its group (HF raises IndexError here)`,
            { field: 'head_mask', value: headMaskRow },
          );
        }
      }
      const prefix = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      hidden = g.within(`encoder/layer_${layerIndex}/inner_${inner}`, () => albertLayer(hidden, prefix, headMaskRow)); // [B, S, H]
    }
    hiddenStates.push(hidden);
  }
  const sequenceOutput = hidden; // [B, S, H]

  // ---- heads --------------------------------------------------------------------------------
  const pooled = (): GraphValue =>
    g.within('pooler', () => g.unary('Tanh', linear(g.gather(sequenceOutput, g.int(0), 1), 'albert.pooler'))); // [B, H]
  const batchAndSequence = (): GraphValue[] => (multipleChoice ? ['batch_choices', 'sequence'] : ['batch', 'sequence']);
  /** The rows of `x` `[B, S, H]` at `logits_positions` `[B, P]`: one Gather on the flattened `[B·S, H]`. */
  const atLogitsPositions = (x: GraphValue, positions: GraphValue): GraphValue => {
    const scalar = (value: GraphValue): GraphValue => g.op('Squeeze', [value, g.ints([0])]);
    const rowStarts = g.unsqueeze(g.op('Mul', [g.range(scalar(g.shape(x, 0, 1))), scalar(g.shape(x, 1, 2))]), [1]); // [B, 1]: b · S
    return g.gather(g.reshape(x, [-1, H]), g.add(positions, rowStarts), 0); // [B, P, H]
  };
  const mlmLogits = (): GraphValue =>
    g.within('predictions', () => {
      const rows = logitsPositions === undefined ? sequenceOutput : atLogitsPositions(sequenceOutput, logitsPositions); // [B, S or P, H]
      const transformed = layerNorm(
        applyActivation(g, linear(rows, 'predictions.dense'), act),
        'predictions.LayerNorm',
      ); // [B, S or P, E]
      if (!tableDecoder) return linear(transformed, 'predictions.decoder'); // [B, S or P, V], quantized below
      // x · Wᵀ + b as [x, 1] · [Wᵀ; b] (see decoderTable)
      const ones = g.op('Expand', [g.floats([1], [1, 1, 1]), g.concat([g.shape(transformed, 0, 2), g.ints([1])], 0)]); // [B, S or P, 1]
      return g.matMul(g.concat([transformed, ones], 2), decoder()); // [B, S or P, V]
    });

  switch (options.head) {
    case 'AlbertModel':
      g.output(sequenceOutput, 'last_hidden_state', 'float32', [...batchAndSequence(), H]);
      if (weights.has('albert.pooler.weight'))
        g.output(pooled(), 'pooler_output', 'float32', [batchAndSequence()[0] as string, H]);
      break;
    case 'AlbertForPreTraining':
      g.output(mlmLogits(), 'prediction_logits', 'float32', [...batchAndSequence(), config.vocabSize]);
      g.output(
        g.within('sop', () => linear(pooled(), 'sop_classifier.classifier')),
        'sop_logits',
        'float32',
        ['batch', 2],
      ); // [B, 2]
      break;
    case 'AlbertForMaskedLM':
      g.output(
        mlmLogits(),
        'logits',
        'float32',
        logitsPositions === undefined
          ? [...batchAndSequence(), config.vocabSize]
          : ['batch', 'positions', config.vocabSize],
      );
      break;
    case 'AlbertForSequenceClassification':
      g.output(
        g.within('classifier', () => linear(pooled(), 'classifier')),
        'logits',
        'float32',
        ['batch', config.numLabels],
      ); // [B, labels]
      break;
    case 'AlbertForMultipleChoice': {
      const scores = g.within('classifier', () => linear(pooled(), 'classifier')); // [B·C, 1]
      g.output(g.reshape(scores, g.shape(rawMask, 0, 2)), 'logits', 'float32', ['batch', 'choices']); // [B, C]
      break;
    }
    case 'AlbertForTokenClassification':
      g.output(
        g.within('classifier', () => linear(sequenceOutput, 'classifier')),
        'logits',
        'float32',
        ['batch', 'sequence', config.numLabels],
      ); // [B, S, labels]
      break;
    case 'AlbertForQuestionAnswering': {
      const spans = g.within('qa_outputs', () => linear(sequenceOutput, 'qa_outputs')); // [B, S, 2]
      g.output(g.gather(spans, g.int(0), 2), 'start_logits', 'float32', ['batch', 'sequence']); // [B, S]
      g.output(g.gather(spans, g.int(1), 2), 'end_logits', 'float32', ['batch', 'sequence']); // [B, S]
      break;
    }
  }
  if (options.outputHiddenStates === true) {
    hiddenStates.forEach((state, index) =>
      g.output(state, `hidden_states.${index}`, 'float32', [...batchAndSequence(), H]),
    );
  }
  if (options.outputAttentions === true) {
    attentions.forEach((probabilities, index) =>
      g.output(probabilities, `attentions.${index}`, 'float32', [
        batchAndSequence()[0] as string,
        heads,
        'sequence',
        'sequence',
      ]),
    );
  }

  const built = g.build({
    producerVersion: '0.1.0',
    opsetVersion: ALBERT_GRAPH_OPSET,
    docString: `ALBERT ${options.head} built by albert-ts (${config.numHiddenLayers} layers, ${config.numHiddenGroups} groups, ${config.innerGroupNum} inner, ${precision})`,
  });
  // ---- precision: a post-pass over the float32 graph; inputs and outputs keep float32 ----------
  const proto =
    precision === 'int8'
      ? quantizeDynamicInt8(built, { operator: options.int8Operator ?? 'dynamic-quantize-matmul' }).model
      : precision === 'float16'
        ? convertToFloat16(built)
        : built;
  return { proto, inputNames: g.inputNames, outputNames: g.outputNames };
}

/**
 * Builds ALBERT as a serialized ONNX model from a config and weights. Each shared weight is one
 * initializer referenced by every layer that uses it, so the file is about as large as the checkpoint.
 */
export function buildAlbertGraph(
  config: AlbertConfig,
  weights: AlbertGraphWeights,
  options: AlbertGraphOptions,
): AlbertGraph {
  const { proto, inputNames, outputNames } = buildAlbertModelProto(config, weights, options);
  return { bytes: encodeModel(proto), inputNames, outputNames, options };
}

/** Like {@link buildAlbertGraph} but returns the model as chunks to stream to a file (no full copy). */
export function buildAlbertGraphChunks(
  config: AlbertConfig,
  weights: AlbertGraphWeights,
  options: AlbertGraphOptions,
): {
  /** Byte chunks whose concatenation is the serialized `ModelProto`; weight data are views of `weights` (no copy). */
  chunks: Uint8Array[];
  /** Graph input names (HF names such as `input_ids`), in graph order. */
  inputNames: string[];
  /** Graph output names (`last_hidden_state`, `logits`, ...), in graph order. */
  outputNames: string[];
} {
  const { proto, inputNames, outputNames } = buildAlbertModelProto(config, weights, options);
  return { chunks: encodeModelChunks(proto), inputNames, outputNames };
}
