import { AlbertForMaskedLM, selectBackend, type AlbertModelDtype, type FillMaskResult } from '@albert-ts/core';
import { backendByName } from '../backend-by-name.js';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { defaultModelDirectory } from '../default-model.js';
import { UsageError } from '../usage-error.js';
import { HUB_FLAGS, hubOptionsOf } from './model-location.js';

const FLAGS = {
  model: { type: 'string', short: 'm', description: 'model directory or Hugging Face Hub id (default: the embedded demo model)', valueName: 'DIR|ID' },
  backend: { type: 'string', short: 'b', description: 'comma-separated backends (node-cpu, node-webgpu, node-cuda, node-wasm), first available wins (default node-cpu)', valueName: 'NAMES' },
  dtype: { type: 'string', description: 'precision: fp32 (default, exact), int8 (dynamic quantization; node-cpu, node-wasm) or fp16 (backends with float16: node-cuda, node-webgpu)', valueName: 'TYPE', choices: ['fp32', 'int8', 'fp16'] },
  topK: { type: 'number', short: 'k', description: 'predictions per [MASK] (default 5)', valueName: 'N' },
  json: { type: 'boolean', description: 'print JSON instead of a table (and no download progress bar)' },
  ...HUB_FLAGS,
} as const;

function formatTable(result: FillMaskResult): string {
  const lines: string[] = [];
  result.masks.forEach((mask, index) => {
    lines.push(`[MASK] ${index + 1} (token ${mask.maskIndex}):`);
    for (const prediction of mask.predictions) {
      const token = prediction.token ?? `#${prediction.tokenId}`;
      lines.push(`  ${token.padEnd(20)} ${prediction.score.toFixed(4)}   (id ${prediction.tokenId})`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** `albert fill-mask "Paris is the [MASK] of France."`: top-k tokens with scores for each `[MASK]`. */
export const fillMaskCommand: CliCommand = {
  name: 'fill-mask',
  summary: 'predict the [MASK] tokens of a text (top-k tokens with probabilities)',
  usage: 'fill-mask [--model DIR|ID] [--backend node-cpu,...] [--dtype fp32|int8|fp16] [--top-k N] [--json] [--revision REV] [--offline] "<text with [MASK]>"',
  help: [
    'Encodes the text with the model\'s tokenizer (spiece.model), runs AlbertForMaskedLM and prints the',
    'most likely tokens for every [MASK] with their probabilities (softmax over the whole vocabulary).',
    'Without --model it runs the small demo model embedded in this package (trained for an hour on',
    'public-domain text: it exercises the code, its answers are not good). --model takes a directory or a',
    'Hugging Face Hub id; Hub files are downloaded into the Python-compatible cache (progress on a',
    'terminal\'s stderr) and reused from there, also with --offline. --dtype int8 quantizes the MatMul',
    'weights on the fly (faster on CPU, close to fp32: same top-1 on the demo sentences); --dtype fp16 needs',
    'a backend with float16 support and is refused with an error naming the backend otherwise.',
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'examples:',
    '  albert fill-mask "Python is a [MASK] language."',
    '  albert fill-mask --model ./albert-base-v2 --top-k 3 --json "Paris is the [MASK] of France."',
    '  albert fill-mask --model albert/albert-base-v2 "Paris is the [MASK] of France."',
    '  albert fill-mask --dtype int8 "Python is a [MASK] language."',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, { flags: FLAGS, minPositionals: 1, maxPositionals: 1, positionalNames: ['<text>'] });
    const text = positionals[0] as string;
    if (flags.topK !== undefined && (!Number.isInteger(flags.topK) || flags.topK < 1)) throw new UsageError(`--top-k must be a positive integer, got ${flags.topK}`, { flag: '--top-k', value: flags.topK });
    const names = (flags.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu').split(',').map((name) => name.trim()).filter((name) => name !== '');
    const backend = await selectBackend(names.map((name) => backendByName(name)));
    // a local directory, or a Hub id (downloaded into the Hugging Face cache)
    const model = await AlbertForMaskedLM.fromPretrained(flags.model ?? defaultModelDirectory(), { backend, ...(flags.dtype === undefined ? {} : { dtype: flags.dtype as AlbertModelDtype }), ...hubOptionsOf(flags, context, { json: flags.json }) });
    try {
      const result = await model.fillMask(text, flags.topK === undefined ? {} : { topK: flags.topK });
      if (flags.json) {
        context.stdout.write(`${JSON.stringify({ text, model: flags.model ?? 'demo-model', backend: backend.name, dtype: flags.dtype ?? 'fp32', ...result }, null, 2)}\n`);
      } else {
        context.stdout.write(formatTable(result));
      }
    } finally {
      await model.dispose();
    }
    return 0;
  },
};
