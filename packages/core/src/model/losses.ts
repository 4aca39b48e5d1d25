/**
 * Losses with the semantics of PyTorch / HF, computed from float32 logits in float64 accumulators.
 * Each returns a plain number; an empty set of targets gives `NaN`, as PyTorch's mean over nothing.
 */

/** HF's ignore index for masked-LM and token-classification labels. */
export const IGNORE_INDEX = -100;

/**
 * Mean cross-entropy of `logits` `[rows, classes]` (row-major) against integer `labels` `[rows]`,
 * skipping rows whose label is `ignoreIndex` (`torch.nn.CrossEntropyLoss`, reduction mean).
 */
export function crossEntropyLoss(
  logits: ArrayLike<number>,
  classes: number,
  labels: ArrayLike<number>,
  ignoreIndex = IGNORE_INDEX,
): number {
  let total = 0;
  let count = 0;
  for (let row = 0; row < labels.length; row += 1) {
    const label = labels[row] as number;
    if (label === ignoreIndex) continue;
    const offset = row * classes;
    let max = -Infinity;
    for (let index = 0; index < classes; index += 1) max = Math.max(max, logits[offset + index] as number);
    let sum = 0;
    for (let index = 0; index < classes; index += 1) sum += Math.exp((logits[offset + index] as number) - max);
    total += max + Math.log(sum) - (logits[offset + label] as number);
    count += 1;
  }
  return total / count;
}

/** Mean binary cross-entropy with logits over every element (`BCEWithLogitsLoss`, reduction mean). */
export function binaryCrossEntropyWithLogitsLoss(logits: ArrayLike<number>, targets: ArrayLike<number>): number {
  let total = 0;
  for (let index = 0; index < targets.length; index += 1) {
    const x = logits[index] as number;
    const y = targets[index] as number;
    total += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
  }
  return total / targets.length;
}

/** Mean squared error over every element (`MSELoss`, reduction mean). */
export function meanSquaredErrorLoss(predictions: ArrayLike<number>, targets: ArrayLike<number>): number {
  let total = 0;
  for (let index = 0; index < targets.length; index += 1) {
    const difference = (predictions[index] as number) - (targets[index] as number);
    total += difference * difference;
  }
  return total / targets.length;
}

/**
 * HF's span loss for question answering: positions are clamped to `[0, S]`, a position equal to `S`
 * is ignored, and the loss is the mean of the start and end cross-entropies.
 */
export function questionAnsweringLoss(
  startLogits: ArrayLike<number>,
  endLogits: ArrayLike<number>,
  sequenceLength: number,
  startPositions: ArrayLike<number>,
  endPositions: ArrayLike<number>,
): number {
  const clamp = (positions: ArrayLike<number>): number[] =>
    Array.from(positions, (position) => Math.min(Math.max(position, 0), sequenceLength));
  const startLoss = crossEntropyLoss(startLogits, sequenceLength, clamp(startPositions), sequenceLength);
  const endLoss = crossEntropyLoss(endLogits, sequenceLength, clamp(endPositions), sequenceLength);
  return (startLoss + endLoss) / 2;
}
