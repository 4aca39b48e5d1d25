import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBackend } from '@albert-ts/backend-node';
import {
  AlbertForMaskedLM,
  AlbertForMultipleChoice,
  AlbertForPreTraining,
  AlbertForQuestionAnswering,
  AlbertForSequenceClassification,
  AlbertForTokenClassification,
  directorySource,
  loadPretrainedWeights,
  readSafetensors,
  type Tensor,
} from '@albert-ts/core';
import { collateBatch, GradientSession, type Trainer, type TrainingExample } from '@albert-ts/training';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMIT_MAIN, tinyRepos } from '../../../../packages/core/src/hub/test-hub-fixtures.js';
import { startMockHub } from '../../../../packages/core/src/hub/test-hub-server.js';
import { runCli } from '../run-cli.js';
import { createTestContext } from '../test-context.js';
import { commands } from './index.js';
import { createTrainCommand } from './train.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const pipelines = join(repoRoot, 'fixtures', 'pipelines');
const tokenizer = join(pipelines, 'tokenizer');
const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function workspace(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'albert-train-'));
  directories.push(directory);
  for (const [name, content] of Object.entries(files)) await writeFile(join(directory, name), content);
  return directory;
}

async function run(argv: string[], cwd: string, hooks: Parameters<typeof createTrainCommand>[0] = {}) {
  const context = createTestContext({ cwd });
  const all = [...commands.filter((command) => command.name !== 'train'), createTrainCommand(hooks)];
  const code = await runCli(argv, context, all);
  return { code, stdout: context.output(), stderr: context.errors() };
}

