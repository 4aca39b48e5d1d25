import { checkOptionKeys, type AlbertConfig } from '@albert-ts/config';
import { TokenizerError } from '@albert-ts/tokenizer';
import type { LengthBucketOptions, SequenceEncoding, Tensor } from '@albert-ts/core';
import { PipelineError } from './pipeline-error.js';
import type { PipelineEncoding, PipelineTokenizer } from './pipeline-tokenizer.js';
import { argmax, rowOf, softmax } from './scores.js';
import { batchOf, checkChoiceOption, checkIntegerOption, checkText } from './task-inputs.js';
import type { PipelineWarn } from './pipeline-warn.js';

const TASK = 'token-classification';

/** How tokens are grouped into entities (Python's `aggregation_strategy`). */
export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';

/** Every {@link AggregationStrategy}. */
export const AGGREGATION_STRATEGIES: readonly AggregationStrategy[] = ['none', 'simple', 'first', 'average', 'max'];

/** Options of the token-classification pipeline. */
export interface TokenClassificationPipelineOptions extends LengthBucketOptions {
  /** `none` (default: one result per token), `simple`, `first`, `average`, `max` (the last three need the fast tokenizer). */
  readonly aggregationStrategy?: AggregationStrategy;
  /** Labels (or entity groups) left out of the results (default `['O']`). */
  readonly ignoreLabels?: readonly string[];
  /**
   * Run on the whole of a text longer than `modelMaxLength`: windows of `modelMaxLength` tokens that
   * overlap by `stride` tokens (Python's `stride`), each classified, their entities merged where they
   * overlap (the longer one, else the higher score, wins). Needs the fast tokenizer and an
   * `aggregationStrategy` other than `none`.
   */
  readonly stride?: number;
}

/** The keys of {@link TokenClassificationPipelineOptions}. */
export const TOKEN_CLASSIFICATION_OPTION_KEYS = [
  'aggregationStrategy',
  'ignoreLabels',
  'stride',
  'tokenBudget',
  'maxBatchSize',
] as const;

/** One token (`aggregationStrategy: 'none'`): Python's `{entity, score, index, word, start, end}`. */
export interface TokenClassificationToken {
  /** The token's label. */
  readonly entity: string;
  /** Its probability. */
  readonly score: number;
  /** The token's position in the encoding (`[CLS]` is 0). */
  readonly index: number;
  /** The token (`▁paris`). */
  readonly word: string;
  /** Start in the text (code points); `null` with the slow tokenizer, which has no offsets. */
  readonly start: number | null;
  /** End in the text (code points); `null` with the slow tokenizer. */
  readonly end: number | null;
}

/** One entity (the other strategies): Python's `{entity_group, score, word, start, end}`. */
export interface TokenClassificationEntity {
  /** The label without its `B-`/`I-` prefix. */
  readonly entity_group: string;
  /** The mean score of its tokens or words. */
  readonly score: number;
  /** The entity's tokens decoded. */
  readonly word: string;
  /** Start in the text (code points), `null` without offsets. */
  readonly start: number | null;
  /** End in the text (code points), `null` without offsets. */
  readonly end: number | null;
}

/** The result for one text. */
export type TokenClassificationOutput = TokenClassificationToken[] | TokenClassificationEntity[];

/** A token classifier as the pipeline uses it (`AlbertForTokenClassification`). */
export interface TokenClassificationPipelineModel {
  /** The model's config (`id2label`). */
  readonly config: AlbertConfig;
  /** Runs encodings in length buckets; `logits` `[1, length, num_labels]` each. */
  forwardMany(
    encodings: readonly SequenceEncoding[],
    options?: LengthBucketOptions,
  ): Promise<
    {
      /** `[1, length, num_labels]`. */
      logits: Tensor<'float32'>;
    }[]
  >;
}

