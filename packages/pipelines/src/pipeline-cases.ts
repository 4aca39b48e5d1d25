import { camelCaseOptionName } from '@albert-ts/config';
import {
  loadAlbertModel,
  type AlbertGraphFlavour,
  type AlbertModelDtype,
  type AnyAlbertModel,
  type Backend,
  type ModelFileSource,
} from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import { runPipelineTask } from './pipeline.js';
import { PIPELINE_TASK_HEADS, resolvePipelineTask, type PipelineTask } from './pipeline-tasks.js';
import { AlbertTokenizer, loadTokenizer } from '@albert-ts/tokenizer';
import { asPipelineTokenizer, type PipelineTokenizer } from './pipeline-tokenizer.js';

/** One case of a pipeline case file (the format of `fixtures/pipelines/cases.json`). */
export interface PipelineCase {
  /** Unique name. */
  readonly id: string;
  /** HF task name. */
  readonly task: string;
  /** Model directory name (next to the case file), or `demo`. */
  readonly model: string;
  /** `slow` (`spiece.model`) or `fast` (`tokenizer.json`). */
  readonly tokenizer: 'slow' | 'fast';
  /** What was passed to the Python pipeline. */
  readonly inputs: unknown;
  /** Python keyword arguments (snake_case). */
  readonly options: Readonly<Record<string, unknown>>;
  /** What the Python pipeline returned. */
  readonly expected: unknown;
}

/** A case file: `{ format_version: 1, transformers_version, torch_version, cases }`. */
export interface PipelineCases {
  /** 1. */
  readonly format_version: number;
  /** The transformers version that produced it. */
  readonly transformers_version?: string;
  /** The torch version that produced it. */
  readonly torch_version?: string;
  /** The cases. */
  readonly cases: readonly PipelineCase[];
}

/**
 * Parses and checks a case file.
 * @throws {@link PipelineError} `PIPELINE_INVALID_INPUT` naming the file and the bad case or field.
 */
export function parsePipelineCases(text: string, file = 'cases.json'): PipelineCases {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PipelineError('PIPELINE_INVALID_INPUT', `${file}: not valid JSON (${(cause as Error).message})`, {
      field: 'cases',
      value: file,
    });
  }
  const record = value as Record<string, unknown>;
  if (
    typeof value !== 'object' ||
    value === null ||
    record['format_version'] !== 1 ||
    !Array.isArray(record['cases'])
  ) {
    throw new PipelineError('PIPELINE_INVALID_INPUT', `${file}: expected { format_version: 1, cases: [...] }`, {
      field: 'cases',
      value: file,
    });
  }
  (record['cases'] as unknown[]).forEach((entry, index) => {
    const item = entry as Record<string, unknown>;
    const bad = (field: string): never => {
      throw new PipelineError(
        'PIPELINE_INVALID_INPUT',
        `${file}: case ${index} (${String(item?.['id'])}) has no valid ${field}`,
        { field, index, value: file },
      );
    };
    if (typeof entry !== 'object' || entry === null) bad('object');
    if (typeof item['id'] !== 'string') bad('id');
    if (typeof item['task'] !== 'string' || resolvePipelineTask(item['task']) === undefined) bad('task');
    if (typeof item['model'] !== 'string' || !/^[A-Za-z0-9._-]+$/.test(item['model']) || item['model'].startsWith('.'))
      bad('model');
    if (item['tokenizer'] !== 'slow' && item['tokenizer'] !== 'fast') bad('tokenizer');
    if (typeof item['options'] !== 'object' || item['options'] === null || Array.isArray(item['options']))
      bad('options');
    if (!('expected' in item)) bad('expected');
  });
  return value as PipelineCases;
}

/** Python keyword arguments → the pipeline's camelCase options (`top_k` → `topK`; values as they are). */
export function pipelineOptionsFromPython(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([key, value]) => [camelCaseOptionName(key), value]));
}

const SCORE_KEYS = new Set(['score', 'scores']);

/**
 * Compares a pipeline result with the expected JSON: numbers under `score`/`scores` and numbers in
 * bare nested arrays (feature vectors) within `tolerance`, everything else (labels, order, words,
 * offsets, token ids, texts, field names) identical.
 * @returns one line per difference, with its JSON path (`$[0].score`); empty when they match.
 */
export function comparePipelineOutput(
  expected: unknown,
  actual: unknown,
  tolerance = 1e-4,
  path = '$',
  scored = false,
): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: expected ${expected}, got ${JSON.stringify(actual)}`];
    const difference = Math.abs(expected - actual);
    if (scored ? !(difference <= tolerance) : expected !== actual)
      return [
        `${path}: expected ${expected}, got ${actual}${scored ? ` (|diff| ${difference.toExponential(2)} > ${tolerance})` : ''}`,
      ];
    return [];
  }
  if (expected === null || typeof expected !== 'object') {
    return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual))
      return [`${path}: expected an array of ${expected.length}, got ${JSON.stringify(actual)?.slice(0, 80)}`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}`];
    // a bare array of numbers outside any key is a feature vector: compared within the tolerance
    const vector = !scored && path !== '$' && expected.every((item) => typeof item === 'number') && /\]$/.test(path);
    return expected.flatMap((item, index) =>
      comparePipelineOutput(item, actual[index], tolerance, `${path}[${index}]`, scored || vector),
    );
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
    return [`${path}: expected an object, got ${JSON.stringify(actual)?.slice(0, 80)}`];
  const expectedKeys = Object.keys(expected);
  const actualKeys = Object.keys(actual);
  const differences: string[] = [];
  for (const key of actualKeys) if (!expectedKeys.includes(key)) differences.push(`${path}.${key}: unexpected field`);
  for (const key of expectedKeys) {
    if (!actualKeys.includes(key)) differences.push(`${path}.${key}: missing field`);
    else
      differences.push(
        ...comparePipelineOutput(
          (expected as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          tolerance,
          `${path}.${key}`,
          SCORE_KEYS.has(key),
        ),
      );
  }
  return differences;
}

