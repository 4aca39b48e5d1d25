import { checkOptionKeys } from '@albert-ts/config';
import {
  FROM_PRETRAINED_OPTION_KEYS,
  loadAlbertModel,
  pickResolvePretrainedOptions,
  resolvePretrained,
  type AlbertForMaskedLM,
  type AlbertForMultipleChoice,
  type AlbertForPreTraining,
  type AlbertForQuestionAnswering,
  type AlbertForSequenceClassification,
  type AlbertForTokenClassification,
  type AlbertModel,
  type AnyAlbertModel,
  type FromPretrainedOptions,
  type ModelFileSource,
} from '@albert-ts/core';
import { FEATURE_EXTRACTION_OPTION_KEYS, runFeatureExtraction } from './feature-extraction-pipeline.js';
import { FILL_MASK_OPTION_KEYS, runFillMask } from './fill-mask-pipeline.js';
import { MULTIPLE_CHOICE_OPTION_KEYS, runMultipleChoice } from './multiple-choice-pipeline.js';
import { PipelineError } from './pipeline-error.js';
import {
  PIPELINE_TASK_ALIASES,
  PIPELINE_TASK_HEADS,
  PIPELINE_TASKS,
  resolvePipelineTask,
  type PipelineTask,
  type PipelineTaskName,
  type PipelineTaskTypes,
} from './pipeline-tasks.js';
import { loadTokenizer } from '@albert-ts/tokenizer';
import { asPipelineTokenizer, type AnyAlbertTokenizer, type PipelineTokenizer } from './pipeline-tokenizer.js';
import { consoleWarn, type PipelineWarn } from './pipeline-warn.js';
import { QUESTION_ANSWERING_OPTION_KEYS, runQuestionAnswering } from './question-answering-pipeline.js';
import { SENTENCE_ORDER_OPTION_KEYS, runSentenceOrder } from './sentence-order-pipeline.js';
import { TEXT_CLASSIFICATION_OPTION_KEYS, runTextClassification } from './text-classification-pipeline.js';
import { TOKEN_CLASSIFICATION_OPTION_KEYS, runTokenClassification } from './token-classification-pipeline.js';
import {
  ZERO_SHOT_CLASSIFICATION_OPTION_KEYS,
  runZeroShotClassification,
} from './zero-shot-classification-pipeline.js';

/** The call options each task takes (checked: an unknown key is an `OptionsError`). */
export const PIPELINE_TASK_OPTION_KEYS: Readonly<Record<PipelineTask, readonly string[]>> = {
  'fill-mask': FILL_MASK_OPTION_KEYS,
  'text-classification': TEXT_CLASSIFICATION_OPTION_KEYS,
  'token-classification': TOKEN_CLASSIFICATION_OPTION_KEYS,
  'question-answering': QUESTION_ANSWERING_OPTION_KEYS,
  'feature-extraction': FEATURE_EXTRACTION_OPTION_KEYS,
  'zero-shot-classification': ZERO_SHOT_CLASSIFICATION_OPTION_KEYS,
  'multiple-choice': MULTIPLE_CHOICE_OPTION_KEYS,
  'sentence-order': SENTENCE_ORDER_OPTION_KEYS,
};

/** An already loaded model with its tokenizer, for {@link pipeline}. */
export interface LoadedPipelineModel {
  /** The model: the head the task runs (`AlbertForSequenceClassification` for `text-classification`, ...). */
  readonly model: AnyAlbertModel;
  /** Its tokenizer (slow or fast). */
  readonly tokenizer: AnyAlbertTokenizer | PipelineTokenizer;
}

/**
 * Options of {@link pipeline}: how to load the model (those of `fromPretrained`: `backend`, `dtype`,
 * Hub options, ...), the tokenizer, and default call options of the task (`topK`, ...).
 */
export type PipelineOptions<Task extends PipelineTask = PipelineTask> = Partial<FromPretrainedOptions> &
  PipelineTaskTypes[Task]['options'] & {
    /** Use this tokenizer instead of the one in the model's files. */
    readonly tokenizer?: AnyAlbertTokenizer | PipelineTokenizer;
    /** Receives the warnings Python logs (default `console.warn`). */
    readonly warn?: PipelineWarn;
  };

/**
 * A task pipeline: call it with one input (or a batch) and, optionally, call options that override the
 * defaults given to {@link pipeline}. It returns exactly what Python's pipeline returns (field names
 * included).
 */
