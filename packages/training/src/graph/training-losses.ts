import type { GraphValue } from '@albert-ts/core';
import type { GraphEditor } from './graph-editor.js';

// In-graph losses with PyTorch / HF semantics, built from primitive operators that each have a
// backward rule (LogSoftmax, Mul, ReduceSum, Softplus, ...), so the loss is differentiated like the
// rest of the model. Reductions are means over the counted elements, as `reduction='mean'`.

/** The scalar int64 size of axis `axis` of `x`. */
function axisSize(e: GraphEditor, x: GraphValue, axis: number): GraphValue {
  return e.squeeze(e.shape(x, axis, axis + 1), [0]);
}

/**
 * `CrossEntropyLoss(ignore_index)`: mean over the rows whose label is not `ignoreIndex` of
 * `-log_softmax(logits)[label]`; `logits` `[rows, classes]`, `labels` int64 `[rows]`. No counted row
 * gives NaN (0/0), as PyTorch. `classCount`, when known, makes the class indices a constant.
 */
export function crossEntropyLoss(
  e: GraphEditor,
  logits: GraphValue,
  labels: GraphValue,
  ignoreIndex: GraphValue,
  classCount?: number,
): GraphValue {
  const valid = e.op('Not', [e.op('Equal', [labels, ignoreIndex])]); // [rows]
  const safeLabels = e.where(valid, labels, e.int(0)); // [rows]
  // a constant when the class count is known (onnxruntime-web's WebGPU mis-sizes some int64 shape arithmetic)
  const classes =
    classCount === undefined
      ? e.op('Range', [e.int(0), axisSize(e, logits, 1), e.int(1)])
      : e.ints(Array.from({ length: classCount }, (_, index) => index)); // [classes]
  const oneHot = e.cast(e.op('Equal', [e.unsqueeze(safeLabels, [1]), classes]), 'float32'); // [rows, classes]
  const logProbabilities = e.op('LogSoftmax', [logits], { axis: { kind: 'int', value: 1 } }); // [rows, classes]
  const picked = e.reduceSum(e.mul(logProbabilities, oneHot), [1], false); // [rows]
  const weights = e.cast(valid, 'float32'); // [rows]
  return e.neg(e.div(e.reduceSum(e.mul(picked, weights), [], false), e.reduceSum(weights, [], false))); // []
}

/** `BCEWithLogitsLoss`: mean over every element of `softplus(x) − x·y`. */
export function binaryCrossEntropyWithLogitsLoss(e: GraphEditor, logits: GraphValue, targets: GraphValue): GraphValue {
  return e.op('ReduceMean', [e.sub(e.op('Softplus', [logits]), e.mul(logits, targets))], {
    keepdims: { kind: 'int', value: 0 },
  });
}

/** `MSELoss`: mean over every element of `(x − y)²`. */
export function meanSquaredErrorLoss(e: GraphEditor, predictions: GraphValue, targets: GraphValue): GraphValue {
  const difference = e.sub(predictions, targets);
  return e.op('ReduceMean', [e.mul(difference, difference)], { keepdims: { kind: 'int', value: 0 } });
}

/**
 * HF's span loss: positions clamped to `[0, S]`, position `S` ignored, mean of the start and end
 * cross-entropies; logits `[batch, S]`, positions int64 `[batch]`.
 */
export function questionAnsweringLoss(
  e: GraphEditor,
  startLogits: GraphValue,
  endLogits: GraphValue,
  startPositions: GraphValue,
  endPositions: GraphValue,
): GraphValue {
  const ignored = axisSize(e, startLogits, 1); // S
  const clamp = (positions: GraphValue): GraphValue => e.op('Max', [e.op('Min', [positions, ignored]), e.int(0)]);
  const start = crossEntropyLoss(e, startLogits, clamp(startPositions), ignored);
  const end = crossEntropyLoss(e, endLogits, clamp(endPositions), ignored);
  return e.div(e.add(start, end), e.float(2));
}
