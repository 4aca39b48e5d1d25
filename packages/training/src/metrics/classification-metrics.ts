/**
 * Fraction of positions where `predictions[i] === references[i]` (NaN for none).
 *
 * @example
 * ```ts
 * accuracy([1, 0, 1], [1, 1, 1]); // 0.6666…
 * ```
 */
export function accuracy(predictions: readonly number[], references: readonly number[]): number {
  if (predictions.length === 0) return Number.NaN;
  let correct = 0;
  predictions.forEach((prediction, index) => (correct += prediction === references[index] ? 1 : 0));
  return correct / predictions.length;
}

/**
 * F1 over classes as scikit-learn's `f1_score`: `macro` averages the per-class F1 over the classes that
 * occur in the references or predictions (a class with no true positives and no support scores 0);
 * `micro` counts every decision once (for single-label data it equals accuracy).
 *
 * @example
 * ```ts
 * f1Score([0, 1, 1], [0, 1, 0], 'macro'); // 0.6666…
 * ```
 */
export function f1Score(
  predictions: readonly number[],
  references: readonly number[],
  average: 'macro' | 'micro' = 'macro',
): number {
  const classes = [...new Set([...predictions, ...references])].sort((a, b) => a - b);
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const perClass: number[] = [];
  for (const label of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    predictions.forEach((prediction, index) => {
      const reference = references[index];
      if (prediction === label && reference === label) tp += 1;
      else if (prediction === label) fp += 1;
      else if (reference === label) fn += 1;
    });
    truePositives += tp;
    falsePositives += fp;
    falseNegatives += fn;
    perClass.push(tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));
  }
  if (average === 'micro')
    return truePositives === 0 ? 0 : (2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives);
  return perClass.length === 0 ? Number.NaN : perClass.reduce((sum, value) => sum + value, 0) / perClass.length;
}

/** The index of the largest value in each row of a `[rows, columns]` row-major array. */
export function argmaxRows(values: ArrayLike<number>, columns: number): number[] {
  const rows = values.length / columns;
  const result: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    let best = 0;
    for (let column = 1; column < columns; column += 1)
      if ((values[row * columns + column] as number) > (values[row * columns + best] as number)) best = column;
    result.push(best);
  }
  return result;
}