export interface Pipeline<Task extends PipelineTask> {
  /** Runs one input. */
  (
    input: PipelineTaskTypes[Task]['input'],
    options?: PipelineTaskTypes[Task]['options'],
  ): Promise<PipelineTaskTypes[Task]['output']>;
  /** Runs a batch (length-bucketed); one result per input (a batch of one may return the bare result, as in Python). */
  (
    inputs: readonly PipelineTaskTypes[Task]['input'][],
    options?: PipelineTaskTypes[Task]['options'],
  ): Promise<PipelineTaskTypes[Task]['output'][]>;
  /** The task (aliases resolved). */
  readonly task: Task;
  /** The model. */
  readonly model: AnyAlbertModel;
  /** The tokenizer. */
  readonly tokenizer: PipelineTokenizer;
  /** Frees the model's sessions (only when {@link pipeline} loaded the model). */
  dispose(): Promise<void>;
}

function isPipelineTokenizer(value: AnyAlbertTokenizer | PipelineTokenizer): value is PipelineTokenizer {
  return 'isFast' in value && 'tokenizer' in value && typeof (value as PipelineTokenizer).encode === 'function';
}

/**
 * Runs one task's three steps (preprocess → forward → postprocess) for a loaded model and tokenizer.
 * `pipeline()` calls it; it is exported for callers that manage models themselves.
 */
export async function runPipelineTask<Task extends PipelineTask>(
  task: Task,
  model: AnyAlbertModel,
  tokenizer: PipelineTokenizer,
  inputs: PipelineTaskTypes[Task]['input'] | readonly PipelineTaskTypes[Task]['input'][],
  options: PipelineTaskTypes[Task]['options'] = {},
  warn: PipelineWarn = consoleWarn,
): Promise<PipelineTaskTypes[Task]['output'] | PipelineTaskTypes[Task]['output'][]> {
  const expected = PIPELINE_TASK_HEADS[task];
  if (model.head !== expected) {
    throw new PipelineError(
      'PIPELINE_WRONG_MODEL',
      `${task} runs ${expected}, but the model is ${model.head}; load it with ${expected}.fromPretrained or pass its directory`,
      {
        task,
        field: 'model',
        value: model.head,
        expected,
      },
    );
  }
  type Result = Promise<PipelineTaskTypes[Task]['output'] | PipelineTaskTypes[Task]['output'][]>;
  const taskOptions = options as never;
  switch (task) {
    case 'fill-mask':
      return runFillMask(
        model as AlbertForMaskedLM,
        tokenizer,
        inputs as string | string[],
        taskOptions,
        warn,
      ) as Result;
    case 'text-classification':
      return runTextClassification(
        model as AlbertForSequenceClassification,
        tokenizer,
        inputs as PipelineTaskTypes['text-classification']['input'],
        taskOptions,
      ) as Result;
    case 'token-classification':
      return runTokenClassification(
        model as AlbertForTokenClassification,
        tokenizer,
        inputs as string | string[],
        taskOptions,
        warn,
      ) as Result;
    case 'question-answering':
      return runQuestionAnswering(
        model as AlbertForQuestionAnswering,
        tokenizer,
        inputs as PipelineTaskTypes['question-answering']['input'],
        taskOptions,
      ) as Result;
    case 'feature-extraction':
      return runFeatureExtraction(model as AlbertModel, tokenizer, inputs as string | string[], taskOptions) as Result;
    case 'zero-shot-classification':
      return runZeroShotClassification(
        model as AlbertForSequenceClassification,
        tokenizer,
        inputs as PipelineTaskTypes['zero-shot-classification']['input'],
        taskOptions,
        warn,
      ) as Result;
    case 'multiple-choice':
      return runMultipleChoice(
        model as AlbertForMultipleChoice,
        tokenizer,
        inputs as PipelineTaskTypes['multiple-choice']['input'],
        taskOptions,
      ) as Result;
    default:
      return runSentenceOrder(
        model as AlbertForPreTraining,
        tokenizer,
        inputs as PipelineTaskTypes['sentence-order']['input'],
        taskOptions,
      ) as Result;
  }
}

/**
 * Creates a task pipeline, as Python's `pipeline(task, model)`: the model is a directory, a Hugging
 * Face Hub id, a file source, or an already loaded `{ model, tokenizer }`. Loading takes the options of
 * `fromPretrained` (`backend` is required then, `dtype`, Hub options...); the tokenizer is the model's
 * `tokenizer.json` (fast) or `spiece.model` (slow) unless `tokenizer` is given. Other options are the
 * task's call options (Python's keywords in camelCase), used as defaults of every call.
 * @throws `OptionsError` for an unknown option (naming its right spelling), {@link PipelineError}
 *   `PIPELINE_UNKNOWN_TASK` for an unknown task.
 * @example
 * ```ts
 * import { pipeline } from '@albert-ts/pipelines';
 * import { nodeBackend } from '@albert-ts/backend-node';
 *
 * const classify = await pipeline('sentiment-analysis', './my-albert-sst2', { backend: nodeBackend() });
 * await classify('I loved this library.');            // [{ label: 'positive', score: 0.98 }]
 * await classify('It works.', { topK: null });          // every label, best first
 * ```
 */
