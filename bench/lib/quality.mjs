// int8 quality against float32, on a fixed text set: hidden-state cosine (per token, worst and mean)
// and fill-mask top-1 agreement at masked positions. Measured on the embedded demo model (trained, so
// its predictions have real margins) and on the bench model (random weights, tiny margins).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Quality of int8 vs float32 for one model directory on one runtime ('node' | 'wasm'). */
export async function measureQuality(modelDirectory, runtimeKind, { vocabularyDirectory = modelDirectory } = {}) {
  const core = await import('@albert-ts/core');
  const tokenizer = await import('@albert-ts/tokenizer');
  // the product path: the same model class and backend, dtype fp32 vs int8 (both built on the fly)
  const backend =
    runtimeKind === 'node'
      ? (await import('@albert-ts/backend-node')).nodeBackend({ device: 'cpu', intraOpNumThreads: 2 })
      : (await import('@albert-ts/backend-wasm')).wasmBackend({ numThreads: 2 });
  const float32Model = await core.AlbertForMaskedLM.fromPretrained(modelDirectory, { backend, dtype: 'fp32' });
  const int8Model = await core.AlbertForMaskedLM.fromPretrained(modelDirectory, { backend, dtype: 'int8' });
  const config = float32Model.config;
  const processor = loadProcessor(tokenizer, new Uint8Array(await readFile(join(vocabularyDirectory, 'spiece.model'))));
  const H = config.hiddenSize;
  const V = config.vocabSize;
  let agree = 0;
  let total = 0;
  let worstCosine = 1;
  let cosineSum = 0;
  let tokens = 0;
  for (const { ids, masked } of maskedExamples(processor)) {
    const input = { inputIds: [ids] };
    const [a, b] = [
      await float32Model.forward(input, { outputHiddenStates: true }),
      await int8Model.forward(input, { outputHiddenStates: true }),
    ];
    for (let token = 0; token < ids.length; token += 1) {
      const c = cosine(a.hiddenStates.at(-1).data, b.hiddenStates.at(-1).data, token * H, H);
      worstCosine = Math.min(worstCosine, c);
      cosineSum += c;
      tokens += 1;
    }
    for (const position of masked) {
      total += 1;
      if (argmax(a.logits.data, position * V, V) === argmax(b.logits.data, position * V, V)) agree += 1;
    }
  }
  await float32Model.dispose();
  await int8Model.dispose();
  return {
    runtime: runtimeKind,
    texts: QUALITY_TEXTS.length,
    maskedPositions: total,
    top1Agreement: agree / total,
    worstTokenCosine: worstCosine,
    meanTokenCosine: cosineSum / tokens,
  };
}

/** The demo model's directory (a trained small ALBERT shipped with the CLI). */
export const DEMO_MODEL_DIRECTORY = fileURLToPath(new URL('../../apps/cli/demo-model/', import.meta.url));
