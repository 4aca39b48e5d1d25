import type { AlbertHeadName } from '@albert-ts/core';
import type { FeatureExtractionOutput, FeatureExtractionPipelineOptions } from './feature-extraction-pipeline.js';
import type { FillMaskOutput, FillMaskPipelineOptions } from './fill-mask-pipeline.js';
import type {
  MultipleChoiceInput,
  MultipleChoiceOutput,
  MultipleChoicePipelineOptions,
} from './multiple-choice-pipeline.js';
import type {
  QuestionAnsweringInput,
  QuestionAnsweringOutput,
  QuestionAnsweringPipelineOptions,
} from './question-answering-pipeline.js';
import type {
  SentenceOrderInput,
  SentenceOrderOutput,
  SentenceOrderPipelineOptions,
} from './sentence-order-pipeline.js';
import type {
  TextClassificationInput,
  TextClassificationOutput,
  TextClassificationPipelineOptions,
} from './text-classification-pipeline.js';
import type { TokenClassificationOutput, TokenClassificationPipelineOptions } from './token-classification-pipeline.js';
import type {
  ZeroShotClassificationInput,
  ZeroShotClassificationOutput,
  ZeroShotClassificationPipelineOptions,
} from './zero-shot-classification-pipeline.js';

/** Each task's input, options and output (for one input). */
export interface PipelineTaskTypes {
  /** Predict `[MASK]` tokens. */
  'fill-mask': {
    /** One input. */
    input: string;
    /** Call options. */
    options: FillMaskPipelineOptions;
    /** The result for one input. */
    output: FillMaskOutput;
  };
  /** Label a text or a text pair. */
  'text-classification': {
    /** One input. */
    input: TextClassificationInput;
    /** Call options. */
    options: TextClassificationPipelineOptions;
    /** The result for one input. */
    output: TextClassificationOutput;
  };
  /** Label every token, or group them into entities. */
  'token-classification': {
    /** One input. */
    input: string;
    /** Call options. */
    options: TokenClassificationPipelineOptions;
    /** The result for one input. */
    output: TokenClassificationOutput;
  };
  /** Extract the answer to a question from a context. */
  'question-answering': {
    /** One input. */
    input: QuestionAnsweringInput;
    /** Call options. */
    options: QuestionAnsweringPipelineOptions;
    /** The result for one input. */
    output: QuestionAnsweringOutput;
  };
  /** The encoder's hidden states (embeddings). */
  'feature-extraction': {
    /** One input. */
    input: string;
    /** Call options. */
    options: FeatureExtractionPipelineOptions;
    /** The result for one input. */
    output: FeatureExtractionOutput;
  };
  /** Classify into labels chosen at call time, with an NLI model. */
  'zero-shot-classification': {
    /** One input. */
    input: ZeroShotClassificationInput;
    /** Call options. */
    options: ZeroShotClassificationPipelineOptions;
    /** The result for one input. */
    output: ZeroShotClassificationOutput;
  };
  /** Rank the choices that may follow a prompt (`AlbertForMultipleChoice`). */
  'multiple-choice': {
    /** One input. */
    input: MultipleChoiceInput;
    /** Call options. */
    options: MultipleChoicePipelineOptions;
    /** The result for one input. */
    output: MultipleChoiceOutput;
  };
  /** Whether two segments are in order or swapped (`AlbertForPreTraining`'s SOP head). */
  'sentence-order': {
    /** One input. */
    input: SentenceOrderInput;
    /** Call options. */
    options: SentenceOrderPipelineOptions;
    /** The result for one input. */
    output: SentenceOrderOutput;
  };
}

/** A task name (Hugging Face's). */
export type PipelineTask = keyof PipelineTaskTypes;

/** Other names of tasks, as in Python (`sentiment-analysis`, `ner`). */
export const PIPELINE_TASK_ALIASES = {
  /** Alias of `text-classification`. */
  'sentiment-analysis': 'text-classification',
  /** Alias of `token-classification`. */
  ner: 'token-classification',
} as const;

/** A task name or an alias. */
export type PipelineTaskName = PipelineTask | keyof typeof PIPELINE_TASK_ALIASES;

/** The model class (head) each task runs. */
export const PIPELINE_TASK_HEADS: Readonly<Record<PipelineTask, AlbertHeadName>> = {
  'fill-mask': 'AlbertForMaskedLM',
  'text-classification': 'AlbertForSequenceClassification',
  'token-classification': 'AlbertForTokenClassification',
  'question-answering': 'AlbertForQuestionAnswering',
  'feature-extraction': 'AlbertModel',
  'zero-shot-classification': 'AlbertForSequenceClassification',
  'multiple-choice': 'AlbertForMultipleChoice',
  'sentence-order': 'AlbertForPreTraining',
};

/** Every task, in the order of the docs. */
export const PIPELINE_TASKS = Object.keys(PIPELINE_TASK_HEADS) as PipelineTask[];

/** The task an alias stands for (a task name is returned as is); `undefined` for an unknown name. */
export function resolvePipelineTask(name: string): PipelineTask | undefined {
  if ((PIPELINE_TASKS as readonly string[]).includes(name)) return name as PipelineTask;
  return (PIPELINE_TASK_ALIASES as Record<string, PipelineTask>)[name];
}
