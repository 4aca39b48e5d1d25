// The encoder of core's graph builder with graph/fused's kernels plugged in (what the builder does once
// it takes a kernel factory per flavour; see docs/performance.md, "hooks"). Mirrors
// packages/core/src/graph/albert-graph.ts for absolute positions, AlbertModel and AlbertForMaskedLM.
import { GraphBuilder, applyActivation, createTensor } from '@albert-ts/core';
import { fusedLayerKernels } from '@albert-ts/core';

function transpose2d(tensor) {
  const [rows, columns] = tensor.shape;
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r += 1)
    for (let c = 0; c < columns; c += 1) out[c * rows + r] = tensor.data[r * columns + c];
  return createTensor('float32', [columns, rows], out);
}

/** @returns {{ proto, inputNames, outputNames }} */
export function buildWithFusedKernels(config, weights, { head = 'AlbertModel', kind = 'attention' } = {}) {
  const g = new GraphBuilder(`albert-${head}-fused-${kind}`);
  const weight = (key) => g.weight(key, weights.get(key));
  const linearKernel = (prefix) =>
    g.derivedWeight(weights.get(`${prefix}.weight`), 'transposed', `${prefix}.weight.transposed`, transpose2d);
  const linear = (x, prefix) => g.add(g.matMul(x, linearKernel(prefix)), weight(`${prefix}.bias`));
  const layerNorm = (x, prefix) =>
    g.layerNorm(x, weight(`${prefix}.weight`), weight(`${prefix}.bias`), config.layerNormEps);
  const ids = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.input('attention_mask', 'int64', ['batch', 'sequence']);
  const types = g.input('token_type_ids', 'int64', ['batch', 'sequence']);
  const positions = g.input('position_ids', 'int64', ['batch', 'sequence']);
  let sum = g.add(
    g.gather(weight('albert.embeddings.word_embeddings.weight'), ids),
    g.gather(weight('albert.embeddings.token_type_embeddings.weight'), types),
  );
  sum = g.add(sum, g.gather(weight('albert.embeddings.position_embeddings.weight'), positions));
  const embedded = layerNorm(sum, 'albert.embeddings.LayerNorm'); // [B, S, E]
  const maskAdd = g.unsqueeze(
    g.mul(g.sub(g.float(1), g.cast(mask, 'float32')), g.float(-3.4028234663852886e38)),
    [1, 2],
  ); // [B, 1, 1, S]
  const kernels = fusedLayerKernels(
    {
      g,
      config,
      linear,
      weight,
      linearKernel,
      layerNorm,
      maskAdd,
      headMask: undefined,
      relativeTable: undefined,
      relativeShape: undefined,
      outputAttentions: false,
    },
    kind,
  );
  let hidden = linear(embedded, 'albert.encoder.embedding_hidden_mapping_in'); // [B, S, H]
  for (let layer = 0; layer < config.numHiddenLayers; layer += 1) {
    const group = config.groupIndexOfLayer(layer);
    for (let inner = 0; inner < config.innerGroupNum; inner += 1) {
      const prefix = `albert.encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
      const input = hidden;
      hidden = g.within(`layer_${layer}_${inner}`, () => {
        const attended = kernels.residualLayerNorm(
          kernels.selfAttention(input, `${prefix}.attention`, undefined).output,
          input,
          `${prefix}.attention.LayerNorm`,
        );
        return kernels.residualLayerNorm(
          kernels.feedForward(attended, prefix),
          attended,
          `${prefix}.full_layer_layer_norm`,
        );
      });
    }
  }
  if (head === 'AlbertForMaskedLM') {
    const transformed = layerNorm(
      applyActivation(g, linear(hidden, 'predictions.dense'), config.hiddenAct),
      'predictions.LayerNorm',
    ); // [B, S, E]
    const decoded = g.gemm(
      g.reshape(transformed, [-1, config.embeddingSize]),
      weight('predictions.decoder.weight'),
      weight('predictions.decoder.bias'),
      { transposeB: true },
    ); // [B·S, V]
    g.output(g.reshape(decoded, g.concat([g.shape(hidden, 0, 2), g.ints([config.vocabSize])], 0)), 'logits', 'float32');
  } else {
    g.output(hidden, 'last_hidden_state', 'float32');
  }
  return {
    proto: g.build({ producerVersion: 'bench' }),
    inputNames: ['input_ids', 'attention_mask', 'token_type_ids', 'position_ids'],
    outputNames: [head === 'AlbertForMaskedLM' ? 'logits' : 'last_hidden_state'],
  };
}
