import { existsSync } from 'node:fs';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// Without a GPU, onnxruntime-node's WebGPU runs on SwiftShader (a software Vulkan driver shipped with
// chromium). Select it for the tests unless the environment already chose a Vulkan driver.
const swiftShader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (process.env['VK_ICD_FILENAMES'] === undefined && existsSync(swiftShader)) env['VK_ICD_FILENAMES'] = swiftShader;

export default mergeConfig(sharedConfig, defineConfig({ test: { env } }));
