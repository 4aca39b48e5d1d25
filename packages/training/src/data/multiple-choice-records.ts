import type { AlbertTokenizerFast } from '@albert-ts/tokenizer';
import { TrainingError } from '../training-error.js';
import { csvField, csvRecords } from './csv-records.js';
import type { DataChunks } from './data-chunks.js';
import { jsonLines, stringField } from './json-lines.js';
import { emptyFileError } from './text-lines.js';
import type { TrainingExample } from './training-example.js';

/** One multiple-choice example: a context (or question) and the choices that may follow it. */
export interface MultipleChoiceRecord {
  /** The first segment of every pair: the context, or the question when there is no context. */
  readonly first: string;
  /** The second segment of each choice's pair: the choice, prefixed with the question when a context is given (SWAG's `sent2 + ending`). */
  readonly seconds: readonly string[];
  /** The index of the right choice. */
  readonly label: number;
  /** 1-based line number. */
  readonly line: number;
}

const checkLabel = (label: unknown, choices: readonly string[], file: string, line: number): number => {
  const byText = typeof label === 'string' ? choices.indexOf(label) : -1;
  if (byText >= 0) return byText;
  const index =
    typeof label === 'number' ? label : typeof label === 'string' && /^\d+$/.test(label.trim()) ? Number(label) : -1;
  if (!Number.isInteger(index) || index < 0 || index >= choices.length)
    throw new TrainingError(
      'TRAINING_BAD_LABELS',
      `${file} line ${line}: label ${JSON.stringify(label)} is not a choice index 0…${choices.length - 1} (or the text of a choice)`,
      { file, line, value: label },
    );
  return index;
};

const record = (
  context: string | undefined,
  question: string | undefined,
  choices: readonly string[],
  label: number,
  line: number,
): MultipleChoiceRecord => ({
  first: context ?? question ?? '',
  seconds: choices.map((choice) =>
    context !== undefined && question !== undefined ? `${question} ${choice}` : choice,
  ),
  label,
  line,
});

/**
 * Multiple-choice examples from JSON Lines (SWAG-like): `{"context"?: …, "question"?: …, "choices": [...],
 * "label": index}` with at least one of context and question; the label may also be the text of a choice.
 * Every line must have as many choices as the first. Streamed.
 *
 * @example
 * ```ts
 * // {"question": "Where do fish live?", "choices": ["in water", "in trees"], "label": 0}
 * for await (const example of multipleChoiceJsonLines(createReadStream('train.jsonl'), { file: 'train.jsonl' })) ...
 * ```
 * @throws {@link TrainingError} naming the file and line: `TRAINING_BAD_DATA` for a malformed line or a
 *   different number of choices, `TRAINING_BAD_LABELS` for a label that is not a choice.
 */
export async function* multipleChoiceJsonLines(
  chunks: DataChunks,
  options: { readonly file: string; readonly maxLineLength?: number },
): AsyncGenerator<MultipleChoiceRecord> {
  const { file } = options;
  let count: number | undefined;
  for await (const object of jsonLines(chunks, options)) {
    const context = stringField(object, 'context', file, true);
    const question = stringField(object, 'question', file, true);
    if (context === undefined && question === undefined)
      throw new TrainingError('TRAINING_BAD_DATA', `${file} line ${object.line}: needs a "context" or a "question"`, {
        file,
        line: object.line,
      });
    const choices = object.value['choices'];
    if (!Array.isArray(choices) || choices.length < 2 || !choices.every((choice) => typeof choice === 'string'))
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${object.line}: "choices" must be a list of at least two strings`,
        {
          file,
          line: object.line,
          field: 'choices',
        },
      );
    count ??= choices.length;
    if (choices.length !== count)
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${object.line}: ${choices.length} choices, the first example has ${count} (every example needs the same number)`,
        { file, line: object.line, field: 'choices' },
      );
    yield record(
      context,
      question,
      choices as string[],
      checkLabel(object.value['label'], choices as string[], file, object.line),
      object.line,
    );
  }
  if (count === undefined) throw emptyFileError(file, 'examples');
}

/**
 * Multiple-choice examples from CSV with a header row: `context` and/or `question`, the choices in
 * `choice0`, `choice1`, … (or SWAG's `ending0`, `ending1`, …), and `label`. Streamed.
 *
 * @throws {@link TrainingError} naming the file and line: `TRAINING_BAD_DATA` for bad quoting or missing
 *   columns, `TRAINING_BAD_LABELS` for a label that is not a choice index.
 */
export async function* multipleChoiceCsvRecords(
  chunks: DataChunks,
  options: { readonly file: string; readonly maxRecordLength?: number; readonly delimiter?: string },
): AsyncGenerator<MultipleChoiceRecord> {
  const { file } = options;
  let choiceColumns: string[] | undefined;
  for await (const row of csvRecords(chunks, options)) {
    if (choiceColumns === undefined) {
      const names = Object.keys(row.fields);
      const prefix = names.includes('choice0') ? 'choice' : 'ending';
      choiceColumns = [];
      for (let index = 0; names.includes(`${prefix}${index}`); index += 1) choiceColumns.push(`${prefix}${index}`);
      if (choiceColumns.length < 2)
        throw new TrainingError(
          'TRAINING_BAD_DATA',
          `${file}: the header needs choice columns choice0, choice1, … (or ending0, ending1, …); it has ${names.join(', ')}`,
          { file },
        );
      if (!names.includes('context') && !names.includes('question'))
        throw new TrainingError('TRAINING_BAD_DATA', `${file}: the header needs a "context" or a "question" column`, {
          file,
        });
    }
    const choices = choiceColumns.map((column) => csvField(row, column, file));
    yield record(
      row.fields['context'],
      row.fields['question'],
      choices,
      checkLabel(csvField(row, 'label', file), choices, file, row.line),
      row.line,
    );
  }
  if (choiceColumns === undefined) throw emptyFileError(file, 'examples');
}

/**
 * A multiple-choice training example, as HF's `run_swag` builds it: one `[CLS] first [SEP] second [SEP]`
 * per choice, each truncated to `maxLength`.
 *
 * @example
 * ```ts
 * multipleChoiceExample({ first: 'Where do fish live?', seconds: ['in water', 'in trees'], label: 0, line: 1 }, tokenizer, { maxLength: 64 });
 * ```
 */
export function multipleChoiceExample(
  example: MultipleChoiceRecord,
  tokenizer: AlbertTokenizerFast,
  options: { readonly maxLength: number },
): TrainingExample {
  const encodings = example.seconds.map((second) =>
    tokenizer.encode(example.first, { textPair: second, truncation: true, maxLength: options.maxLength }),
  );
  return {
    inputIds: encodings.map((encoding) => encoding.inputIds),
    tokenTypeIds: encodings.map((encoding) => encoding.tokenTypeIds),
    label: example.label,
  };
}
