import type { Tensor } from '@albert-ts/core';
import {
  accuracy,
  answerF1,
  argmaxRows,
  batchesOf,
  collateBatch,
  entityF1,
  exactMatch,
  f1Score,
  type AlbertTrainingGraph,
  type GradientSession,
  type QuestionAnsweringFeature,
  type ReadonlyParameterSet,
} from '@albert-ts/training';
import type { TrainDataSet } from './train-data.js';

/** What {@link evaluateTask} returns. */
export interface TaskEvaluation {
  /** Mean loss over the examples (QA: over the windows). */
  readonly loss: number;
  /** The task's metrics by name (`accuracy`, `f1`, `exact_match`, `perplexity`, …). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** The longest answer, in tokens, of the QA evaluation (HF's `max_answer_length` default). */
const MAX_ANSWER_TOKENS = 30;
/** Start and end candidates per window (HF's `n_best_size` default). */
const BEST_CANDIDATES = 20;

const topIndices = (values: Float32Array, offset: number, length: number, count: number): number[] =>
  Array.from({ length }, (_, index) => index)
    .sort((a, b) => (values[offset + b] as number) - (values[offset + a] as number))
    .slice(0, count);

const sliceCodePoints = (text: string, start: number, end: number): string => [...text].slice(start, end).join('');

/**
 * Evaluates `data` with the current `parameters` (forward only) and computes the task's metrics: accuracy
 * and macro F1 for single-label classification, seqeval entity precision/recall/F1 (and token accuracy)
 * for token classification, SQuAD exact match / F1 for question answering (the best span over the windows
 * of each question, as HF's `postprocess_qa_predictions`: n-best 20, answers up to 30 tokens, the empty
 * answer when it scores best on SQuAD v2 data), accuracy for multiple choice, perplexity for masked LM, and
 * the sentence-order accuracy for pretraining (whose loss is the MLM and SOP losses summed).
 */
export async function evaluateTask(
  session: GradientSession,
  graph: AlbertTrainingGraph,
  parameters: ReadonlyParameterSet,
  data: TrainDataSet,
  options: { readonly batchSize: number; readonly padTokenId: number },
): Promise<TaskEvaluation> {
  let loss = 0;
  let count = 0;
  const predictions: number[] = [];
  const references: number[] = [];
  const predictedTags: string[][] = [];
  const referenceTags: string[][] = [];
  const questions = data.references.kind === 'question-answering' ? data.references.questions : [];
  // per question: the best span's score and text, and the lowest null score (HF's min_null_score)
  const best = questions.map(() => ({
    score: Number.NEGATIVE_INFINITY,
    text: '',
    nullScore: Number.POSITIVE_INFINITY,
  }));
  let featureIndex = 0;
  for await (const batch of batchesOf(data.examples, options.batchSize)) {
    const result = await session.evaluate(parameters, collateBatch(graph, batch, { padTokenId: options.padTokenId }));
    loss += result.loss * batch.length;
    count += batch.length;
    const references_ = data.references;
    if (references_.kind === 'classification' && references_.problemType === 'single_label_classification') {
      const logits = result.outputs['logits'] as Tensor<'float32'>;
      predictions.push(...argmaxRows(logits.data, logits.shape[logits.shape.length - 1] as number));
      references.push(...batch.map((example) => example.label as number));
    } else if (references_.kind === 'multiple-choice') {
      const logits = result.outputs['logits'] as Tensor<'float32'>;
      predictions.push(...argmaxRows(logits.data, logits.shape[logits.shape.length - 1] as number));
      references.push(...batch.map((example) => example.label as number));
    } else if (references_.kind === 'pretraining') {
      const logits = result.outputs['sop_logits'] as Tensor<'float32'>;
      predictions.push(...argmaxRows(logits.data, logits.shape[logits.shape.length - 1] as number));
      references.push(...batch.map((example) => example.sentenceOrderLabel as number));
    } else if (references_.kind === 'tokens') {
      const logits = result.outputs['logits'] as Tensor<'float32'>;
      const [, length, classes] = logits.shape as [number, number, number];
      const rows = argmaxRows(logits.data, classes);
      batch.forEach((example, row) => {
        const ours: string[] = [];
        const theirs: string[] = [];
        (example.labels ?? []).forEach((label, position) => {
          if (label === -100) return;
          const predicted = rows[row * length + position] as number;
          ours.push(references_.labels[predicted] ?? 'O');
          theirs.push(references_.labels[label] ?? 'O');
          predictions.push(predicted);
          references.push(label);
        });
        predictedTags.push(ours);
        referenceTags.push(theirs);
      });
    } else if (references_.kind === 'question-answering') {
      const starts = result.outputs['start_logits'] as Tensor<'float32'>;
      const ends = result.outputs['end_logits'] as Tensor<'float32'>;
      const length = starts.shape[1] as number;
      batch.forEach((example, row) => {
        const feature = example as QuestionAnsweringFeature;
        const question = references_.questionOfFeature[featureIndex] as number;
        featureIndex += 1;
        const state = best[question] as { score: number; text: string; nullScore: number };
        const offset = row * length;
        const tokens = feature.inputIds.length;
        const cls = 0; // [CLS] leads every window (ALBERT pads on the right)
        state.nullScore = Math.min(
          state.nullScore,
          (starts.data[offset + cls] as number) + (ends.data[offset + cls] as number),
        );
        for (const start of topIndices(starts.data, offset, tokens, BEST_CANDIDATES))
          for (const end of topIndices(ends.data, offset, tokens, BEST_CANDIDATES)) {
            const from = feature.contextOffsets[start];
            const to = feature.contextOffsets[end];
            if (from == null || to == null || end < start || end - start + 1 > MAX_ANSWER_TOKENS) continue;
            const score = (starts.data[offset + start] as number) + (ends.data[offset + end] as number);
            if (score > state.score) {
              state.score = score;
              state.text = sliceCodePoints((questions[question] as { context: string }).context, from[0], to[1]);
            }
          }
      });
    }
  }
  const metrics: Record<string, number> = {};
  const kind = data.references.kind;
  if (kind === 'pretraining') metrics['sop_accuracy'] = accuracy(predictions, references);
  else if (predictions.length > 0 && kind !== 'tokens') {
    metrics['accuracy'] = accuracy(predictions, references);
    if (kind === 'classification') metrics['f1'] = f1Score(predictions, references, 'macro');
  }
  if (kind === 'tokens') {
    const scores = entityF1(predictedTags, referenceTags);
    metrics['precision'] = scores.precision;
    metrics['recall'] = scores.recall;
    metrics['f1'] = scores.f1;
    metrics['accuracy'] = predictions.length === 0 ? 0 : accuracy(predictions, references);
  }
  if (kind === 'question-answering') {
    const versionTwo = questions.some((question) => question.isImpossible);
    let exact = 0;
    let f1 = 0;
    questions.forEach((question, index) => {
      const state = best[index] as { score: number; text: string; nullScore: number };
      const prediction = versionTwo && state.nullScore > state.score ? '' : state.text;
      const answers = question.isImpossible ? [''] : question.answers.map((answer) => answer.text);
      exact += exactMatch(prediction, answers);
      f1 += answerF1(prediction, answers);
    });
    metrics['exact_match'] = (100 * exact) / questions.length;
    metrics['f1'] = (100 * f1) / questions.length;
  }
  const mean = count === 0 ? Number.NaN : loss / count;
  if (kind === 'language-modeling') metrics['perplexity'] = Math.exp(mean);
  return { loss: mean, metrics };
}
