import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBackend } from '@albert-ts/backend-node';
import { AlbertConfig } from '@albert-ts/config';
import { directorySource, loadPretrainedWeights, memorySource, type Tensor } from '@albert-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { hfCheckpointKeys } from '../checkpoint/hf-checkpoint-keys.js';
import { collateBatch } from '../data/collate-batch.js';
import type { TrainingExample } from '../data/training-example.js';
import type { TrainableHeadName } from '../graph/albert-training-graph.js';
import { Trainer } from './trainer.js';

// A saved checkpoint is what HF's `save_pretrained` writes for the head's class. The truth is the fixtures'
// model directories, written by transformers 4.57.6's `save_pretrained` for each head (fixtures/models/README.md):
// the same tensor names in the same order — no `albert.pooler.*` for masked LM, token classification and question
// answering, the tied decoder stored once — and, for a checkpoint saved unchanged, the same bytes.
const models = new URL('../../../../fixtures/models/', import.meta.url).pathname;
const backend = nodeBackend({ device: 'cpu' });
const open: Trainer[] = [];
afterAll(async () => {
  for (const trainer of open) await trainer.dispose();
});

/** The fixture directory of each trainable head (the pretraining checkpoint is the model's own directory). */
const HEAD_DIRECTORIES: [string, TrainableHeadName][] = [
  ['', 'AlbertForPreTraining'],
  ['AlbertForMaskedLM', 'AlbertForMaskedLM'],
  ['AlbertForSequenceClassification', 'AlbertForSequenceClassification'],
  ['AlbertForSequenceClassification-regression', 'AlbertForSequenceClassification'],
  ['AlbertForMultipleChoice', 'AlbertForMultipleChoice'],
  ['AlbertForTokenClassification', 'AlbertForTokenClassification'],
  ['AlbertForQuestionAnswering', 'AlbertForQuestionAnswering'],
];

/** The tensor names of a `.safetensors` file, in the header's order. */
function safetensorsNames(bytes: Uint8Array): string[] {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  return Object.keys(header).filter((key) => key !== '__metadata__');
}

async function createTrainer(
  source: ReturnType<typeof directorySource>,
  head: TrainableHeadName,
  config: AlbertConfig,
): Promise<Trainer> {
  const { weights } = await loadPretrainedWeights(source, head, { config, initializeMissingHead: true, seed: 3 });
  const trainer = await Trainer.create({ backend, config, weights, head });
  open.push(trainer);
  return trainer;
}

describe.each(['tiny', 'grouped', 'relu-relkey'])(
  'Trainer.checkpointFiles writes what save_pretrained writes (%s)',
  (model) => {
    it.each(HEAD_DIRECTORIES)('%s', async (subdirectory, head) => {
      const headDirectory = join(models, model, subdirectory);
      const headConfigText = readFileSync(join(headDirectory, 'config.json'), 'utf8');
      const headConfig = AlbertConfig.parse(headConfigText, { file: 'config.json' });
      const expectedNames = safetensorsNames(readFileSync(join(headDirectory, 'model.safetensors')));
      expect(hfCheckpointKeys(headConfig, head)).toEqual(expectedNames);

      // fine-tuning from the pretraining checkpoint (encoder, pooler, MLM and SOP heads): the saved file has the
      // head class's tensors only — the pooler is left out where HF's class has none
      const base = await createTrainer(directorySource(join(models, model)), head, headConfig);
      const fromBase = await base.checkpointFiles({ optimizerState: false });
      expect(safetensorsNames(fromBase.get('model.safetensors') as Uint8Array)).toEqual(expectedNames);
      expect([...fromBase.keys()]).toEqual(['config.json', 'model.safetensors']);

      // the head's own checkpoint saved unchanged: the same bytes as transformers wrote, and the same config.json
      // (plus the problem_type HF sets at the first forward with labels)
      const same = await createTrainer(directorySource(headDirectory), head, headConfig);
      const files = await same.checkpointFiles();
      expect(
        Buffer.from(files.get('model.safetensors') as Uint8Array).equals(
          readFileSync(join(headDirectory, 'model.safetensors')),
        ),
      ).toBe(true);
      const written = JSON.parse(new TextDecoder().decode(files.get('config.json'))) as Record<string, unknown>;
      const expected = JSON.parse(headConfigText) as Record<string, unknown>;
      if (head === 'AlbertForSequenceClassification')
        expected['problem_type'] = headConfig.numLabels === 1 ? 'regression' : 'single_label_classification';
      expect(written).toEqual(expected);
      expect(Object.keys(written)).toEqual(Object.keys(written).sort());
    });
  },
);

