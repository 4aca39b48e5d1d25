import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  buildAlbertGraphChunks,
  headOfConfig,
  loadPretrainedWeights,
  type AlbertGraphFlavour,
  type AlbertGraphPrecision,
  type AlbertHeadName,
} from '@albert-ts/core';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../usage-error.js';
import { HUB_FLAGS, localDirectoryOf, resolveModelLocation } from './model-location.js';

/** `--task` values and the head each selects. */
export const EXPORT_TASKS: Readonly<Record<string, AlbertHeadName>> = {
  'feature-extraction': 'AlbertModel',
  pretraining: 'AlbertForPreTraining',
  'masked-lm': 'AlbertForMaskedLM',
  'sequence-classification': 'AlbertForSequenceClassification',
  'multiple-choice': 'AlbertForMultipleChoice',
  'token-classification': 'AlbertForTokenClassification',
  'question-answering': 'AlbertForQuestionAnswering',
};

const FLAGS = {
  task: {
    type: 'string',
    description: "which head to export (default: the config's architectures)",
    valueName: 'TASK',
    choices: Object.keys(EXPORT_TASKS),
  },
  out: { type: 'string', short: 'o', description: 'output .onnx file', valueName: 'FILE' },
  withHiddenStates: { type: 'boolean', description: 'add hidden_states.0 … hidden_states.L outputs' },
  withAttentions: { type: 'boolean', description: 'add attentions.N outputs' },
  withHeadMask: { type: 'boolean', description: 'add a head_mask input [num_hidden_layers, heads]' },
  flavour: {
    type: 'string',
    description: 'plain (standard ONNX opset 17, default) or fused (onnxruntime com.microsoft ops)',
    valueName: 'NAME',
    choices: ['plain', 'fused'],
  },
  dtype: {
    type: 'string',
    description:
      'precision of the written graph: fp32 (default), int8 (com.microsoft DynamicQuantizeMatMul; onnxruntime CPU/WASM) or fp16 (float16 weights and compute, float32 inputs/outputs; GPU runtimes)',
    valueName: 'TYPE',
    choices: ['fp32', 'int8', 'fp16'],
  },
  ...HUB_FLAGS,
} as const;

/** `--dtype` values and the graph precision each selects. */
const EXPORT_PRECISIONS: Readonly<Record<string, AlbertGraphPrecision>> = {
  fp32: 'float32',
  int8: 'int8',
  fp16: 'float16',
};

/** `albert export DIR --task masked-lm --out model.onnx`: writes the ONNX graph, each shared weight once. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write a model directory or Hub id as an ONNX file (shared layer weights stored once)',
  usage:
    'export DIR|ID --out model.onnx [--task masked-lm|...] [--with-hidden-states] [--with-attentions] [--dtype fp32|int8|fp16] [--revision REV] [--offline]',
  help: [
    "Builds the ONNX graph albert-ts runs (opset 17, standard operators) from DIR's config.json and",
    'weights and writes it. Inputs: input_ids, attention_mask, token_type_ids (int64 [batch, sequence];',
    '[batch, choices, sequence] for multiple-choice) and position_ids for absolute position embeddings;',
    'all are required (albert-ts feeds the HF defaults). Prints a JSON summary. DIR may also be a Hugging',
    'Face Hub id (downloaded into the Python-compatible cache). --dtype int8 writes dynamically quantized',
    'MatMuls (com.microsoft DynamicQuantizeMatMul, onnxruntime CPU/WASM); --dtype fp16 float16 weights and',
    'compute with float32 inputs and outputs (GPU runtimes).',
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'example:',
    '  albert export apps/cli/demo-model --task masked-lm --out demo.onnx',
    '  albert export albert/albert-base-v2 --task masked-lm --out albert-base-v2.onnx',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, {
      flags: FLAGS,
      minPositionals: 1,
      maxPositionals: 1,
      positionalNames: ['DIR'],
    });
    if (flags.out === undefined) throw new UsageError('missing --out FILE', { flag: '--out' });
    const source = await resolveModelLocation(positionals[0] as string, flags, context);
    const directory = localDirectoryOf(source);
    const task = flags.task;
    const { config, weights, files } = await loadPretrainedWeights(
      source,
      task === undefined ? undefined : EXPORT_TASKS[task],
    );
    const head = task === undefined ? headOfConfig(config) : (EXPORT_TASKS[task] as AlbertHeadName);
    const graph = buildAlbertGraphChunks(config, weights, {
      head,
      outputHiddenStates: flags.withHiddenStates,
      outputAttentions: flags.withAttentions,
      headMask: flags.withHeadMask,
      flavour: (flags.flavour ?? 'plain') as AlbertGraphFlavour,
      precision: EXPORT_PRECISIONS[flags.dtype ?? 'fp32'] ?? 'float32',
    });
    const out = resolve(context.cwd, flags.out);
    const handle = await open(out, 'w');
    let bytes = 0;
    try {
      for (const chunk of graph.chunks) {
        await handle.write(chunk);
        bytes += chunk.byteLength;
      }
    } finally {
      await handle.close();
    }
    let checkpointBytes = 0;
    for (const file of files) {
      if (file === 'config.json') continue;
      checkpointBytes +=
        directory === null ? (await source.read(file)).byteLength : (await stat(join(directory, file))).size;
    }
    context.stdout.write(
      `${JSON.stringify({ out, head, bytes, checkpointBytes, ratio: checkpointBytes === 0 ? null : bytes / checkpointBytes, dtype: flags.dtype ?? 'fp32', inputs: graph.inputNames, outputs: graph.outputNames }, null, 2)}\n`,
    );
    return 0;
  },
};
