import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertError, AlbertForMaskedLM, BackendError, pipeline, selectDevice, type DeviceFallback } from './index.js';
import * as pipelines from '@albert-ts/pipelines';
import * as core from '@albert-ts/core';
import { deviceCandidates as browserCandidates } from './platform/browser-device-candidates.js';

const demoModel = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps/cli/demo-model');

describe('selectDevice (Node)', () => {
  it("picks onnxruntime-node's CPU for 'auto' and 'cpu', onnxruntime-web for 'wasm'", async () => {
    await expect(selectDevice()).resolves.toMatchObject({ name: 'node-cpu', fallbacks: [] });
    await expect(selectDevice({ device: 'cpu' })).resolves.toMatchObject({ name: 'node-cpu' });
    await expect(selectDevice({ device: 'wasm' })).resolves.toMatchObject({ name: 'wasm' });
  });

  it('rejects unknown devices and options with typed errors', async () => {
    await expect(selectDevice({ device: 'gpu' as never })).rejects.toMatchObject({
      code: 'BACKEND_UNKNOWN_NAME',
      message: expect.stringMatching(/auto, cpu, cuda, wasm, webgpu/),
    });
    await expect(selectDevice({ devise: 'cpu' } as never)).rejects.toBeInstanceOf(BackendError);
  });

  it("reports why 'cuda' cannot run here in a typed error, naming the device", async () => {
    const error = await selectDevice({ device: 'cuda' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // On a machine with CUDA's libraries this resolves; here it must be a typed error that says why.
    if (error !== undefined) {
      expect(error).toBeInstanceOf(AlbertError);
      expect((error as BackendError).message).toMatch(/node-cuda/);
    }
  });
});

describe('the device-aware model classes', () => {
  it("load the demo model with device 'auto' and are core's classes", async () => {
    const model = await AlbertForMaskedLM.fromPretrained(demoModel);
    expect(model).toBeInstanceOf(core.AlbertForMaskedLM);
    expect(model.backend.name).toMatch(/cpu/);
    const result = await model.fillMask('The river flows into the [MASK].');
    expect(result.masks[0]?.predictions.length).toBeGreaterThan(0);
    await model.dispose();
  });

  it('refuse a device and a backend together', async () => {
    const { wasmBackend } = await import('@albert-ts/backend-wasm');
    await expect(
      AlbertForMaskedLM.fromPretrained(demoModel, { device: 'cpu', backend: wasmBackend() }),
    ).rejects.toMatchObject({ code: 'BACKEND_UNKNOWN_NAME' });
  });
});

describe('the device-aware pipeline', () => {
  it("loads the demo model with device 'auto' and returns what the pipelines package returns", async () => {
    const unmasker = await pipeline('fill-mask', demoModel, { device: 'auto', topK: 3 });
    const model = await AlbertForMaskedLM.fromPretrained(demoModel, { device: 'cpu' });
    try {
      const text = 'The river flows into the [MASK].';
      const result = await unmasker(text);
      expect(result).toHaveLength(3);
      const { AlbertTokenizer, directorySource } = await import('./index.js');
      const tokenizer = await AlbertTokenizer.fromFiles(directorySource(demoModel));
      const reference = await pipelines.pipeline('fill-mask', { model, tokenizer }, { topK: 3 });
      expect(result).toEqual(await reference(text));
    } finally {
      await unmasker.dispose();
      await model.dispose();
    }
  });

  it('refuses a device and a backend together, and a device for an already loaded model', async () => {
    const { wasmBackend } = await import('@albert-ts/backend-wasm');
    await expect(pipeline('fill-mask', demoModel, { device: 'cpu', backend: wasmBackend() })).rejects.toMatchObject({
      code: 'BACKEND_UNKNOWN_NAME',
    });
    const model = await AlbertForMaskedLM.fromPretrained(demoModel, { device: 'cpu' });
    try {
      const { AlbertTokenizer, directorySource } = await import('./index.js');
      const tokenizer = await AlbertTokenizer.fromFiles(directorySource(demoModel));
      await expect(pipeline('fill-mask', { model, tokenizer }, { device: 'wasm' })).rejects.toBeInstanceOf(AlbertError);
    } finally {
      await model.dispose();
    }
  });
});

describe('browser candidates', () => {
  it("try WebGPU then WebAssembly for 'auto', and report the fallback", async () => {
    expect(browserCandidates('auto').map((candidate) => candidate.name)).toEqual(['webgpu', 'wasm']);
    expect(browserCandidates('cpu').map((candidate) => candidate.name)).toEqual(['wasm']);
    await expect(browserCandidates('cuda')[0]?.create()).rejects.toThrow(/Node only/);
    // In Node there is no navigator.gpu: the WebGPU candidate is unavailable, which is what a browser without WebGPU sees.
    const webgpu = await browserCandidates('webgpu')[0]?.create();
    await expect(webgpu?.probe()).resolves.toMatchObject({
      available: false,
      reason: expect.stringMatching(/navigator\.gpu/),
    });
    const fallbacks: DeviceFallback[] = [];
    const candidates = browserCandidates('auto');
    for (const [index, candidate] of candidates.entries()) {
      const probe = await (await candidate.create()).probe();
      if (probe.available) break;
      fallbacks.push({ from: candidate.name, reason: probe.reason, to: candidates[index + 1]?.name ?? '' });
    }
    expect(fallbacks).toEqual([{ from: 'webgpu', reason: expect.stringMatching(/navigator\.gpu/), to: 'wasm' }]);
  });
});