const jsonl = (rows: readonly object[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

const CLASSIFICATION = jsonl([
  { text: 'She baked fresh bread in the oven.', label: 'positive' },
  { text: 'Add a pinch of salt to the soup.', label: 'positive' },
  { text: 'The stars shine in the night sky.', label: 'negative' },
  { text: 'The moon moves around the earth.', label: 'negative' },
]);
const CONLL = `-DOCSTART- -X- O O

Alice NNP B-PER
lives VBZ O
in IN O
Paris NNP B-LOC

Bob NNP B-PER
Smith NNP I-PER
visited VBD O
Berlin NNP B-LOC
`;
const SQUAD = JSON.stringify({
  version: 'v2.0',
  data: [
    {
      title: 'Rivers',
      paragraphs: [
        {
          context:
            'The river flows into the sea near the old harbour. Fishermen have lived in the town for centuries, and their boats still leave every morning.',
          qas: [
            { id: 'q1', question: 'Where does the river flow?', answers: [{ text: 'into the sea', answer_start: 16 }] },
            { id: 'q2', question: 'Who lives in the town?', answers: [{ text: 'Fishermen', answer_start: 51 }] },
            { id: 'q3', question: 'What colour is the sky?', answers: [], is_impossible: true },
          ],
        },
      ],
    },
  ],
});
const CHOICES = jsonl([
  { question: 'Where do fish live?', choices: ['in water', 'in trees'], label: 0 },
  { question: 'What do birds do?', choices: ['they swim', 'they fly'], label: 1 },
  { context: 'It is raining.', question: 'She opens', choices: ['her umbrella.', 'the oven.'], label: 'her umbrella.' },
]);
const LINES =
  'The cat sat on the mat.\nDogs bark at night.\n\nThe sun rises in the east.\nBirds sing in the morning.\n';
const DOCUMENTS =
  'The sun rises in the east. It sets in the west. The moon follows the sun.\n\nBread is made of flour. The dough rises in a warm room. Then it is baked.\n';

const HEADS = {
  AlbertForSequenceClassification,
  AlbertForTokenClassification,
  AlbertForQuestionAnswering,
  AlbertForMultipleChoice,
  AlbertForMaskedLM,
  AlbertForPreTraining,
} as const;
const CORE_NAME: Record<string, string> = {
  logits: 'logits',
  start_logits: 'startLogits',
  end_logits: 'endLogits',
  prediction_logits: 'predictionLogits',
  sop_logits: 'sopLogits',
};

interface Snapshot {
  readonly head: keyof typeof HEADS;
  readonly parameters: Map<string, Float32Array>;
  readonly outputs: Record<string, Tensor>;
  readonly example: TrainingExample;
}

/** Captures the trainer's final in-memory weights and its outputs on one example. */
function capture(into: Snapshot[]): Parameters<typeof createTrainCommand>[0] {
  return {
    onTrained: async (trainer: Trainer) => {
      const head = trainer.graph.head as keyof typeof HEADS;
      const ids = [2, 48, 1500, 215, 3];
      const example: TrainingExample = {
        inputIds: head === 'AlbertForMultipleChoice' ? [ids, [2, 48, 33, 3, 0].slice(0, 5)] : ids,
        label: 0,
        labels: ids.map(() => -100),
        startPosition: 0,
        endPosition: 0,
        sentenceOrderLabel: 0,
      };
      const shapes = new Map([...trainer.weights()].map(([key, tensor]) => [key, tensor.shape]));
      const session = await GradientSession.load(nodeBackend({ device: 'cpu' }), trainer.graph, shapes);
      const result = await session.evaluate(trainer.parameters, collateBatch(trainer.graph, [example]));
      await session.dispose();
      into.push({
        head,
        parameters: new Map([...trainer.parameters].map(([key, data]) => [key, Float32Array.from(data)])),
        outputs: result.outputs,
        example,
      });
    },
  };
}

/** The saved directory reloads in core with the trainer's exact weights and the same outputs. */
async function expectReloads(out: string, snapshot: Snapshot): Promise<void> {
  const { weights } = await loadPretrainedWeights(directorySource(out), snapshot.head);
  for (const [key, data] of snapshot.parameters) expect(weights.get(key).data, key).toEqual(data);
  interface LoadedModel {
    forward(inputs: unknown): Promise<unknown>;
    dispose(): Promise<void>;
  }
  const modelClass = HEADS[snapshot.head] as unknown as {
    fromPretrained(path: string, options: { backend: unknown; flavour: 'plain' }): Promise<LoadedModel>;
  };
  const model = await modelClass.fromPretrained(out, { backend: nodeBackend({ device: 'cpu' }), flavour: 'plain' });
  const inputIds = [snapshot.example.inputIds];
  const output = (await model.forward({ inputIds })) as Record<string, Tensor>;
  for (const [name, expected] of Object.entries(snapshot.outputs)) {
    const actual = output[CORE_NAME[name] as string] as Tensor;
    expect(actual.shape, name).toEqual(expected.shape);
    const difference = Math.max(
      ...Array.from(actual.data as Float32Array, (value, index) => Math.abs(value - (expected.data[index] as number))),
    );
    expect(difference, name).toBeLessThanOrEqual(1e-5);
  }
  await model.dispose();
}

const COMMON = ['--tokenizer', tokenizer, '--epochs', '1', '--batch-size', '2', '--seed', '3'];

describe('albert train', () => {
  it('sequence-classification: JSON Lines with the model’s labels, per-epoch metrics, reload and classify', async () => {
    const directory = await workspace({ 'train.jsonl': CLASSIFICATION });
    const snapshots: Snapshot[] = [];
    const model = join(pipelines, 'sequence-classification');
    const result = await run(
      [
        'train',
        '--task',
        'sequence-classification',
        '--model',
        model,
        '--train',
        'train.jsonl',
        '--eval',
        'train.jsonl',
        '--out',
        'out',
        ...COMMON,
        '--lr',
        '1e-3',
      ],
      directory,
      capture(snapshots),
    );
    expect(result.stderr).toMatch(/epoch 1\/1 {2}step 2\/2 {2}loss \d/);
    expect(result.stderr).toMatch(/eval {2}epoch 1 {2}step 2 {2}loss [\d.]+ {2}accuracy [\d.]+ {2}f1 [\d.]+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/saved the trained model to .*out \(2 steps\)/);
    const config = JSON.parse(await readFile(join(directory, 'out', 'config.json'), 'utf8')) as {
      id2label: Record<string, string>;
    };
    expect(config.id2label).toEqual({ 0: 'negative', 1: 'neutral', 2: 'positive' });
    await expectReloads(join(directory, 'out'), snapshots[0] as Snapshot);
    const classify = await run(['classify', '--model', 'out', '--json', 'Fresh bread.'], directory);
    expect(classify.code).toBe(0);
    expect(JSON.parse(classify.stdout)).toMatchObject([
      { label: expect.stringMatching(/negative|neutral|positive/) as unknown },
    ]);
  });

  it('sequence-classification: CSV labels collected from the file into a new head; --json events parse', async () => {
    const csv =
      'sentence,topic\n"She baked bread, then soup.",cooking\nStars shine at night.,space\n"The ""moon"" moves.",space\nFry the onions.,cooking\n';
    const directory = await workspace({ 'train.csv': csv });
    const result = await run(
      [
        'train',
        '--task',
        'sequence-classification',
        '--model',
        join(pipelines, 'feature-extraction'),
        '--train',
        'train.csv',
        '--text-column',
        'sentence',
        '--label-column',
        'topic',
        '--eval',
        'train.csv',
        '--eval-every',
        '1',
        '--out',
        'out',
        '--json',
        ...COMMON,
      ],
      directory,
    );
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; [key: string]: unknown });
    expect(events.map((event) => event.event)).toEqual(['step', 'evaluation', 'step', 'evaluation', 'done']);
    expect(events[0]).toMatchObject({ step: 1, totalSteps: 2, learningRate: 5e-5 });
    expect(events.at(-1)).toMatchObject({ steps: 2, labels: ['cooking', 'space'] });
    const config = JSON.parse(await readFile(join(directory, 'out', 'config.json'), 'utf8')) as {
      id2label: Record<string, string>;
      architectures: string[];
    };
    expect(config).toMatchObject({
      id2label: { 0: 'cooking', 1: 'space' },
      architectures: ['AlbertForSequenceClassification'],
    });
  });

  it('sequence-classification: regression numbers and multi-label lists set the problem type of a new head', async () => {
    const directory = await workspace({
      'regression.jsonl': jsonl([
        { text: 'Great.', label: 0.9 },
        { text: 'Awful.', label: 0.1 },
      ]),
      'multi.jsonl': jsonl([
        { text: 'Bread and stars.', labels: ['cooking', 'space'] },
        { text: 'Soup.', labels: ['cooking'] },
      ]),
    });
    const model = join(pipelines, 'feature-extraction');
    for (const [file, problemType, id2label] of [
      ['regression.jsonl', 'regression', { 0: 'LABEL_0' }],
      ['multi.jsonl', 'multi_label_classification', { 0: 'cooking', 1: 'space' }],
    ] as const) {
      const out = file.replace('.jsonl', '');
      const result = await run(
        [
          'train',
          '--task',
          'sequence-classification',
          '--model',
          model,
          '--train',
          file,
          '--eval',
          file,
          '--out',
          out,
          ...COMMON,
        ],
        directory,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/eval {2}epoch 1 {2}step 1 {2}loss [\d.]+\n/);
      const config = JSON.parse(await readFile(join(directory, out, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({ problem_type: problemType, id2label });
    }
  });

  it('token-classification: CoNLL, entity F1, reload and ner', async () => {
    const directory = await workspace({ 'train.conll': CONLL });
    const snapshots: Snapshot[] = [];
    const result = await run(
      [
        'train',
        '--task',
        'token-classification',
        '--model',
        join(pipelines, 'token-classification'),
        '--train',
        'train.conll',
        '--eval',
        'train.conll',
        '--out',
        'out',
        ...COMMON,
      ],
      directory,
      capture(snapshots),
    );
    expect(result.stderr).toMatch(/eval .* precision [\d.]+ {2}recall [\d.]+ {2}f1 [\d.]+ {2}accuracy/);
    expect(result.code).toBe(0);
    await expectReloads(join(directory, 'out'), snapshots[0] as Snapshot);
    expect((await run(['ner', '--model', 'out', '--json', 'Alice lives in Paris.'], directory)).code).toBe(0);
  });

  it('token-classification from a base model: tags collected, no pooler in the saved model (as HF saves it)', async () => {
    const directory = await workspace({ 'train.conll': CONLL });
    const argv = [
      'train',
      '--task',
      'token-classification',
      '--model',
      join(pipelines, 'feature-extraction'),
      '--train',
      'train.conll',
      '--out',
      'out',
      ...COMMON,
    ];
    const result = await run(argv, directory);
    expect(result.code, result.stderr).toBe(0);
    const tensors = readSafetensors(await readFile(join(directory, 'out', 'model.safetensors')), 'model.safetensors');
    expect([...tensors.keys()].filter((key) => key.includes('pooler'))).toEqual([]);
    expect(tensors.get('classifier.weight')?.shape).toEqual([4, 32]);
    const config = JSON.parse(await readFile(join(directory, 'out', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['id2label']).toEqual({ 0: 'B-LOC', 1: 'B-PER', 2: 'I-PER', 3: 'O' });
  });

  it('token-classification: a tag the model does not have names the line', async () => {
    const directory = await workspace({ 'train.conll': 'Alice B-PER\nate O\nsoup B-FOOD\n' });
    const result = await run(
      [
        'train',
        '--task',
        'token-classification',
        '--model',
        join(pipelines, 'token-classification'),
        '--train',
        'train.conll',
        '--out',
        'out',
        ...COMMON,
      ],
      directory,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "train.conll line 3: label 'B-FOOD' is not one of the model's labels (O, B-PER, I-PER, B-LOC, I-LOC, B-ORG, I-ORG)",
    );
    expect(existsSync(join(directory, 'out'))).toBe(false);
  });

  it('question-answering: SQuAD v2 windows, EM/F1, reload and qa', async () => {
    const directory = await workspace({ 'train.json': SQUAD });
    const snapshots: Snapshot[] = [];
    const result = await run(
      [
        'train',
        '--task',
        'question-answering',
        '--model',
        join(pipelines, 'question-answering'),
        '--train',
        'train.json',
        '--eval',
        'train.json',
        '--out',
        'out',
        '--max-length',
        '32',
        '--doc-stride',
        '8',
        ...COMMON,
      ],
      directory,
      capture(snapshots),
    );
    expect(result.stderr).toMatch(/eval .* exact_match [\d.]+ {2}f1 [\d.]+/);
    expect(result.code).toBe(0);
    await expectReloads(join(directory, 'out'), snapshots[0] as Snapshot);
    expect(
      (
        await run(
          ['qa', '--model', 'out', '--json', 'Where does the river flow?', 'The river flows into the sea.'],
          directory,
        )
      ).code,
    ).toBe(0);
  });

  it('multiple-choice: JSON Lines into a new head, accuracy, reload and choose', async () => {
    const directory = await workspace({ 'train.jsonl': CHOICES });
    const snapshots: Snapshot[] = [];
    const result = await run(
      [
        'train',
        '--task',
        'multiple-choice',
        '--model',
        join(pipelines, 'feature-extraction'),
        '--train',
        'train.jsonl',
        '--eval',
        'train.jsonl',
        '--out',
        'out',
        ...COMMON,
      ],
      directory,
      capture(snapshots),
    );
    expect(result.stderr).toMatch(/eval .* accuracy [\d.]+/);
    expect(result.code).toBe(0);
    await expectReloads(join(directory, 'out'), snapshots[0] as Snapshot);
    expect(
      (await run(['choose', '--model', 'out', '--json', 'Where do fish live?', 'in water', 'in trees'], directory))
        .code,
    ).toBe(0);
  });

  it('masked-lm: plain text lines, perplexity, reload and fill-mask', async () => {
    const directory = await workspace({ 'train.txt': LINES });
    const snapshots: Snapshot[] = [];
    const result = await run(
      [
        'train',
        '--task',
        'masked-lm',
        '--model',
        join(pipelines, 'masked-lm'),
        '--train',
        'train.txt',
        '--eval',
        'train.txt',
        '--out',
        'out',
        ...COMMON,
      ],
      directory,
      capture(snapshots),
    );
    expect(result.stderr).toMatch(/eval .* perplexity [\d.]+/);
    expect(result.code).toBe(0);
    await expectReloads(join(directory, 'out'), snapshots[0] as Snapshot);
    expect((await run(['fill-mask', '--model', 'out', '--json', 'The cat sat on the [MASK].'], directory)).code).toBe(
      0,
    );
  });

  it('pretraining: documents → n-gram MLM + sentence order, reload and fill-mask', async () => {
    const directory = await workspace({ 'corpus.txt': DOCUMENTS });
    const snapshots: Snapshot[] = [];
    const result = await run(
      [
        'train',
        '--task',
        'pretraining',
        '--model',
        join(pipelines, 'masked-lm'),
        '--train',
        'corpus.txt',
        '--eval',
        'corpus.txt',
        '--out',
        'out',
        ...COMMON,
      ],
      directory,
      capture(snapshots),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/eval .* loss [\d.]+ {2}sop_accuracy [\d.]+/);
    await expectReloads(join(directory, 'out'), snapshots[0] as Snapshot);
    expect((await run(['fill-mask', '--model', 'out', '--json', 'The sun [MASK] in the east.'], directory)).code).toBe(
      0,
    );
  });

  it.each([
    ['sequence-classification', 'sequence-classification', 'train.jsonl', CLASSIFICATION],
    ['masked-lm', 'masked-lm', 'train.txt', LINES], // masked afresh each epoch
  ])(
    '--resume from a --save-every checkpoint continues with the same losses as an uninterrupted run (%s)',
    async (task, model, file, content) => {
      const directory = await workspace({ [file]: content });
      const base = [
        'train',
        '--task',
        task,
        '--model',
        join(pipelines, model),
        '--train',
        file,
        '--json',
        '--lr',
        '1e-3',
        '--warmup',
        '1',
        '--tokenizer',
        tokenizer,
        '--batch-size',
        '2',
        '--epochs',
        '2',
        '--seed',
        '7',
      ];
      const losses = (stdout: string): number[] =>
        stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { event: string; loss?: number })
          .filter((event) => event.event === 'step')
          .map((event) => event.loss as number);
      const full = await run([...base, '--out', 'full', '--save-every', '1'], directory);
      expect(full.code).toBe(0);
      const uninterrupted = losses(full.stdout);
      expect(uninterrupted).toHaveLength(4);
      expect(existsSync(join(directory, 'full', 'checkpoint-3', 'optimizer.safetensors'))).toBe(true);
      expect(existsSync(join(directory, 'full', 'checkpoint-3', 'training_args.json'))).toBe(true);
      const resumed = await run([...base, '--out', 'resumed', '--resume', join('full', 'checkpoint-1')], directory);
      expect(resumed.code).toBe(0);
      expect(losses(resumed.stdout)).toEqual(uninterrupted.slice(1));
      const [a, b] = await Promise.all(
        ['full', 'resumed'].map((name) => readFile(join(directory, name, 'model.safetensors'))),
      );
      expect(Buffer.compare(a as Buffer, b as Buffer)).toBe(0);
    },
  );

  it('--resume keeps the run’s seed (trainer_state.json): without --seed the same losses, another --seed refused, a bad state file named', async () => {
    const directory = await workspace({ 'train.jsonl': CLASSIFICATION });
    const base = [
      'train',
      '--task',
      'sequence-classification',
      '--model',
      join(pipelines, 'sequence-classification'),
      '--train',
      'train.jsonl',
      '--json',
      '--lr',
      '1e-3',
      '--tokenizer',
      tokenizer,
      '--batch-size',
      '2',
      '--epochs',
      '2',
    ];
    const losses = (stdout: string): number[] =>
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; loss?: number })
        .filter((event) => event.event === 'step')
        .map((event) => event.loss as number);
    const full = await run([...base, '--seed', '11', '--out', 'full', '--save-every', '2'], directory);
    expect(full.code, full.stderr).toBe(0);
    const checkpoint = join('full', 'checkpoint-2');
    const state = JSON.parse(await readFile(join(directory, checkpoint, 'trainer_state.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({ head: 'AlbertForSequenceClassification', step: 2, epoch: 1, seed: 11 });
    await rm(join(directory, checkpoint, 'training_args.json'));
    const resumed = await run([...base, '--out', 'resumed', '--resume', checkpoint], directory);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(losses(resumed.stdout)).toEqual(losses(full.stdout).slice(2));

    const reseeded = await run([...base, '--seed', '12', '--out', 'other', '--resume', checkpoint], directory);
    expect(reseeded.code).not.toBe(0);
    expect(reseeded.stderr).toContain('--seed 12');
    expect(reseeded.stderr).toContain('trainer_state.json');
    expect(existsSync(join(directory, 'other'))).toBe(false);

    await writeFile(join(directory, checkpoint, 'trainer_state.json'), JSON.stringify({ ...state, seed: -1 }));
    const hostile = await run([...base, '--out', 'hostile', '--resume', checkpoint], directory);
    expect(hostile.code).not.toBe(0);
    expect(hostile.stderr).toMatch(/trainer_state\.json.*seed/);
    expect(existsSync(join(directory, 'hostile'))).toBe(false);
  });

  it('draws a progress bar with loss, learning rate and examples/s on a terminal', async () => {
    const directory = await workspace({ 'train.jsonl': CLASSIFICATION });
    const context = createTestContext({ cwd: directory });
    let terminal = '';
    const tty = { ...context, stderr: { write: (text: string) => (terminal += text), isTTY: true, columns: 100 } };
    const argv = [
      'train',
      '--task',
      'sequence-classification',
      '--model',
      join(pipelines, 'sequence-classification'),
      '--train',
      'train.jsonl',
      '--out',
      'out',
      ...COMMON,
    ];
    expect(await runCli(argv, tty, commands)).toBe(0);
    expect(terminal).toMatch(/\r\[█+░*\] +50% {2}step 1\/2 {2}loss [\d.]+ {2}lr 5\.0e-5 {2}[\d.]+ ex\/s {2}ETA/);
    expect(terminal).toContain('trained 2 steps');
  });

  it('--model with a Hub id downloads through the Hub resolution (mock Hub on 127.0.0.1)', async () => {
    const hub = await startMockHub(await tinyRepos());
    try {
      const directory = await workspace({ 'train.jsonl': CLASSIFICATION.split('\n').slice(0, 2).join('\n') });
      const context = createTestContext({
        cwd: directory,
        env: { HF_ENDPOINT: hub.endpoint, HF_HOME: directory, HF_HUB_CACHE: join(directory, 'cache') },
      });
      const argv = [
        'train',
        '--task',
        'sequence-classification',
        '--model',
        'albert-ts/demo',
        '--train',
        'train.jsonl',
        '--out',
        'out',
        '--epochs',
        '1',
        '--batch-size',
        '2',
        '--max-length',
        '16',
      ];
      expect(await runCli(argv, context, commands), context.errors()).toBe(0);
      expect(
        existsSync(join(directory, 'cache', 'models--albert-ts--demo', 'snapshots', COMMIT_MAIN, 'model.safetensors')),
      ).toBe(true);
      expect(existsSync(join(directory, 'out', 'spiece.model'))).toBe(true);
    } finally {
      await hub.close();
    }
  });

  it('names the file and line of a bad example and writes nothing', async () => {
    const directory = await workspace({ 'train.jsonl': `${JSON.stringify({ text: 'a', label: 'x' })}\n{"text": 1}\n` });
    const { code, stderr } = await run(
      ['train', '--task', 'sequence-classification', '--train', 'train.jsonl', '--out', 'out'],
      directory,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/train\.jsonl line 2: "text" must be a string/);
    expect(existsSync(join(directory, 'out'))).toBe(false);
  });

  it('an empty or missing file is a typed error naming it', async () => {
    const directory = await workspace({ 'empty.csv': '', 'bad.csv': 'text,label\nok,"x\n' });
    const cases = [
      ['empty.csv', 'error [TRAINING_BAD_DATA]: empty.csv: no header row (the file is empty)'],
      ['bad.csv', 'error [TRAINING_BAD_DATA]: bad.csv line 2: a quoted field is not closed'],
      ['missing.jsonl', 'error [TRAINING_BAD_DATA]: cannot read missing.jsonl'],
    ];
    for (const [file, message] of cases) {
      const argv = [
        'train',
        '--task',
        'sequence-classification',
        '--model',
        join(pipelines, 'sequence-classification'),
        '--tokenizer',
        tokenizer,
        '--train',
        file as string,
        '--out',
        'out',
      ];
      const result = await run(argv, directory);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(message);
    }
  });

  it('rejects bad flags with a usage error', async () => {
    const directory = await workspace({});
    for (const argv of [
      ['train', '--train', 'x.jsonl', '--out', 'out'],
      ['train', '--task', 'masked-lm', '--out', 'out'],
      ['train', '--task', 'masked-lm', '--train', 'x.txt', '--out', 'out', '--batch-size', '0'],
      ['train', '--task', 'nope', '--train', 'x.txt', '--out', 'out'],
      [
        'train',
        '--task',
        'masked-lm',
        '--model',
        join(pipelines, 'masked-lm'),
        '--train',
        'x.txt',
        '--out',
        'out',
        '--max-length',
        '513',
      ],
    ]) {
      const result = await run(argv, directory);
      expect(result.code, argv.join(' ')).toBe(2);
    }
  });
});
