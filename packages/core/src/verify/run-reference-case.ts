import type { Tensor } from '../tensor.js';
import { AlbertForMaskedLM } from '../model/albert-for-masked-lm.js';
import { AlbertForMultipleChoice } from '../model/albert-for-multiple-choice.js';
import { AlbertForPreTraining } from '../model/albert-for-pre-training.js';
import { AlbertForQuestionAnswering } from '../model/albert-for-question-answering.js';
import { AlbertForSequenceClassification } from '../model/albert-for-sequence-classification.js';
import { AlbertForTokenClassification } from '../model/albert-for-token-classification.js';
import { AlbertModel } from '../model/albert-model.js';
import type { AnyAlbertModel } from '../model/albert-model-class-of.js';
import type { AlbertInputs, ArrayInput } from '../model/model-inputs.js';
import type { ReferenceCase, ReferenceTensor, ReferenceValue } from './reference-cases.js';

/** The largest absolute difference a float32 implementation may have from the reference outputs. */
export const REFERENCE_TOLERANCE = 1e-4;

/** One output of one case compared with the reference. */
export interface OutputComparison {
  /** Output name as stored (`last_hidden_state`, `loss`, ...). */
  readonly output: string;
  /** Largest absolute difference over every element (over every tensor of a list). `NaN` when not comparable. */
  readonly maxAbsDiff: number;
  /** Why the output could not be compared (missing, wrong shape), when so. */
  readonly problem?: string;
}

/**
 * What a model computed for one stored output, as {@link compareOutput} takes it: a float32 tensor
 * (`last_hidden_state`, `logits`, ...), a list of tensors (`hidden_states`, `attentions`), a number
 * (a loss), or `undefined` when the model did not produce the output (reported as `not produced`).
 */
export type ComputedOutput = Tensor<'float32'> | readonly Tensor<'float32'>[] | number | undefined;

function isTensorList(value: ReferenceValue): value is readonly ReferenceTensor[] {
  return Array.isArray(value);
}

function compareTensor(expected: ReferenceTensor, actual: Tensor<'float32'>): { maxAbsDiff: number; problem?: string } {
  const sameShape =
    expected.shape.length === actual.shape.length && expected.shape.every((dim, index) => dim === actual.shape[index]);
  if (!sameShape)
    return {
      maxAbsDiff: Number.NaN,
      problem: `shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`,
    };
  let max = 0;
  for (let index = 0; index < expected.data.length; index += 1) {
    const difference = Math.abs((actual.data[index] as number) - (expected.data[index] as number));
    if (!(difference <= max)) max = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
  }
  return { maxAbsDiff: max };
}

/** Compares one computed output with its stored reference. */
export function compareOutput(output: string, expected: ReferenceValue, actual: ComputedOutput): OutputComparison {
  if (actual === undefined) return { output, maxAbsDiff: Number.NaN, problem: 'not produced' };
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return { output, maxAbsDiff: Number.NaN, problem: 'expected a scalar' };
    const difference = Math.abs(actual - expected);
    return { output, maxAbsDiff: Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference };
  }
  if (isTensorList(expected)) {
    if (!Array.isArray(actual)) return { output, maxAbsDiff: Number.NaN, problem: 'expected a list of tensors' };
    const list = actual as readonly Tensor<'float32'>[];
    if (list.length !== expected.length)
      return { output, maxAbsDiff: Number.NaN, problem: `${list.length} tensors, expected ${expected.length}` };
    let max = 0;
    for (let index = 0; index < expected.length; index += 1) {
      const result = compareTensor(expected[index] as ReferenceTensor, list[index] as Tensor<'float32'>);
      if (result.problem !== undefined)
        return { output, maxAbsDiff: Number.NaN, problem: `[${index}]: ${result.problem}` };
      max = Math.max(max, result.maxAbsDiff);
    }
    return { output, maxAbsDiff: max };
  }
  if (typeof actual === 'number' || Array.isArray(actual))
    return { output, maxAbsDiff: Number.NaN, problem: 'expected a tensor' };
  const result = compareTensor(expected, actual as Tensor<'float32'>);
  return {
    output,
    maxAbsDiff: result.maxAbsDiff,
    ...(result.problem === undefined ? {} : { problem: result.problem }),
  };
}

function inputsOf(testCase: ReferenceCase): AlbertInputs {
  const value = (name: string): ArrayInput | undefined => {
    const entry = testCase.inputs[name];
    return entry === null || entry === undefined ? undefined : (entry as ArrayInput);
  };
  const inputs: Record<string, ArrayInput> = {};
  const names: [string, string][] = [
    ['input_ids', 'inputIds'],
    ['attention_mask', 'attentionMask'],
    ['token_type_ids', 'tokenTypeIds'],
    ['position_ids', 'positionIds'],
  ];
  for (const [stored, field] of names) {
    const entry = value(stored);
    if (entry !== undefined) inputs[field] = entry;
  }
  return inputs as AlbertInputs;
}

function label(testCase: ReferenceCase, name: string): ArrayInput {
  const value = testCase.labels[name];
  if (value === undefined || value === null) throw new Error(`case ${testCase.name} has no label ${name}`);
  return value as ArrayInput;
}

