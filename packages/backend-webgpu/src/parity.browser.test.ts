import { defineParitySuite } from '@albert-ts/testing';
import { readFixture, requiredBackends, writeParityReport } from '../../backend-wasm/src/test-support/browser-files.js';
import { DEFAULT_WEBGPU_BUILD, webgpuBackend, type WebGpuBuild } from './index.js';

// The parity suite of @albert-ts/testing, unchanged, on onnxruntime-web's WebGPU in Chromium
// ("browser-webgpu": the default build; SwiftShader where there is no GPU). ALBERT_WEBGPU_BUILDS=jsep,webgpu
// also runs the other build, reported as `browser-webgpu-<build>`. Fixtures come from the Vite dev server.
const requested = (import.meta as unknown as { env: { ALBERT_WEBGPU_BUILDS?: string } }).env.ALBERT_WEBGPU_BUILDS ?? '';
const builds = new Set<WebGpuBuild>([
  DEFAULT_WEBGPU_BUILD,
  ...(requested.split(',').filter((build) => build === 'jsep' || build === 'webgpu') as WebGpuBuild[]),
]);

for (const build of builds) {
  const backendName = build === DEFAULT_WEBGPU_BUILD ? 'browser-webgpu' : `browser-webgpu-${build}`;
  defineParitySuite({
    backendName,
    createBackend: () => webgpuBackend({ build }),
    readFixture,
    graphFlavours: ['plain', 'fused'],
    requiredBackends: requiredBackends.split(',').map((name) => name.trim()),
    onReport: (rows) => writeParityReport(backendName, rows),
  });
}
