/**
 * One tokenized training example. Sequence inputs are token ids without padding (the collator pads);
 * multiple choice takes one id list per choice. Labels follow the head:
 * - sequence classification / multiple choice: `label` (class index; a float for regression; a 0/1
 *   vector for multi-label);
 * - token classification and masked LM: `labels` per token (-100 = ignored);
 * - pretraining: `labels` per token plus `sentenceOrderLabel`;
 * - question answering: `startPosition` and `endPosition` (token indices).
 */
export interface TrainingExample {
  /** Token ids (special tokens included), or one list per choice for multiple choice. */
  readonly inputIds: readonly number[] | readonly (readonly number[])[];
  /** Token type ids (default all 0), shaped like `inputIds`. */
  readonly tokenTypeIds?: readonly number[] | readonly (readonly number[])[];
  /** Sequence-level label. */
  readonly label?: number | readonly number[];
  /** Token-level labels. */
  readonly labels?: readonly number[];
  /** Pretraining: 0 = the segments are in order, 1 = swapped. */
  readonly sentenceOrderLabel?: number;
  /** QA: answer start token. */
  readonly startPosition?: number;
  /** QA: answer end token. */
  readonly endPosition?: number;
}

/** Examples from an array, any iterable or an async iterable (streamed; re-iterated once per epoch). */
export type TrainingData = Iterable<TrainingExample> | AsyncIterable<TrainingExample>;

/** Yields `data` in batches of `batchSize` (the last one may be smaller). */
export async function* batchesOf(data: TrainingData, batchSize: number): AsyncGenerator<TrainingExample[]> {
  let batch: TrainingExample[] = [];
  for await (const example of data as AsyncIterable<TrainingExample>) {
    batch.push(example);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A seeded pseudo-random source (mulberry32), for shuffling and initialization. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy of `items` (Fisher–Yates with `random`). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
