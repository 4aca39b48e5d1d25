/**
 * Seeded, time-bounded fuzzing of the other files of a model: config.json (as bytes and as JSON
 * structure), spiece.model (protobuf) and the reference cases file. Every mutant must give a typed
 * error or a correct result (a config that parses writes back text that parses to the same config),
 * within the time and RSS bounds of `runFuzz`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertConfig, AlbertError } from '@albert-ts/config';
import { decodeUtf8Text, parseReferenceCases, prepareAlbertInputs } from '@albert-ts/core';
import { SentencePieceProcessor } from '@albert-ts/tokenizer';
import { TestPieceType, writeTestModel } from '../../tokenizer/src/sentencepiece/test-model-writer.js';
import { formatFuzzReport, mutateBytes, mutateJson, runFuzz } from './test-fuzz-inputs.js';

function fixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/${relative}`, import.meta.url))));
}

/** A parsed config must write back text that parses to the same text (the round trip is exact). */
function checkRoundTrip(config: AlbertConfig): void {
  const text = config.toJSONText();
  const again = AlbertConfig.parse(text, { file: 'round-trip' }).toJSONText();
  if (again !== text) throw new Error(`config round trip differs:\n${text}\n${again}`);
}

describe('fuzzing the model files (typed error or correct result; bounded time and RSS)', () => {
  const configFiles = [
    'models/tiny/config.json',
    'models/grouped/config.json',
    'models/relu-relkey/config.json',
    'checkpoints/flax/config.json',
  ];

  it('config.json bytes', async () => {
    const seeds = configFiles.map(fixture);
    const report = await runFuzz('config.json bytes', seeds, mutateBytes, (bytes) => {
      checkRoundTrip(AlbertConfig.parse(decodeUtf8Text(bytes, 'config.json'), { file: 'config.json' }));
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('config.json structure', async () => {
    const seeds = configFiles.map((file) => JSON.parse(new TextDecoder().decode(fixture(file))) as unknown);
    const report = await runFuzz('config.json structure', seeds, mutateJson, (json) => {
      checkRoundTrip(AlbertConfig.fromJSON(json, { file: 'config.json' }));
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('spiece.model', async () => {
    const pieces = [
      '<pad>',
      '<unk>',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      '▁',
      '▁the',
      '▁a',
      'b',
      'c',
      'é',
      '▁hello',
      'lo',
      'he',
      'l',
      'o',
    ];
    const seeds = [
      writeTestModel({
        pieces: pieces.map((piece, index) => ({
          piece,
          score: -index,
          type: index === 1 ? TestPieceType.unknown : index < 5 ? TestPieceType.control : TestPieceType.normal,
        })),
        unkId: 1,
        addDummyPrefix: true,
        removeExtraWhitespaces: true,
      }),
      writeTestModel({
        pieces: pieces.map((piece, index) => ({
          piece,
          score: -index,
          type: index === 1 ? TestPieceType.unknown : TestPieceType.normal,
        })),
        modelType: 2,
        unkId: 1,
      }),
    ];
    const report = await runFuzz('spiece.model', seeds, mutateBytes, (bytes) => {
      const processor = SentencePieceProcessor.fromBytes(bytes, { file: 'spiece.model' });
      const ids = processor.encodeAsIds('hello the abc é  lo');
      for (const id of ids) if (!Number.isInteger(id) || id < 0) throw new Error(`bad id ${id}`);
      processor.decode(ids);
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('model inputs', async () => {
    const config = AlbertConfig.parse(new TextDecoder().decode(fixture('models/tiny/config.json')));
    const seeds: unknown[] = [
      {
        inputIds: [
          [2, 5, 3],
          [2, 6, 0],
        ],
        attentionMask: [
          [1, 1, 1],
          [1, 1, 0],
        ],
        tokenTypeIds: [
          [0, 0, 0],
          [0, 0, 1],
        ],
      },
      { inputIds: [2, 5, 9, 3], positionIds: [0, 1, 2, 3] },
      { inputIds: { data: [2, 5, 3, 2, 6, 3], shape: [2, 3] } },
      { inputsEmbeds: [[new Array<number>(16).fill(0.5)]] },
    ];
    const report = await runFuzz('model inputs', seeds, mutateJson, (inputs) => {
      for (const rank of [2, 3] as const) {
        try {
          const prepared = prepareAlbertInputs(config, inputs as never, { rank });
          const size = prepared.shape.reduce((product, dimension) => product * dimension, 1);
          for (const [name, feed] of Object.entries(prepared.feeds)) {
            if (name !== 'inputs_embeds' && feed.data.length !== size)
              throw new Error(`${name}: ${feed.data.length} values for shape [${prepared.shape.join(', ')}]`);
          }
        } catch (error) {
          // a typed refusal at rank 2 still lets rank 3 run; anything else fails the run
          if (rank === 3 || !(error instanceof AlbertError)) throw error;
        }
      }
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('reference cases file', async () => {
    const text = new TextDecoder().decode(fixture('models/tiny/cases.json'));
    const json = JSON.parse(text) as { cases: { outputs: Record<string, unknown> }[] };
    // one case, without the large per-layer outputs, keeps each mutant small (the structure is the same)
    const [first] = json.cases;
    const small = Object.fromEntries(
      Object.entries(first!.outputs).filter(
        ([checkpoint]) => !['AlbertModel', 'AlbertForPreTraining', 'AlbertForMaskedLM'].includes(checkpoint),
      ),
    );
    const seeds = [JSON.stringify({ ...json, cases: [{ ...first, outputs: small }] })];
    const mutateText = (random: Parameters<typeof mutateJson>[0], input: string): string =>
      random.next() < 0.5
        ? new TextDecoder().decode(mutateBytes(random, new TextEncoder().encode(input)))
        : JSON.stringify(mutateJson(random, JSON.parse(input)));
    const report = await runFuzz(
      'cases.json',
      seeds,
      (random, input) => {
        try {
          return mutateText(random, input);
        } catch {
          return input; // a byte mutant that is no longer JSON cannot be mutated structurally; keep the seed
        }
      },
      (input) => {
        parseReferenceCases(input, 'cases.json');
      },
    );
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });
});
