import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { AlbertError } from '@albert-ts/config';
import { selectBackend, type AlbertModelDtype } from '@albert-ts/core';
import { loadTokenizer } from '@albert-ts/tokenizer';
import { pipeline, type PipelineTask, type PipelineTaskTypes } from '@albert-ts/pipelines';
import { backendByName } from '../backend-by-name.js';
import { formatFlagHelp, parseArguments, type FlagSpec, type ParsedArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import type { CliContext } from '../cli-context.js';
import { defaultModelDirectory } from '../default-model.js';
import { ProgressBar } from '../progress-bar.js';
import { UsageError } from '../usage-error.js';
import { HUB_FLAGS, hubOptionsOf } from './model-location.js';

/** A line of an `--input` file that is not JSON: `CLI_INPUT_INVALID`, naming the file and line. */
export class InputFileError extends AlbertError {
  /** Always `CLI_INPUT_INVALID`. */
  declare readonly code: 'CLI_INPUT_INVALID';

  /**
   * @param message - the file, the line and what is wrong.
   * @param details - `file`, `line`.
   */
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CLI_INPUT_INVALID', message, details);
  }
}

/** The flags every task command has. */
export const TASK_FLAGS = {
  model: { type: 'string', short: 'm', description: 'model directory or Hugging Face Hub id', valueName: 'DIR|ID' },
  tokenizer: {
    type: 'string',
    description: "directory of the tokenizer files (default: the model's tokenizer.json, else spiece.model)",
    valueName: 'DIR',
  },
  backend: {
    type: 'string',
    short: 'b',
    description:
      'comma-separated backends (node-cpu, node-webgpu, node-cuda, node-wasm), first available wins (default node-cpu)',
    valueName: 'NAMES',
  },
  dtype: {
    type: 'string',
    description: 'precision: fp32 (default, exact), int8 (node-cpu, node-wasm) or fp16 (node-cuda, node-webgpu)',
    valueName: 'TYPE',
    choices: ['fp32', 'int8', 'fp16'],
  },
  input: {
    type: 'string',
    short: 'i',
    description: 'read the inputs from a JSON Lines file, one input per line (- for standard input)',
    valueName: 'FILE',
  },
  json: {
    type: 'boolean',
    description: 'print JSON Lines (one result per input, exactly what Python pipeline() returns) instead of text',
  },
  batchSize: {
    type: 'number',
    description: 'inputs run together from a file (default 32); results are printed batch by batch',
    valueName: 'N',
  },
  ...HUB_FLAGS,
} as const;

type TaskFlags = typeof TASK_FLAGS;

/** What one task command adds to the shared machinery. */
export interface TaskCommandSpec<Task extends PipelineTask, Flags extends Readonly<Record<string, FlagSpec>>> {
  /** Command name (`classify`). */
  readonly name: string;
  /** The pipeline task. */
  readonly task: Task;
  /** One line for `albert --help`. */
  readonly summary: string;
  /** Synopsis without `albert ` (the shared flags are appended). */
  readonly usage: string;
  /** Paragraph before the options in `albert help <name>`. */
  readonly description: readonly string[];
  /** Examples for the help. */
  readonly examples: readonly string[];
  /** The task's own flags. */
  readonly flags: Flags;
  /** Whether `--model` may be left out (the embedded demo model is used). */
  readonly demoModel?: boolean;
  /** The pipeline options from the parsed flags. */
  options(flags: ParsedArguments<Flags & TaskFlags>['flags']): PipelineTaskTypes[Task]['options'];
  /** The inputs given as arguments (none: read `--input`). */
  inputsFromArguments(
    positionals: readonly string[],
    flags: ParsedArguments<Flags & TaskFlags>['flags'],
  ): PipelineTaskTypes[Task]['input'][];
  /** One input from a JSON Lines value (a string or the task's object), completed from the flags. */
  inputFromJson(value: unknown, flags: ParsedArguments<Flags & TaskFlags>['flags']): PipelineTaskTypes[Task]['input'];
  /** A result as readable text (ends with a newline). */
  format(result: PipelineTaskTypes[Task]['output'], input: PipelineTaskTypes[Task]['input']): string;
}

/** `0.123456` → `0.1235`. */
export function formatScore(score: number): string {
  return score.toFixed(4);
}

/** Reads the non-empty lines of a JSON Lines file (or standard input) in batches, with the bytes read so far. */
async function* jsonLineBatches(
  file: string,
  context: CliContext,
  batchSize: number,
): AsyncGenerator<{ values: unknown[]; bytes: number }> {
  const parse = (line: string, number: number, name: string): unknown => {
    try {
      return JSON.parse(line);
    } catch (cause) {
      throw new InputFileError(
        `${name} line ${number}: not JSON (${(cause as Error).message}); each line holds one input, e.g. "a text" or {"text": "..."}`,
        { file: name, line: number },
      );
    }
  };
  if (file === '-') {
    const lines = (await context.readStdin()).split(/\r?\n/);
    let batch: unknown[] = [];
    let bytes = 0;
    for (const [index, line] of lines.entries()) {
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      batch.push(parse(line, index + 1, 'standard input'));
      if (batch.length >= batchSize) {
        yield { values: batch, bytes };
        batch = [];
      }
    }
    if (batch.length > 0) yield { values: batch, bytes };
    return;
  }
  const path = resolve(context.cwd, file);
  const stream = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let batch: unknown[] = [];
  let number = 0;
  try {
    for await (const line of reader) {
      number += 1;
      if (line.trim() === '') continue;
      batch.push(parse(line, number, file));
      if (batch.length >= batchSize) {
        yield { values: batch, bytes: stream.bytesRead };
        batch = [];
      }
    }
    if (batch.length > 0) yield { values: batch, bytes: stream.bytesRead };
  } finally {
    reader.close();
    stream.destroy();
  }
}

