// The benchmark model: albert-base-v2-shaped, random weights from a seed, written as an HF model directory
// (config.json + model.safetensors + spiece.model) under bench/.cache/. Also the workloads W1–W3.
import { mkdir, readFile, writeFile, copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** albert-base-v2's shape (what the issue calls "albert-base-v2-shaped"). */
export const BENCH_CONFIG = {
  architectures: ['AlbertForMaskedLM'],
  model_type: 'albert',
  vocab_size: 30000,
  embedding_size: 128,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_hidden_groups: 1,
  inner_group_num: 1,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu_new',
  hidden_dropout_prob: 0,
  attention_probs_dropout_prob: 0,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  classifier_dropout_prob: 0.1,
  position_embedding_type: 'absolute',
  pad_token_id: 0,
  bos_token_id: 2,
  eos_token_id: 3,
  dtype: 'float32',
  transformers_version: '4.57.6',
};

/** Deterministic PRNG (mulberry32) with a normal sampler. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}

/** The AlbertForMaskedLM tensors of `config` (HF names, [out, in] linear weights), random from `seed`. */
export function generateWeights(config, seed = 1234) {
  const random = createRandom(seed);
  const { vocab_size: V, embedding_size: E, hidden_size: H, intermediate_size: I } = config;
  const std = config.initializer_range;
  const weights = new Map();
  const matrix = (name, shape) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i += 1) data[i] = random.normal() * std;
    weights.set(name, { shape, data });
  };
  const vector = (name, size, center) => {
    const data = new Float32Array(size);
    for (let i = 0; i < size; i += 1) data[i] = center + random.normal() * std;
    weights.set(name, { shape: [size], data });
  };
  matrix('albert.embeddings.word_embeddings.weight', [V, E]);
  matrix('albert.embeddings.position_embeddings.weight', [config.max_position_embeddings, E]);
  matrix('albert.embeddings.token_type_embeddings.weight', [config.type_vocab_size, E]);
  vector('albert.embeddings.LayerNorm.weight', E, 1);
  vector('albert.embeddings.LayerNorm.bias', E, 0);
  matrix('albert.encoder.embedding_hidden_mapping_in.weight', [H, E]);
  vector('albert.encoder.embedding_hidden_mapping_in.bias', H, 0);
  for (let g = 0; g < config.num_hidden_groups; g += 1) {
    for (let j = 0; j < config.inner_group_num; j += 1) {
      const p = `albert.encoder.albert_layer_groups.${g}.albert_layers.${j}.`;
      for (const name of ['query', 'key', 'value', 'dense']) {
        matrix(`${p}attention.${name}.weight`, [H, H]);
        vector(`${p}attention.${name}.bias`, H, 0);
      }
      vector(`${p}attention.LayerNorm.weight`, H, 1);
      vector(`${p}attention.LayerNorm.bias`, H, 0);
      matrix(`${p}ffn.weight`, [I, H]);
      vector(`${p}ffn.bias`, I, 0);
      matrix(`${p}ffn_output.weight`, [H, I]);
      vector(`${p}ffn_output.bias`, H, 0);
      vector(`${p}full_layer_layer_norm.weight`, H, 1);
      vector(`${p}full_layer_layer_norm.bias`, H, 0);
    }
  }
  matrix('predictions.dense.weight', [E, H]);
  vector('predictions.dense.bias', E, 0);
  vector('predictions.LayerNorm.weight', E, 1);
  vector('predictions.LayerNorm.bias', E, 0);
  vector('predictions.bias', V, 0);
  return weights;
}