/** Where {@link runPipelineCases} finds models and how it runs them. */
export interface PipelineCaseEnvironment {
  /** The backend (or candidates, the first available one is used). */
  readonly backend: Backend | readonly Backend[];
  /**
   * The files of a directory named by the case file: a model (`masked-lm`, ..., `demo`) or `tokenizer`.
   * The CLI resolves them next to the case file (`demo` is its embedded demo model).
   */
  source(name: string): ModelFileSource | Promise<ModelFileSource>;
  /** Graph precision (default fp32). */
  readonly dtype?: AlbertModelDtype;
  /** Graph flavour (default auto). */
  readonly flavour?: AlbertGraphFlavour | 'auto';
  /** Score tolerance (default 1e-4). */
  readonly tolerance?: number;
  /** Only these case ids (default all). */
  readonly only?: readonly string[];
  /** Called after each case (e.g. to print progress). */
  readonly onCase?: (result: PipelineCaseResult, index: number, total: number) => void;
}

/** The outcome of one case. */
export interface PipelineCaseResult {
  /** Case id. */
  readonly id: string;
  /** Task. */
  readonly task: string;
  /** Whether the result matched. */
  readonly passed: boolean;
  /** The differences (JSON paths), or the error. */
  readonly differences: readonly string[];
  /** What the pipeline returned (absent when it threw). */
  readonly actual?: unknown;
}

/** Totals and per-case results of {@link runPipelineCases}. */
export interface PipelineCasesReport {
  /** Cases run. */
  readonly total: number;
  /** Cases that matched. */
  readonly passed: number;
  /** Cases that did not (or threw). */
  readonly failed: number;
  /** Every case's result, in file order. */
  readonly results: readonly PipelineCaseResult[];
}

/**
 * Runs pipeline cases (the `fixtures/pipelines/cases.json` format) and compares each result with the
 * Python pipeline's output: scores within the tolerance, everything else identical. Models are loaded
 * once per (directory, head) and disposed at the end. Used by the parity suite on every backend and by
 * `albert verify-pipelines`. Browser-safe (file access is the environment's `source`).
 * @example
 * ```ts
 * const report = await runPipelineCases(parsePipelineCases(text), { backend: nodeBackend(), source: (name) => directorySource(`fixtures/pipelines/${name}`) });
 * console.log(report.total, report.passed, report.failed);
 * ```
 */
export async function runPipelineCases(
  cases: PipelineCases | readonly PipelineCase[],
  environment: PipelineCaseEnvironment,
): Promise<PipelineCasesReport> {
  const all = Array.isArray(cases) ? (cases as readonly PipelineCase[]) : (cases as PipelineCases).cases;
  const selected = environment.only === undefined ? all : all.filter((item) => environment.only?.includes(item.id));
  const models = new Map<string, Promise<AnyAlbertModel>>();
  const tokenizers = new Map<string, Promise<PipelineTokenizer>>();
  const results: PipelineCaseResult[] = [];
  try {
    for (const [index, item] of selected.entries()) {
      const task = resolvePipelineTask(item.task) as PipelineTask;
      let result: PipelineCaseResult;
      try {
        const head = PIPELINE_TASK_HEADS[task];
        const modelKey = `${item.model}/${head}`;
        let model = models.get(modelKey);
        if (model === undefined) {
          model = Promise.resolve(environment.source(item.model)).then((source) =>
            loadAlbertModel(head, source, {
              backend: environment.backend,
              ...(environment.dtype === undefined ? {} : { dtype: environment.dtype }),
              ...(environment.flavour === undefined ? {} : { flavour: environment.flavour }),
              initializeMissingHead: false,
            }),
          );
          models.set(modelKey, model);
        }
        // the demo model's slow tokenizer is its own spiece.model; every other model uses tokenizer/
        const tokenizerDirectory = item.model === 'demo' && item.tokenizer === 'slow' ? 'demo' : 'tokenizer';
        const tokenizerKey = `${tokenizerDirectory}/${item.tokenizer}`;
        let tokenizer = tokenizers.get(tokenizerKey);
        if (tokenizer === undefined) {
          tokenizer = Promise.resolve(environment.source(tokenizerDirectory)).then(async (source) =>
            asPipelineTokenizer(
              item.tokenizer === 'slow' ? await AlbertTokenizer.fromFiles(source) : await loadTokenizer(source),
            ),
          );
          tokenizers.set(tokenizerKey, tokenizer);
        }
        const actual = await runPipelineTask(
          task,
          await model,
          await tokenizer,
          item.inputs as never,
          pipelineOptionsFromPython(item.options) as never,
          () => {},
        );
        const normalized: unknown = JSON.parse(JSON.stringify(actual));
        const differences = comparePipelineOutput(item.expected, normalized, environment.tolerance ?? 1e-4);
        result = { id: item.id, task: item.task, passed: differences.length === 0, differences, actual: normalized };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const message =
          error instanceof Error ? `${typeof code === 'string' ? `[${code}] ` : ''}${error.message}` : String(error);
        result = { id: item.id, task: item.task, passed: false, differences: [`threw: ${message}`] };
      }
      results.push(result);
      environment.onCase?.(result, index, selected.length);
    }
  } finally {
    for (const pending of models.values()) {
      try {
        await (await pending).dispose();
      } catch {
        // a model that failed to load has nothing to free
      }
    }
  }
  const passed = results.filter((result) => result.passed).length;
  return { total: results.length, passed, failed: results.length - passed, results };
}
