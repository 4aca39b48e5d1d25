import { nodeBackend } from '@albert-ts/backend-node';
import { directorySource, loadPretrainedWeights, memorySource, type ModelFileSource } from '@albert-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../checkpoint/encode-safetensors.js';
import type { TrainingExample } from '../data/training-example.js';
import type { TrainingWeights } from '../graph/albert-training-graph.js';
import { TrainingError } from '../training-error.js';
import { OPTIMIZER_STATE_FILES, Trainer, type OptimizerPlacement, type TrainerOptions } from './trainer.js';

// A run saved at step k and resumed in a new trainer is the uninterrupted run, bit for bit, with dropout on: the
// seed, the step and the epoch come from trainer_state.json (the resumed trainer is created with another seed),
// so the dropout masks and fit's shuffles are the ones the uninterrupted run drew. Then the hostile state files.
const directory = new URL('../../../../fixtures/models/grouped/AlbertForSequenceClassification/', import.meta.url)
  .pathname;
const head = 'AlbertForSequenceClassification';
const loaded = await loadPretrainedWeights(directorySource(directory), head);
const config = loaded.config.with({
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  classifierDropoutProb: 0.1,
});
const backend = nodeBackend({ device: 'cpu' });
const examples: TrainingExample[] = Array.from({ length: 10 }, (_, index) => ({
  inputIds: [2, ...Array.from({ length: 4 + (index % 4) }, (_, position) => 5 + ((index * 11 + position * 7) % 90)), 3],
  label: index % 3,
}));
const open: Trainer[] = [];
afterAll(async () => {
  for (const trainer of open) await trainer.dispose();
});

async function create(
  weights: TrainingWeights,
  options: Partial<Omit<TrainerOptions, 'backend' | 'config' | 'weights' | 'head'>> = {},
): Promise<Trainer> {
  const trainer = await Trainer.create({
    backend,
    config,
    weights,
    head,
    optimizer: { lr: 1e-3 },
    warmupSteps: 2,
    ...options,
  });
  open.push(trainer);
  return trainer;
}

/** The checkpoint of `trainer` in memory, and a trainer resumed from it (created with `options`, another seed). */
async function resume(
  trainer: Trainer,
  options: Partial<Omit<TrainerOptions, 'backend' | 'config' | 'weights' | 'head'>> = {},
): Promise<Trainer> {
  const files = memorySource(Object.fromEntries(await trainer.checkpointFiles()));
  const resumed = await create((await loadPretrainedWeights(files, head, { config })).weights, options);
  await resumed.loadOptimizerState(files);
  return resumed;
}

function expectSameParameters(a: Trainer, b: Trainer): void {
  expect([...b.parameters.keys()]).toEqual([...a.parameters.keys()]);
  for (const [name, data] of a.parameters) {
    const other = b.parameters.get(name) as Float32Array;
    let same = other.length === data.length;
    for (let index = 0; same && index < data.length; index += 1) same = Object.is(other[index], data[index]);
    expect(same, name).toBe(true);
  }
}

