/** One entity span of a tag sequence. */
export interface EntitySpan {
  /** Entity type (`PER`, `LOC`, ...). */
  readonly type: string;
  /** First token. */
  readonly start: number;
  /** Last token (inclusive). */
  readonly end: number;
}

/**
 * Entity spans of an IOB2/IOB1 tag sequence (`B-PER I-PER O ...`) the way seqeval's default
 * (non-strict) mode chunks them: an `I-X` after `O` or another type starts a new entity.
 */
export function entitySpans(tags: readonly string[]): EntitySpan[] {
  const spans: EntitySpan[] = [];
  let current: { type: string; start: number } | undefined;
  const close = (end: number): void => {
    if (current !== undefined) spans.push({ type: current.type, start: current.start, end });
    current = undefined;
  };
  tags.forEach((tag, index) => {
    const [prefix, ...rest] = tag.split('-');
    const type = rest.join('-');
    if (tag === 'O' || prefix === undefined || type === '') {
      close(index - 1);
      return;
    }
    if (prefix === 'B' || prefix === 'S' || current === undefined || current.type !== type) {
      close(index - 1);
      current = { type, start: index };
    }
    if (prefix === 'E' || prefix === 'S') close(index);
  });
  close(tags.length - 1);
  return spans;
}

/** Entity-level scores. */
export interface EntityScores {
  /** Correct predicted entities / predicted entities. */
  readonly precision: number;
  /** Correct predicted entities / reference entities. */
  readonly recall: number;
  /** Harmonic mean of precision and recall. */
  readonly f1: number;
}

/**
 * seqeval-style micro F1 over entities: an entity counts when its type and exact span match.
 *
 * @example
 * ```ts
 * entityF1([['B-PER', 'I-PER', 'O']], [['B-PER', 'I-PER', 'O']]); // { precision: 1, recall: 1, f1: 1 }
 * ```
 */
export function entityF1(
  predictions: readonly (readonly string[])[],
  references: readonly (readonly string[])[],
): EntityScores {
  let correct = 0;
  let predicted = 0;
  let actual = 0;
  predictions.forEach((sequence, index) => {
    const ours = entitySpans(sequence);
    const theirs = entitySpans(references[index] ?? []);
    predicted += ours.length;
    actual += theirs.length;
    const keys = new Set(theirs.map((span) => `${span.type}:${span.start}:${span.end}`));
    for (const span of ours) if (keys.has(`${span.type}:${span.start}:${span.end}`)) correct += 1;
  });
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = actual === 0 ? 0 : correct / actual;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
