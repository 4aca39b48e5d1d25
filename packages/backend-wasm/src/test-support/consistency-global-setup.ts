/**
 * vitest globalSetup of the browser projects (Node side): runs the randomized consistency model on
 * onnxruntime-node `cpu` and writes its outputs (raw little-endian float32 + `manifest.json`) under the
 * generated-data directory, where the browser test fetches them. Skipped with a printed reason when
 * onnxruntime-node cannot run here (the browser test then skips too).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeBackend } from '@albert-ts/backend-node';
import { generatedDirectory } from './test-directories.js';
import { buildConsistencyGraph, consistencyCases } from './consistency-model.js';

/** Directory of the node-cpu reference outputs. */
export const consistencyReferenceDirectory = join(generatedDirectory, 'consistency');

export default async function setup(): Promise<void> {
  await rm(consistencyReferenceDirectory, { recursive: true, force: true });
  await mkdir(consistencyReferenceDirectory, { recursive: true });
  const cpu = nodeBackend({ device: 'cpu' });
  const probe = await cpu.probe();
  if (!probe.available) {
    console.warn(`consistency references not generated: node-cpu unavailable (${probe.reason})`);
    return;
  }
  const manifest: Record<string, Record<string, number[]>> = {};
  for (const testCase of consistencyCases()) {
    const graph = buildConsistencyGraph(testCase.head) as NonNullable<ReturnType<typeof buildConsistencyGraph>>;
    const session = await cpu.load(graph);
    const outputs = await session.run(testCase.feeds);
    manifest[testCase.name] = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      const data = tensor.data as Float32Array;
      await writeFile(
        join(consistencyReferenceDirectory, `${testCase.name}.${name}.f32`),
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      (manifest[testCase.name] as Record<string, number[]>)[name] = [...tensor.shape];
    }
    await session.dispose();
  }
  await writeFile(join(consistencyReferenceDirectory, 'manifest.json'), JSON.stringify(manifest));
}
