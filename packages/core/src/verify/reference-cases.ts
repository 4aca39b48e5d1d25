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

/** Parses and checks the structure of a reference `cases.json`. */
export function parseReferenceCases(text: string, file = 'cases.json'): ReferenceCases {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VerifyError('VERIFY_INVALID_CASES', `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  const root = json as Record<string, unknown>;
  if (root === null || typeof root !== 'object' || root['format_version'] !== 1) {
    throw new VerifyError('VERIFY_INVALID_CASES', `${file}: format_version must be 1, got ${JSON.stringify(root?.['format_version'])}`, { file, field: 'format_version', value: root?.['format_version'] });
  }
  const checkpoints = root['checkpoints'];
  const cases = root['cases'];
  if (checkpoints === null || typeof checkpoints !== 'object' || !Array.isArray(cases)) {
    throw new VerifyError('VERIFY_INVALID_CASES', `${file} needs a "checkpoints" object and a "cases" array`, { file, field: 'cases' });
  }
  for (const key of Object.keys(checkpoints)) referenceHeadOf(key, file);
  cases.forEach((entry: Record<string, unknown>, index) => {
    if (typeof entry?.['name'] !== 'string' || typeof entry['inputs'] !== 'object' || typeof entry['outputs'] !== 'object') {
      throw new VerifyError('VERIFY_INVALID_CASES', `${file}: cases[${index}] needs name, inputs and outputs`, { file, field: `cases[${index}]` });
    }
  });
  return { model: String(root['model'] ?? ''), checkpoints: checkpoints as Record<string, string>, cases: cases as ReferenceCase[] };
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
  if (!known.includes(head)) throw new VerifyError('VERIFY_UNKNOWN_CHECKPOINT', `${file}: unknown checkpoint key ${key}`, { file, field: 'checkpoints', value: key });
  return head as AlbertHeadName;
}
