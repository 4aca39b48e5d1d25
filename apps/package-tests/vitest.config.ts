import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// One long job: pack, install with npm, run, bundle, check. Its steps share the installed project.
export default mergeConfig(sharedConfig, defineConfig({ test: { testTimeout: 300_000, hookTimeout: 600_000 } }));
