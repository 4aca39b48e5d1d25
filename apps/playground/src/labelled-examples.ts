import { parseTextClassificationLines, seededRandom, shuffled, TrainingError } from '@albert-ts/training';

/** One labelled example of the fine-tune tab, its label as a class index. */
export interface LabelledExample {
  /** The text. */
  readonly text: string;
  /** The second text of a pair, when given. */
  readonly textPair?: string;
  /** Class index into {@link LabelledSet.labels}. */
  readonly label: number;
  /** 1-based line of the pasted or uploaded text. */
  readonly line: number;
}

/** A parsed labelled set: the label names (index = class id) and the examples. */
export interface LabelledSet {
  /** Label names by class index: the names sorted, or `LABEL_<i>` for class indices (as `albert train`). */
  readonly labels: readonly string[];
  /** The examples, in the order of the text. */
  readonly examples: readonly LabelledExample[];
}

/**
 * Parses the fine-tune tab's set: JSON Lines `{"text": ..., "label": ...}` (and an optional `"text_pair"`),
 * the format `albert train` reads. Labels are names (sorted into class ids) or class indices, not both.
 *
 * @param content - the pasted or uploaded text.
 * @param file - how the message names the text (`training set`, or the uploaded file's name).
 * @throws {@link TrainingError} naming the line: `TRAINING_BAD_BATCH` for a line that is not such an object or an
 *   empty set, `TRAINING_BAD_LABELS` for a bad label, a mix of names and indices, or a single label.
 */
export function parseLabelledSet(content: string, file: string): LabelledSet {
  const lines = parseTextClassificationLines(content, file);
  const first = lines[0];
  if (first === undefined)
    throw new TrainingError(
      'TRAINING_BAD_BATCH',
      `${file}: no examples (one JSON object per line: {"text", "label"})`,
      {
        file,
      },
    );
  const named = typeof first.label === 'string';
  const mixed = lines.find((line) => (typeof line.label === 'string') !== named);
  if (mixed !== undefined)
    throw new TrainingError(
      'TRAINING_BAD_LABELS',
      `${file}:${mixed.line}: label ${JSON.stringify(mixed.label)} mixes ${named ? 'a class index with label names' : 'a label name with class indices'} (line ${first.line} has ${JSON.stringify(first.label)})`,
      { file, line: mixed.line, value: mixed.label },
    );
  const distinct = [...new Set(lines.map((line) => line.label))];
  const labels = named
    ? (distinct as string[]).sort()
    : Array.from({ length: Math.max(...(distinct as number[])) + 1 }, (_, index) => `LABEL_${index}`);
  if (distinct.length < 2)
    throw new TrainingError(
      'TRAINING_BAD_LABELS',
      `${file}: every line has the label ${JSON.stringify(first.label)}; a classifier needs at least two labels`,
      { file, line: first.line, value: first.label },
    );
  const ids = new Map<string | number, number>(
    named ? labels.map((name, index) => [name, index]) : labels.map((_, index) => [index, index]),
  );
  const examples = lines.map((line) => ({
    text: line.text,
    ...(line.textPair === undefined ? {} : { textPair: line.textPair }),
    label: ids.get(line.label) as number,
    line: line.line,
  }));
  return { labels, examples };
}

/**
 * Holds out `percent` % of each label's examples (a seeded shuffle, so a rerun holds out the same ones),
 * always leaving at least one example of each label for training.
 *
 * @throws {@link TrainingError} `TRAINING_BAD_OPTIONS` for a percentage outside [0, 90].
 */
export function splitHeldOut(
  examples: readonly LabelledExample[],
  percent: number,
  seed = 0,
): { train: LabelledExample[]; heldOut: LabelledExample[] } {
  if (!Number.isFinite(percent) || percent < 0 || percent > 90)
    throw new TrainingError('TRAINING_BAD_OPTIONS', `held-out share must be 0 to 90 %, not ${percent}`, {
      field: 'heldOutPercent',
      value: percent,
    });
  const random = seededRandom(seed);
  const byLabel = new Map<number, LabelledExample[]>();
  for (const example of examples) byLabel.set(example.label, [...(byLabel.get(example.label) ?? []), example]);
  const heldOutLines = new Set<number>();
  for (const group of byLabel.values()) {
    const count = Math.min(Math.round((group.length * percent) / 100), group.length - 1);
    for (const example of shuffled(group, random).slice(0, count)) heldOutLines.add(example.line);
  }
  return {
    train: examples.filter((example) => !heldOutLines.has(example.line)),
    heldOut: examples.filter((example) => heldOutLines.has(example.line)),
  };
}