describe('a resumed run is the uninterrupted run (node-cpu, dropout on)', () => {
  it('fit: 3 epochs at once = 1 epoch, save, a new trainer with another seed, 2 more epochs', async () => {
    const fitOptions = { batchSize: 4, totalSteps: 9 } as const;
    const uninterrupted = await create(loaded.weights, { seed: 21 });
    expect(uninterrupted.dropout).toBe(true);
    const losses: number[] = [];
    await uninterrupted.fit(examples, { ...fitOptions, epochs: 3, onProgress: (event) => losses.push(event.loss) });
    expect(losses).toHaveLength(9);
    expect(uninterrupted.epochCount).toBe(3);

    const first = await create(loaded.weights, { seed: 21 });
    const firstLosses: number[] = [];
    await first.fit(examples, { ...fitOptions, epochs: 1, onProgress: (event) => firstLosses.push(event.loss) });
    expect(firstLosses).toEqual(losses.slice(0, 3));
    const resumed = await resume(first, { seed: 5 });
    expect([resumed.seed, resumed.stepCount, resumed.epochCount]).toEqual([21, 3, 1]);
    const resumedLosses: number[] = [];
    await resumed.fit(examples, { ...fitOptions, epochs: 2, onProgress: (event) => resumedLosses.push(event.loss) });
    expect(resumedLosses).toEqual(losses.slice(3));
    expectSameParameters(uninterrupted, resumed);
    // the seed matters: the same two epochs from the checkpoint with seed 5 kept would differ
    const reseeded = await resume(first, { seed: 5 });
    (reseeded as unknown as { runSeed: number }).runSeed = 5;
    const reseededLosses: number[] = [];
    await reseeded.fit(examples, { ...fitOptions, epochs: 2, onProgress: (event) => reseededLosses.push(event.loss) });
    expect(reseededLosses).not.toEqual(losses.slice(3));
  });

  it.each(['typescript', 'update-graph', 'fused'] satisfies OptimizerPlacement[])(
    'step (%s): 4 steps at once = 2 steps, save, resume, 2 steps',
    async (optimizerPlacement) => {
      const batches = [examples.slice(0, 4), examples.slice(4, 8), examples.slice(2, 6), examples.slice(6)];
      const uninterrupted = await create(loaded.weights, { seed: 8, optimizerPlacement });
      const losses: number[] = [];
      for (const batch of batches) losses.push((await uninterrupted.step(batch)).loss);
      const first = await create(loaded.weights, { seed: 8, optimizerPlacement });
      for (const batch of batches.slice(0, 2)) await first.step(batch);
      const resumed = await resume(first, { optimizerPlacement }); // default seed 0: the file's 8 wins
      expect([resumed.seed, resumed.stepCount]).toEqual([8, 2]);
      for (const [index, batch] of batches.slice(2).entries())
        expect((await resumed.step(batch)).loss, `step ${index + 3}`).toBe(losses[index + 2]);
      expectSameParameters(uninterrupted, resumed);
    },
  );

  it('refuses a state saved with dropout into a trainer without it, naming both values; nothing changes', async () => {
    const first = await create(loaded.weights, { seed: 3 });
    await first.step(examples.slice(0, 4));
    const files = memorySource(Object.fromEntries(await first.checkpointFiles()));
    const other = await create(loaded.weights, { seed: 4, dropout: false });
    const error = await other.loadOptimizerState(files).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TrainingError);
    expect(error).toMatchObject({
      code: 'TRAINING_BAD_STATE',
      details: { file: 'trainer_state.json', field: 'dropout', saved: true, current: false },
    });
    expect((error as Error).message).toMatch(/trainer_state\.json.*dropout.*true.*false/);
    expect([other.stepCount, other.seed, other.optimizer.stateDict().tensors.size]).toEqual([0, 4, 0]);
  });
});

