import { flattenArrayInput, type ArrayInput, type FlatArray } from './model-inputs.js';
import { InputError } from './input-error.js';

/** Checks a label array's shape and integer range; `ignore` values are allowed outside the range. */
export function prepareIntegerLabels(
  field: string,
  value: ArrayInput,
  expectedShape: readonly number[],
  range: { readonly low: number; readonly high: number; readonly ignore?: number },
): FlatArray {
  const array = flattenArrayInput(value, field);
  checkShape(field, array, expectedShape);
  for (let index = 0; index < array.values.length; index += 1) {
    const label = array.values[index] as number;
    if (!Number.isInteger(label))
      throw new InputError('INPUT_NOT_INTEGER', `${field}[${index}] is ${label}, expected an integer class index`, {
        field,
        index,
        value: label,
      });
    if (label === range.ignore) continue;
    if (label < range.low || label >= range.high) {
      const ignored = range.ignore === undefined ? '' : ` or ${range.ignore} (ignored)`;
      throw new InputError(
        'INPUT_LABEL_OUT_OF_RANGE',
        `${field}[${index}] is ${label}, outside ${range.low}..${range.high - 1}${ignored}`,
        { field, index, value: label, expected: [range.low, range.high - 1] },
      );
    }
  }
  return array;
}

/** Checks a float label array's shape and finiteness. */
export function prepareFloatLabels(field: string, value: ArrayInput, expectedShape: readonly number[]): FlatArray {
  const array = flattenArrayInput(value, field);
  checkShape(field, array, expectedShape);
  for (let index = 0; index < array.values.length; index += 1) {
    if (!Number.isFinite(array.values[index]))
      throw new InputError(
        'INPUT_NOT_FINITE',
        `${field}[${index}] is ${array.values[index]}, expected a finite number`,
        { field, index, value: array.values[index] },
      );
  }
  return array;
}

function checkShape(field: string, array: FlatArray, expectedShape: readonly number[]): void {
  const same =
    array.shape.length === expectedShape.length && array.shape.every((dim, index) => dim === expectedShape[index]);
  if (!same) {
    throw new InputError(
      'INPUT_LABEL_SHAPE',
      `${field} has shape [${array.shape.join(', ')}], expected [${expectedShape.join(', ')}]`,
      { field, expected: expectedShape, actual: array.shape },
    );
  }
}
