import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenClassificationExample } from './conll-sentences.js';
import { multipleChoiceExample } from './multiple-choice-records.js';
import { questionAnsweringFeatures, type SquadQuestion } from './squad-examples.js';
import { testTokenizer } from './test-tokenizer.js';

// fixtures/training-data/generate.py: what HF's run_qa / run_ner / run_swag preprocessing makes of the same data
// with the same (fast) tokenizer, from transformers itself.
interface Reference {
  readonly tokenizers_version: string;
  readonly question_answering: {
    readonly context: string;
    readonly questions: readonly {
      id: string;
      question: string;
      answers: { text: string[]; answer_start: number[] };
    }[];
    readonly cases: readonly {
      max_length: number;
      doc_stride: number;
      features: readonly {
        question: string;
        input_ids: number[];
        token_type_ids: number[];
        start_position: number;
        end_position: number;
      }[];
    }[];
  };
  readonly token_classification: {
    readonly sentences: readonly { words: string[]; tags: string[] }[];
    readonly labels: readonly string[];
    readonly cases: readonly { max_length: number; features: readonly { input_ids: number[]; labels: number[] }[] }[];
  };
  readonly multiple_choice: {
    readonly examples: readonly { sent1: string; sent2: string; endings: string[]; label: number }[];
    readonly cases: readonly {
      max_length: number;
      features: readonly { input_ids: number[][]; token_type_ids: number[][] }[];
    }[];
  };
}

const reference = JSON.parse(
  readFileSync(new URL('../../../../fixtures/training-data/hf-preprocessing.json', import.meta.url), 'utf8'),
) as Reference;

describe(`HF example-script preprocessing (tokenizers ${reference.tokenizers_version})`, () => {
  it('question answering: the windows and answer positions of run_qa', async () => {
    const tokenizer = await testTokenizer();
    const { context } = reference.question_answering;
    const questions: SquadQuestion[] = reference.question_answering.questions.map((question) => ({
      id: question.id,
      question: question.question.trimStart(),
      context,
      answers: question.answers.text.map((text, index) => ({
        text,
        answerStart: question.answers.answer_start[index] as number,
      })),
      isImpossible: question.answers.text.length === 0,
    }));
    for (const testCase of reference.question_answering.cases) {
      const ours = questions.flatMap((question) =>
        questionAnsweringFeatures(question, tokenizer, {
          maxLength: testCase.max_length,
          docStride: testCase.doc_stride,
        }).map((feature) => ({
          question: question.id,
          input_ids: feature.inputIds,
          token_type_ids: feature.tokenTypeIds,
          start_position: feature.startPosition,
          end_position: feature.endPosition,
        })),
      );
      expect(ours, `max_length ${testCase.max_length}`).toEqual(testCase.features);
    }
  });

  it('token classification: the label alignment of run_ner', async () => {
    const tokenizer = await testTokenizer();
    const { sentences, labels } = reference.token_classification;
    for (const testCase of reference.token_classification.cases) {
      const ours = sentences.map((sentence) => {
        const example = tokenClassificationExample(sentence, tokenizer, {
          labelIds: sentence.tags.map((tag) => labels.indexOf(tag)),
          maxLength: testCase.max_length,
        });
        return { input_ids: example.inputIds, labels: example.labels };
      });
      expect(ours, `max_length ${testCase.max_length}`).toEqual(testCase.features);
    }
  });

  it('multiple choice: the pairs of run_swag', async () => {
    const tokenizer = await testTokenizer();
    for (const testCase of reference.multiple_choice.cases) {
      const ours = reference.multiple_choice.examples.map((example) => {
        const encoded = multipleChoiceExample(
          {
            first: example.sent1,
            seconds: example.endings.map((ending) => `${example.sent2} ${ending}`),
            label: example.label,
            line: 1,
          },
          tokenizer,
          { maxLength: testCase.max_length },
        );
        return { input_ids: encoded.inputIds, token_type_ids: encoded.tokenTypeIds };
      });
      expect(ours, `max_length ${testCase.max_length}`).toEqual(testCase.features);
    }
  });
});