describe('hostile trainer_state.json and optimizer.safetensors', async () => {
  const saved = await create(loaded.weights, { seed: 13 });
  await saved.step(examples.slice(0, 4));
  const files = await saved.checkpointFiles();
  const state = JSON.parse(new TextDecoder().decode(files.get('trainer_state.json'))) as Record<string, unknown>;
  const withState = (text: string): ModelFileSource =>
    memorySource({ ...Object.fromEntries(files), 'trainer_state.json': text });
  const edited = (edit: (json: Record<string, unknown>) => void): ModelFileSource => {
    const json = structuredClone(state);
    edit(json);
    return withState(JSON.stringify(json));
  };
  const scalars = (json: Record<string, unknown>): Record<string, unknown> =>
    json['scalars'] as Record<string, unknown>;
  const cases: [string, () => ModelFileSource, string, string][] = [
    ['not JSON', () => withState('{"step": 1,'), 'trainer_state.json', '(file)'],
    [
      'not UTF-8',
      () => memorySource({ ...Object.fromEntries(files), 'trainer_state.json': new Uint8Array([0x7b, 0xff, 0x7d]) }),
      'trainer_state.json',
      '(file)',
    ],
    ['an array', () => withState('[1, 2]'), 'trainer_state.json', '(file)'],
    ['too large', () => withState(`{"pad": "${' '.repeat(17 * 1024 * 1024)}"}`), 'trainer_state.json', '(file)'],
    ['seed missing', () => edited((json) => delete json['seed']), 'trainer_state.json', 'seed'],
    ['seed a string', () => edited((json) => (json['seed'] = '13')), 'trainer_state.json', 'seed'],
    ['seed huge', () => edited((json) => (json['seed'] = 1e300)), 'trainer_state.json', 'seed'],
    ['seed negative', () => edited((json) => (json['seed'] = -1)), 'trainer_state.json', 'seed'],
    ['seed fractional', () => edited((json) => (json['seed'] = 1.5)), 'trainer_state.json', 'seed'],
    [
      'step infinite',
      () => withState(JSON.stringify(state).replace(/"step":\d+/, '"step":1e400')),
      'trainer_state.json',
      'step',
    ],
    ['step missing', () => edited((json) => delete json['step']), 'trainer_state.json', 'step'],
    ['step beyond 2^53', () => edited((json) => (json['step'] = 2 ** 53)), 'trainer_state.json', 'step'],
    ['epoch negative', () => edited((json) => (json['epoch'] = -3)), 'trainer_state.json', 'epoch'],
    ['epoch missing', () => edited((json) => delete json['epoch']), 'trainer_state.json', 'epoch'],
    ['dropout a string', () => edited((json) => (json['dropout'] = 'yes')), 'trainer_state.json', 'dropout'],
    ['dropout missing', () => edited((json) => delete json['dropout']), 'trainer_state.json', 'dropout'],
    ['head missing', () => edited((json) => delete json['head']), 'trainer_state.json', 'head'],
    [
      'another head',
      () => edited((json) => (json['head'] = 'AlbertForQuestionAnswering')),
      'trainer_state.json',
      'head',
    ],
    [
      'placement unknown',
      () => edited((json) => (json['optimizer_placement'] = 'gpu')),
      'trainer_state.json',
      'optimizer_placement',
    ],
    [
      'accumulation 0',
      () => edited((json) => (json['gradient_accumulation_steps'] = 0)),
      'trainer_state.json',
      'gradient_accumulation_steps',
    ],
    ['another optimizer', () => edited((json) => (json['type'] = 'SGD')), 'trainer_state.json', 'type'],
    ['type a number', () => edited((json) => (json['type'] = 7)), 'trainer_state.json', 'type'],
    ['scalars null', () => edited((json) => (json['scalars'] = null)), 'trainer_state.json', 'scalars'],
    ['lr a string', () => edited((json) => (scalars(json)['lr'] = 'fast')), 'trainer_state.json', 'scalars.lr'],
    ['lr negative', () => edited((json) => (scalars(json)['lr'] = -1)), 'trainer_state.json', 'scalars.lr'],
    ['steps missing', () => edited((json) => delete scalars(json)['steps']), 'trainer_state.json', 'steps'],
    [
      'a parameter step a string',
      () => edited((json) => ((scalars(json)['steps'] as Record<string, unknown>)['classifier.weight'] = 'one')),
      'trainer_state.json',
      'classifier.weight',
    ],
    [
      'a moment of another size',
      () =>
        memorySource({
          ...Object.fromEntries(files),
          'optimizer.safetensors': encodeSafetensors(
            new Map([['classifier.weight.exp_avg', { shape: [3], data: new Float32Array(3) }]]),
          ),
        }),
      'optimizer.safetensors',
      'classifier.weight.exp_avg',
    ],
    [
      'a moment of no parameter',
      () =>
        memorySource({
          ...Object.fromEntries(files),
          'optimizer.safetensors': encodeSafetensors(
            new Map([['albert.pooler.nothing.exp_avg', { shape: [3], data: new Float32Array(3) }]]),
          ),
        }),
      'optimizer.safetensors',
      'albert.pooler.nothing.exp_avg',
    ],
  ];
  const target = await create(loaded.weights, { seed: 2 });
  await target.step(examples.slice(4, 8));
  const before = target.optimizer.stateDict();

  it.each(cases)(
    '%s: a typed error naming the file and field; the trainer is unchanged',
    async (_name, source, file, field) => {
      const error = await target.loadOptimizerState(source()).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(TrainingError);
      expect(error).toMatchObject({ code: 'TRAINING_BAD_STATE', details: { file, field } });
      expect((error as Error).message).toContain(file);
      expect([target.stepCount, target.epochCount, target.seed]).toEqual([1, 0, 2]);
      const after = target.optimizer.stateDict();
      expect(after.scalars).toEqual(before.scalars);
      expect([...after.tensors.keys()]).toEqual([...before.tensors.keys()]);
      for (const [name, data] of before.tensors) expect(after.tensors.get(name), name).toEqual(data);
    },
  );

  it('a file missing is a typed error too', async () => {
    const { [OPTIMIZER_STATE_FILES.scalars]: _dropped, ...rest } = Object.fromEntries(files);
    await expect(target.loadOptimizerState(memorySource(rest))).rejects.toMatchObject({
      code: 'CHECKPOINT_FILE_NOT_FOUND',
    });
  });

  it('rejects a seed that is not a non-negative integer below 2^53 when creating the trainer', async () => {
    for (const seed of [-1, 1.5, 2 ** 53, Number.NaN, '7'])
      await expect(create(loaded.weights, { seed: seed as number })).rejects.toMatchObject({
        code: 'TRAINING_BAD_OPTIONS',
        details: { field: 'seed' },
      });
  });
});