/**
 * Builds a task command (`albert classify`, `albert ner`, ...): model loading (`--model`, `--backend`,
 * `--dtype`, Hub flags, `--tokenizer`), inputs from arguments or `--input FILE|-` (JSON Lines), results
 * as text or `--json` (JSON Lines, streamed batch by batch), a progress bar on a terminal's stderr for files.
 */
export function taskCommand<Task extends PipelineTask, const Flags extends Readonly<Record<string, FlagSpec>>>(
  spec: TaskCommandSpec<Task, Flags>,
): CliCommand {
  const flagSpecs = { ...spec.flags, ...TASK_FLAGS } as Flags & TaskFlags;
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `${spec.usage} [--model DIR|ID] [--backend NAMES] [--dtype TYPE] [--input FILE|-] [--json]`,
    help: [
      ...spec.description,
      '',
      'options:',
      formatFlagHelp(flagSpecs),
      '',
      'examples:',
      ...spec.examples.map((example) => `  ${example}`),
    ].join('\n'),
    async run(argv, context) {
      const { flags, positionals } = parseArguments(argv, { flags: flagSpecs, positionalNames: ['<text>'] });
      const values = flags as unknown as ParsedArguments<TaskFlags>['flags'];
      if (values.batchSize !== undefined && (!Number.isInteger(values.batchSize) || values.batchSize < 1)) {
        throw new UsageError(`--batch-size must be a positive integer, got ${values.batchSize}`, {
          flag: '--batch-size',
          value: values.batchSize,
        });
      }
      if (values.input !== undefined && positionals.length > 0)
        throw new UsageError('give the inputs as arguments or with --input, not both', { flag: '--input' });
      const argumentInputs = values.input === undefined ? spec.inputsFromArguments(positionals, flags) : [];
      if (values.input === undefined && argumentInputs.length === 0)
        throw new UsageError(
          `no input: give ${spec.usage.split(' ').slice(1).join(' ')} or --input FILE (JSON Lines; - for standard input)`,
          {},
        );
      if (values.model === undefined && spec.demoModel !== true)
        throw new UsageError(`${spec.name} needs --model DIR|ID (a model with the ${spec.task} head)`, {
          flag: '--model',
        });
      const options = spec.options(flags);
      const names = (values.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const backend = await selectBackend(names.map((name) => backendByName(name)));
      const tokenizer =
        values.tokenizer === undefined
          ? {}
          : { tokenizer: await loadTokenizer(resolve(context.cwd, values.tokenizer)) };
      const warn = (message: string): void => void context.stderr.write(`warning: ${message}\n`);
      const run = await pipeline(spec.task, values.model ?? defaultModelDirectory(), {
        backend,
        ...(values.dtype === undefined ? {} : { dtype: values.dtype as AlbertModelDtype }),
        ...hubOptionsOf(values, context, { json: values.json }),
        onWarning: warn,
        warn,
        ...tokenizer,
      } as never);
      const print = (
        inputs: readonly PipelineTaskTypes[Task]['input'][],
        results: readonly PipelineTaskTypes[Task]['output'][],
      ): void => {
        results.forEach((result, index) => {
          context.stdout.write(
            values.json
              ? `${JSON.stringify(result)}\n`
              : spec.format(result, inputs[index] as PipelineTaskTypes[Task]['input']),
          );
        });
      };
      const runBatch = async (
        inputs: PipelineTaskTypes[Task]['input'][],
      ): Promise<PipelineTaskTypes[Task]['output'][]> => {
        // one call per input keeps Python's per-input shapes (a batch of one collapses in some tasks)
        const results: PipelineTaskTypes[Task]['output'][] = [];
        if (inputs.length === 1)
          return [
            (await (run as (input: unknown, options: unknown) => Promise<unknown>)(
              inputs[0],
              options,
            )) as PipelineTaskTypes[Task]['output'],
          ];
        const batch = (await (run as (input: unknown, options: unknown) => Promise<unknown>)(
          inputs,
          options,
        )) as PipelineTaskTypes[Task]['output'][];
        results.push(...batch);
        return results;
      };
      try {
        if (values.input === undefined) {
          print(argumentInputs, await runBatch(argumentInputs));
          return 0;
        }
        const total = values.input === '-' ? null : (await stat(resolve(context.cwd, values.input))).size;
        const bar = new ProgressBar({
          stream: context.stderr,
          json: values.json,
          label: values.input === '-' ? 'stdin' : values.input,
        });
        let count = 0;
        for await (const batch of jsonLineBatches(values.input, context, values.batchSize ?? 32)) {
          if (context.signal?.aborted === true) throw new UsageError('interrupted', {});
          const inputs = batch.values.map((value) => spec.inputFromJson(value, flags));
          print(inputs, await runBatch(inputs));
          count += inputs.length;
          bar.update(batch.bytes, total);
        }
        bar.finish(`${count} input${count === 1 ? '' : 's'}`);
        if (count === 0)
          throw new UsageError(`${values.input === '-' ? 'standard input' : values.input} holds no input lines`, {
            flag: '--input',
          });
      } finally {
        await run.dispose();
      }
      return 0;
    },
  };
}

/** A JSON Lines value that must be a string (a text). */
export function textFromJson(value: unknown, command: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['text'] === 'string')
    return (value as Record<string, string>)['text'] as string;
  throw new InputFileError(
    `${command}: an input line must be a JSON string or {"text": "..."}, got ${JSON.stringify(value)?.slice(0, 60)}`,
    {},
  );
}
