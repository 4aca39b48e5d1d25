import type { ProblemType } from '@albert-ts/config';
import { TrainingError } from '../training-error.js';

/** Where a label was read: the file and 1-based line. */
export interface DataLocation {
  /** The file's name. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

/** Whether `names` are a config's default labels (`LABEL_0`, `LABEL_1`, ...): the model has no labels of its own yet. */
export function isDefaultLabelNames(names: readonly string[]): boolean {
  return names.every((name, index) => name === `LABEL_${index}`);
}

/**
 * Collects the label names of a training file, as HF's example scripts do: the sorted unique names, or,
 * when every label is a class index, `LABEL_0 … LABEL_max`.
 *
 * @example
 * ```ts
 * collectLabelNames([{ label: 'sports', ... }, { label: 'cooking', ... }], 'train.jsonl'); // ['cooking', 'sports']
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_LABELS` when names and indices are mixed, or a name is empty.
 */
export function collectLabelNames(
  records: Iterable<{ readonly label: string | number | readonly (string | number)[]; readonly line: number }>,
  file: string,
): string[] {
  const names = new Set<string>();
  let maxIndex = -1;
  let firstIndexLine: number | undefined;
  let firstNameLine: number | undefined;
  for (const record of records) {
    for (const label of Array.isArray(record.label) ? record.label : [record.label as string | number]) {
      if (typeof label === 'number') {
        if (!Number.isInteger(label) || label < 0)
          throw new TrainingError(
            'TRAINING_BAD_LABELS',
            `${file} line ${record.line}: label ${label} is not a class index (an integer ≥ 0)`,
            { file, line: record.line, value: label },
          );
        maxIndex = Math.max(maxIndex, label);
        firstIndexLine ??= record.line;
      } else {
        if (label === '')
          throw new TrainingError('TRAINING_BAD_LABELS', `${file} line ${record.line}: an empty label name`, {
            file,
            line: record.line,
          });
        names.add(label);
        firstNameLine ??= record.line;
      }
    }
  }
  if (names.size > 0 && maxIndex >= 0)
    throw new TrainingError(
      'TRAINING_BAD_LABELS',
      `${file}: labels mix names (line ${firstNameLine}) and class indices (line ${firstIndexLine}); use one or the other`,
      { file },
    );
  if (names.size > 0) return [...names].sort();
  return Array.from({ length: maxIndex + 1 }, (_, index) => `LABEL_${index}`);
}

/**
 * The class index of a label: a name of `labels`, or a class index below `labels.length` (a number, or
 * with `indexStrings` a string of digits, as CSV cells are).
 *
 * @example
 * ```ts
 * resolveLabel('sports', ['cooking', 'sports'], { file: 'train.csv', line: 3 }); // 1
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_LABELS` naming the file, line and the model's labels.
 */
export function resolveLabel(
  label: string | number,
  labels: readonly string[],
  location: DataLocation,
  options: { readonly indexStrings?: boolean } = {},
): number {
  const byName = typeof label === 'string' ? labels.indexOf(label) : -1;
  if (byName >= 0) return byName;
  const index =
    typeof label === 'number' ? label : options.indexStrings === true && /^\d+$/.test(label) ? Number(label) : -1;
  if (Number.isInteger(index) && index >= 0 && index < labels.length) return index;
  const shown = labels.length > 20 ? `${labels.slice(0, 20).join(', ')}, …` : labels.join(', ');
  throw new TrainingError(
    'TRAINING_BAD_LABELS',
    typeof label === 'number'
      ? `${location.file} line ${location.line}: label ${label} is not a class index of the model's ${labels.length} labels (${shown})`
      : `${location.file} line ${location.line}: label '${label}' is not one of the model's labels (${shown})`,
    { file: location.file, line: location.line, value: label },
  );
}

/**
 * The training target of a sequence-classification label for `problemType`: a class index
 * (single-label), a 0/1 vector over `labels` (multi-label) or a number (regression).
 *
 * @throws {@link TrainingError} `TRAINING_BAD_LABELS` naming the file and line when the label does not fit
 *   the problem type or is not one of `labels`.
 */
export function classificationTarget(
  label: string | number | readonly (string | number)[],
  labels: readonly string[],
  problemType: ProblemType,
  location: DataLocation,
  options: { readonly indexStrings?: boolean } = {},
): number | number[] {
  const where = `${location.file} line ${location.line}`;
  if (problemType === 'regression') {
    const value = typeof label === 'number' ? label : typeof label === 'string' ? Number(label.trim()) : Number.NaN;
    if (typeof label === 'object' || (typeof label === 'string' && label.trim() === '') || !Number.isFinite(value))
      throw new TrainingError(
        'TRAINING_BAD_LABELS',
        `${where}: a regression label must be a number, not ${JSON.stringify(label)}`,
        {
          file: location.file,
          line: location.line,
          value: label,
        },
      );
    return value;
  }
  if (problemType === 'multi_label_classification') {
    const items = Array.isArray(label) ? (label as readonly (string | number)[]) : [label as string | number];
    const vector = new Array<number>(labels.length).fill(0);
    for (const item of items) vector[resolveLabel(item, labels, location, options)] = 1;
    return vector;
  }
  if (Array.isArray(label))
    throw new TrainingError(
      'TRAINING_BAD_LABELS',
      `${where}: a list of labels for single-label classification (set "problem_type": "multi_label_classification" in config.json)`,
      { file: location.file, line: location.line },
    );
  return resolveLabel(label as string | number, labels, location, options);
}
