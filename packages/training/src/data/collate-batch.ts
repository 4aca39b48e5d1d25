import { createTensor, type Tensor } from '@albert-ts/core';
import type { AlbertTrainingGraph } from '../graph/albert-training-graph.js';
import { TrainingError } from '../training-error.js';
import type { TrainingExample } from './training-example.js';

/** Options of {@link collateBatch}. */
export interface CollateOptions {
  /** The padding id (`pad_token_id`, default 0). */
  readonly padTokenId?: number;
}

const isNested = (value: readonly number[] | readonly (readonly number[])[]): value is readonly (readonly number[])[] =>
  Array.isArray(value[0]);

/**
 * Pads a batch of examples on the right into the feeds of `graph`: `input_ids`, `attention_mask`,
 * `token_type_ids`, `position_ids` (absolute models: `0..S-1`), and the head's labels (token labels
 * padded with -100).
 *
 * @throws {@link TrainingError} `TRAINING_BAD_BATCH` naming the example and field that is missing or malformed.
 *
 * @example
 * ```ts
 * const graph = buildAlbertTrainingGraph(config, weights, { head: 'AlbertForSequenceClassification' });
 * const feeds = collateBatch(graph, [{ inputIds: [2, 48, 3], label: 1 }], { padTokenId: 0 });
 * ```
 */
export function collateBatch(
  graph: AlbertTrainingGraph,
  examples: readonly TrainingExample[],
  options: CollateOptions = {},
): Record<string, Tensor> {
  if (examples.length === 0) throw new TrainingError('TRAINING_BAD_BATCH', 'an empty batch', { field: 'batch' });
  const pad = options.padTokenId ?? 0;
  const multipleChoice = graph.head === 'AlbertForMultipleChoice';
  const rows: (readonly number[])[] = [];
  const typeRows: (readonly number[] | undefined)[] = [];
  let choices = 1;
  examples.forEach((example, index) => {
    const ids = example.inputIds;
    if (!Array.isArray(ids) || ids.length === 0)
      throw new TrainingError('TRAINING_BAD_BATCH', `example ${index}: inputIds must be a non-empty array`, {
        field: 'inputIds',
        example: index,
      });
    if (multipleChoice !== isNested(ids))
      throw new TrainingError(
        'TRAINING_BAD_BATCH',
        `example ${index}: inputIds must be ${multipleChoice ? 'one id list per choice' : 'a flat id list'} for ${graph.head}`,
        { field: 'inputIds', example: index },
      );
    if (multipleChoice) {
      const perChoice = ids as readonly (readonly number[])[];
      if (index === 0) choices = perChoice.length;
      if (perChoice.length !== choices)
        throw new TrainingError(
          'TRAINING_BAD_BATCH',
          `example ${index}: ${perChoice.length} choices, the batch has ${choices}`,
          { field: 'inputIds', example: index },
        );
      rows.push(...perChoice);
      const types = example.tokenTypeIds as readonly (readonly number[])[] | undefined;
      for (let choice = 0; choice < choices; choice += 1) typeRows.push(types?.[choice]);
    } else {
      rows.push(ids as readonly number[]);
      typeRows.push(example.tokenTypeIds as readonly number[] | undefined);
    }
  });
  const length = Math.max(...rows.map((row) => row.length));
  const leading = multipleChoice ? [examples.length, choices] : [examples.length];
  const shape = [...leading, length];
  const size = rows.length * length;
  const ids = new BigInt64Array(size).fill(BigInt(pad));
  const mask = new BigInt64Array(size);
  const types = new BigInt64Array(size);
  const positions = new BigInt64Array(size);
  rows.forEach((row, rowIndex) => {
    row.forEach((id, position) => {
      if (!Number.isInteger(id) || id < 0)
        throw new TrainingError(
          'TRAINING_BAD_BATCH',
          `row ${rowIndex}: token id ${id} at ${position} is not an integer ≥ 0`,
          { field: 'inputIds', value: id },
        );
      ids[rowIndex * length + position] = BigInt(id);
      mask[rowIndex * length + position] = 1n;
      types[rowIndex * length + position] = BigInt(typeRows[rowIndex]?.[position] ?? 0);
    });
    for (let position = 0; position < length; position += 1) positions[rowIndex * length + position] = BigInt(position);
  });
  const feeds: Record<string, Tensor> = {
    input_ids: createTensor('int64', shape, ids),
    attention_mask: createTensor('int64', shape, mask),
    token_type_ids: createTensor('int64', shape, types),
  };
  if (graph.modelInputs.includes('position_ids')) feeds['position_ids'] = createTensor('int64', shape, positions);

  const need = <T>(example: TrainingExample, index: number, field: keyof TrainingExample, value: T | undefined): T => {
    if (value === undefined)
      throw new TrainingError('TRAINING_BAD_LABELS', `example ${index} has no ${field} (needed by ${graph.head})`, {
        field,
        example: index,
      });
    return value;
  };
  for (const label of graph.labelInputs) {
    switch (label.name) {
      case 'labels': {
        if (label.dims.length === 2 && label.dims[1] === 'sequence') {
          const data = new BigInt64Array(examples.length * length).fill(-100n);
          examples.forEach((example, index) => {
            const tokens = need(example, index, 'labels', example.labels);
            if (tokens.length > length)
              throw new TrainingError(
                'TRAINING_BAD_LABELS',
                `example ${index}: ${tokens.length} token labels for ${length} tokens`,
                { field: 'labels', example: index },
              );
            tokens.forEach((value, position) => (data[index * length + position] = BigInt(value)));
          });
          feeds['labels'] = createTensor('int64', [examples.length, length], data);
        } else if (label.elementType === 'int64') {
          feeds['labels'] = createTensor(
            'int64',
            [examples.length],
            BigInt64Array.from(examples, (example, index) =>
              BigInt(need(example, index, 'label', example.label) as number),
            ),
          );
        } else {
          const width = label.dims.length === 2 ? (label.dims[1] as number) : 1;
          const data = new Float32Array(examples.length * width);
          examples.forEach((example, index) => {
            const value = need(example, index, 'label', example.label);
            const values = typeof value === 'number' ? [value] : value;
            if (values.length !== width)
              throw new TrainingError(
                'TRAINING_BAD_LABELS',
                `example ${index}: label has ${values.length} values, the head ${width}`,
                { field: 'label', example: index },
              );
            data.set(values, index * width);
          });
          feeds['labels'] = createTensor(
            'float32',
            label.dims.length === 2 ? [examples.length, width] : [examples.length],
            data,
          );
        }
        break;
      }
      case 'sentence_order_label':
        feeds[label.name] = createTensor(
          'int64',
          [examples.length],
          BigInt64Array.from(examples, (example, index) =>
            BigInt(need(example, index, 'sentenceOrderLabel', example.sentenceOrderLabel)),
          ),
        );
        break;
      case 'start_positions':
        feeds[label.name] = createTensor(
          'int64',
          [examples.length],
          BigInt64Array.from(examples, (example, index) =>
            BigInt(need(example, index, 'startPosition', example.startPosition)),
          ),
        );
        break;
      case 'end_positions':
        feeds[label.name] = createTensor(
          'int64',
          [examples.length],
          BigInt64Array.from(examples, (example, index) =>
            BigInt(need(example, index, 'endPosition', example.endPosition)),
          ),
        );
        break;
    }
  }
  return feeds;
}
