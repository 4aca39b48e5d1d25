// albert-ts: the public API of @albert-ts/config, @albert-ts/tokenizer and @albert-ts/core in one import,
// with model classes whose fromPretrained takes a device (they shadow core's classes of the same name).
export * from '@albert-ts/config';
export * from '@albert-ts/tokenizer';
export * from '@albert-ts/core';
// TODO(after merge): re-export the task layer here: `export * from '@albert-ts/pipelines';` (pipeline(task, model)),
// and give pipeline() the same `device` option (resolveDeviceOptions).
export * from './albert-device.js';
export {
  AlbertForMaskedLM,
  AlbertForMultipleChoice,
  AlbertForPreTraining,
  AlbertForQuestionAnswering,
  AlbertForSequenceClassification,
  AlbertForTokenClassification,
  AlbertModel,
  resolveDeviceOptions,
  type DeviceFromPretrainedOptions,
} from './device-models.js';