/** A token before aggregation (Python's pre-entity). */
export interface PreEntity {
  /** The token, or the text it covers for the unknown token. */
  readonly word: string;
  /** Probabilities over the labels. */
  readonly scores: number[];
  /** Start offset, `null` without offsets. */
  readonly start: number | null;
  /** End offset, `null` without offsets. */
  readonly end: number | null;
  /** Position in the encoding. */
  readonly index: number;
  /** Whether the token continues the previous word (the fallback heuristic for tokenizers without word prefixes). */
  readonly isSubword: boolean;
}

interface WordEntity {
  readonly entity: string;
  readonly score: number;
  readonly word: string;
  readonly start: number | null;
  readonly end: number | null;
}

/** A preprocessed text. */
export interface TokenClassificationModelInputs {
  /** The text. */
  readonly text: string;
  /** Its encoding: one, or with `stride` every window (offsets into the whole text). */
  readonly encodings: readonly PipelineEncoding[];
}

/**
 * Preprocess: encodes the text, truncated to the tokenizer's `modelMaxLength` as Python does, or with
 * `stride` cut into overlapping windows of that length (the tokenizer's overflowing tokens).
 * @throws {@link PipelineError} for an empty or non-string text; `PIPELINE_INVALID_OPTION` when
 *   `stride` does not fit in a window beside the special tokens.
 */