/** Serializes tensors as safetensors (F32, sorted by name, packed, header padded to 8 bytes). */
export function encodeSafetensors(weights) {
  const names = [...weights.keys()].sort();
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const name of names) {
    const { shape, data } = weights.get(name);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let headerText = JSON.stringify(header);
  while ((8 + Buffer.byteLength(headerText)) % 8 !== 0) headerText += ' ';
  const headerBytes = Buffer.from(headerText);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = weights.get(name);
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

/** Reads an F32 safetensors file back into a Map (the peers' exports are built from the file, not memory). */
export function decodeSafetensors(bytes) {
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  const base = 8 + headerLength;
  const weights = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = entry.data_offsets;
    const copy = bytes.slice(base + begin, base + end);
    weights.set(name, { shape: entry.shape, data: new Float32Array(copy.buffer, copy.byteOffset, (end - begin) / 4) });
  }
  return weights;
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes (once; reused while the seed and config match) the model directory and returns its path.
 * The vocabulary is the embedded demo model's spiece.model (16000 pieces; ids above it are still valid rows).
 */
export async function ensureModelDirectory(root, { seed = 1234, config = BENCH_CONFIG } = {}) {
  const directory = join(root, `albert-base-v2-seed${seed}`);
  const stamp = join(directory, 'bench-stamp.json');
  const expected = JSON.stringify({ seed, config });
  if ((await exists(stamp)) && (await readFile(stamp, 'utf8')) === expected) return directory;
  await mkdir(directory, { recursive: true });
  const weights = generateWeights(config, seed);
  await writeFile(join(directory, 'model.safetensors'), encodeSafetensors(weights));
  await writeFile(join(directory, 'config.json'), JSON.stringify(config, null, 2));
  const demo = new URL('../../apps/cli/demo-model/', import.meta.url);
  for (const file of ['spiece.model', 'special_tokens_map.json', 'tokenizer_config.json']) {
    await copyFile(new URL(file, demo), join(directory, file));
  }
  await writeFile(stamp, expected);
  return directory;
}

/** A sequence of `length` token ids: [CLS] random pieces [SEP] (tokens in the demo vocabulary's range). */
function sequence(random, length) {
  const ids = [2];
  for (let i = 1; i < length - 1; i += 1) ids.push(5 + Math.floor(random.uniform() * 15990));
  ids.push(3);
  return ids;
}

/**
 * The workloads. Timings cover the model only (token ids in, MLM logits out) for every peer; the
 * tokenizer has its own benchmark. W3's lengths follow a natural-text distribution (most sentences
 * short, a few long), fixed by the seed.
 */
export function makeWorkloads(seed = 99) {
  const random = createRandom(seed);
  const w1 = [sequence(random, 128)];
  const w2 = Array.from({ length: 8 }, () => sequence(random, 128));
  const lengths = Array.from({ length: 64 }, () => 8 + Math.round(120 * random.uniform() ** 9));
  lengths[5] = 128;
  lengths[40] = 8;
  const w3 = lengths.map((length) => sequence(random, length));
  return {
    W1: { name: 'W1', description: '1 × 128 tokens', sequences: w1, batchSize: 1 },
    W2: { name: 'W2', description: '8 × 128 tokens', sequences: w2, batchSize: 8 },
    W3: {
      name: 'W3',
      description: `64 natural-length texts (8–128 tokens, ${lengths.reduce((a, b) => a + b, 0)} real tokens), batches of 16 padded to longest`,
      sequences: w3,
      batchSize: 16,
    },
  };
}

/** Splits sequences into batches of `batchSize` in input order, each padded to its longest (right padding). */
export function padBatches(sequences, batchSize) {
  const batches = [];
  for (let start = 0; start < sequences.length; start += batchSize) {
    batches.push(padBatch(sequences.slice(start, start + batchSize)));
  }
  return batches;
}

/** One right-padded batch as flat int64 arrays. */
export function padBatch(sequences) {
  const width = Math.max(...sequences.map((s) => s.length));
  const size = sequences.length * width;
  const inputIds = new BigInt64Array(size);
  const attentionMask = new BigInt64Array(size);
  const tokenTypeIds = new BigInt64Array(size);
  sequences.forEach((ids, row) => {
    ids.forEach((id, column) => {
      inputIds[row * width + column] = BigInt(id);
      attentionMask[row * width + column] = 1n;
    });
  });
  return { shape: [sequences.length, width], inputIds, attentionMask, tokenTypeIds };
}

/** FLOPs of one AlbertForMaskedLM forward over a padded batch (multiply-add = 2 FLOPs; MatMuls only). */
export function forwardFlops(config, batch, sequenceLength) {
  const { embedding_size: E, hidden_size: H, intermediate_size: I, vocab_size: V, num_hidden_layers: L } = config;
  const tokens = batch * sequenceLength;
  const perLayer = tokens * (2 * 4 * H * H + 2 * 2 * H * I) + batch * 2 * 2 * sequenceLength * sequenceLength * H;
  return tokens * 2 * E * H + L * perLayer + tokens * (2 * H * E + 2 * E * V);
}
