import * as core from '@albert-ts/core';
import {
  BackendError,
  loadAlbertParts,
  type AlbertModelClass,
  type FromPretrainedOptions,
  type ModelFileSource,
} from '@albert-ts/core';
import { selectDevice, type DeviceOptions } from './albert-device.js';

/**
 * Options of the device-aware `fromPretrained`: every option of core's (`revision`, `dtype`, `onProgress`, ...)
 * with `backend` optional, plus `device` and `onDeviceFallback`. Give a `device` or a `backend`, not both.
 */
export interface DeviceFromPretrainedOptions extends Omit<FromPretrainedOptions, 'backend'>, DeviceOptions {
  /** An explicit backend (or candidates); when given, `device` must be absent. */
  readonly backend?: FromPretrainedOptions['backend'];
}

/**
 * Core's options: the backend of `device` (default `'auto'`) when no backend is given.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM, resolveDeviceOptions } from 'albert-ts';
 *
 * // What the device-aware fromPretrained does first: a device becomes a backend (fallbacks reported).
 * const options = await resolveDeviceOptions({ device: 'wasm' });
 * const model = await AlbertForMaskedLM.fromPretrained('./demo-model', options);
 * ```
 */
export async function resolveDeviceOptions(options: DeviceFromPretrainedOptions = {}): Promise<FromPretrainedOptions> {
  const { device, onDeviceFallback, backend, ...rest } = options;
  if (backend !== undefined) {
    if (device !== undefined) {
      throw new BackendError(
        'BACKEND_UNKNOWN_NAME',
        `give either device (${device}) or backend (${Array.isArray(backend) ? 'candidates' : (backend as core.Backend).name}), not both`,
        { field: 'device' },
      );
    }
    return { ...rest, backend };
  }
  const selection = await selectDevice({
    ...(device === undefined ? {} : { device }),
    ...(onDeviceFallback === undefined ? {} : { onDeviceFallback }),
  });
  return { ...rest, backend: selection.backend };
}

/**
 * `AlbertModel` of `@albert-ts/core` (the bare encoder (hidden states and pooled output)) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertModel } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertModel.fromPretrained('./albert-base-v2', { device: 'auto' });
 * const { lastHiddenState } = await model.forward({ inputIds: [[2, 10975, 126, 3]] });
 * console.log(lastHiddenState.shape); // [1, 4, hidden]
 * await model.dispose();
 * ```
 */
export class AlbertModel extends core.AlbertModel {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertModel.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}

/**
 * `AlbertForPreTraining` of `@albert-ts/core` (MLM + sentence-order prediction heads) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertForPreTraining } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertForPreTraining.fromPretrained('./albert-base-v2', { device: 'auto' });
 * const { sopLogits } = await model.forward({ inputIds: [[2, 10975, 3, 126, 3]], tokenTypeIds: [[0, 0, 0, 1, 1]] });
 * console.log(sopLogits.shape); // [1, 2]
 * await model.dispose();
 * ```
 */
export class AlbertForPreTraining extends core.AlbertForPreTraining {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertForPreTraining.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}

/**
 * `AlbertForMaskedLM` of `@albert-ts/core` (the masked-language-model head (`fillMask`)) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertForMaskedLM } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', { device: 'auto' });
 * const result = await model.fillMask('Paris is the [MASK] of France.');
 * console.log(model.backend.name, result.masks[0]?.predictions[0]?.token);
 * await model.dispose();
 * ```
 */
export class AlbertForMaskedLM extends core.AlbertForMaskedLM {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertForMaskedLM.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}

/**
 * `AlbertForSequenceClassification` of `@albert-ts/core` (the sequence classification head) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertForSequenceClassification } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertForSequenceClassification.fromPretrained('./albert-sst2', { device: 'auto' });
 * const { logits } = await model.forward({ inputIds: [[2, 10975, 126, 3]] });
 * console.log(logits.shape); // [1, numLabels]
 * await model.dispose();
 * ```
 */
export class AlbertForSequenceClassification extends core.AlbertForSequenceClassification {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertForSequenceClassification.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}

/**
 * `AlbertForMultipleChoice` of `@albert-ts/core` (the multiple-choice head) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertForMultipleChoice } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertForMultipleChoice.fromPretrained('./albert-swag', { device: 'auto' });
 * // [batch = 1, choices = 2, sequence = 4]
 * const { logits } = await model.forward({ inputIds: [[[2, 10975, 126, 3], [2, 10975, 127, 3]]] });
 * console.log(logits.shape); // [1, 2]
 * await model.dispose();
 * ```
 */
export class AlbertForMultipleChoice extends core.AlbertForMultipleChoice {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertForMultipleChoice.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}

/**
 * `AlbertForTokenClassification` of `@albert-ts/core` (the token classification head) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertForTokenClassification } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertForTokenClassification.fromPretrained('./albert-ner', { device: 'auto' });
 * const { logits } = await model.forward({ inputIds: [[2, 10975, 126, 3]] });
 * console.log(logits.shape); // [1, 4, numLabels]
 * await model.dispose();
 * ```
 */
export class AlbertForTokenClassification extends core.AlbertForTokenClassification {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertForTokenClassification.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}

/**
 * `AlbertForQuestionAnswering` of `@albert-ts/core` (the extractive question-answering head) whose `fromPretrained` also takes a `device`.
 *
 * @example
 * ```ts
 * import { AlbertForQuestionAnswering } from 'albert-ts';
 *
 * // device: 'auto' | 'cpu' | 'cuda' | 'wasm' | 'webgpu' (default 'auto'; each fallback is reported)
 * const model = await AlbertForQuestionAnswering.fromPretrained('./albert-squad', { device: 'auto' });
 * const { startLogits, endLogits } = await model.forward({ inputIds: [[2, 10975, 3, 126, 3]], tokenTypeIds: [[0, 0, 0, 1, 1]] });
 * console.log(startLogits.shape, endLogits.shape); // [1, 5] each
 * await model.dispose();
 * ```
 */
export class AlbertForQuestionAnswering extends core.AlbertForQuestionAnswering {
  /**
   * Loads the model from a directory, a Hub id or a {@link ModelFileSource} on `options.device` (default
   * `'auto'`: see `AlbertDevice`) unless `options.backend` is given.
   *
   * @example
   * ```ts
   * const model = await AlbertForQuestionAnswering.fromPretrained('albert/albert-base-v2', { device: 'auto' });
   * ```
   */
  static override async fromPretrained<T>(
    this: AlbertModelClass<T>,
    dirOrSource: string | ModelFileSource,
    options: DeviceFromPretrainedOptions = {},
  ): Promise<T> {
    return new this(await loadAlbertParts(this.head, dirOrSource, await resolveDeviceOptions(options)));
  }
}
