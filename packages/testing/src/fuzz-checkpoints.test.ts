/**
 * Seeded, time-bounded fuzzing of the checkpoint readers: valid fixtures are mutated (bit flips,
 * length fields set to 0/2^31/2^32/2^63, truncation, cut and repeated slices) and each mutant is read
 * with the config's tensor filter, as `fromPretrained` reads it. Every mutant must give a typed error
 * or a consistent state dict, within the time and RSS bounds of `runFuzz`. The counts are printed
 * (and quoted in docs/testing.md); `ALBERT_FUZZ_ITERATIONS`, `ALBERT_FUZZ_SEED` and
 * `ALBERT_FUZZ_TIME_MS` scale a run up.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AlbertConfig } from '@albert-ts/config';
import {
  albertTensorFilter,
  headOfConfig,
  loadPretrainedWeights,
  memorySource,
  parseSafetensors,
  readFlaxMsgpack,
  readPytorchCheckpoint,
  resolveAlbertWeights,
  type StateDict,
  type SkippedTensor,
} from '@albert-ts/core';
import { writeZip } from '../../core/src/checkpoint/test-builders.js';
import { openZipArchive } from '../../core/src/checkpoint/zip/zip-archive.js';
import { formatFuzzReport, mutateBytes, runFuzz } from './test-fuzz-inputs.js';

function fixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/${relative}`, import.meta.url))));
}

function configOf(directory: string): AlbertConfig {
  return AlbertConfig.parse(new TextDecoder().decode(fixture(`${directory}/config.json`)), { file: 'config.json' });
}

/** A parsed state dict must be consistent: every tensor's data fills its shape; then resolve it (typed errors allowed). */
function checkContents(config: AlbertConfig, stateDict: StateDict, skipped: readonly SkippedTensor[]): void {
  for (const [key, tensor] of stateDict) {
    const size = tensor.shape.reduce((product, dimension) => product * dimension, 1);
    if (tensor.data.length !== size)
      throw new Error(`tensor ${key}: ${tensor.data.length} elements for shape [${tensor.shape.join(', ')}]`);
  }
  resolveAlbertWeights(config, stateDict, headOfConfig(config), { file: 'fuzzed', skipped });
}

/** The torch zip fixture re-written with deflated records (the inflate path). */
async function deflatedTorchZip(bytes: Uint8Array): Promise<Uint8Array> {
  const archive = openZipArchive(bytes, 'pytorch_model.bin');
  const entries = [];
  for (const name of archive.entries.keys())
    entries.push({ name, data: new Uint8Array(await archive.read(name)), compress: true });
  return writeZip(entries);
}

const reports: string[] = [];

describe('fuzzing the checkpoint readers (typed error or result; bounded time and RSS)', () => {
  it('safetensors', async () => {
    const config = configOf('models/tiny');
    const filter = albertTensorFilter(config, headOfConfig(config));
    const seeds = [fixture('models/tiny/model.safetensors')];
    const report = await runFuzz('safetensors', seeds, mutateBytes, (bytes) => {
      const parsed = parseSafetensors(bytes, 'model.safetensors', { filter });
      checkContents(config, parsed.stateDict, parsed.skipped);
    });
    reports.push(formatFuzzReport(report));
    console.log(reports.at(-1));
    expect(report.results).toBeGreaterThan(0);
  });

  it('safetensors, half precision', async () => {
    const config = configOf('checkpoints/bf16-safetensors');
    const filter = albertTensorFilter(config, headOfConfig(config));
    const seeds = [
      fixture('checkpoints/bf16-safetensors/model.safetensors'),
      fixture('checkpoints/fp16-safetensors/model.safetensors'),
    ];
    const report = await runFuzz('safetensors-f16', seeds, mutateBytes, (bytes) => {
      const parsed = parseSafetensors(bytes, 'model.safetensors', { filter });
      checkContents(config, parsed.stateDict, parsed.skipped);
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('pytorch zip (stored and deflated records) and legacy pickles', async () => {
    const config = configOf('checkpoints/pytorch-zip');
    const filter = albertTensorFilter(config, headOfConfig(config));
    const zip = fixture('checkpoints/pytorch-zip/pytorch_model.bin');
    const seeds = [zip, await deflatedTorchZip(zip), fixture('checkpoints/pytorch-legacy/pytorch_model.bin')];
    const report = await runFuzz('pytorch', seeds, mutateBytes, async (bytes) => {
      const contents = await readPytorchCheckpoint(bytes, 'pytorch_model.bin', { filter });
      checkContents(config, contents.stateDict, contents.skipped);
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('sharded index (model.safetensors.index.json) through loadPretrainedWeights', async () => {
    const directory = 'checkpoints/sharded-safetensors';
    const shards = [
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
    ];
    const files = Object.fromEntries(shards.map((name) => [name, fixture(`${directory}/${name}`)]));
    const config = fixture(`${directory}/config.json`);
    const seeds = [fixture(`${directory}/model.safetensors.index.json`)];
    const report = await runFuzz('safetensors index', seeds, mutateBytes, async (index) => {
      const source = memorySource({ ...files, 'config.json': config, 'model.safetensors.index.json': index });
      const loaded = await loadPretrainedWeights(source);
      for (const key of loaded.weights.keys) {
        const tensor = loaded.weights.get(key);
        if (tensor.data.length !== tensor.shape.reduce((product, dimension) => product * dimension, 1))
          throw new Error(`${key} does not fill its shape`);
      }
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });

  it('flax msgpack', async () => {
    const config = configOf('checkpoints/flax');
    const filter = albertTensorFilter(config, headOfConfig(config));
    const seeds = [fixture('checkpoints/flax/flax_model.msgpack')];
    const report = await runFuzz('flax-msgpack', seeds, mutateBytes, (bytes) => {
      const contents = readFlaxMsgpack(bytes, 'flax_model.msgpack', { filter });
      checkContents(config, contents.stateDict, contents.skipped);
    });
    console.log(formatFuzzReport(report));
    expect(report.results).toBeGreaterThan(0);
  });
});
