import { DEFAULT_ALBERT_CONFIG_LIMITS } from './albert-config-limits.js';
import { checkPositiveInteger, fail, formatValue, isPlainObject, type CheckContext } from './config-field-checks.js';

/** Refuses a label count above the limit before any label map of that size is built. */
function checkLabelCount(count: number, field: string, context: CheckContext): void {
  const maximum = context.limits?.maximumLabels ?? DEFAULT_ALBERT_CONFIG_LIMITS.maximumLabels;
  if (count > maximum) {
    fail(
      'CONFIG_LIMIT_EXCEEDED',
      `${field} (${count} labels) exceeds the limit maximumLabels = ${maximum}; if the config is trusted, raise it with the limits option`,
      context,
      { field, value: count, limit: 'maximumLabels', expected: `<= ${maximum}` },
    );
  }
}

// Internal: HF's rules for num_labels / id2label / label2id (transformers' PretrainedConfig), with
// inconsistencies turned into errors instead of HF's warning-and-overwrite.

/** The three label settings after resolution. */
export interface ResolvedLabels {
  readonly numLabels: number;
  readonly id2label: Readonly<Record<number, string>>;
  readonly label2id: Readonly<Record<string, number>>;
}

/** The label settings given (any may be absent). */
export interface LabelInput {
  readonly numLabels?: unknown;
  readonly id2label?: unknown;
  readonly label2id?: unknown;
}

/** Sets `label2id[name]` as a data property (a label named `__proto__` stays a label). */
function defineLabel(label2id: Record<string, number>, name: string, index: number): void {
  if (name === '__proto__')
    Object.defineProperty(label2id, name, { value: index, enumerable: true, writable: true, configurable: true });
  else label2id[name] = index;
}

/** `LABEL_0 … LABEL_{n-1}`, HF's generated names. */
export function defaultId2label(numLabels: number): Readonly<Record<number, string>> {
  const labels: Record<number, string> = {};
  for (let index = 0; index < numLabels; index += 1) labels[index] = `LABEL_${index}`;
  return Object.freeze(labels);
}

function inverse(id2label: Readonly<Record<number, string>>): Readonly<Record<string, number>> {
  const label2id: Record<string, number> = {};
  for (const [key, name] of Object.entries(id2label)) defineLabel(label2id, name, Number(key));
  return Object.freeze(label2id);
}

function parseId2label(value: unknown, context: CheckContext): Readonly<Record<number, string>> {
  if (!isPlainObject(value)) {
    fail(
      'CONFIG_INVALID_TYPE',
      `id2label must be an object mapping class indices to label names, got ${formatValue(value)}`,
      context,
      { field: 'id2label', value },
    );
  }
  const entries = Object.entries(value);
  checkLabelCount(entries.length, 'id2label', context);
  const id2label: Record<number, string> = {};
  for (const [key, name] of entries) {
    const index = Number(key);
    if (!/^(0|[1-9][0-9]*)$/.test(key) || index >= entries.length) {
      fail(
        'CONFIG_LABELS_INCONSISTENT',
        `id2label key ${formatValue(key)} is not a class index between 0 and ${entries.length - 1} (id2label has ${entries.length} entries)`,
        context,
        { field: 'id2label', value, key },
      );
    }
    if (typeof name !== 'string') {
      fail('CONFIG_INVALID_TYPE', `id2label[${key}] must be a string label name, got ${formatValue(name)}`, context, {
        field: 'id2label',
        value,
        key,
      });
    }
    id2label[index] = name;
  }
  return Object.freeze(id2label);
}

function parseLabel2id(
  value: unknown,
  id2label: Readonly<Record<number, string>>,
  numLabels: number,
  context: CheckContext,
): Readonly<Record<string, number>> {
  if (!isPlainObject(value)) {
    fail(
      'CONFIG_INVALID_TYPE',
      `label2id must be an object mapping label names to class indices, got ${formatValue(value)}`,
      context,
      { field: 'label2id', value },
    );
  }
  const label2id: Record<string, number> = {};
  for (const [name, index] of Object.entries(value)) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= numLabels) {
      fail(
        'CONFIG_LABELS_INCONSISTENT',
        `label2id[${formatValue(name)}] = ${formatValue(index)} is not a class index between 0 and ${numLabels - 1} (num_labels is ${numLabels})`,
        context,
        { field: 'label2id', value, key: name },
      );
    }
    defineLabel(label2id, name, index);
  }
  const distinctNames = new Set(Object.values(id2label)).size;
  const size = Object.keys(label2id).length;
  if (size !== distinctNames) {
    fail(
      'CONFIG_LABELS_INCONSISTENT',
      `label2id has ${size} entries but id2label names ${distinctNames} distinct labels (num_labels is ${numLabels})`,
      context,
      { field: 'label2id', value },
    );
  }
  return Object.freeze(label2id);
}

/**
 * Resolves the label settings the way HF does: `id2label` present → `num_labels` is its size (a
 * different explicit `num_labels` is an error); absent → `num_labels` (default 2) with generated
 * `LABEL_i` names. `label2id` defaults to the inverse of `id2label`; when given, its indices must be in
 * range and it must name as many labels as `id2label` does. Label names that differ between the two maps
 * are accepted (HF accepts them too; `id2label` is the one used for outputs).
 */
export function resolveLabels(input: LabelInput, context: CheckContext): ResolvedLabels {
  let numLabels: number;
  let id2label: Readonly<Record<number, string>>;
  if (input.id2label !== undefined && input.id2label !== null) {
    id2label = parseId2label(input.id2label, context);
    numLabels = Object.keys(id2label).length;
    if (input.numLabels !== undefined && input.numLabels !== null && input.numLabels !== numLabels) {
      fail(
        'CONFIG_LABELS_INCONSISTENT',
        `num_labels (${formatValue(input.numLabels)}) does not match the ${numLabels} entries of id2label`,
        context,
        { field: 'num_labels', value: input.numLabels, id2label },
      );
    }
    if (numLabels === 0)
      fail('CONFIG_NOT_POSITIVE', 'id2label must have at least one entry, got {}', context, {
        field: 'id2label',
        value: input.id2label,
      });
  } else {
    numLabels =
      input.numLabels === undefined || input.numLabels === null
        ? 2
        : checkPositiveInteger('num_labels', input.numLabels, context);
    checkLabelCount(numLabels, 'num_labels', context);
    id2label = defaultId2label(numLabels);
  }
  const label2id =
    input.label2id === undefined || input.label2id === null
      ? inverse(id2label)
      : parseLabel2id(input.label2id, id2label, numLabels, context);
  return { numLabels, id2label, label2id };
}

/** Are these HF's default labels (`{0: LABEL_0, 1: LABEL_1}` and its inverse)? */
export function isDefaultLabels(labels: ResolvedLabels): boolean {
  return (
    labels.numLabels === 2 &&
    labels.id2label[0] === 'LABEL_0' &&
    labels.id2label[1] === 'LABEL_1' &&
    Object.keys(labels.label2id).length === 2 &&
    labels.label2id['LABEL_0'] === 0 &&
    labels.label2id['LABEL_1'] === 1
  );
}