export async function pipeline<Name extends PipelineTaskName>(
  taskName: Name,
  model: string | ModelFileSource | LoadedPipelineModel,
  options: PipelineOptions<
    Name extends PipelineTask ? Name : (typeof PIPELINE_TASK_ALIASES)[Name & keyof typeof PIPELINE_TASK_ALIASES]
  > = {} as never,
): Promise<
  Pipeline<Name extends PipelineTask ? Name : (typeof PIPELINE_TASK_ALIASES)[Name & keyof typeof PIPELINE_TASK_ALIASES]>
> {
  type Task = Name extends PipelineTask
    ? Name
    : (typeof PIPELINE_TASK_ALIASES)[Name & keyof typeof PIPELINE_TASK_ALIASES];
  const task = resolvePipelineTask(taskName) as Task | undefined;
  if (task === undefined) {
    const names = [...PIPELINE_TASKS, ...Object.keys(PIPELINE_TASK_ALIASES)];
    throw new PipelineError(
      'PIPELINE_UNKNOWN_TASK',
      `unknown task ${JSON.stringify(taskName)}; tasks: ${names.join(', ')}`,
      { field: 'task', value: taskName, expected: names },
    );
  }
  const taskKeys = PIPELINE_TASK_OPTION_KEYS[task];
  checkOptionKeys(options, [...FROM_PRETRAINED_OPTION_KEYS, ...taskKeys, 'tokenizer', 'warn'], `pipeline('${task}')`);
  const record = options as Record<string, unknown>;
  const callDefaults = Object.fromEntries(taskKeys.filter((key) => key in record).map((key) => [key, record[key]]));
  const loadOptions = Object.fromEntries(
    Object.entries(record).filter(([key]) => (FROM_PRETRAINED_OPTION_KEYS as readonly string[]).includes(key)),
  );
  const warn = (record['warn'] as PipelineWarn | undefined) ?? consoleWarn;
  const givenTokenizer = record['tokenizer'] as AnyAlbertTokenizer | PipelineTokenizer | undefined;

  let loaded: AnyAlbertModel;
  let tokenizer: PipelineTokenizer;
  let owned = false;
  if (typeof model === 'object' && model !== null && 'model' in model && 'tokenizer' in model) {
    loaded = model.model;
    tokenizer = isPipelineTokenizer(model.tokenizer) ? model.tokenizer : asPipelineTokenizer(model.tokenizer);
  } else {
    if (record['backend'] === undefined) {
      throw new PipelineError(
        'PIPELINE_INVALID_OPTION',
        `pipeline('${task}'): loading a model needs a backend (e.g. { backend: nodeBackend() })`,
        { task, field: 'backend' },
      );
    }
    const fromPretrained = loadOptions as unknown as FromPretrainedOptions;
    const source =
      typeof model === 'string'
        ? await (fromPretrained.resolveSource?.(model) ??
            resolvePretrained(model, pickResolvePretrainedOptions({ ...fromPretrained, ...fromPretrained.hub })))
        : model;
    tokenizer =
      givenTokenizer === undefined
        ? asPipelineTokenizer(await loadTokenizer(source))
        : isPipelineTokenizer(givenTokenizer)
          ? givenTokenizer
          : asPipelineTokenizer(givenTokenizer);
    loaded = await loadAlbertModel(PIPELINE_TASK_HEADS[task], source, fromPretrained);
    owned = true;
  }
  if (givenTokenizer !== undefined && !owned)
    tokenizer = isPipelineTokenizer(givenTokenizer) ? givenTokenizer : asPipelineTokenizer(givenTokenizer);

  const run = async (inputs: unknown, callOptions: Record<string, unknown> = {}): Promise<unknown> => {
    checkOptionKeys(callOptions, taskKeys, `pipeline('${task}')`);
    return runPipelineTask(
      task,
      loaded,
      tokenizer,
      inputs as never,
      { ...callDefaults, ...callOptions } as never,
      warn,
    );
  };
  return Object.assign(run, {
    task,
    model: loaded,
    tokenizer,
    dispose: async () => {
      if (owned) await loaded.dispose();
    },
  }) as unknown as Pipeline<Task>;
}