describe('Trainer.checkpointFiles: config.json', () => {
  it('writes dtype (not an older torch_dtype), the head as architectures and custom labels', async () => {
    const source = directorySource(join(models, 'tiny', 'AlbertForTokenClassification'));
    const text = readFileSync(join(models, 'tiny', 'AlbertForTokenClassification', 'config.json'), 'utf8');
    const old = JSON.parse(text) as Record<string, unknown>;
    delete old['dtype'];
    old['torch_dtype'] = 'float32';
    old['architectures'] = ['AlbertForMaskedLM'];
    const config = AlbertConfig.fromJSON(old).with({
      id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' },
    });
    const trainer = await createTrainer(source, 'AlbertForTokenClassification', config);
    const written = JSON.parse(
      new TextDecoder().decode((await trainer.checkpointFiles()).get('config.json')),
    ) as Record<string, unknown>;
    expect(written['dtype']).toBe('float32');
    expect(written).not.toHaveProperty('torch_dtype');
    expect(written['architectures']).toEqual(['AlbertForTokenClassification']);
    expect(written['id2label']).toEqual({ 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' });
    expect(written['label2id']).toEqual({ O: 0, 'B-PER': 1, 'I-PER': 2, 'B-LOC': 3, 'I-LOC': 4 });
    expect(written).not.toHaveProperty('problem_type');
    expect(written).not.toHaveProperty('num_labels');
  });

  it('with tie_word_embeddings false, lists the decoder as transformers writes it', () => {
    // (core builds no graph for an untied MLM head yet: it reads predictions.decoder.bias only as the tied alias)
    const config = AlbertConfig.parse(readFileSync(join(models, 'tiny', 'AlbertForMaskedLM', 'config.json'), 'utf8'), {
      file: 'config.json',
    }).with({ tieWordEmbeddings: false });
    const names = hfCheckpointKeys(config, 'AlbertForMaskedLM');
    expect(names).toContain('predictions.decoder.weight');
    expect(names).toContain('predictions.decoder.bias');
    expect(names).toContain('predictions.bias');
    expect(names).not.toContain('albert.pooler.weight');
    expect(names).toEqual([...names].sort());
  });
});

// ---- transformers itself, where Python has it -------------------------------------------------------------
const python = process.env['ALBERT_PYTHON'] ?? 'python3';
const probe = spawnSync(python, ['-c', 'import transformers, torch'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available)
  console.warn(
    `[trainer] transformers load check of every head skipped: ${python} cannot import transformers and torch (set ALBERT_PYTHON to a Python that can)`,
  );

const AUTO_CLASSES: Record<TrainableHeadName, string> = {
  AlbertForPreTraining: 'AutoModelForPreTraining',
  AlbertForMaskedLM: 'AutoModelForMaskedLM',
  AlbertForSequenceClassification: 'AutoModelForSequenceClassification',
  AlbertForMultipleChoice: 'AutoModelForMultipleChoice',
  AlbertForTokenClassification: 'AutoModelForTokenClassification',
  AlbertForQuestionAnswering: 'AutoModelForQuestionAnswering',
};
const ids = (length: number, offset: number): number[] => [
  2,
  ...Array.from({ length }, (_, index) => 5 + ((index * 7 + offset * 13) % 90)),
  3,
];
const EXAMPLES: Record<TrainableHeadName, TrainingExample[]> = {
  AlbertForPreTraining: [0, 1, 2].map((row) => ({
    inputIds: ids(6 + row, row),
    labels: Array.from({ length: 8 + row }, (_, index) => (index % 3 === 1 ? 5 + index : -100)),
    sentenceOrderLabel: row % 2,
  })),
  AlbertForMaskedLM: [0, 1].map((row) => ({
    inputIds: ids(5 + row * 3, row),
    labels: Array.from({ length: 7 + row * 3 }, (_, index) => (index % 2 === 0 ? 9 + index : -100)),
  })),
  AlbertForSequenceClassification: [0, 1, 2].map((row) => ({ inputIds: ids(4 + row * 2, row), label: row % 2 })),
  AlbertForTokenClassification: [0, 1].map((row) => ({
    inputIds: ids(5 + row, row),
    labels: Array.from({ length: 7 + row }, (_, index) => index % 3),
  })),
  AlbertForQuestionAnswering: [0, 1].map((row) => ({ inputIds: ids(7, row), startPosition: 2, endPosition: 4 + row })),
  AlbertForMultipleChoice: [0, 1].map((row) => ({
    inputIds: [ids(4, row), ids(6, row + 1), ids(5, row + 2)],
    label: row + 1,
  })),
};
const LOAD_SCRIPT = `
import io, json, sys, logging, contextlib, torch, transformers
case = json.load(open(sys.argv[1]))
log = io.StringIO()
handler = logging.StreamHandler(log)
transformers.utils.logging.get_logger('transformers').addHandler(handler)
transformers.utils.logging.set_verbosity_warning()
with contextlib.redirect_stderr(log):
    cls = getattr(transformers, case['auto'])
    model, info = cls.from_pretrained(case['directory'], output_loading_info=True)
model.eval()
inputs = {k: torch.tensor(v) for k, v in case['inputs'].items()}
with torch.no_grad():
    out = model(**inputs)
print(json.dumps({
    'class': type(model).__name__,
    'info': {k: sorted(map(str, v)) for k, v in info.items()},
    'log': log.getvalue(),
    'outputs': {name: getattr(out, name).flatten().tolist() for name in case['outputs']},
}))
`;

describe.skipIf(!available)(
  'transformers loads every head Trainer.save wrote, without warnings, with the same logits',
  () => {
    for (const head of Object.keys(AUTO_CLASSES) as TrainableHeadName[]) {
      it(head, async () => {
        // fine-tuned from the pretraining checkpoint (with pooler and MLM/SOP heads) for one step
        const baseConfig = AlbertConfig.parse(readFileSync(join(models, 'tiny', 'config.json'), 'utf8'), {
          file: 'config.json',
        });
        const config = head === 'AlbertForTokenClassification' ? baseConfig.with({ numLabels: 3 }) : baseConfig;
        const trainer = await createTrainer(directorySource(join(models, 'tiny')), head, config);
        await trainer.step(EXAMPLES[head]);
        const directory = await mkdtemp(join(tmpdir(), 'albert-trainer-save-'));
        try {
          await trainer.save(directory);
          const feeds = collateBatch(trainer.graph, EXAMPLES[head], { padTokenId: 0 });
          const modelInputs = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
          const inputs: Record<string, unknown> = {};
          for (const [name, tensor] of Object.entries(feeds)) {
            if (!modelInputs.has(name)) continue;
            const values = Array.from(tensor.data as ArrayLike<number | bigint>, Number);
            const nest = (offset: number, axis: number): unknown =>
              axis === tensor.shape.length
                ? values[offset]
                : Array.from({ length: tensor.shape[axis] as number }, (_, index) =>
                    nest(offset * (tensor.shape[axis] as number) + index, axis + 1),
                  );
            inputs[name] = nest(0, 0);
          }
          const file = join(directory, 'case.json');
          await writeFile(
            file,
            JSON.stringify({ auto: AUTO_CLASSES[head], directory, inputs, outputs: trainer.graph.logitOutputs }),
          );
          const run = spawnSync(python, ['-c', LOAD_SCRIPT, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
          expect(run.status, run.stderr).toBe(0);
          const theirs = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
            class: string;
            info: Record<string, string[]>;
            log: string;
            outputs: Record<string, number[]>;
          };
          expect(theirs.class).toBe(head);
          for (const [kind, keys] of Object.entries(theirs.info)) expect(keys, kind).toEqual([]);
          // transformers 4 logs "Some weights ... were not used / newly initialized", transformers 5 a "LOAD REPORT" table
          expect(theirs.log).not.toMatch(/Some weights|newly initialized|were not used|not initialized|LOAD REPORT/);
          // our eval-mode forward on the same batch
          const evaluateBatch = await (
            trainer as unknown as {
              evalMode: () => Promise<(feeds: unknown) => Promise<{ outputs: Record<string, Tensor<'float32'>> }>>;
            }
          ).evalMode();
          const ours = (await evaluateBatch(feeds)).outputs;
          let worst = 0;
          for (const name of trainer.graph.logitOutputs) {
            const mine = ours[name]?.data as Float32Array;
            const reference = theirs.outputs[name] as number[];
            expect(mine.length, name).toBe(reference.length);
            reference.forEach((value, index) => {
              worst = Math.max(worst, Math.abs(value - (mine[index] as number)));
            });
          }
          console.log(
            `[trainer] transformers loads the saved ${head} cleanly: logits max |diff| ${worst.toExponential(2)}`,
          );
          expect(worst).toBeLessThan(1e-4);
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      });
    }
  },
);

// keep memorySource in the public surface this file documents (a checkpoint in memory reloads like a directory)
it('a checkpoint in memory reloads into a trainer with the same parameters', async () => {
  const trainer = await createTrainer(
    directorySource(join(models, 'tiny')),
    'AlbertForQuestionAnswering',
    AlbertConfig.parse(readFileSync(join(models, 'tiny', 'config.json'), 'utf8')),
  );
  const files = memorySource(Object.fromEntries(await trainer.checkpointFiles()));
  const { weights } = await loadPretrainedWeights(files, 'AlbertForQuestionAnswering');
  expect([...weights.keys].sort()).toEqual([...trainer.parameters.keys()].sort());
  expect(trainer.parameters.has('albert.pooler.weight')).toBe(false);
});
