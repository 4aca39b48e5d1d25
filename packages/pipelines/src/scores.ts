/** Softmax of `values` in float64 (max-shifted, as numpy's `exp(x - max) / sum`). */
export function softmax(values: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let index = 0; index < values.length; index += 1) max = Math.max(max, values[index] as number);
  const exps = Array.from({ length: values.length }, (_, index) => Math.exp((values[index] as number) - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

/** The logistic sigmoid `1 / (1 + exp(-x))` of each value. */
export function sigmoid(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, index) => 1 / (1 + Math.exp(-(values[index] as number))));
}

/** Index of the largest value (the first one on ties, as numpy's `argmax`). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let index = 1; index < values.length; index += 1)
    if ((values[index] as number) > (values[best] as number)) best = index;
  return best;
}

/** Indices sorted by value, largest first; equal values keep their order (Python's stable `sorted(..., reverse=True)`). */
export function rankDescending(values: readonly number[]): number[] {
  return values.map((_, index) => index).sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
}

/** Row `row` of a row-major `[rows, width]` buffer, as a view. */
export function rowOf(data: Float32Array, row: number, width: number): Float32Array {
  return data.subarray(row * width, (row + 1) * width);
}
