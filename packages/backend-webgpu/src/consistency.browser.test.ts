import { describe } from 'vitest';
import { requiredBackends } from '../../backend-wasm/src/test-support/browser-files.js';
import { defineBrowserConsistencyTests } from '../../backend-wasm/src/test-support/browser-consistency.js';
import { DEFAULT_WEBGPU_BUILD, webgpuBackend, type WebGpuBuild } from './index.js';

const builds: readonly WebGpuBuild[] = (import.meta as unknown as { env: { ALBERT_WEBGPU_BUILDS?: string } }).env
  .ALBERT_WEBGPU_BUILDS
  ? ((import.meta as unknown as { env: { ALBERT_WEBGPU_BUILDS: string } }).env.ALBERT_WEBGPU_BUILDS.split(
      ',',
    ) as WebGpuBuild[])
  : [DEFAULT_WEBGPU_BUILD];

describe.each(builds)(
  'browser-webgpu (%s build) consistency with node-cpu (randomized albert-base-like model)',
  (build) => {
    defineBrowserConsistencyTests(`browser-webgpu[${build}]`, () => webgpuBackend({ build }), {
      required: requiredBackends.split(',').includes('browser-webgpu'),
    });
  },
);
