import type { AlbertHeadName } from '../graph/albert-graph.js';
import { VerifyError } from './verify-error.js';

/** A stored tensor of a reference file: shape and row-major float32 values as decimals. */
export interface ReferenceTensor {
  /** Dimensions. */
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly data: readonly number[];
}

/** A stored output: a tensor, a list of tensors (`hidden_states`, `attentions`) or a scalar loss. */
export type ReferenceValue = ReferenceTensor | readonly ReferenceTensor[] | number;

/** One case of a `cases.json` (HF snake_case names, as stored). */
export interface ReferenceCase {
  /** Case name, e.g. `padded_batch`. */
  readonly name: string;
  /** `standard`, `head_mask` or `multiple_choice`. */
  readonly kind: string;
  /** Model inputs; `null` means "not passed". */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Labels by name. */
  readonly labels: Readonly<Record<string, unknown>>;
  /** Expected outputs per checkpoint key, per output name. */
  readonly outputs: Readonly<Record<string, Readonly<Record<string, ReferenceValue>>>>;
}

/** A parsed `cases.json` (format version 1, see `fixtures/models/README.md`). */
export interface ReferenceCases {
  /** Fixture model name. */
  readonly model: string;
  /** Checkpoint key (e.g. `AlbertForSequenceClassification-regression`) → sub-directory (`.` for the root). */
  readonly checkpoints: Readonly<Record<string, string>>;
  /** The cases. */
  readonly cases: readonly ReferenceCase[];
}

/**
 * Parses and checks the structure of a reference `cases.json`, or of a single-case file
 * (`expected.json` of the half-precision checkpoints: `case`, `inputs`, `labels`, `outputs`), which
 * becomes one case whose checkpoint keys all use the directory's own weights (`.`).
 */
export function parseReferenceCases(text: string, file = 'cases.json'): ReferenceCases {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VerifyError(
      'VERIFY_INVALID_CASES',
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      { file },
    );
  }
  const root = json as Record<string, unknown>;
  if (root === null || typeof root !== 'object' || root['format_version'] !== 1) {
    throw new VerifyError(
      'VERIFY_INVALID_CASES',
      `${file}: format_version must be 1, got ${JSON.stringify(root?.['format_version'])}`,
      { file, field: 'format_version', value: root?.['format_version'] },
    );
  }
  if (root['cases'] === undefined && typeof root['case'] === 'string') return singleCaseOf(root, file);
  const checkpoints = root['checkpoints'];
  const cases = root['cases'];
  if (checkpoints === null || typeof checkpoints !== 'object' || !Array.isArray(cases)) {
    throw new VerifyError('VERIFY_INVALID_CASES', `${file} needs a "checkpoints" object and a "cases" array`, {
      file,
      field: 'cases',
    });
  }
  for (const key of Object.keys(checkpoints)) referenceHeadOf(key, file);
  cases.forEach((entry: Record<string, unknown>, index) => {
    if (
      typeof entry?.['name'] !== 'string' ||
      typeof entry['inputs'] !== 'object' ||
      typeof entry['outputs'] !== 'object'
    ) {
      throw new VerifyError('VERIFY_INVALID_CASES', `${file}: cases[${index}] needs name, inputs and outputs`, {
        file,
        field: `cases[${index}]`,
      });
    }
  });
  return {
    model: String(root['model'] ?? ''),
    checkpoints: checkpoints as Record<string, string>,
    cases: cases as ReferenceCase[],
  };
}

/**
 * The single-case layout of `fixtures/checkpoints/{fp16,bf16}-safetensors/expected.json`: one case
 * (`case`, `inputs`, `labels`, `outputs` per checkpoint key, in the output layout of `cases.json`) whose
 * outputs all come from the directory's own weights, so every checkpoint key maps to `.`.
 */
function singleCaseOf(root: Record<string, unknown>, file: string): ReferenceCases {
  const name = root['case'] as string;
  const inputs = root['inputs'];
  const labels = root['labels'] ?? {};
  const outputs = root['outputs'];
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject(inputs) || !isObject(outputs) || !isObject(labels)) {
    throw new VerifyError(
      'VERIFY_INVALID_CASES',
      `${file}: a single-case file (case ${JSON.stringify(name)}) needs "inputs", "outputs" (and "labels") objects`,
      { file, field: 'outputs' },
    );
  }
  const checkpoints: Record<string, string> = {};
  for (const [key, value] of Object.entries(outputs)) {
    referenceHeadOf(key, file);
    if (!isObject(value))
      throw new VerifyError('VERIFY_INVALID_CASES', `${file}: outputs.${key} must be an object of outputs`, {
        file,
        field: `outputs.${key}`,
      });
    checkpoints[key] = '.';
  }
  const kind = inputs['head_mask'] === undefined || inputs['head_mask'] === null ? 'standard' : 'head_mask';
  return {
    model: String(root['model'] ?? ''),
    checkpoints,
    cases: [{ name, kind, inputs, labels, outputs: outputs as ReferenceCase['outputs'] }],
  };
}

/**
 * The head class of a checkpoint key: the key itself, or its part before `-` for variants such as
 * `AlbertForSequenceClassification-regression`.
 */
export function referenceHeadOf(key: string, file = 'cases.json'): AlbertHeadName {
  const head = key.split('-')[0] ?? key;
  const known: readonly string[] = [
    'AlbertModel',
    'AlbertForPreTraining',
    'AlbertForMaskedLM',
    'AlbertForSequenceClassification',
    'AlbertForMultipleChoice',
    'AlbertForTokenClassification',
    'AlbertForQuestionAnswering',
  ];
  if (!known.includes(head))
    throw new VerifyError('VERIFY_UNKNOWN_CHECKPOINT', `${file}: unknown checkpoint key ${key}`, {
      file,
      field: 'checkpoints',
      value: key,
    });
  return head as AlbertHeadName;
}
