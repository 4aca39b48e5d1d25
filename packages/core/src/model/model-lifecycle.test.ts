/**
 * The model lifecycle (issue class 10): calls in flight when `dispose()` is called finish with their
 * results; calls made after it reject with `ModelStateError` `MODEL_DISPOSED`; the backend sessions
 * are freed once, after the calls in flight, and never rebuilt.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, BackendSession } from '../backend/backend.js';
import { loadPretrainedWeights } from '../checkpoint/load-pretrained-weights.js';
import { directorySource } from '../checkpoint/sources/directory-source.js';
import { fixturePath } from '../checkpoint/test-fixtures.js';
import { createTensor } from '../tensor.js';
import { AlbertModel } from './albert-model.js';
import { ModelStateError } from './model-state-error.js';

/** A backend whose sessions answer when the test releases them, counting loads and disposals. */
function controlledBackend() {
  const counts = { loads: 0, disposals: 0, runs: 0 };
  const loaded: Uint8Array[] = [];
  const waiting: (() => void)[] = [];
  const backend: Backend = {
    specificationVersion: 1,
    name: 'controlled',
    capabilities: { contribOperators: [], float16: false },
    probe: async () => ({ available: true }),
    load: async (model): Promise<BackendSession> => {
      counts.loads += 1;
      loaded.push(model.bytes);
      let disposed = false;
      return {
        inputNames: ['input_ids', 'attention_mask', 'token_type_ids', 'position_ids'],
        outputNames: ['last_hidden_state'],
        run: async (feeds) => {
          if (disposed) throw new Error('Session already disposed'); // what onnxruntime does
          counts.runs += 1;
          await new Promise<void>((resolve) => waiting.push(resolve));
          if (disposed) throw new Error('Session already disposed');
          const [batch, sequence] = feeds['input_ids']!.shape as [number, number];
          return {
            last_hidden_state: createTensor('float32', [batch, sequence, 36], new Float32Array(batch * sequence * 36)),
          };
        },
        dispose: async () => {
          disposed = true;
          counts.disposals += 1;
        },
      };
    },
  };
  const releaseAll = (): void => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { backend, counts, releaseAll, waiting, loaded };
}

async function tinyModel(backend: Backend): Promise<AlbertModel> {
  const { config, weights } = await loadPretrainedWeights(directorySource(fixturePath('models/tiny')), 'AlbertModel');
  return new AlbertModel({ config, weights, backend });
}

/** Lets pending promise callbacks run until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn += 1) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

describe('model lifecycle: dispose() during forward()', () => {
  it('calls in flight finish with their results, then the session is freed once', async () => {
    const { backend, counts, releaseAll, waiting } = controlledBackend();
    const model = await tinyModel(backend);
    const first = model.forward({ inputIds: [[2, 5, 3]] });
    const second = model.forward({ inputIds: [[2, 6, 7, 3]] });
    await until(() => waiting.length === 2);
    const disposing = model.dispose();
    expect(model.disposed).toBe(true);
    // a call made while dispose waits is refused at once
    await expect(model.forward({ inputIds: [[2, 3]] })).rejects.toMatchObject({ code: 'MODEL_DISPOSED' });
    expect(counts.disposals).toBe(0);
    releaseAll();
    expect((await first).lastHiddenState.shape).toEqual([1, 3, 36]);
    expect((await second).lastHiddenState.shape).toEqual([1, 4, 36]);
    await disposing;
    expect(counts.disposals).toBe(1);
    expect(model.dispose()).toBe(disposing); // idempotent
  });

  it('use after dispose is a typed error and never rebuilds a session', async () => {
    const { backend, counts, releaseAll } = controlledBackend();
    const model = await tinyModel(backend);
    const running = model.forward({ inputIds: [[2, 5, 3]] });
    await until(() => counts.runs === 1);
    releaseAll();
    await running;
    await model.dispose();
    const loadsBefore = counts.loads;
    const error = await model.forward({ inputIds: [[2, 5, 3]] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelStateError);
    expect((error as ModelStateError).code).toBe('MODEL_DISPOSED');
    await expect(model.exportGraph()).rejects.toMatchObject({ code: 'MODEL_DISPOSED' });
    expect(counts.loads).toBe(loadsBefore);
  });

  it('a call that fails while in flight does not block dispose', async () => {
    const { backend, releaseAll } = controlledBackend();
    const model = await tinyModel(backend);
    await expect(model.forward({ inputIds: [[2, 500]] })).rejects.toMatchObject({ code: 'INPUT_OUT_OF_RANGE' });
    releaseAll();
    await model.dispose();
  });
});

describe('model memory', () => {
  it("frees the encoded graph once the backend has loaded it; an exported graph stays the caller's", async () => {
    const { backend, counts, releaseAll, loaded } = controlledBackend();
    const model = await tinyModel(backend);
    const running = model.forward({ inputIds: [[2, 5, 3]] });
    await until(() => counts.runs === 1);
    releaseAll();
    await running;
    expect(loaded[0]!.byteLength).toBe(0); // detached: its memory is freed without waiting for a collection
    const exported = await model.exportGraph();
    expect(exported.bytes.byteLength).toBeGreaterThan(1000);
  });
});
