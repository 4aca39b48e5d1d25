import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertForMaskedLM, directorySource, fillMaskIds, InputError } from '@albert-ts/core';
import { AlbertTokenizer } from '@albert-ts/tokenizer';
import { nodeBackend } from './node-backend.js';

// The embedded demo model must reproduce the fill-mask top-5 of transformers (expected.json): ids
// exactly, probabilities and logits within the reference tolerance 1e-4.
const demoDirectory = fileURLToPath(new URL('../../../apps/cli/demo-model/', import.meta.url));

interface ExpectedCase {
  text: string;
  input_ids: number[];
  masks: { mask_index: number; top_ids: number[]; top_scores: number[]; top_logits: number[] }[];
}

describe('demo model fill-mask (node-cpu)', () => {
  const expected = JSON.parse(readFileSync(`${demoDirectory}/expected.json`, 'utf8')) as { cases: ExpectedCase[] };

  it('reproduces the top-5 ids, scores and logits of every expected.json case', async () => {
    const model = await AlbertForMaskedLM.fromPretrained(directorySource(demoDirectory), { backend: nodeBackend() });
    try {
      let worst = 0;
      for (const testCase of expected.cases) {
        const result = await fillMaskIds(model, testCase.input_ids, { maskTokenId: 4, topK: 5 });
        expect(result.masks.map((mask) => mask.maskIndex)).toEqual(testCase.masks.map((mask) => mask.mask_index));
        testCase.masks.forEach((mask, index) => {
          const predictions = result.masks[index]?.predictions ?? [];
          expect(
            predictions.map((prediction) => prediction.tokenId),
            testCase.text,
          ).toEqual(mask.top_ids);
          predictions.forEach((prediction, rank) => {
            worst = Math.max(
              worst,
              Math.abs(prediction.score - (mask.top_scores[rank] as number)),
              Math.abs(prediction.logit - (mask.top_logits[rank] as number)),
            );
          });
        });
      }
      console.log(
        `demo model: ${expected.cases.length} sentences, top-5 ids equal, max |Δscore|,|Δlogit| = ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThanOrEqual(1e-4);
    } finally {
      await model.dispose();
    }
  });

  it("fillMask(text) tokenizes with the directory's spiece.model and gives the same top-5", async () => {
    const model = await AlbertForMaskedLM.fromPretrained(directorySource(demoDirectory), { backend: nodeBackend() });
    try {
      for (const testCase of expected.cases) {
        const result = await model.fillMask(testCase.text, { topK: 5 });
        expect(result.inputIds, testCase.text).toEqual(testCase.input_ids);
        expect(result.masks.map((mask) => mask.predictions.map((prediction) => prediction.tokenId))).toEqual(
          testCase.masks.map((mask) => mask.top_ids),
        );
        expect(result.masks[0]?.predictions[0]?.token).toBe(
          (testCase.masks[0] as unknown as { top_tokens: string[] }).top_tokens[0],
        );
      }
    } finally {
      await model.dispose();
    }
  });

  it('forward(tokenizer.encodeBatch(texts, { padding: "longest" })): padded rows equal the unpadded ones', async () => {
    const model = await AlbertForMaskedLM.fromPretrained(directorySource(demoDirectory), { backend: nodeBackend() });
    try {
      const tokenizer = await AlbertTokenizer.fromFiles(directorySource(demoDirectory));
      const texts = expected.cases.map((testCase) => testCase.text);
      const batch = tokenizer.encodeBatch(texts, { padding: 'longest' });
      const batched = await model.forward(batch);
      const [rows, sequence, vocab] = batched.logits.shape as [number, number, number];
      expect(rows).toBe(texts.length);
      let worst = 0;
      for (let row = 0; row < rows; row += 1) {
        const single = await model.forward(tokenizer.encode(texts[row] as string));
        const length = single.logits.shape[1] as number;
        for (let index = 0; index < length * vocab; index += 1) {
          worst = Math.max(
            worst,
            Math.abs(
              (batched.logits.data[row * sequence * vocab + index] as number) - (single.logits.data[index] as number),
            ),
          );
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-4);
    } finally {
      await model.dispose();
    }
  });

  it('logitsPositions: forward and forwardMany compute only the asked rows, equal to the full logits; bad positions are refused by name', async () => {
    const model = await AlbertForMaskedLM.fromPretrained(directorySource(demoDirectory), { backend: nodeBackend() });
    try {
      const tokenizer = await AlbertTokenizer.fromFiles(directorySource(demoDirectory));
      const encodings = expected.cases.map((testCase) => tokenizer.encode(testCase.text));
      const positionsOf = (length: number, index: number): number[] =>
        index % 2 === 0 ? [length - 1, 1] : [0, length - 2, 1];
      const many = await model.forwardMany(encodings, {
        logitsPositions: encodings.map((encoding, index) => positionsOf(encoding.inputIds.length, index)),
        tokenBudget: 64,
      });
      let worst = 0;
      for (const [index, encoding] of encodings.entries()) {
        const full = await model.forward(encoding);
        const vocab = full.logits.shape[2] as number;
        const positions = positionsOf(encoding.inputIds.length, index);
        const single = await model.forward(encoding, { logitsPositions: [positions] });
        expect(single.logits.shape).toEqual([1, positions.length, vocab]);
        expect(many[index]?.logits.shape).toEqual([1, positions.length, vocab]);
        positions.forEach((position, row) => {
          for (let column = 0; column < vocab; column += 1) {
            const reference = full.logits.data[position * vocab + column] as number;
            worst = Math.max(
              worst,
              Math.abs((single.logits.data[row * vocab + column] as number) - reference),
              Math.abs((many[index]?.logits.data[row * vocab + column] as number) - reference),
            );
          }
        });
      }
      console.log(
        `logitsPositions: ${encodings.length} texts, max |Δlogit| vs the full logits = ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThanOrEqual(1e-5);

      const ids = { inputIds: [[2, 10, 4, 3]] };
      const refused = async (logitsPositions: number[][], code: string, extra: object = {}) => {
        const error = await model.forward(ids, { logitsPositions, ...extra }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InputError);
        expect(error).toMatchObject({ code, details: { field: 'logitsPositions' } });
      };
      await refused([[4]], 'INPUT_OUT_OF_RANGE');
      await refused([[-1]], 'INPUT_OUT_OF_RANGE');
      await refused([[1.5]], 'INPUT_NOT_INTEGER');
      await refused([[]], 'INPUT_EMPTY');
      await refused([[1], [2]], 'INPUT_SHAPE_MISMATCH');
      await refused([[1]], 'INPUT_CONFLICT', { labels: [[-100, 10, -100, -100]] });
      const ragged = await model
        .forward(
          {
            inputIds: [
              [2, 10, 4, 3],
              [2, 4, 11, 3],
            ],
          },
          { logitsPositions: [[1, 2], [2]] },
        )
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(ragged).toMatchObject({ code: 'INPUT_RAGGED', details: { field: 'logitsPositions', index: 1 } });
      await expect(model.forwardMany(encodings, { logitsPositions: [[1]] })).rejects.toMatchObject({
        code: 'INPUT_SHAPE_MISMATCH',
      });
      // forwardMany checks each row against its own length: a position past it (but inside a longer neighbour) is refused
      const short = tokenizer.encode('a [MASK].');
      const long = tokenizer.encode(expected.cases[0]!.text);
      await expect(
        model.forwardMany([short, long], { logitsPositions: [[short.inputIds.length], [1]] }),
      ).rejects.toMatchObject({ code: 'INPUT_OUT_OF_RANGE', details: { field: 'logitsPositions' } });
      await expect(model.forwardMany([short, long], { logitsPositions: [[], [1]] })).rejects.toMatchObject({
        code: 'INPUT_EMPTY',
      });
    } finally {
      await model.dispose();
    }
  });
});