/**
 * Runs one reference case on a model of the checkpoint key's head and compares every stored output
 * of that key (tensors, lists of tensors, losses). Returns one comparison per stored output.
 */
export async function runReferenceCase(
  model: AnyAlbertModel,
  key: string,
  testCase: ReferenceCase,
): Promise<OutputComparison[]> {
  const expected = testCase.outputs[key];
  if (expected === undefined) return [];
  const inputs = inputsOf(testCase);
  const wants = (name: string): boolean => name in expected;
  const common = {
    outputHiddenStates: wants('hidden_states'),
    outputAttentions: wants('attentions'),
    ...(testCase.inputs['head_mask'] === undefined || testCase.inputs['head_mask'] === null
      ? {}
      : { headMask: testCase.inputs['head_mask'] as ArrayInput }),
  };
  const computed: Record<string, ComputedOutput> = {};
  /** Comparisons beyond the stored outputs (another path to the same values). */
  const extra: OutputComparison[] = [];
  if (model instanceof AlbertModel) {
    const out = await model.forward(inputs, common);
    Object.assign(computed, {
      last_hidden_state: out.lastHiddenState,
      pooler_output: out.poolerOutput,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    });
  } else if (model instanceof AlbertForPreTraining) {
    const out = await model.forward(inputs, {
      ...common,
      labels: label(testCase, 'mlm_labels'),
      sentenceOrderLabel: label(testCase, 'sentence_order_label'),
    });
    Object.assign(computed, {
      prediction_logits: out.predictionLogits,
      sop_logits: out.sopLogits,
      loss: out.loss,
      sop_loss: out.sopLoss,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    });
  } else if (model instanceof AlbertForMaskedLM) {
    const out = await model.forward(inputs, {
      ...common,
      ...(wants('loss') ? { labels: label(testCase, 'mlm_labels') } : {}),
    });
    Object.assign(computed, {
      logits: out.logits,
      loss: out.loss,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    });
    const logits = expected['logits'];
    if (logits !== undefined && typeof logits !== 'number' && !isTensorList(logits)) {
      // the logits computed at chosen positions only (fill-mask's path) against the same rows of the reference
      const [batch, sequence, vocab] = logits.shape as [number, number, number];
      const positions = Array.from({ length: batch }, (_, row) => [sequence - 1, 0, (row + 1) % sequence]);
      const rows = positions.flatMap((row, batchIndex) =>
        row.flatMap((position) =>
          logits.data.slice((batchIndex * sequence + position) * vocab, (batchIndex * sequence + position + 1) * vocab),
        ),
      );
      const selected = await model.forward(inputs, { logitsPositions: positions });
      extra.push(compareOutput('logits at logitsPositions', { shape: [batch, 3, vocab], data: rows }, selected.logits));
    }
  } else if (model instanceof AlbertForSequenceClassification) {
    if (model.config.numLabels === 1) {
      const out = await model.forward(inputs, {
        ...common,
        ...(wants('loss') ? { labels: label(testCase, 'seq_labels_regression') } : {}),
      });
      Object.assign(computed, {
        logits: out.logits,
        loss: out.loss,
        hidden_states: out.hiddenStates,
        attentions: out.attentions,
      });
    } else {
      const out = await model.forward(inputs, {
        ...common,
        ...(wants('loss_single_label_classification') ? { labels: label(testCase, 'seq_labels') } : {}),
      });
      Object.assign(computed, {
        logits: out.logits,
        loss_single_label_classification: out.loss,
        hidden_states: out.hiddenStates,
        attentions: out.attentions,
      });
      if (wants('loss_multi_label_classification')) {
        const multi = await model.forward(inputs, { labels: label(testCase, 'seq_labels_multi') });
        computed['loss_multi_label_classification'] = multi.loss;
      }
    }
  } else if (model instanceof AlbertForMultipleChoice) {
    const out = await model.forward(inputs, {
      ...common,
      ...(wants('loss') ? { labels: label(testCase, 'choice_labels') } : {}),
    });
    Object.assign(computed, {
      logits: out.logits,
      loss: out.loss,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    });
  } else if (model instanceof AlbertForTokenClassification) {
    const out = await model.forward(inputs, {
      ...common,
      ...(wants('loss') ? { labels: label(testCase, 'token_labels') } : {}),
    });
    Object.assign(computed, {
      logits: out.logits,
      loss: out.loss,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    });
  } else if (model instanceof AlbertForQuestionAnswering) {
    const positions = wants('loss')
      ? { startPositions: label(testCase, 'start_positions'), endPositions: label(testCase, 'end_positions') }
      : {};
    const out = await model.forward(inputs, { ...common, ...positions });
    Object.assign(computed, {
      start_logits: out.startLogits,
      end_logits: out.endLogits,
      loss: out.loss,
      hidden_states: out.hiddenStates,
      attentions: out.attentions,
    });
  }
  return [
    ...Object.entries(expected).map(([output, value]) => compareOutput(output, value, computed[output])),
    ...extra,
  ];
}
