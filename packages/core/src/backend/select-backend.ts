import { BACKEND_SPECIFICATION_VERSION, type Backend } from './backend.js';
import { BackendError } from './backend-error.js';

/**
 * Picks the first backend of `candidates` whose {@link Backend.probe} says it is available, in the
 * given order. Pure: nothing is registered anywhere. When none is available, throws one
 * {@link BackendError} (`BACKEND_UNAVAILABLE`) listing every backend with its reason.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM, selectBackend } from '@albert-ts/core';
 * import { webgpuBackend } from '@albert-ts/backend-webgpu';
 * import { wasmBackend } from '@albert-ts/backend-wasm';
 *
 * // WebGPU where the browser has an adapter, else WebAssembly; a BackendError lists every reason when none runs.
 * const backend = await selectBackend([webgpuBackend(), wasmBackend()]);
 * const model = await AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', { backend });
 * ```
 */
export async function selectBackend(candidates: readonly Backend[]): Promise<Backend> {
  if (candidates.length === 0)
    throw new BackendError('BACKEND_NONE_GIVEN', 'selectBackend: no backend was given', { reasons: {} });
  const reasons: Record<string, string> = {};
  for (const backend of candidates) {
    if (backend.specificationVersion !== BACKEND_SPECIFICATION_VERSION) {
      reasons[backend.name] =
        `speaks Backend specification version ${String(backend.specificationVersion)}, this @albert-ts/core needs ${BACKEND_SPECIFICATION_VERSION}`;
      continue;
    }
    let result;
    try {
      result = await backend.probe();
    } catch (error) {
      // probe() must not throw; treat a broken adapter as unavailable rather than crash the caller.
      reasons[backend.name] = `probe() threw: ${error instanceof Error ? error.message : String(error)}`;
      continue;
    }
    if (result.available) return backend;
    reasons[backend.name] = result.reason;
  }
  const listed = Object.entries(reasons)
    .map(([name, reason]) => `  - ${name}: ${reason}`)
    .join('\n');
  throw new BackendError(
    'BACKEND_UNAVAILABLE',
    `no available backend among ${candidates.map((backend) => backend.name).join(', ')}:\n${listed}`,
    { reasons },
  );
}
