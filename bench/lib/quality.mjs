// int8 quality against float32, on a fixed text set: hidden-state cosine (per token, worst and mean)
// and fill-mask top-1 agreement at masked positions. Measured on the embedded demo model (trained, so
// its predictions have real margins) and on the bench model (random weights, tiny margins).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const MASK_ID = 4;

/** The fixed text set (plain English sentences; every 6th piece, from the 2nd, is masked). */
export const QUALITY_TEXTS = [
  'The quick brown fox jumps over the lazy dog near the river bank.',
  'Paris is the capital and most populous city of France.',
  'In the beginning God created the heaven and the earth.',
  'Python is a popular programming language for data science.',
  'The cat sat on the mat and looked out of the window.',
  'She walked to the market to buy bread, milk and fresh fruit.',
  'The weather today is cold and windy with a chance of rain.',
  'He opened the old book and began to read the first chapter.',
  'Music can change the way people feel about the world around them.',
  'The children played in the garden until the sun went down.',
  'Scientists have discovered a new species of fish in the deep ocean.',
  'The train to London leaves the station every hour on the hour.',
  'My grandmother always told stories about her life on the farm.',
  'The company announced record profits for the third quarter.',
  'A small boat drifted slowly across the calm blue lake.',
  'The king called his ministers to the great hall of the castle.',
  'Water boils at one hundred degrees at sea level.',
  'They built a house of stone on the top of the hill.',
  'The doctor told him to rest and drink plenty of water.',
  'Every morning the baker wakes up early to make bread.',
  'The museum has a large collection of ancient Roman coins.',
  'Our team won the game in the last minute of the match.',
  'The river flows from the mountains down to the sea.',
  'He wrote a long letter to his brother who lived abroad.',
  'The students listened carefully while the teacher explained the lesson.',
  'Light travels faster than sound through the air.',
  'The village was quiet except for the sound of the church bells.',
  'She plays the piano beautifully and sings in the choir.',
  'The soldiers marched through the town on their way to the front.',
  'We need to finish this project before the end of the month.',
  'The moon shone brightly over the sleeping city.',
  'Farmers grow wheat, corn and potatoes in this region.',
  'The law was passed by both houses of parliament last year.',
  'He found a golden key hidden under the floor of the room.',
  'The library is open from nine in the morning until late evening.',
  'A strong wind blew the leaves from the trees in autumn.',
  'The president spoke to the nation about the economy.',
  'Birds build their nests in the spring to raise their young.',
  'The old man sat by the fire and smoked his pipe.',
  'Computers have changed the way we work and communicate.',
];

function loadProcessor(tokenizer, bytes) {
  return tokenizer.SentencePieceProcessor.fromBytes(bytes, { file: 'spiece.model' });
}

/** [CLS] pieces [SEP] with every 6th piece (from the 2nd) replaced by [MASK]; returns ids and masked positions. */
function maskedExamples(processor) {
  return QUALITY_TEXTS.map((text) => {
    const pieces = processor.encode(text.toLowerCase()).ids;
    const ids = [2, ...pieces, 3];
    const masked = [];
    for (let position = 2; position < ids.length - 1; position += 6) {
      ids[position] = MASK_ID;
      masked.push(position);
    }
    return { ids, masked };
  });
}

function cosine(a, b, offset, width) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = offset; i < offset + width; i += 1) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

function argmax(data, offset, width) {
  let best = offset;
  for (let i = offset + 1; i < offset + width; i += 1) if (data[i] > data[best]) best = i;
  return best - offset;
}

async function runtime(kind) {
  if (kind === 'node') return { ort: require('onnxruntime-node'), options: { intraOpNumThreads: 2 } };
  const path = require.resolve('onnxruntime-web');
  const ort = await import(pathToFileURL(path).href);
  ort.env.wasm.numThreads = 2;
  ort.env.wasm.wasmPaths = pathToFileURL(dirname(path) + '/').href;
  return { ort, options: { executionProviders: ['wasm'] } };
}

/** Quality of int8 vs float32 for one model directory on one runtime ('node' | 'wasm'). */
export async function measureQuality(modelDirectory, runtimeKind, { vocabularyDirectory = modelDirectory } = {}) {
  const core = await import('@albert-ts/core');
  const { AlbertConfig } = await import('@albert-ts/config');
  const tokenizer = await import('@albert-ts/tokenizer');
  const { quantizeDynamicInt8 } = await import('../../packages/core/src/graph/quantize/index.ts');
  const config = AlbertConfig.parse(await readFile(join(modelDirectory, 'config.json'), 'utf8'));
  const stateDict = core.readSafetensors(new Uint8Array(await readFile(join(modelDirectory, 'model.safetensors'))), 'model.safetensors');
  const weights = core.resolveAlbertWeights(config, stateDict, 'AlbertForMaskedLM', { file: 'model.safetensors' });
  const { proto } = core.buildAlbertModelProto(config, weights, { head: 'AlbertForMaskedLM', outputHiddenStates: true });
  const { model: int8 } = quantizeDynamicInt8(proto);
  const { ort, options } = await runtime(runtimeKind);
  const float32Session = await ort.InferenceSession.create(core.encodeModel(proto), options);
  const int8Session = await ort.InferenceSession.create(core.encodeModel(int8), options);
  const processor = loadProcessor(tokenizer, new Uint8Array(await readFile(join(vocabularyDirectory, 'spiece.model'))));
  const H = config.hiddenSize;
  const V = config.vocabSize;
  const last = `hidden_states.${config.numHiddenLayers}`;
  let agree = 0;
  let total = 0;
  let worstCosine = 1;
  let cosineSum = 0;
  let tokens = 0;
  for (const { ids, masked } of maskedExamples(processor)) {
    const shape = [1, ids.length];
    const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), shape);
    const feeds = {
      input_ids: int64(ids),
      attention_mask: int64(ids.map(() => 1)),
      token_type_ids: int64(ids.map(() => 0)),
      position_ids: int64(ids.map((_, i) => i)),
    };
    const [a, b] = [await float32Session.run(feeds), await int8Session.run(feeds)];
    for (let token = 0; token < ids.length; token += 1) {
      const c = cosine(a[last].data, b[last].data, token * H, H);
      worstCosine = Math.min(worstCosine, c);
      cosineSum += c;
      tokens += 1;
    }
    for (const position of masked) {
      total += 1;
      if (argmax(a.logits.data, position * V, V) === argmax(b.logits.data, position * V, V)) agree += 1;
    }
  }
  await float32Session.release?.();
  await int8Session.release?.();
  return { runtime: runtimeKind, texts: QUALITY_TEXTS.length, maskedPositions: total, top1Agreement: agree / total, worstTokenCosine: worstCosine, meanTokenCosine: cosineSum / tokens };
}

/** The demo model's directory (a trained small ALBERT shipped with the CLI). */
export const DEMO_MODEL_DIRECTORY = fileURLToPath(new URL('../../apps/cli/demo-model/', import.meta.url));
