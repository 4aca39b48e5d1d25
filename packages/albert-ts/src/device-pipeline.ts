import * as pipelines from '@albert-ts/pipelines';
import type {
  LoadedPipelineModel,
  Pipeline,
  PipelineOptions,
  PipelineTask,
  PipelineTaskName,
  PIPELINE_TASK_ALIASES,
} from '@albert-ts/pipelines';
import type { ModelFileSource } from '@albert-ts/core';
import type { DeviceOptions } from './albert-device.js';
import { resolveDeviceOptions, type DeviceFromPretrainedOptions } from './device-models.js';

/** The canonical task of a task name or alias (`'ner'` → `'token-classification'`). */
export type DevicePipelineTask<Name extends PipelineTaskName> = Name extends PipelineTask
  ? Name
  : (typeof PIPELINE_TASK_ALIASES)[Name & keyof typeof PIPELINE_TASK_ALIASES];

/**
 * Options of the device-aware {@link pipeline}: every option of `@albert-ts/pipelines`' `pipeline` (the
 * task's call options, `fromPretrained`'s options, `tokenizer`, `warn`) with `backend` optional, plus
 * `device` and `onDeviceFallback`. Give a `device` or a `backend`, not both.
 */
export type DevicePipelineOptions<Task extends PipelineTask = PipelineTask> = PipelineOptions<Task> & DeviceOptions;

/**
 * `pipeline(task, model)` of `@albert-ts/pipelines` whose model is loaded on `options.device` (default
 * `'auto'`: see `AlbertDevice`) unless `options.backend` is given. An already loaded `{ model, tokenizer }`
 * runs where it was loaded (a `device` is then refused as an unknown option).
 * @throws `BackendError` when no device can run, or for a device and a backend together; the errors of
 *   `@albert-ts/pipelines`' `pipeline` otherwise.
 * @example
 * ```ts
 * import { pipeline } from 'albert-ts';
 *
 * const unmasker = await pipeline('fill-mask', 'albert/albert-base-v2', { device: 'auto' });
 * console.log(await unmasker('The capital of France is [MASK].'));
 * await unmasker.dispose();
 * ```
 */
export async function pipeline<Name extends PipelineTaskName>(
  taskName: Name,
  model: string | ModelFileSource | LoadedPipelineModel,
  options: DevicePipelineOptions<DevicePipelineTask<Name>> = {} as never,
): Promise<Pipeline<DevicePipelineTask<Name>>> {
  const loaded = typeof model === 'object' && model !== null && 'model' in model && 'tokenizer' in model;
  if (loaded) return pipelines.pipeline(taskName, model, options as never) as never;
  const resolved = await resolveDeviceOptions(options as unknown as DeviceFromPretrainedOptions);
  return pipelines.pipeline(taskName, model, resolved as never) as never;
}
