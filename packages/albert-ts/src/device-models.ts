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

/** Core's options: the backend of `device` (default `'auto'`) when no backend is given. */
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