export function preprocessTokenClassification(
  tokenizer: PipelineTokenizer,
  text: unknown,
  index?: number,
  stride?: number,
): TokenClassificationModelInputs {
  const checked = checkText(TASK, 'text', text, index);
  if (stride === undefined)
    return {
      text: checked,
      encodings: [tokenizer.encode(checked, { truncation: 'longest_first', maxLength: tokenizer.modelMaxLength })],
    };
  try {
    return {
      text: checked,
      encodings: tokenizer.encodeWindows(checked, {
        truncation: 'longest_first',
        maxLength: tokenizer.modelMaxLength,
        stride,
      }),
    };
  } catch (error) {
    if (!(error instanceof TokenizerError) || error.code !== 'TOKENIZER_INVALID_OPTION') throw error;
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${TASK}: stride ${stride} must be smaller than the tokens a window of modelMaxLength ${tokenizer.modelMaxLength} holds beside the special tokens`,
      {
        task: TASK,
        field: 'stride',
        value: stride,
      },
    );
  }
}

/**
 * Python's `aggregate_overlapping_entities`: the entities of all windows sorted by `start`, and of
 * entities that overlap (one starts inside the previous) the longer one kept, the higher score on a tie.
 */
export function aggregateOverlappingEntities<
  Entity extends {
    /** Start offset in the text. */
    readonly start: number | null;
    /** End offset in the text. */
    readonly end: number | null;
    /** The entity's score. */
    readonly score: number;
  },
>(entities: readonly Entity[]): Entity[] {
  if (entities.length === 0) return [];
  const sorted = [...entities].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const aggregated: Entity[] = [];
  let previous = sorted[0] as Entity;
  for (const entity of sorted) {
    const start = entity.start ?? 0;
    if ((previous.start ?? 0) <= start && start < (previous.end ?? 0)) {
      const length = (entity.end ?? 0) - start;
      const previousLength = (previous.end ?? 0) - (previous.start ?? 0);
      if (length > previousLength || (length === previousLength && entity.score > previous.score)) previous = entity;
    } else {
      aggregated.push(previous);
      previous = entity;
    }
  }
  aggregated.push(previous);
  return aggregated;
}

/** `text[start:end]` in code points, as Python slices. */
function codePointSlice(codePoints: readonly string[], start: number, end: number): string {
  return codePoints.slice(Math.max(0, start), Math.max(0, end)).join('');
}

/**
 * Python's `gather_pre_entities`: every non-special token with its label probabilities, offsets (fast
 * tokenizer only) and whether it continues a word. ALBERT's Unigram has no continuing-subword prefix,
 * so a token is a sub-word when it starts after the text's beginning and neither it nor the previous
 * character is a space; the unknown token takes the text it covers.
 */
export function gatherPreEntities(
  tokenizer: PipelineTokenizer,
  text: string,
  encoding: PipelineEncoding,
  probabilities: readonly number[][],
): PreEntity[] {
  const codePoints = Array.from(text);
  const preEntities: PreEntity[] = [];
  probabilities.forEach((scores, index) => {
    if (encoding.specialTokensMask[index] === 1) return;
    const id = encoding.inputIds[index] as number;
    let word = tokenizer.convertIdsToTokens([id])[0] ?? '';
    let start: number | null = null;
    let end: number | null = null;
    let isSubword = false;
    if (tokenizer.isFast) {
      [start, end] = encoding.offsets[index] as [number, number];
      const wordReference = codePointSlice(codePoints, start, end);
      isSubword = start > 0 && !codePointSlice(codePoints, start - 1, start + 1).includes(' ');
      if (id === tokenizer.unkTokenId) {
        word = wordReference;
        isSubword = false;
      }
    }
    preEntities.push({ word, scores, start, end, index, isSubword });
  });
  return preEntities;
}

function labelOf(config: Pick<AlbertConfig, 'id2label'>, index: number): string {
  return config.id2label[index] ?? `LABEL_${index}`;
}

function meanOf(values: readonly number[]): number {
  const finite = values.filter((value) => !Number.isNaN(value));
  return finite.reduce((total, value) => total + value, 0) / finite.length;
}

/** Python's `aggregate_word`: one word's tokens as one entity (`first`, `max` or `average`). */
function aggregateWord(
  tokenizer: PipelineTokenizer,
  config: Pick<AlbertConfig, 'id2label'>,
  entities: readonly PreEntity[],
  strategy: AggregationStrategy,
): WordEntity {
  const word = tokenizer.convertTokensToString(entities.map((entity) => entity.word));
  const first = entities[0] as PreEntity;
  let label: number;
  let score: number;
  if (strategy === 'first') {
    label = argmax(first.scores);
    score = first.scores[label] as number;
  } else if (strategy === 'max') {
    let best = first;
    for (const entity of entities) if (Math.max(...entity.scores) > Math.max(...best.scores)) best = entity;
    label = argmax(best.scores);
    score = best.scores[label] as number;
  } else {
    const average = first.scores.map((_, column) => meanOf(entities.map((entity) => entity.scores[column] as number)));
    label = argmax(average);
    score = average[label] as number;
  }
  return {
    entity: labelOf(config, label),
    score,
    word,
    start: first.start,
    end: (entities[entities.length - 1] as PreEntity).end,
  };
}

/** `B-PER` → `['B', 'PER']`; a label without a prefix continues (`['I', label]`). */
function tagOf(label: string): [string, string] {
  if (label.startsWith('B-')) return ['B', label.slice(2)];
  if (label.startsWith('I-')) return ['I', label.slice(2)];
  return ['I', label];
}

/** Python's `group_sub_entities`: adjacent entities of one tag as one group. */
function groupSubEntities(tokenizer: PipelineTokenizer, entities: readonly WordEntity[]): TokenClassificationEntity {
  const first = entities[0] as WordEntity;
  const group = first.entity.split('-').length > 1 ? first.entity.slice(first.entity.indexOf('-') + 1) : first.entity;
  return {
    entity_group: group,
    score: meanOf(entities.map((entity) => entity.score)),
    word: tokenizer.convertTokensToString(entities.map((entity) => entity.word)),
    start: first.start,
    end: (entities[entities.length - 1] as WordEntity).end,
  };
}

/** Python's `group_entities`: merges runs of one tag, where a `B-` starts a new group. */
function groupEntities(tokenizer: PipelineTokenizer, entities: readonly WordEntity[]): TokenClassificationEntity[] {
  const groups: TokenClassificationEntity[] = [];
  let current: WordEntity[] = [];
  for (const entity of entities) {
    if (current.length === 0) {
      current.push(entity);
      continue;
    }
    const [bi, tag] = tagOf(entity.entity);
    const [, lastTag] = tagOf((current[current.length - 1] as WordEntity).entity);
    if (tag === lastTag && bi !== 'B') current.push(entity);
    else {
      groups.push(groupSubEntities(tokenizer, current));
      current = [entity];
    }
  }
  if (current.length > 0) groups.push(groupSubEntities(tokenizer, current));
  return groups;
}

/**
 * Python's `aggregate` + the `ignore_labels` filter: per-token results (`none`), or entities grouped
 * by the strategy.
 */
export function aggregatePreEntities(
  tokenizer: PipelineTokenizer,
  config: Pick<AlbertConfig, 'id2label'>,
  preEntities: readonly PreEntity[],
  strategy: AggregationStrategy,
  ignoreLabels: readonly string[] = ['O'],
): TokenClassificationOutput {
  if (strategy === 'none' || strategy === 'simple') {
    const tokens = preEntities.map((preEntity): TokenClassificationToken => {
      const label = argmax(preEntity.scores);
      return {
        entity: labelOf(config, label),
        score: preEntity.scores[label] as number,
        index: preEntity.index,
        word: preEntity.word,
        start: preEntity.start,
        end: preEntity.end,
      };
    });
    if (strategy === 'none') return tokens.filter((token) => !ignoreLabels.includes(token.entity));
    return groupEntities(tokenizer, tokens).filter((group) => !ignoreLabels.includes(group.entity_group));
  }
  const words: WordEntity[] = [];
  let group: PreEntity[] = [];
  for (const preEntity of preEntities) {
    if (group.length > 0 && !preEntity.isSubword) {
      words.push(aggregateWord(tokenizer, config, group, strategy));
      group = [];
    }
    group.push(preEntity);
  }
  if (group.length > 0) words.push(aggregateWord(tokenizer, config, group, strategy));
  return groupEntities(tokenizer, words).filter((entity) => !ignoreLabels.includes(entity.entity_group));
}

/**
 * Postprocess: per-token softmax over the labels, pre-entities, aggregation; with several windows,
 * their entities merged by {@link aggregateOverlappingEntities}.
 * @param logits - per window, `[length, num_labels]` row-major.
 */
export function postprocessTokenClassification(
  tokenizer: PipelineTokenizer,
  config: Pick<AlbertConfig, 'id2label' | 'numLabels'>,
  inputs: TokenClassificationModelInputs,
  logits: readonly Float32Array[],
  options: { readonly aggregationStrategy?: AggregationStrategy; readonly ignoreLabels?: readonly string[] } = {},
): TokenClassificationOutput {
  const numLabels = config.numLabels;
  const perWindow = inputs.encodings.map((encoding, window) => {
    const windowLogits = logits[window] as Float32Array;
    const probabilities = encoding.inputIds.map((_, position) => softmax(rowOf(windowLogits, position, numLabels)));
    const preEntities = gatherPreEntities(tokenizer, inputs.text, encoding, probabilities);
    return aggregatePreEntities(
      tokenizer,
      config,
      preEntities,
      options.aggregationStrategy ?? 'none',
      options.ignoreLabels ?? ['O'],
    );
  });
  if (perWindow.length === 1) return perWindow[0] as TokenClassificationOutput;
  return aggregateOverlappingEntities(
    (perWindow as Array<Array<TokenClassificationToken | TokenClassificationEntity>>).flat(),
  ) as TokenClassificationOutput;
}

/** The labels and entity groups `ignoreLabels` may name for this config. */
function knownLabels(config: Pick<AlbertConfig, 'id2label'>): Set<string> {
  const labels = new Set<string>();
  for (const label of Object.values(config.id2label)) {
    labels.add(label);
    labels.add(tagOf(label)[1]);
  }
  return labels;
}

/** Runs token classification on one text or a batch. */
export async function runTokenClassification(
  model: TokenClassificationPipelineModel,
  tokenizer: PipelineTokenizer,
  inputs: string | readonly string[],
  options: TokenClassificationPipelineOptions,
  warn: PipelineWarn,
): Promise<TokenClassificationOutput | TokenClassificationOutput[]> {
  checkOptionKeys(options, TOKEN_CLASSIFICATION_OPTION_KEYS, `pipeline('${TASK}')`);
  const strategy =
    options.aggregationStrategy === undefined
      ? 'none'
      : checkChoiceOption(TASK, 'aggregationStrategy', options.aggregationStrategy, AGGREGATION_STRATEGIES);
  if ((strategy === 'first' || strategy === 'average' || strategy === 'max') && !tokenizer.isFast) {
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${TASK}: Slow tokenizers cannot handle subwords. Please set the aggregationStrategy option to "simple" or use a fast tokenizer (tokenizer.json).`,
      {
        task: TASK,
        field: 'aggregationStrategy',
        value: strategy,
      },
    );
  }
  const stride = options.stride === undefined ? undefined : checkIntegerOption(TASK, 'stride', options.stride, 0);
  if (stride !== undefined) {
    if (stride >= tokenizer.modelMaxLength) {
      throw new PipelineError(
        'PIPELINE_INVALID_OPTION',
        `${TASK}: stride must be less than the tokenizer's modelMaxLength (${tokenizer.modelMaxLength}), or even lower as it adds special tokens`,
        { task: TASK, field: 'stride', value: stride, expected: `< ${tokenizer.modelMaxLength}` },
      );
    }
    if (strategy === 'none') {
      throw new PipelineError(
        'PIPELINE_INVALID_OPTION',
        `${TASK}: stride was given to process all the text but aggregationStrategy is "none"; choose another one`,
        { task: TASK, field: 'aggregationStrategy', value: strategy },
      );
    }
    if (!tokenizer.isFast) {
      throw new PipelineError(
        'PIPELINE_INVALID_OPTION',
        `${TASK}: stride is only available with the fast tokenizer (loadTokenizer)`,
        { task: TASK, field: 'stride', value: stride },
      );
    }
  }
  if (strategy === 'first' || strategy === 'average' || strategy === 'max')
    warn('Tokenizer does not support real words, using fallback heuristic');
  if (options.ignoreLabels !== undefined) {
    if (!Array.isArray(options.ignoreLabels))
      throw new PipelineError('PIPELINE_INVALID_OPTION', `${TASK}: ignoreLabels must be an array of labels`, {
        task: TASK,
        field: 'ignoreLabels',
        value: options.ignoreLabels,
      });
    const known = knownLabels(model.config);
    for (const label of options.ignoreLabels) {
      if (!known.has(label)) {
        throw new PipelineError(
          'PIPELINE_UNKNOWN_LABEL',
          `${TASK}: ignoreLabels names ${JSON.stringify(label)}, which is not a label of this model (${[...known].join(', ')})`,
          {
            task: TASK,
            field: 'ignoreLabels',
            value: label,
            expected: [...known],
          },
        );
      }
    }
  }
  const { items, batched } = batchOf(TASK, inputs);
  const prepared = items.map((text, index) =>
    preprocessTokenClassification(tokenizer, text, batched ? index : undefined, stride),
  );
  const outputs = await model.forwardMany(
    prepared.flatMap((item) => item.encodings),
    {
      ...(options.tokenBudget === undefined ? {} : { tokenBudget: options.tokenBudget }),
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
    },
  );
  let row = 0;
  const results = prepared.map((item) =>
    postprocessTokenClassification(
      tokenizer,
      model.config,
      item,
      item.encodings.map(() => (outputs[row++] as { logits: Tensor<'float32'> }).logits.data),
      {
        aggregationStrategy: strategy,
        ...(options.ignoreLabels === undefined ? {} : { ignoreLabels: options.ignoreLabels }),
      },
    ),
  );
  return batched ? results : (results[0] as TokenClassificationOutput);
}
